// Runs and their tags on PostgreSQL. Run statuses move with their lifecycle events (postgres-store-events.ts).
import type { IdPrefixMatches, NewRun, RunRecord, RunsFilter } from "../storage.js";
import { decodeRun, encodeRunBody, type RunRow } from "../storage-rows.js";
import { COUNT_EVENT_DELETION_SQL, idPrefixQuery, reindexAfterRunDeletedSql, runsQuery } from "../sql-filters.js";
import { LOCK_EVENTS, POSTGRES_DIALECT, type PostgresDatabase } from "./postgres-database.js";

export class PostgresRunStorage {
  readonly #database: PostgresDatabase;

  constructor(database: PostgresDatabase) {
    this.#database = database;
  }

  async addRun(run: NewRun): Promise<RunRecord> {
    const tags = Object.entries(run.tags);
    // One statement: the run and its tags are written together or not at all.
    const rows = await this.#database.query<RunRow>(
      `WITH run AS (
         INSERT INTO runs (run_id, job_name, status, partition_key, backfill_id, parent_run_id, root_run_id, create_time, update_time, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING *
       ), tags AS (
         INSERT INTO run_tags (run_id, key, value) SELECT $1::text, k, v FROM unnest($10::text[], $11::text[]) AS t(k, v)
       )
       SELECT * FROM run`,
      [
        run.runId,
        run.jobName,
        run.status,
        run.partitionKey ?? null,
        run.backfillId ?? null,
        run.parentRunId ?? null,
        run.rootRunId ?? null,
        run.createTime,
        encodeRunBody(run),
        tags.map(([k]) => k),
        tags.map(([, v]) => v),
      ],
      "tessera_add_run",
    );
    return decodeRun(rows[0] as RunRow);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const [row] = await this.#database.query<RunRow>("SELECT * FROM runs WHERE run_id = $1", [runId], "tessera_get_run");
    return row ? decodeRun(row) : undefined;
  }

  async getRuns(filter: RunsFilter = {}): Promise<RunRecord[]> {
    const params: unknown[] = [];
    const sql = runsQuery(filter, POSTGRES_DIALECT, params);
    if (sql === undefined) return [];
    const limit = filter.limit !== undefined && filter.limit >= 0 ? ` LIMIT ${POSTGRES_DIALECT.param(params, filter.limit)}` : "";
    return (await this.#database.query<RunRow>(sql + limit, params)).map(decodeRun);
  }

  async runIds(prefix: string, options: { limit?: number } = {}): Promise<IdPrefixMatches> {
    return postgresIdPrefixMatches(this.#database, "runs", "run_id", prefix, options.limit);
  }

  /**
   * The run, its tags and its events, together or not at all; the assets it had events of are indexed again from
   * the events that remain, and the deletion is counted for the readers that keep facts built from events. Under the
   * events lock, as an append is, so that no append indexes its asset in between.
   */
  async deleteRun(runId: string): Promise<void> {
    await this.#database.transaction(async (client) => {
      const { rows } = await client.query<{ asset_key: string }>(
        `WITH events AS (DELETE FROM event_logs WHERE run_id = $1 RETURNING asset_key), tags AS (DELETE FROM run_tags WHERE run_id = $1),
           run AS (DELETE FROM runs WHERE run_id = $1)
         SELECT DISTINCT asset_key FROM events WHERE asset_key IS NOT NULL`,
        [runId],
      );
      if (rows.length === 0) return;
      // A statement of its own: the one above does not see its own deletions.
      await client.query(reindexAfterRunDeletedSql("asset_key = ANY($1::text[])"), [rows.map((r) => r.asset_key)]);
      await client.query(COUNT_EVENT_DELETION_SQL);
    }, `BEGIN; SELECT pg_advisory_xact_lock(${LOCK_EVENTS}, ${this.#database.schemaKey})`);
  }
}

/** `Storage.runIds` and `Storage.backfillIds` on PostgreSQL: the shared prefix query with its LIMIT (at least 1). */
export async function postgresIdPrefixMatches(database: PostgresDatabase, table: string, column: string, prefix: string, limit = 10): Promise<IdPrefixMatches> {
  const params: unknown[] = [];
  const sql = `${idPrefixQuery(table, column, prefix, POSTGRES_DIALECT, params)} LIMIT ${POSTGRES_DIALECT.param(params, Math.max(1, limit))}`;
  const rows = await database.query<{ id: string; total: string | number }>(sql, params);
  return { ids: rows.map((r) => r.id), total: Number(rows[0]?.total ?? 0) };
}
