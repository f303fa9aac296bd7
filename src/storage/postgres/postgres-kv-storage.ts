// Key-value cursors on PostgreSQL: each call one statement, whatever the number of keys.
import { LeaseLostError } from "../../core/index.js";
import type { StoreEventsOptions } from "../storage.js";
import { leaseLostDetail } from "../storage-rows.js";
import type { PostgresDatabase } from "./postgres-database.js";

// A fenced write: the lease row is read FOR SHARE in the statement that writes, so none can take it in between.
const FENCED_SET_KV_SQL = `
WITH fence_lease AS MATERIALIZED (SELECT holder, expires_at FROM leases WHERE name = $3::text FOR SHARE),
guard AS MATERIALIZED (SELECT EXISTS (SELECT 1 FROM fence_lease WHERE holder = $4::text AND expires_at > $5::float8) AS fence_ok),
written AS (
  INSERT INTO kvs (key, value) SELECT x.k, x.v FROM guard CROSS JOIN unnest($1::text[], $2::text[]) AS x(k, v) WHERE guard.fence_ok
  ON CONFLICT (key) DO UPDATE SET value = excluded.value
  RETURNING 1
)
SELECT guard.fence_ok, (SELECT holder FROM fence_lease) AS lease_holder, (SELECT expires_at FROM fence_lease) AS lease_expires, (SELECT count(*) FROM written) AS written
FROM guard`;

export class PostgresKvStorage {
  readonly #database: PostgresDatabase;

  constructor(database: PostgresDatabase) {
    this.#database = database;
  }

  async getKv(keys: readonly string[]): Promise<Record<string, string>> {
    if (keys.length === 0) return {};
    const rows = await this.#database.query<{ key: string; value: string }>("SELECT key, value FROM kvs WHERE key = ANY($1::text[])", [keys], "tessera_get_kv");
    const found = new Map(rows.map((r) => [r.key, r.value]));
    const out: Record<string, string> = {};
    for (const key of keys) {
      const value = found.get(key);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }

  async setKv(values: Readonly<Record<string, string>>, options: StoreEventsOptions = {}): Promise<void> {
    const entries = Object.entries(values);
    if (entries.length === 0) return;
    const { fence } = options;
    if (fence) {
      const [result] = await this.#database.query<{ fence_ok: boolean; lease_holder: string | null; lease_expires: number | null }>(
        FENCED_SET_KV_SQL,
        [entries.map(([k]) => k), entries.map(([, v]) => v), fence.lease, fence.holder, fence.now],
        "tessera_set_kv_fenced",
      );
      if (!result?.fence_ok) {
        const lease = result?.lease_holder == null ? undefined : { holder: result.lease_holder, expires_at: Number(result.lease_expires) };
        throw new LeaseLostError(fence.lease, fence.holder, leaseLostDetail(lease, fence.holder, fence.now));
      }
      return;
    }
    await this.#database.query(
      `INSERT INTO kvs (key, value) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [entries.map(([k]) => k), entries.map(([, v]) => v)],
      "tessera_set_kv",
    );
  }
}
