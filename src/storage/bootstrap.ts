// What every backend does on opening an instance, written once so that SQLite and PostgreSQL refuse
// the same things with the same words: tables that are not Tessera's, a schema too old or too new,
// and any use after close.
import { InstanceError } from "../core/index.js";

/** The `app` row of tessera_meta: it tells a Tessera instance from another application's tables that happen to be there. */
export const APP_ID = "tessera";

/**
 * The one table that exists before any migration, identical on every backend: the migrations record
 * their version in it, so it cannot itself be created by one.
 */
export const META_TABLE_SQL = "CREATE TABLE tessera_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)";

/** How a backend words the shared refusals: where the instance is and how to point Tessera elsewhere. */
export interface InstanceWording {
  /** The path or password-free URL that errors name. */
  readonly location: string;
  /** What to back up before migrating ("file", "database"). */
  readonly backup: string;
  /** The message for existing tables without tessera_meta. */
  foreignTables(tables: readonly string[]): string;
  /** The message for a tessera_meta that another application wrote. */
  readonly foreignMeta: string;
}

export function latestVersion(migrations: readonly { readonly version: number }[]): number {
  return Math.max(0, ...migrations.map((m) => m.version));
}

/** The migrations a migrate from `from` applies, in version order whatever order they were given in. */
export function migrationsAfter<M extends { readonly version: number }>(migrations: readonly M[], from: number): M[] {
  return [...migrations].sort((a, b) => a.version - b.version).filter((m) => m.version > from);
}

/** Refuses a non-empty database or schema that has tables but no tessera_meta, before touching anything. */
export function assertTesseraTables(tables: readonly string[], wording: InstanceWording): void {
  if (!tables.includes("tessera_meta")) throw new InstanceError("FOREIGN_DATABASE", wording.location, wording.foreignTables(tables));
}

/**
 * The schema version recorded in tessera_meta, once it is known to be one this code may open: a newer
 * one is refused outright (its tables may mean something else), an older one needs `tessera instance
 * migrate` unless the caller opens it only to migrate.
 */
export function checkSchemaVersion(
  meta: ReadonlyMap<string, string>,
  latest: number,
  allowOldSchema: boolean,
  wording: InstanceWording,
): number {
  const { location } = wording;
  if (meta.get("app") !== APP_ID) throw new InstanceError("FOREIGN_DATABASE", location, wording.foreignMeta);
  const version = Number(meta.get("schema_version"));
  if (version > latest) {
    throw new InstanceError(
      "SCHEMA_TOO_NEW",
      location,
      `The instance at ${location} has schema version ${version}, newer than this Tessera knows (${latest}). ` +
        `It was written by a newer Tessera: upgrade Tessera to open it. Nothing was changed.`,
    );
  }
  if (version < latest && !allowOldSchema) {
    throw new InstanceError(
      "MIGRATION_REQUIRED",
      location,
      `The instance at ${location} has schema version ${version}; this Tessera needs ${latest}. ` +
        `Run \`tessera instance migrate\` to upgrade it (back up the ${wording.backup} first if you may go back to an older Tessera).`,
    );
  }
  return version;
}

/** Data calls on a storage opened with allowOldSchema: its tables may lack what the queries read, so only migrate is allowed. */
export function requireCurrentSchema(version: number, latest: number, location: string): void {
  if (version < latest) {
    throw new InstanceError("MIGRATION_REQUIRED", location, `The instance at ${location} needs \`tessera instance migrate\` before use.`);
  }
}

export function closedError(location: string): InstanceError {
  return new InstanceError("INSTANCE_CLOSED", location, "This instance has been closed; open it again to use it.");
}

/**
 * Whether a storage has been closed. A closed driver fails with its own, less helpful error (or, for a
 * pool, may even reconnect), so every data call asks this first.
 */
export class ClosedGuard {
  #closed = false;

  constructor(readonly location: string) {}

  get closed(): boolean {
    return this.#closed;
  }

  /** Marks the storage closed; false when it already was, so that a second close does nothing. */
  close(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    return true;
  }

  check(): void {
    if (this.#closed) throw closedError(this.location);
  }
}
