// The event log on PostgreSQL: appending (one statement, postgres-store-events.ts) and reading it back.
import type { EventRecord, TesseraEvent } from "../../core/index.js";
import { LeaseLostError, RunFinishedWriteError } from "../../core/index.js";
import type { EventLogChanges, EventLogHead, EventRecordsFilter, RunLogsOptions, StoreEventsOptions } from "../storage.js";
import { decodeEvent, leaseLostDetail, type EventRow } from "../storage-rows.js";
import { EVENT_LOG_HEAD_SQL, eventLogChangesOf, eventLogChangesQuery, eventRecordsQuery, runLogsQuery } from "../sql-filters.js";
import { LOCK_EVENTS, POSTGRES_DIALECT, type PostgresDatabase } from "./postgres-database.js";
import { storeEventsQuery } from "./postgres-store-events.js";

/** The one row the guarded insert returns: the new ids, or why nothing was inserted. */
interface GuardedInsert {
  ids: number[] | null;
  fence_ok: boolean;
  lease_holder: string | null;
  lease_expires: number | null;
  finished_run: string | null;
  finished_status: string | null;
}

export class PostgresEventLogStorage {
  readonly #database: PostgresDatabase;

  constructor(database: PostgresDatabase) {
    this.#database = database;
  }

  async storeEvents(events: readonly TesseraEvent[], options: StoreEventsOptions = {}): Promise<EventRecord[]> {
    if (events.length === 0) return [];
    const n = events.length;
    const { fence } = options;
    const query = storeEventsQuery(events, LOCK_EVENTS, this.#database.schemaKey, this.#database.schema, fence);
    const [result] = await this.#database.query<GuardedInsert>(query.text, query.values, query.name);
    if (fence && result && !result.fence_ok) {
      const lease = result.lease_holder === null ? undefined : { holder: result.lease_holder, expires_at: Number(result.lease_expires) };
      throw new LeaseLostError(fence.lease, fence.holder, leaseLostDetail(lease, fence.holder, fence.now));
    }
    if (result?.finished_run) {
      const refused = events.find((e) => e.runId === result.finished_run);
      throw new RunFinishedWriteError(result.finished_run, result.finished_status ?? "", refused?.eventType ?? "an event");
    }
    const ids = (result?.ids ?? []).map(Number);
    if (ids.length !== n) throw new Error(`storeEvents: stored ${ids.length} of ${n} events`);
    const records = new Array<EventRecord>(n);
    for (let i = 0; i < n; i++) records[i] = { ...(events[i] as TesseraEvent), storageId: ids[i] as number };
    return records;
  }

  async getRunLogs(runId: string, options: RunLogsOptions = {}): Promise<EventRecord[]> {
    const types = options.ofType === undefined ? undefined : Array.isArray(options.ofType) ? options.ofType : [options.ofType];
    const params: unknown[] = [];
    let sql = runLogsQuery(runId, options.afterStorageId ?? 0, types, POSTGRES_DIALECT, params);
    if (options.limit !== undefined && options.limit >= 0) sql += ` LIMIT ${POSTGRES_DIALECT.param(params, options.limit)}`;
    return (await this.#database.query<EventRow>(sql, params)).map(decodeEvent);
  }

  async getEventRecords(filter: EventRecordsFilter): Promise<EventRecord[]> {
    const params: unknown[] = [];
    const sql = eventRecordsQuery(filter, POSTGRES_DIALECT, params);
    if (sql === undefined) return [];
    const limit = filter.limit !== undefined && filter.limit >= 0 ? ` LIMIT ${POSTGRES_DIALECT.param(params, filter.limit)}` : "";
    return (await this.#database.query<EventRow>(sql + limit, params)).map(decodeEvent);
  }

  async getMaxStorageId(): Promise<number> {
    const [row] = await this.#database.query<{ id: number }>("SELECT coalesce(max(id), 0) AS id FROM event_logs", [], "tessera_max_event_id");
    return row?.id ?? 0;
  }

  async getEventLogHead(): Promise<EventLogHead> {
    const [row] = await this.#database.query<{ id: number | string; deletions: string }>(EVENT_LOG_HEAD_SQL, [], "tessera_event_log_head");
    return { maxStorageId: Number(row?.id ?? 0), deletions: Number(row?.deletions ?? 0) };
  }

  async getEventLogChanges(afterStorageId: number, toStorageId: number): Promise<EventLogChanges> {
    const params: unknown[] = [];
    const sql = eventLogChangesQuery(afterStorageId, toStorageId, POSTGRES_DIALECT, params);
    return eventLogChangesOf(await this.#database.query<{ kind: string; value: string }>(sql, params));
  }
}
