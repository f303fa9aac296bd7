// The event log on SQLite. Storing an event also moves its run's status and the asset index, in the same
// transaction, so that no reader ever sees an event its run or asset does not yet reflect.
import { FINISHED_RUN_STATUSES, RUN_STATUS_BY_EVENT, type EventRecord, type RunStatus, type TesseraEvent } from "../../core/index.js";
import { LeaseLostError, RunFinishedWriteError } from "../../core/index.js";
import { EVENTS_ALLOWED_AFTER_END, type EventLogChanges, type EventLogHead, type EventRecordsFilter, type RunLogsOptions, type StoreEventsOptions } from "../storage.js";
import { decodeEvent, encodeEventBody, leaseLostDetail, runStatusChange, type EventRow } from "../storage-rows.js";
import { EVENT_LOG_HEAD_SQL, eventLogChangesOf, eventLogChangesQuery, eventRecordsQuery, runLogsQuery } from "../sql-filters.js";
import { SQLITE_DIALECT, type SqliteDatabase } from "./sqlite-database.js";
import type { Database, Statement } from "better-sqlite3";

export class SqliteEventLogStorage {
  readonly #database: SqliteDatabase;
  readonly #s;

  constructor(database: SqliteDatabase) {
    this.#database = database;
    this.#s = database.prepared((db) => ({
      insertEvent: db.prepare(
        "INSERT INTO event_logs (run_id, step_key, event_type, timestamp, asset_key, partition, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ),
      runStarted: db.prepare("UPDATE runs SET status = ?, update_time = ?, start_time = ? WHERE run_id = ?"),
      runEnded: db.prepare("UPDATE runs SET status = ?, update_time = ?, end_time = ?, failure_reason = ? WHERE run_id = ?"),
      runStatus: db.prepare("UPDATE runs SET status = ?, update_time = ? WHERE run_id = ?"),
      indexMaterialization: db.prepare(
        `INSERT INTO asset_keys (asset_key, last_materialization_id, last_run_id, last_event_id) VALUES (?, ?, ?, ?)
         ON CONFLICT (asset_key) DO UPDATE SET last_materialization_id = excluded.last_materialization_id,
           last_run_id = excluded.last_run_id, last_event_id = excluded.last_event_id`,
      ),
      indexObservation: db.prepare(
        `INSERT INTO asset_keys (asset_key, last_observation_id, last_event_id) VALUES (?, ?, ?)
         ON CONFLICT (asset_key) DO UPDATE SET last_observation_id = excluded.last_observation_id, last_event_id = excluded.last_event_id`,
      ),
      indexOtherAssetEvent: db.prepare(
        `INSERT INTO asset_keys (asset_key, last_event_id) VALUES (?, ?)
         ON CONFLICT (asset_key) DO UPDATE SET last_event_id = excluded.last_event_id`,
      ),
      runLogs: db.prepare("SELECT * FROM event_logs WHERE run_id = ? AND id > ? ORDER BY id ASC"),
      maxEventId: db.prepare("SELECT max(id) AS id FROM event_logs"),
      head: db.prepare(EVENT_LOG_HEAD_SQL),
      runStatusOf: db.prepare("SELECT status FROM runs WHERE run_id = ?"),
      leaseOf: db.prepare("SELECT holder, expires_at FROM leases WHERE name = ?"),
    }));
  }

  async storeEvents(events: readonly TesseraEvent[], options: StoreEventsOptions = {}): Promise<EventRecord[]> {
    if (events.length === 0) return [];
    const s = this.#s();
    // Checked inside the write transaction (BEGIN IMMEDIATE holds the write lock), so no other writer can end the
    // run or take the lease between the check and the insert.
    return this.#database.raw.transaction(() => {
      const { fence } = options;
      if (fence) {
        const lease = s.leaseOf.get(fence.lease) as { holder: string; expires_at: number } | undefined;
        if (!lease || lease.holder !== fence.holder || lease.expires_at <= fence.now) {
          throw new LeaseLostError(fence.lease, fence.holder, leaseLostDetail(lease, fence.holder, fence.now));
        }
      }
      let lastRun: string | undefined;
      for (const event of events) {
        if (event.runId === lastRun || EVENTS_ALLOWED_AFTER_END.has(event.eventType)) continue;
        lastRun = event.runId;
        const row = s.runStatusOf.get(event.runId) as { status: string } | undefined;
        if (row && FINISHED_RUN_STATUSES.has(row.status as RunStatus)) throw new RunFinishedWriteError(event.runId, row.status, event.eventType);
      }
      const records: EventRecord[] = new Array(events.length);
      for (let i = 0; i < events.length; i++) {
        const event = events[i] as TesseraEvent;
        const assetKey = event.assetKey?.toString() ?? null;
        const info = s.insertEvent.run(
          event.runId,
          event.stepKey ?? null,
          event.eventType,
          event.timestamp,
          assetKey,
          event.partition ?? null,
          encodeEventBody(event),
        );
        const storageId = Number(info.lastInsertRowid);
        records[i] = { ...event, storageId };
        const status = RUN_STATUS_BY_EVENT[event.eventType];
        if (status) {
          const change = runStatusChange(event, status);
          if (change.started) s.runStarted.run(status, event.timestamp, event.timestamp, event.runId);
          else if (change.ended) s.runEnded.run(status, event.timestamp, event.timestamp, change.failureReason, event.runId);
          else s.runStatus.run(status, event.timestamp, event.runId);
        }
        if (assetKey !== null) {
          if (event.eventType === "ASSET_MATERIALIZATION") s.indexMaterialization.run(assetKey, storageId, event.runId, storageId);
          else if (event.eventType === "ASSET_OBSERVATION") s.indexObservation.run(assetKey, storageId, storageId);
          else s.indexOtherAssetEvent.run(assetKey, storageId);
        }
      }
      return records;
    }).immediate();
  }

  async getRunLogs(runId: string, options: RunLogsOptions = {}): Promise<EventRecord[]> {
    const s = this.#s();
    const types = options.ofType === undefined ? undefined : Array.isArray(options.ofType) ? options.ofType : [options.ofType];
    let rows: EventRow[];
    if (!types && options.limit === undefined) {
      rows = s.runLogs.all(runId, options.afterStorageId ?? 0) as EventRow[];
    } else {
      const params: unknown[] = [];
      let sql = runLogsQuery(runId, options.afterStorageId ?? 0, types, SQLITE_DIALECT, params);
      if (options.limit !== undefined) sql += ` LIMIT ${SQLITE_DIALECT.param(params, options.limit)}`;
      rows = this.#database.raw.prepare(sql).all(...params) as EventRow[];
    }
    return rows.map(decodeEvent);
  }

  async getEventRecords(filter: EventRecordsFilter): Promise<EventRecord[]> {
    const db = this.#database.use();
    const params: unknown[] = [];
    const sql = eventRecordsQuery(filter, SQLITE_DIALECT, params);
    if (sql === undefined) return [];
    const limit = filter.limit !== undefined ? ` LIMIT ${SQLITE_DIALECT.param(params, filter.limit)}` : "";
    return (this.#statement(db, sql + limit).all(...params) as EventRow[]).map(decodeEvent);
  }

  // Filters build their SQL, but a handful of shapes repeat (automation reads partition status and checks of
  // every asset each tick): preparing the same text again was a tenth of such a tick.
  readonly #statements = new Map<string, Statement<unknown[]>>();

  #statement(db: Database, sql: string): Statement<unknown[]> {
    let statement = this.#statements.get(sql);
    if (statement === undefined || statement.database !== db) {
      if (this.#statements.size >= 256) this.#statements.clear();
      statement = db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  async getMaxStorageId(): Promise<number> {
    return (this.#s().maxEventId.get() as { id: number | null }).id ?? 0;
  }

  async getEventLogHead(): Promise<EventLogHead> {
    const row = this.#s().head.get() as { id: number; deletions: string };
    return { maxStorageId: row.id, deletions: Number(row.deletions) };
  }

  async getEventLogChanges(afterStorageId: number, toStorageId: number): Promise<EventLogChanges> {
    const params: unknown[] = [];
    const sql = eventLogChangesQuery(afterStorageId, toStorageId, SQLITE_DIALECT, params);
    return eventLogChangesOf(this.#database.use().prepare(sql).all(...params) as { kind: string; value: string }[]);
  }
}

