// The PostgreSQL backend (pg): connects lazily, one transaction per write, storage ids in commit order,
// LISTEN/NOTIFY. One pool (postgres-database.ts), shared by a storage per concern.
import type { PoolConfig } from "pg";
import type { AssetKey, EventRecord, InstanceError, TesseraEvent } from "../../core/index.js";
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
import { PostgresAssetStorage } from "./postgres-asset-storage.js";
import { PostgresBackfillStorage } from "./postgres-backfill-storage.js";
import { PostgresDatabase, type PostgresStorageOptions } from "./postgres-database.js";
import { PostgresEventLogStorage } from "./postgres-event-log-storage.js";
import { PostgresEventWatches, type StopWatching } from "./postgres-event-watch.js";
import { PostgresKvStorage } from "./postgres-kv-storage.js";
import { PostgresLeaseStorage } from "./postgres-lease-storage.js";
import { PostgresRunStorage } from "./postgres-run-storage.js";
import { PostgresScheduleStorage } from "./postgres-schedule-storage.js";

export type { PostgresStorageOptions } from "./postgres-database.js";
export type { StopWatching } from "./postgres-event-watch.js";

/**
 * Storage in a PostgreSQL schema. The constructor does no I/O: the first call connects, checks the
 * schema (creating it in an empty database) and reports an unreachable server or a wrong schema then.
 *
 * @example
 * const storage = new PostgresStorage({ url: process.env.DATABASE_URL, schema: "tessera" });
 * await storage.getSchemaInfo(); // connects now; throws POSTGRES_UNREACHABLE, MIGRATION_REQUIRED…
 */
export class PostgresStorage implements Storage {
  readonly backend = "postgres" as const;
  /** The server, database and schema, without any password. */
  readonly location: string;
  readonly schema: string;
  readonly #database: PostgresDatabase;
  readonly #runs: PostgresRunStorage;
  readonly #events: PostgresEventLogStorage;
  readonly #assets: PostgresAssetStorage;
  readonly #backfills: PostgresBackfillStorage;
  readonly #schedules: PostgresScheduleStorage;
  readonly #leases: PostgresLeaseStorage;
  readonly #kv: PostgresKvStorage;
  readonly #watches: PostgresEventWatches;

  constructor(options: PostgresStorageOptions = {}) {
    this.#database = new PostgresDatabase(options);
    this.location = this.#database.location;
    this.schema = this.#database.schema;
    this.#runs = new PostgresRunStorage(this.#database);
    this.#events = new PostgresEventLogStorage(this.#database);
    this.#assets = new PostgresAssetStorage(this.#database);
    this.#backfills = new PostgresBackfillStorage(this.#database);
    this.#schedules = new PostgresScheduleStorage(this.#database);
    this.#leases = new PostgresLeaseStorage(this.#database);
    this.#kv = new PostgresKvStorage(this.#database);
    this.#watches = new PostgresEventWatches(this.#database);
  }

  /**
   * Where a job queue beside this instance (graphile-worker, for `tessera worker`) connects: the same
   * server and database, its own schema next to the instance's.
   */
  queueConnection(): { pool: PoolConfig; schema: string } {
    return {
      pool: this.#database.poolConfig({ applicationName: "tessera-queue", maxConnections: 4 }),
      schema: this.schema === "public" ? "tessera_queue" : `${this.schema.slice(0, 57)}_queue`,
    };
  }

  // Schema

  async getSchemaInfo(): Promise<SchemaInfo> {
    const version = await this.#database.withClient((client) => this.#database.schemaVersion(client));
    return { version, latest: this.#database.latest };
  }

  migrate(): Promise<{ from: number; to: number }> {
    return this.#database.migrate();
  }

  async info(): Promise<StorageInfo> {
    await this.#database.initialize();
    const schema = await this.getSchemaInfo();
    const row = await this.#database.withClient(
      async (client) =>
        (
          await client.query<{ runs: number; events: number; assets: number }>(
            `SELECT (SELECT count(*) FROM runs) AS runs, (SELECT count(*) FROM event_logs) AS events,
                    (SELECT count(*) FROM asset_keys WHERE last_event_id > wiped_below_id) AS assets`,
          )
        ).rows[0] as { runs: number; events: number; assets: number },
    );
    return { backend: "postgres", location: this.location, schema, runs: row.runs, events: row.events, assets: row.assets };
  }

  async close(): Promise<void> {
    if (!this.#database.guard.close()) return;
    await this.#watches.stopAll();
    await this.#database.end();
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

  deleteRun(runId: string): Promise<void> {
    return this.#runs.deleteRun(runId);
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

  async wipeAssetPartitions(key: AssetKey, partitions: readonly string[], timestamp: number): Promise<EventRecord[]> {
    const unique = [...new Set(partitions)];
    if (unique.length === 0) return [];
    // Stored like any event (so watchers are notified); then the index follows. A new materialization committed in
    // between is the newest either way.
    const records = await this.#events.storeEvents(
      unique.map((partition) => ({ runId: "", eventType: "ASSET_WIPED" as const, timestamp, assetKey: key, partition, message: `Partition ${partition} of ${key.toString()} wiped.` })),
    );
    await this.#assets.reindexAfterPartitionWipe(key);
    return records;
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

  // Watching

  /**
   * Calls `listener` with the newest storage id whenever events are committed to this instance, by
   * any process: LISTEN/NOTIFY on a connection of its own, no polling. Resolves once listening; read
   * the new events with `getEventRecords`/`getRunLogs` after the last storage id you saw. Notifications
   * are coalesced by the caller's reading, never needed for correctness: a missed one is caught up by
   * the next. `onError` hears of a lost connection (the watch has then stopped).
   */
  watchEvents(listener: (maxStorageId: number) => void, onError?: (error: InstanceError) => void): Promise<StopWatching> {
    return this.#watches.watch(listener, onError);
  }
}
