// Leases on PostgreSQL: one holder of a named role (the daemon) across processes and hosts.
import type { LeaseRecord } from "../storage.js";
import { decodeLease, type LeaseRow } from "../storage-rows.js";
import type { PostgresDatabase } from "./postgres-database.js";

export class PostgresLeaseStorage {
  readonly #database: PostgresDatabase;

  constructor(database: PostgresDatabase) {
    this.#database = database;
  }

  async acquireLease(name: string, holder: string, now: number, ttlMs: number, info: Readonly<Record<string, unknown>> = {}): Promise<LeaseRecord> {
    // A conditional upsert is atomic under concurrent writers; a lease it did not take is read back.
    const [row] = await this.#database.query<LeaseRow>(
      `WITH taken AS (
         INSERT INTO leases (name, holder, acquired_at, expires_at, info) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, info = excluded.info,
           acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END
         WHERE leases.holder = excluded.holder OR leases.expires_at <= excluded.acquired_at
         RETURNING *
       )
       SELECT * FROM taken UNION ALL SELECT * FROM leases WHERE name = $1 AND NOT EXISTS (SELECT 1 FROM taken)`,
      [name, holder, now, now + ttlMs, JSON.stringify(info)],
      "tessera_acquire_lease",
    );
    if (row) return decodeLease(row);
    // Released between the attempt and the read: try once more.
    return this.acquireLease(name, holder, now, ttlMs, info);
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.#database.query("DELETE FROM leases WHERE name = $1 AND holder = $2", [name, holder], "tessera_release_lease");
  }

  async getLease(name: string): Promise<LeaseRecord | undefined> {
    const [row] = await this.#database.query<LeaseRow>("SELECT * FROM leases WHERE name = $1", [name], "tessera_get_lease");
    return row ? decodeLease(row) : undefined;
  }
}
