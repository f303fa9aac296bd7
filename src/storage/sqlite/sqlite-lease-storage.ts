// Leases on SQLite: one holder of a named role (the daemon) across processes.
import type { LeaseRecord } from "../storage.js";
import { decodeLease, type LeaseRow } from "../storage-rows.js";
import type { SqliteDatabase } from "./sqlite-database.js";

export class SqliteLeaseStorage {
  readonly #s;

  constructor(database: SqliteDatabase) {
    this.#s = database.prepared((db) => ({
      acquireLease: db.prepare(
        `INSERT INTO leases (name, holder, acquired_at, expires_at, info) VALUES (@name, @holder, @now, @expires, @info)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, info = excluded.info,
           acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END
         WHERE leases.holder = excluded.holder OR leases.expires_at <= excluded.acquired_at`,
      ),
      releaseLease: db.prepare("DELETE FROM leases WHERE name = ? AND holder = ?"),
      getLease: db.prepare("SELECT * FROM leases WHERE name = ?"),
    }));
  }

  async acquireLease(name: string, holder: string, now: number, ttlMs: number, info: Readonly<Record<string, unknown>> = {}): Promise<LeaseRecord> {
    const s = this.#s();
    // One statement: the conditional upsert is atomic against other processes' writers.
    s.acquireLease.run({ name, holder, now, expires: now + ttlMs, info: JSON.stringify(info) });
    return decodeLease(s.getLease.get(name) as LeaseRow);
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    this.#s().releaseLease.run(name, holder);
  }

  async getLease(name: string): Promise<LeaseRecord | undefined> {
    const row = this.#s().getLease.get(name) as LeaseRow | undefined;
    return row ? decodeLease(row) : undefined;
  }
}
