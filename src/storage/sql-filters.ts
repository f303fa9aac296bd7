// The filtered reads of the Storage interface, written once for both SQL backends: which runs, events
// and ticks a filter selects is part of the contract (conformance.ts), so it must not differ between
// them. Each backend supplies its dialect and adds its own LIMIT (PostgreSQL refuses a negative one
// where SQLite reads it as no limit).
import { AssetKey, type EventType } from "../core/index.js";
import type { EventLogChanges, EventRecordsFilter, RunsFilter, TicksFilter } from "./storage.js";

/** The little that differs between the dialects' filters: how a parameter is written. */
export interface SqlDialect {
  /** Adds `value` to `params` and returns its placeholder. */
  param(params: unknown[], value: unknown): string;
  /** `column` is one of `values` (never empty). */
  oneOf(params: unknown[], column: string, values: readonly string[]): string;
  /** `column` for ORDER BY in byte order, whatever the database's collation. */
  byteOrder(column: string): string;
}

/** `prefix` as a LIKE pattern matching the text that starts with it literally: `%`, `_` and `\` escaped with `\`. */
export function likePrefixPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The ids of `column` in `table` that start with `prefix` (literally and case-sensitively: SQLite's LIKE ignores
 * ASCII case, so the match is checked again with substr), in byte order, with the count of all matches as `total`
 * on every row. The LIMIT is the caller's; the window count is taken before it.
 */
export function idPrefixQuery(table: string, column: string, prefix: string, d: SqlDialect, params: unknown[]): string {
  const pattern = d.param(params, likePrefixPattern(prefix));
  const literal = d.param(params, prefix);
  const again = d.param(params, prefix);
  return (
    `SELECT ${column} AS id, COUNT(*) OVER () AS total FROM ${table} ` +
    `WHERE ${column} LIKE ${pattern} ESCAPE '\\' AND substr(${column}, 1, length(${literal})) = ${again} ` +
    `ORDER BY ${d.byteOrder(column)}`
  );
}

/** `SELECT * FROM runs …` newest first, or undefined when the filter selects nothing (an empty list). */
export function runsQuery(filter: RunsFilter, d: SqlDialect, params: unknown[]): string | undefined {
  const where: string[] = [];
  if (filter.runIds) {
    if (filter.runIds.length === 0) return undefined;
    where.push(d.oneOf(params, "run_id", filter.runIds));
  }
  if (filter.statuses) {
    if (filter.statuses.length === 0) return undefined;
    where.push(d.oneOf(params, "status", filter.statuses));
  }
  if (filter.jobName !== undefined) where.push(`job_name = ${d.param(params, filter.jobName)}`);
  for (const [key, value] of Object.entries(filter.tags ?? {})) {
    where.push(`run_id IN (SELECT run_id FROM run_tags WHERE key = ${d.param(params, key)} AND value = ${d.param(params, value)})`);
  }
  if (filter.assetKey !== undefined) {
    // event_logs_by_asset answers this without reading the asset's events themselves.
    where.push(`run_id IN (SELECT run_id FROM event_logs WHERE asset_key = ${d.param(params, filter.assetKey.toString())})`);
  }
  if (filter.cursor !== undefined) where.push(`id < (SELECT id FROM runs WHERE run_id = ${d.param(params, filter.cursor)})`);
  return `SELECT * FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC`;
}

/** A run's events after a storage id, oldest first, optionally of some types only. */
export function runLogsQuery(runId: string, afterStorageId: number, types: readonly EventType[] | undefined, d: SqlDialect, params: unknown[]): string {
  let sql = `SELECT * FROM event_logs WHERE run_id = ${d.param(params, runId)} AND id > ${d.param(params, afterStorageId)}`;
  if (types) sql += ` AND ${d.oneOf(params, "event_type", types)}`;
  return `${sql} ORDER BY id ASC`;
}

/** Asset event types whose partitions a partition wipe (an ASSET_WIPED event naming the partition) removes from the asset's history. */
export const PARTITION_WIPEABLE: ReadonlySet<string> = new Set([
  "ASSET_MATERIALIZATION",
  "ASSET_OBSERVATION",
  "ASSET_FAILED_TO_MATERIALIZE",
  "ASSET_MATERIALIZATION_PLANNED",
]);

/**
 * The event `alias` is not followed by a wipe of its partition: an ASSET_WIPED event of the same asset and
 * partition with a higher storage id (event_logs_by_asset_partition answers it with one index probe per row).
 * An unpartitioned event has a NULL partition, which no wipe matches.
 */
export function notWipedByPartition(alias: string): string {
  return (
    `NOT EXISTS (SELECT 1 FROM event_logs w WHERE w.asset_key = ${alias}.asset_key AND w.event_type = 'ASSET_WIPED' ` +
    `AND w.partition = ${alias}.partition AND w.id > ${alias}.id)`
  );
}

/**
 * In an UPDATE of asset_keys: `column` of the asset's newest event of `type` still in its history (above its wipe line,
 * its partition not wiped since), NULL when there is none.
 */
function newestInHistory(column: string, type: string): string {
  return (
    `(SELECT e.${column} FROM event_logs e WHERE e.asset_key = asset_keys.asset_key AND e.event_type = '${type}' ` +
    `AND e.id > asset_keys.wiped_below_id AND ${notWipedByPartition("e")} ORDER BY e.id DESC LIMIT 1)`
  );
}

/**
 * After a partition wipe: the asset's latest materialization and observation are its newest ones still in its
 * history. `assetKey` is the placeholder of the asset's key.
 */
export function reindexAfterPartitionWipeSql(assetKey: string): string {
  return (
    `UPDATE asset_keys SET last_materialization_id = ${newestInHistory("id", "ASSET_MATERIALIZATION")}, ` +
    `last_observation_id = ${newestInHistory("id", "ASSET_OBSERVATION")} WHERE asset_key = ${assetKey}`
  );
}

/**
 * After a run's events were deleted: each asset's latest materialization (and the run that wrote it), latest
 * observation and latest event are the newest ones still in its history, as if the run had never been. `where`
 * picks the asset_keys rows (the assets the run had events of).
 */
export function reindexAfterRunDeletedSql(where: string): string {
  return (
    `UPDATE asset_keys SET last_materialization_id = ${newestInHistory("id", "ASSET_MATERIALIZATION")}, ` +
    `last_run_id = ${newestInHistory("run_id", "ASSET_MATERIALIZATION")}, last_observation_id = ${newestInHistory("id", "ASSET_OBSERVATION")}, ` +
    `last_event_id = coalesce((SELECT max(e.id) FROM event_logs e WHERE e.asset_key = asset_keys.asset_key), 0) WHERE ${where}`
  );
}

/** The tessera_meta row counting the run deletions that took asset events with them (see EventLogHead). */
export const EVENT_DELETIONS_KEY = "event_deletions";

/** One more run deletion that took asset events with it, in the deleting transaction. */
export const COUNT_EVENT_DELETION_SQL =
  `INSERT INTO tessera_meta (key, value) VALUES ('${EVENT_DELETIONS_KEY}', '1') ` +
  `ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(tessera_meta.value AS BIGINT) + 1 AS TEXT)`;

/** getEventLogHead in one statement: the largest storage id and the deletions counted (0 before the first). */
export const EVENT_LOG_HEAD_SQL =
  `SELECT coalesce((SELECT max(id) FROM event_logs), 0) AS id, ` +
  `coalesce((SELECT value FROM tessera_meta WHERE key = '${EVENT_DELETIONS_KEY}'), '0') AS deletions`;

/**
 * Events of a type, optionally of one asset or some assets (then only those above each one's wipe line) and some of its
 * partitions, between storage ids; or undefined when the filter selects nothing.
 */
export function eventRecordsQuery(filter: EventRecordsFilter, d: SqlDialect, params: unknown[]): string | undefined {
  if (filter.assetKeys && filter.assetKeys.length === 0) return undefined;
  const where = [`e.event_type = ${d.param(params, filter.eventType)}`];
  let join = "";
  if (filter.assetKey) where.push(`e.asset_key = ${d.param(params, filter.assetKey.toString())}`);
  if (filter.assetKeys) where.push(d.oneOf(params, "e.asset_key", [...new Set(filter.assetKeys.map((k) => k.toString()))]));
  if (filter.assetKey || filter.assetKeys) {
    join = "LEFT JOIN asset_keys a ON a.asset_key = e.asset_key";
    where.push("e.id > coalesce(a.wiped_below_id, 0)");
    if (PARTITION_WIPEABLE.has(filter.eventType)) where.push(notWipedByPartition("e"));
  }
  if (filter.partitions) {
    if (filter.partitions.length === 0) return undefined;
    where.push(d.oneOf(params, "e.partition", filter.partitions));
  }
  if (filter.afterStorageId !== undefined) where.push(`e.id > ${d.param(params, filter.afterStorageId)}`);
  if (filter.beforeStorageId !== undefined) where.push(`e.id < ${d.param(params, filter.beforeStorageId)}`);
  return `SELECT e.* FROM event_logs e ${join} WHERE ${where.join(" AND ")} ORDER BY e.id ${filter.ascending ? "ASC" : "DESC"}`;
}

/** An instigator's ticks, newest first, with the filter's limit; undefined when it selects nothing. */
export function ticksQuery(
  instigatorName: string,
  filter: TicksFilter,
  d: SqlDialect,
  params: unknown[],
): string | undefined {
  if (filter.statuses && filter.statuses.length === 0) return undefined;
  const where = [`instigator_name = ${d.param(params, instigatorName)}`];
  if (filter.statuses) where.push(d.oneOf(params, "status", filter.statuses));
  if (filter.beforeTimestamp !== undefined) where.push(`timestamp < ${d.param(params, filter.beforeTimestamp)}`);
  const sql = `SELECT * FROM ticks WHERE ${where.join(" AND ")} ORDER BY timestamp DESC, id DESC`;
  return filter.limit !== undefined ? `${sql} LIMIT ${d.param(params, filter.limit)}` : sql;
}

/** An asset's automation evaluations, newest first, with the options' limit. */
export function automationEvaluationsQuery(assetKey: string, options: { limit?: number; evaluationId?: number; beforeEvaluationId?: number }, d: SqlDialect, params: unknown[]): string {
  let sql = `SELECT * FROM automation_evaluations WHERE asset_key = ${d.param(params, assetKey)}`;
  if (options.evaluationId !== undefined) sql += ` AND evaluation_id = ${d.param(params, options.evaluationId)}`;
  if (options.beforeEvaluationId !== undefined) sql += ` AND evaluation_id < ${d.param(params, options.beforeEvaluationId)}`;
  sql += " ORDER BY id DESC";
  return options.limit !== undefined ? `${sql} LIMIT ${d.param(params, options.limit)}` : sql;
}

/**
 * getEventLogChanges in one statement: rows of (kind, value), kind "a" for an asset key and "r" for a run id.
 * A run that ended in the range moved its planned partitions out of "in progress" without an event on their
 * asset, so the assets it planned count as changed; a wipe writes no event, so assets wiped at or after the
 * range's start count too (a wipe at the very start may be counted again: harmless, it only re-reads).
 */
export function eventLogChangesQuery(afterStorageId: number, toStorageId: number, d: SqlDialect, params: unknown[]): string {
  const after = (): string => d.param(params, afterStorageId);
  const to = (): string => d.param(params, toStorageId);
  return (
    `SELECT DISTINCT 'a' AS kind, asset_key AS value FROM event_logs WHERE id > ${after()} AND id <= ${to()} AND asset_key IS NOT NULL ` +
    `UNION SELECT DISTINCT 'r' AS kind, run_id AS value FROM event_logs WHERE id > ${after()} AND id <= ${to()} ` +
    `UNION SELECT DISTINCT 'a' AS kind, asset_key AS value FROM event_logs WHERE event_type = 'ASSET_MATERIALIZATION_PLANNED' AND run_id IN ` +
    `(SELECT run_id FROM event_logs WHERE id > ${after()} AND id <= ${to()} AND event_type IN ('RUN_SUCCESS', 'RUN_FAILURE', 'RUN_CANCELED')) ` +
    `UNION SELECT 'a' AS kind, asset_key AS value FROM asset_keys WHERE wiped_below_id > 0 AND wiped_below_id >= ${after()}`
  );
}

/** The rows of eventLogChangesQuery as EventLogChanges. */
export function eventLogChangesOf(rows: readonly { kind: string; value: string }[]): EventLogChanges {
  const assetKeys: AssetKey[] = [];
  const runIds: string[] = [];
  for (const row of rows) {
    if (row.kind === "a") assetKeys.push(AssetKey.from(row.value));
    else runIds.push(row.value);
  }
  return { assetKeys, runIds };
}
