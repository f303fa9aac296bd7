// Key-value cursors on SQLite.
import { LeaseLostError } from "../../core/index.js";
import type { StoreEventsOptions } from "../storage.js";
import { leaseLostDetail } from "../storage-rows.js";
import type { SqliteDatabase } from "./sqlite-database.js";

export class SqliteKvStorage {
  readonly #database: SqliteDatabase;
  readonly #s;

  constructor(database: SqliteDatabase) {
    this.#database = database;
    this.#s = database.prepared((db) => ({
      getKv: db.prepare("SELECT value FROM kvs WHERE key = ?"),
      setKv: db.prepare("INSERT INTO kvs (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
      leaseOf: db.prepare("SELECT holder, expires_at FROM leases WHERE name = ?"),
    }));
  }

  async getKv(keys: readonly string[]): Promise<Record<string, string>> {
    const s = this.#s();
    const out: Record<string, string> = {};
    for (const key of keys) {
      const row = s.getKv.get(key) as { value: string } | undefined;
      if (row) out[key] = row.value;
    }
    return out;
  }

  async setKv(values: Readonly<Record<string, string>>, options: StoreEventsOptions = {}): Promise<void> {
    const s = this.#s();
    const { fence } = options;
    // The fence is checked in the write transaction, as for events: no lease can pass between the check and the write.
    this.#database.raw.transaction(() => {
      if (fence) {
        const lease = s.leaseOf.get(fence.lease) as { holder: string; expires_at: number } | undefined;
        if (!lease || lease.holder !== fence.holder || lease.expires_at <= fence.now) {
          throw new LeaseLostError(fence.lease, fence.holder, leaseLostDetail(lease, fence.holder, fence.now));
        }
      }
      for (const [key, value] of Object.entries(values)) s.setKv.run(key, value);
    })();
  }
}
