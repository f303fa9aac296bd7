// Runs and their tags on SQLite. Run statuses move with their lifecycle events (sqlite-event-log-storage.ts).
import type { IdPrefixMatches, NewRun, RunRecord, RunsFilter } from "../storage.js";
import { decodeRun, encodeRunBody, type RunRow } from "../storage-rows.js";
import { COUNT_EVENT_DELETION_SQL, idPrefixQuery, reindexAfterRunDeletedSql, runsQuery } from "../sql-filters.js";
import { SQLITE_DIALECT, type SqliteDatabase } from "./sqlite-database.js";

export class SqliteRunStorage {
  readonly #database: SqliteDatabase;
  readonly #s;

  constructor(database: SqliteDatabase) {
    this.#database = database;
    this.#s = database.prepared((db) => ({
      insertRun: db.prepare(
        `INSERT INTO runs (run_id, job_name, status, partition_key, backfill_id, parent_run_id, root_run_id, create_time, update_time, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertRunTag: db.prepare("INSERT INTO run_tags (run_id, key, value) VALUES (?, ?, ?)"),
      getRun: db.prepare("SELECT * FROM runs WHERE run_id = ?"),
      deleteRun: db.prepare("DELETE FROM runs WHERE run_id = ?"),
      deleteRunTags: db.prepare("DELETE FROM run_tags WHERE run_id = ?"),
      deleteRunEvents: db.prepare("DELETE FROM event_logs WHERE run_id = ?"),
      assetsOfRun: db.prepare("SELECT DISTINCT asset_key FROM event_logs WHERE run_id = ? AND asset_key IS NOT NULL"),
      reindexAsset: db.prepare(reindexAfterRunDeletedSql("asset_key = ?")),
      countDeletion: db.prepare(COUNT_EVENT_DELETION_SQL),
    }));
  }

  async addRun(run: NewRun): Promise<RunRecord> {
    const s = this.#s();
    this.#database.raw.transaction(() => {
      s.insertRun.run(
        run.runId,
        run.jobName,
        run.status,
        run.partitionKey ?? null,
        run.backfillId ?? null,
        run.parentRunId ?? null,
        run.rootRunId ?? null,
        run.createTime,
        run.createTime,
        encodeRunBody(run),
      );
      for (const [key, value] of Object.entries(run.tags)) s.insertRunTag.run(run.runId, key, value);
    })();
    return (await this.getRun(run.runId)) as RunRecord;
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const row = this.#s().getRun.get(runId) as RunRow | undefined;
    return row ? decodeRun(row) : undefined;
  }

  async getRuns(filter: RunsFilter = {}): Promise<RunRecord[]> {
    const db = this.#database.use();
    const params: unknown[] = [];
    const sql = runsQuery(filter, SQLITE_DIALECT, params);
    if (sql === undefined) return [];
    const limit = filter.limit !== undefined ? ` LIMIT ${SQLITE_DIALECT.param(params, filter.limit)}` : "";
    return (db.prepare(sql + limit).all(...params) as RunRow[]).map(decodeRun);
  }

  async runIds(prefix: string, options: { limit?: number } = {}): Promise<IdPrefixMatches> {
    return sqliteIdPrefixMatches(this.#database, "runs", "run_id", prefix, options.limit);
  }

  /**
   * The run, its tags and its events, together or not at all; the assets it had events of are indexed again from
   * the events that remain, and the deletion is counted for the readers that keep facts built from events.
   */
  async deleteRun(runId: string): Promise<void> {
    const s = this.#s();
    this.#database.raw.transaction(() => {
      const assets = (s.assetsOfRun.all(runId) as { asset_key: string }[]).map((r) => r.asset_key);
      s.deleteRunEvents.run(runId);
      s.deleteRunTags.run(runId);
      s.deleteRun.run(runId);
      for (const key of assets) s.reindexAsset.run(key);
      if (assets.length > 0) s.countDeletion.run();
    })();
  }
}

/** `Storage.runIds` and `Storage.backfillIds` on SQLite: the shared prefix query with its LIMIT (at least 1). */
export function sqliteIdPrefixMatches(database: SqliteDatabase, table: string, column: string, prefix: string, limit = 10): IdPrefixMatches {
  const params: unknown[] = [];
  const sql = `${idPrefixQuery(table, column, prefix, SQLITE_DIALECT, params)} LIMIT ${SQLITE_DIALECT.param(params, Math.max(1, limit))}`;
  const rows = database.use().prepare(sql).all(...params) as { id: string; total: number }[];
  return { ids: rows.map((r) => r.id), total: Number(rows[0]?.total ?? 0) };
}
