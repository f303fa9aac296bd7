// Key-value cursors on SQLite.
import type { SqliteDatabase } from "./sqlite-database.js";

export class SqliteKvStorage {
  readonly #database: SqliteDatabase;
  readonly #s;

  constructor(database: SqliteDatabase) {
    this.#database = database;
    this.#s = database.prepared((db) => ({
      getKv: db.prepare("SELECT value FROM kvs WHERE key = ?"),
      setKv: db.prepare("INSERT INTO kvs (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
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

  async setKv(values: Readonly<Record<string, string>>): Promise<void> {
    const s = this.#s();
    this.#database.raw.transaction(() => {
      for (const [key, value] of Object.entries(values)) s.setKv.run(key, value);
    })();
  }
}
