// The event log on PostgreSQL: appending (one statement, postgres-store-events.ts) and reading it back.
import type { EventRecord, TesseraEvent } from "../../core/index.js";
import type { EventRecordsFilter, RunLogsOptions } from "../storage.js";
import { decodeEvent, type EventRow } from "../storage-rows.js";
import { LOCK_EVENTS, type PostgresDatabase } from "./postgres-database.js";
import { storeEventsQuery } from "./postgres-store-events.js";

export class PostgresEventLogStorage {
  readonly #database: PostgresDatabase;

  constructor(database: PostgresDatabase) {
    this.#database = database;
  }

  async storeEvents(events: readonly TesseraEvent[]): Promise<EventRecord[]> {
    if (events.length === 0) return [];
    const n = events.length;
    const query = storeEventsQuery(events, LOCK_EVENTS, this.#database.schemaKey, this.#database.schema);
    const [result] = await this.#database.query<{ ids: number[] }>(query.text, query.values, query.name);
    const ids = (result?.ids ?? []).map(Number);
    if (ids.length !== n) throw new Error(`storeEvents: stored ${ids.length} of ${n} events`);
    const records = new Array<EventRecord>(n);
    for (let i = 0; i < n; i++) records[i] = { ...(events[i] as TesseraEvent), storageId: ids[i] as number };
    return records;
  }

  async getRunLogs(runId: string, options: RunLogsOptions = {}): Promise<EventRecord[]> {
    const types = options.ofType === undefined ? undefined : Array.isArray(options.ofType) ? options.ofType : [options.ofType];
    const params: unknown[] = [runId, options.afterStorageId ?? 0];
    let sql = "SELECT * FROM event_logs WHERE run_id = $1 AND id > $2";
    if (types) sql += ` AND event_type = ANY($${params.push(types)}::text[])`;
    sql += " ORDER BY id ASC";
    if (options.limit !== undefined && options.limit >= 0) sql += ` LIMIT $${params.push(options.limit)}`;
    return (await this.#database.query<EventRow>(sql, params)).map(decodeEvent);
  }

  async getEventRecords(filter: EventRecordsFilter): Promise<EventRecord[]> {
    const params: unknown[] = [filter.eventType];
    const p = (value: unknown): string => `$${params.push(value)}`;
    const where = ["e.event_type = $1"];
    let join = "";
    if (filter.assetKey) {
      where.push(`e.asset_key = ${p(filter.assetKey.toString())}`);
      join = "LEFT JOIN asset_keys a ON a.asset_key = e.asset_key";
      where.push("e.id > coalesce(a.wiped_below_id, 0)");
    }
    if (filter.partitions) {
      if (filter.partitions.length === 0) return [];
      where.push(`e.partition = ANY(${p(filter.partitions)}::text[])`);
    }
    if (filter.afterStorageId !== undefined) where.push(`e.id > ${p(filter.afterStorageId)}`);
    if (filter.beforeStorageId !== undefined) where.push(`e.id < ${p(filter.beforeStorageId)}`);
    let sql = `SELECT e.* FROM event_logs e ${join} WHERE ${where.join(" AND ")} ORDER BY e.id ${filter.ascending ? "ASC" : "DESC"}`;
    if (filter.limit !== undefined && filter.limit >= 0) sql += ` LIMIT ${p(filter.limit)}`;
    return (await this.#database.query<EventRow>(sql, params)).map(decodeEvent);
  }

  async getMaxStorageId(): Promise<number> {
    const [row] = await this.#database.query<{ id: number }>("SELECT coalesce(max(id), 0) AS id FROM event_logs", [], "tessera_max_event_id");
    return row?.id ?? 0;
  }
}
