// Backfills on SQLite.
import type { BackfillRecord, BackfillStatus, IdPrefixMatches } from "../storage.js";
import { decodeBackfill, encodeBackfillBody, type BackfillRow } from "../storage-rows.js";
import type { SqliteDatabase } from "./sqlite-database.js";
import { sqliteIdPrefixMatches } from "./sqlite-run-storage.js";

export class SqliteBackfillStorage {
  readonly #database: SqliteDatabase;
  readonly #s;

  constructor(database: SqliteDatabase) {
    this.#database = database;
    this.#s = database.prepared((db) => ({
      addBackfill: db.prepare("INSERT INTO backfills (backfill_id, status, create_time, update_time, body) VALUES (?, ?, ?, ?, ?)"),
      updateBackfill: db.prepare("UPDATE backfills SET status = ?, update_time = ?, body = ? WHERE backfill_id = ?"),
      getBackfill: db.prepare("SELECT * FROM backfills WHERE backfill_id = ?"),
    }));
  }

  async addBackfill(backfill: BackfillRecord): Promise<void> {
    this.#s().addBackfill.run(backfill.backfillId, backfill.status, backfill.createTime, backfill.updateTime, encodeBackfillBody(backfill));
  }

  async updateBackfill(backfill: BackfillRecord): Promise<void> {
    this.#s().updateBackfill.run(backfill.status, backfill.updateTime, encodeBackfillBody(backfill), backfill.backfillId);
  }

  async getBackfill(backfillId: string): Promise<BackfillRecord | undefined> {
    const row = this.#s().getBackfill.get(backfillId) as BackfillRow | undefined;
    return row ? decodeBackfill(row) : undefined;
  }

  async getBackfills(filter: { statuses?: readonly BackfillStatus[]; limit?: number } = {}): Promise<BackfillRecord[]> {
    const db = this.#database.use();
    if (filter.statuses && filter.statuses.length === 0) return [];
    const where = filter.statuses ? `WHERE status IN (${filter.statuses.map(() => "?").join(",")})` : "";
    const params: unknown[] = [...(filter.statuses ?? [])];
    let sql = `SELECT * FROM backfills ${where} ORDER BY create_time DESC, rowid DESC`;
    if (filter.limit !== undefined) {
      sql += " LIMIT ?";
      params.push(filter.limit);
    }
    return (db.prepare(sql).all(...params) as BackfillRow[]).map(decodeBackfill);
  }

  async backfillIds(prefix: string, options: { limit?: number } = {}): Promise<IdPrefixMatches> {
    return sqliteIdPrefixMatches(this.#database, "backfills", "backfill_id", prefix, options.limit);
  }
}
