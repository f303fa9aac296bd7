// Backfills on PostgreSQL.
import type { BackfillRecord, BackfillStatus, IdPrefixMatches } from "../storage.js";
import { decodeBackfill, encodeBackfillBody, type BackfillRow } from "../storage-rows.js";
import type { PostgresDatabase } from "./postgres-database.js";
import { postgresIdPrefixMatches } from "./postgres-run-storage.js";

export class PostgresBackfillStorage {
  readonly #database: PostgresDatabase;

  constructor(database: PostgresDatabase) {
    this.#database = database;
  }

  async addBackfill(backfill: BackfillRecord): Promise<void> {
    await this.#database.query(
      "INSERT INTO backfills (backfill_id, status, create_time, update_time, body) VALUES ($1, $2, $3, $4, $5)",
      [backfill.backfillId, backfill.status, backfill.createTime, backfill.updateTime, encodeBackfillBody(backfill)],
      "tessera_add_backfill",
    );
  }

  async updateBackfill(backfill: BackfillRecord): Promise<void> {
    await this.#database.query(
      "UPDATE backfills SET status = $1, update_time = $2, body = $3 WHERE backfill_id = $4",
      [backfill.status, backfill.updateTime, encodeBackfillBody(backfill), backfill.backfillId],
      "tessera_update_backfill",
    );
  }

  async getBackfill(backfillId: string): Promise<BackfillRecord | undefined> {
    const [row] = await this.#database.query<BackfillRow>("SELECT * FROM backfills WHERE backfill_id = $1", [backfillId], "tessera_get_backfill");
    return row ? decodeBackfill(row) : undefined;
  }

  async getBackfills(filter: { statuses?: readonly BackfillStatus[]; limit?: number } = {}): Promise<BackfillRecord[]> {
    if (filter.statuses && filter.statuses.length === 0) return [];
    const params: unknown[] = [];
    let sql = "SELECT * FROM backfills";
    if (filter.statuses) {
      params.push(filter.statuses);
      sql += " WHERE status = ANY($1::text[])";
    }
    sql += " ORDER BY create_time DESC, backfill_id DESC";
    if (filter.limit !== undefined) {
      params.push(filter.limit);
      sql += ` LIMIT $${params.length}`;
    }
    return (await this.#database.query<BackfillRow>(sql, params)).map(decodeBackfill);
  }

  async backfillIds(prefix: string, options: { limit?: number } = {}): Promise<IdPrefixMatches> {
    return postgresIdPrefixMatches(this.#database, "backfills", "backfill_id", prefix, options.limit);
  }
}
