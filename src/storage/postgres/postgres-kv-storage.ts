// Key-value cursors on PostgreSQL: each call one statement, whatever the number of keys.
import type { PostgresDatabase } from "./postgres-database.js";

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

  async setKv(values: Readonly<Record<string, string>>): Promise<void> {
    const entries = Object.entries(values);
    if (entries.length === 0) return;
    await this.#database.query(
      `INSERT INTO kvs (key, value) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [entries.map(([k]) => k), entries.map(([, v]) => v)],
      "tessera_set_kv",
    );
  }
}
