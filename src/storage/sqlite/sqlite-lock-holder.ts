// Which process holds a SQLite instance's write lock, for the error a writer gets once its busy timeout has run out.
// SQLite in WAL mode takes its write lock as a POSIX byte-range lock on the `-shm` file, which Linux lists in
// /proc/locks with the holder's pid; elsewhere nothing names the holder and the error says how to find it.
import { readFileSync, statSync } from "node:fs";

/** The WAL write lock is the first of SQLite's shared-memory locks, which start at this byte of the `-shm` file. */
const WAL_WRITE_LOCK_BYTE = 120;

/** The pids (other than this process) holding the write lock of the SQLite file at `path`; empty when unknown. */
export function sqliteWriteLockHolders(path: string, procLocks = "/proc/locks"): number[] {
  let device: string;
  let inode: number;
  let locks: string;
  try {
    const shm = statSync(`${path}-shm`);
    // /proc/locks prints the device as major:minor in hex.
    const major = (shm.dev >>> 8) & 0xfff;
    const minor = (shm.dev & 0xff) | ((shm.dev >>> 12) & 0xfff00);
    device = `${major.toString(16).padStart(2, "0")}:${minor.toString(16).padStart(2, "0")}`;
    inode = shm.ino;
    locks = readFileSync(procLocks, "utf8");
  } catch {
    return [];
  }
  return parseWriteLockHolders(locks, device, inode).filter((pid) => pid !== process.pid);
}

/** The holders of the WAL write lock among /proc/locks' lines (waiters, marked `->`, are not holders). */
export function parseWriteLockHolders(procLocks: string, device: string, inode: number): number[] {
  const holders = new Set<number>();
  for (const line of procLocks.split("\n")) {
    if (line.includes("->")) continue;
    const [, kind, , access, pid, file, start] = line.trim().split(/\s+/);
    if (kind !== "POSIX" || access !== "WRITE" || file !== `${device}:${inode}`) continue;
    if (Number(start) === WAL_WRITE_LOCK_BYTE) holders.add(Number(pid));
  }
  return [...holders];
}
