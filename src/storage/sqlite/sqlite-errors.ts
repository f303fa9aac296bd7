// SQLite's failures of the file itself (corrupt, disk full, read-only, locked by another writer too long) as typed
// errors naming the file and the fix.
import { InstanceError } from "../../core/index.js";
import { sqliteWriteLockHolders } from "./sqlite-lock-holder.js";

/** The typed error for a SQLite failure of the file, or undefined for any other error. */
export function sqliteFileError(error: unknown, path: string, integrity?: () => string): InstanceError | undefined {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== "string" || !code.startsWith("SQLITE_")) return undefined;
  const detail = (error as Error).message;
  if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB") {
    let check = "";
    try {
      check = integrity ? `; integrity check: ${integrity()}` : "";
    } catch {
      // The check itself may fail on a badly damaged file; the error already says enough.
    }
    return new InstanceError(
      "CORRUPT_INSTANCE",
      path,
      `The instance database ${path} is corrupt (${detail}${check}). Tessera stopped writing to it. ` +
        `Restore it from a backup, or move it aside (keep it for recovery) and point TESSERA_HOME at a new folder; asset values under storage/ are not in this file.`,
      { cause: error },
    );
  }
  if (code === "SQLITE_FULL" || (code.startsWith("SQLITE_IOERR") && /disk|space|full/i.test(detail))) {
    return new InstanceError("INSTANCE_DISK_FULL", path, `The disk holding the instance database ${path} is full (${detail}). Free space on it, then run the command again.`, { cause: error });
  }
  if (code.startsWith("SQLITE_READONLY") || code === "SQLITE_CANTOPEN" || code === "SQLITE_PERM") {
    return new InstanceError(
      "INSTANCE_READ_ONLY",
      path,
      `The instance database ${path} cannot be written (${detail}): its folder or file is read-only for this user. Make ${path} and its folder writable, or point TESSERA_HOME at a writable folder.`,
      { cause: error },
    );
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    const holders = sqliteWriteLockHolders(path);
    const who = holders.length > 0 ? `process ${holders.join(", ")} holds its write lock` : `find the holder with: fuser ${path} ${path}-wal ${path}-shm`;
    return new InstanceError(
      "INSTANCE_LOCKED",
      path,
      `The instance database ${path} stayed locked by another writer past the busy timeout (${detail}); ${who}. ` +
        `A SQLite instance has one writer at a time, so a process stopped or hung inside a write (Ctrl-Z, SIGSTOP, a debugger) holds off every other: ` +
        `resume it (kill -CONT <pid>) or end it, then run the command again. Nothing was written by this call. For many concurrent writers, use PostgreSQL storage.`,
      { cause: error },
    );
  }
  return undefined;
}

/**
 * The storage, with every method's SQLite file failures turned into typed errors. After a corrupt-file error
 * every later call is refused at once: writing more into a malformed database can only spread the damage.
 */
export function withSqliteFileErrors<T extends object>(target: T, path: string, integrity: () => string): T {
  let corrupt: InstanceError | undefined;
  const translate = (error: unknown): never => {
    const typed = sqliteFileError(error, path, corrupt ? undefined : integrity);
    if (typed?.code === "CORRUPT_INSTANCE") corrupt ??= typed;
    throw typed ?? error;
  };
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(obj, property) {
      const value: unknown = Reflect.get(obj, property, obj);
      if (typeof value !== "function") return value;
      let fn = wrapped.get(property);
      if (!fn) {
        const method = value as (...args: unknown[]) => unknown;
        fn = (...args: unknown[]): unknown => {
          // Every Storage method returns a promise: refuse as a rejection, as the call would have failed.
          if (corrupt && property !== "close") return Promise.reject(corrupt);
          let result: unknown;
          try {
            // The target as `this`: its private fields are not reachable through the proxy.
            result = method.apply(obj, args);
          } catch (error) {
            return translate(error);
          }
          return result instanceof Promise ? result.catch(translate) : result;
        };
        wrapped.set(property, fn);
      }
      return fn;
    },
  });
}
