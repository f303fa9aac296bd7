// The embedded SQLite backend (better-sqlite3, WAL): one connection, shared by a storage per concern.
// Hot paths use prepared statements.
import type { AssetKey, EventRecord, TesseraEvent } from "../../core/index.js";
import type {
  AssetRecord,
  AutomationEvaluationRecord,
  BackfillRecord,
  BackfillStatus,
  EventRecordsFilter,
  EventLogChanges,
  EventLogHead,
  IdPrefixMatches,
  InstigatorState,
  InstigatorType,
  LeaseRecord,
  NewRun,
  NewTick,
  RunLogsOptions,
  RunRecord,
  RunsFilter,
  SchemaInfo,
  Storage,
  StorageInfo,
  TickRecord,
  TicksFilter,
  StoreEventsOptions,
} from "../storage.js";
import { SqliteAssetStorage } from "./sqlite-asset-storage.js";
import { SqliteBackfillStorage } from "./sqlite-backfill-storage.js";
import { SqliteDatabase, type SqliteStorageOptions } from "./sqlite-database.js";
import { SqliteEventLogStorage } from "./sqlite-event-log-storage.js";
import { SqliteKvStorage } from "./sqlite-kv-storage.js";
import { SqliteLeaseStorage } from "./sqlite-lease-storage.js";
import { SqliteRunStorage } from "./sqlite-run-storage.js";
import { SqliteScheduleStorage } from "./sqlite-schedule-storage.js";
import { withSqliteFileErrors } from "./sqlite-errors.js";

export type { SqliteStorageOptions } from "./sqlite-database.js";

/** Storage in one SQLite file (or `:memory:`). */
export class SqliteStorage implements Storage {
  readonly backend = "sqlite" as const;
  readonly location: string;
  readonly #database: SqliteDatabase;
  readonly #runs: SqliteRunStorage;
  readonly #events: SqliteEventLogStorage;
  readonly #assets: SqliteAssetStorage;
  readonly #backfills: SqliteBackfillStorage;
  readonly #schedules: SqliteScheduleStorage;
  readonly #leases: SqliteLeaseStorage;
  readonly #kv: SqliteKvStorage;

  constructor(path: string, options: SqliteStorageOptions = {}) {
    this.location = path;
    this.#database = new SqliteDatabase(path, options);
    this.#runs = new SqliteRunStorage(this.#database);
    this.#events = new SqliteEventLogStorage(this.#database);
    this.#assets = new SqliteAssetStorage(this.#database);
    this.#backfills = new SqliteBackfillStorage(this.#database);
    this.#schedules = new SqliteScheduleStorage(this.#database);
    this.#leases = new SqliteLeaseStorage(this.#database);
    this.#kv = new SqliteKvStorage(this.#database);
    if (path === ":memory:") return;
    const raw = this.#database.raw;
    return withSqliteFileErrors(this, path, () => String((raw.pragma("quick_check(1)") as { quick_check: string }[])[0]?.quick_check ?? "unknown"));
  }

  // Schema

  async getSchemaInfo(): Promise<SchemaInfo> {
    return { version: this.#database.schemaVersion(), latest: this.#database.latest };
  }

  async migrate(): Promise<{ from: number; to: number }> {
    return this.#database.migrate();
  }

  async info(): Promise<StorageInfo> {
    const db = this.#database.raw;
    const count = (table: string): number => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return {
      backend: "sqlite",
      location: this.location,
      schema: await this.getSchemaInfo(),
      runs: count("runs"),
      events: count("event_logs"),
      assets: (db.prepare("SELECT count(*) AS n FROM asset_keys WHERE last_event_id > wiped_below_id").get() as { n: number }).n,
    };
  }

  async close(): Promise<void> {
    this.#database.close();
  }

  // Runs

  addRun(run: NewRun): Promise<RunRecord> {
    return this.#runs.addRun(run);
  }

  getRun(runId: string): Promise<RunRecord | undefined> {
    return this.#runs.getRun(runId);
  }

  runIds(prefix: string, options?: { limit?: number }): Promise<IdPrefixMatches> {
    return this.#runs.runIds(prefix, options);
  }

  getRuns(filter?: RunsFilter): Promise<RunRecord[]> {
    return this.#runs.getRuns(filter);
  }

  async deleteRun(runId: string): Promise<void> {
    this.#assets.forgetDecodedEvents();
    await this.#runs.deleteRun(runId);
  }

  // Events

  storeEvents(events: readonly TesseraEvent[], options?: StoreEventsOptions): Promise<EventRecord[]> {
    return this.#events.storeEvents(events, options);
  }

  getRunLogs(runId: string, options?: RunLogsOptions): Promise<EventRecord[]> {
    return this.#events.getRunLogs(runId, options);
  }

  getEventRecords(filter: EventRecordsFilter): Promise<EventRecord[]> {
    return this.#events.getEventRecords(filter);
  }

  getMaxStorageId(): Promise<number> {
    return this.#events.getMaxStorageId();
  }

  getEventLogHead(): Promise<EventLogHead> {
    return this.#events.getEventLogHead();
  }

  getEventLogChanges(afterStorageId: number, toStorageId: number): Promise<EventLogChanges> {
    return this.#events.getEventLogChanges(afterStorageId, toStorageId);
  }

  // Asset index

  getAssetRecords(keys?: readonly AssetKey[]): Promise<AssetRecord[]> {
    return this.#assets.getAssetRecords(keys);
  }

  getAssetKeys(prefix?: readonly string[]): Promise<AssetKey[]> {
    return this.#assets.getAssetKeys(prefix);
  }

  wipeAssets(keys: readonly AssetKey[]): Promise<void> {
    return this.#assets.wipeAssets(keys);
  }

  wipeAssetPartitions(key: AssetKey, partitions: readonly string[], timestamp: number): Promise<EventRecord[]> {
    return this.#assets.wipeAssetPartitions(key, partitions, timestamp);
  }

  getMaterializedPartitions(key: AssetKey): Promise<string[]> {
    return this.#assets.getMaterializedPartitions(key);
  }

  // Dynamic partitions

  addDynamicPartitions(name: string, keys: readonly string[]): Promise<void> {
    return this.#assets.addDynamicPartitions(name, keys);
  }

  getDynamicPartitions(name: string): Promise<string[]> {
    return this.#assets.getDynamicPartitions(name);
  }

  hasDynamicPartition(name: string, key: string): Promise<boolean> {
    return this.#assets.hasDynamicPartition(name, key);
  }

  deleteDynamicPartition(name: string, key: string): Promise<void> {
    return this.#assets.deleteDynamicPartition(name, key);
  }

  // Backfills

  addBackfill(backfill: BackfillRecord): Promise<void> {
    return this.#backfills.addBackfill(backfill);
  }

  updateBackfill(backfill: BackfillRecord): Promise<void> {
    return this.#backfills.updateBackfill(backfill);
  }

  getBackfill(backfillId: string): Promise<BackfillRecord | undefined> {
    return this.#backfills.getBackfill(backfillId);
  }

  getBackfills(filter?: { statuses?: readonly BackfillStatus[]; limit?: number }): Promise<BackfillRecord[]> {
    return this.#backfills.getBackfills(filter);
  }

  backfillIds(prefix: string, options?: { limit?: number }): Promise<IdPrefixMatches> {
    return this.#backfills.backfillIds(prefix, options);
  }

  // Schedules and sensors: state, ticks, automation evaluations

  getInstigatorState(name: string): Promise<InstigatorState | undefined> {
    return this.#schedules.getInstigatorState(name);
  }

  getInstigatorStates(type?: InstigatorType): Promise<InstigatorState[]> {
    return this.#schedules.getInstigatorStates(type);
  }

  setInstigatorState(state: InstigatorState): Promise<void> {
    return this.#schedules.setInstigatorState(state);
  }

  addTick(tick: NewTick): Promise<TickRecord> {
    return this.#schedules.addTick(tick);
  }

  updateTick(tick: TickRecord): Promise<void> {
    return this.#schedules.updateTick(tick);
  }

  getTicks(instigatorName: string, filter?: TicksFilter): Promise<TickRecord[]> {
    return this.#schedules.getTicks(instigatorName, filter);
  }

  addAutomationEvaluations(records: readonly AutomationEvaluationRecord[]): Promise<void> {
    return this.#schedules.addAutomationEvaluations(records);
  }

  getAutomationEvaluations(assetKey: string, options?: { limit?: number; evaluationId?: number; beforeEvaluationId?: number }): Promise<AutomationEvaluationRecord[]> {
    return this.#schedules.getAutomationEvaluations(assetKey, options);
  }

  // Leases

  acquireLease(name: string, holder: string, now: number, ttlMs: number, info?: Readonly<Record<string, unknown>>): Promise<LeaseRecord> {
    return this.#leases.acquireLease(name, holder, now, ttlMs, info);
  }

  releaseLease(name: string, holder: string): Promise<void> {
    return this.#leases.releaseLease(name, holder);
  }

  getLease(name: string): Promise<LeaseRecord | undefined> {
    return this.#leases.getLease(name);
  }

  // Key-value cursors

  getKv(keys: readonly string[]): Promise<Record<string, string>> {
    return this.#kv.getKv(keys);
  }

  setKv(values: Readonly<Record<string, string>>, options: StoreEventsOptions = {}): Promise<void> {
    return this.#kv.setKv(values, options);
  }
}
