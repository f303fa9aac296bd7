// Runs and their tags on SQLite. Run statuses move with their lifecycle events (sqlite-event-log-storage.ts).
import type { NewRun, RunRecord, RunsFilter } from "../storage.js";
import { decodeRun, encodeRunBody, type RunRow } from "../storage-rows.js";
import type { SqliteDatabase } from "./sqlite-database.js";

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
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.runIds) {
      if (filter.runIds.length === 0) return [];
      where.push(`run_id IN (${filter.runIds.map(() => "?").join(",")})`);
      params.push(...filter.runIds);
    }
    if (filter.statuses) {
      if (filter.statuses.length === 0) return [];
      where.push(`status IN (${filter.statuses.map(() => "?").join(",")})`);
      params.push(...filter.statuses);
    }
    if (filter.jobName !== undefined) {
      where.push("job_name = ?");
      params.push(filter.jobName);
    }
    for (const [key, value] of Object.entries(filter.tags ?? {})) {
      where.push("run_id IN (SELECT run_id FROM run_tags WHERE key = ? AND value = ?)");
      params.push(key, value);
    }
    if (filter.cursor !== undefined) {
      where.push("id < (SELECT id FROM runs WHERE run_id = ?)");
      params.push(filter.cursor);
    }
    const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC${filter.limit !== undefined ? " LIMIT ?" : ""}`;
    if (filter.limit !== undefined) params.push(filter.limit);
    return (db.prepare(sql).all(...params) as RunRow[]).map(decodeRun);
  }

  /** The run, its tags and its events, together or not at all. */
  async deleteRun(runId: string): Promise<void> {
    const s = this.#s();
    this.#database.raw.transaction(() => {
      s.deleteRunEvents.run(runId);
      s.deleteRunTags.run(runId);
      s.deleteRun.run(runId);
    })();
  }
}
