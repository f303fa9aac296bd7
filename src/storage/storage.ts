// The Storage interface: every backend (SQLite now, PostgreSQL later) implements it and passes conformance.ts.
import type { AssetKey, EventRecord, EventType, RunStatus, TesseraEvent } from "../core/index.js";

/** A run as stored. Its status moves with the run lifecycle events written for it. */
export interface RunRecord {
  readonly runId: string;
  readonly jobName: string;
  readonly status: RunStatus;
  readonly tags: Readonly<Record<string, string>>;
  /** Keys (as `a/b` strings) the run was asked to materialize or observe. */
  readonly assetSelection: readonly string[];
  readonly runConfig: unknown;
  readonly partitionKey?: string | undefined;
  readonly backfillId?: string | undefined;
  readonly parentRunId?: string | undefined;
  readonly rootRunId?: string | undefined;
  /** Epoch milliseconds. */
  readonly createTime: number;
  readonly updateTime: number;
  readonly startTime?: number | undefined;
  readonly endTime?: number | undefined;
  /** Why the run failed, copied from its RUN_FAILURE event. */
  readonly failureReason?: string | undefined;
}

export interface NewRun {
  runId: string;
  jobName: string;
  status: RunStatus;
  tags: Record<string, string>;
  assetSelection: readonly string[];
  runConfig: unknown;
  partitionKey?: string | undefined;
  backfillId?: string | undefined;
  parentRunId?: string | undefined;
  rootRunId?: string | undefined;
  createTime: number;
}

export interface RunsFilter {
  runIds?: readonly string[];
  statuses?: readonly RunStatus[];
  jobName?: string;
  /** Runs carrying every one of these tags. */
  tags?: Readonly<Record<string, string>>;
  /** Runs that wrote an event of this asset (planned, materialized, observed, checked or failed it). */
  assetKey?: AssetKey;
  /** Newest first; the cursor is the last run id of the previous page. */
  limit?: number;
  cursor?: string;
}

/** The ids that start with a prefix: the first ones in id order, and how many there are in all. */
export interface IdPrefixMatches {
  /** Matching ids in ascending (byte) order, at most the `limit` asked for. */
  readonly ids: readonly string[];
  /** How many ids match, including those beyond `limit`. */
  readonly total: number;
}

export interface EventRecordsFilter {
  eventType: EventType;
  assetKey?: AssetKey;
  /** Events of any of these assets (each above its own wipe line): one read for many assets. */
  assetKeys?: readonly AssetKey[];
  partitions?: readonly string[];
  /** Only events after this storage id (exclusive). */
  afterStorageId?: number;
  /** Only events before this storage id (exclusive). */
  beforeStorageId?: number;
  limit?: number;
  /** @default false: newest first */
  ascending?: boolean;
}

export interface RunLogsOptions {
  /** Only events after this storage id. */
  afterStorageId?: number;
  ofType?: EventType | readonly EventType[];
  limit?: number;
}

/** What the event log gained in a range of storage ids: what an incremental reader (automation) must look at again. */
export interface EventLogChanges {
  /**
   * The assets with an event in the range, the assets whose partitions a run that ended in the range had planned
   * (their in-progress status moved without an event of their own), and the assets wiped since the range began.
   */
  readonly assetKeys: readonly AssetKey[];
  /** The runs that wrote an event in the range. */
  readonly runIds: readonly string[];
}

/**
 * Where the event log stands, read in one statement: what a reader that keeps facts built from events (partition
 * statuses, the automation memo) checks before trusting them. Events only ever come after `maxStorageId`, except
 * that deleting a run removes its events from anywhere below: `deletions` counts the run deletions that took asset
 * events with them, so a reader that saw another count rebuilds what it kept from the events that remain.
 */
export interface EventLogHead {
  readonly maxStorageId: number;
  readonly deletions: number;
}

/** The asset index: per asset, the latest events, kept in the transaction that writes them. */
export interface AssetRecord {
  readonly assetKey: AssetKey;
  readonly lastMaterialization: EventRecord | undefined;
  readonly lastObservation: EventRecord | undefined;
  readonly lastRunId: string | undefined;
  /** Events with storage ids at or below this were wiped and are no longer part of the asset's history. */
  readonly wipedBelowStorageId: number;
}

/** A backfill's status, as the reference's BulkActionStatus: REQUESTED, then IN_PROGRESS, then how it ended. */
export const BackfillStatus = Object.freeze({
  REQUESTED: "REQUESTED",
  IN_PROGRESS: "IN_PROGRESS",
  COMPLETED: "COMPLETED",
  COMPLETED_FAILED: "COMPLETED_FAILED",
  CANCELING: "CANCELING",
  CANCELED: "CANCELED",
  FAILED: "FAILED",
});
export type BackfillStatus = (typeof BackfillStatus)[keyof typeof BackfillStatus];

/** A backfill: partitions of a selection of assets, materialized by one or more runs. */
export interface BackfillRecord {
  readonly backfillId: string;
  readonly status: BackfillStatus;
  readonly createTime: number;
  readonly updateTime: number;
  /** Keys (`a/b`) of the assets the backfill materializes. */
  readonly assetSelection: readonly string[];
  /** Every partition requested, in order. */
  readonly partitionKeys: readonly string[];
  /** The runs launched so far, in order. */
  readonly runIds: readonly string[];
  /** Partitions whose run succeeded, and those whose run failed. */
  readonly materializedPartitions: readonly string[];
  readonly failedPartitions: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  /** The backfill whose failed partitions this one re-runs. */
  readonly fromFailureOf?: string | undefined;
  /** Why the backfill itself failed (not a run of it). */
  readonly error?: string | undefined;
  /**
   * Per asset key (`a/b`), for a backfill whose assets are partitioned differently (or some not at all): the
   * partitions it targets and how far it got. Absent when every asset takes the backfill's `partitionKeys`.
   */
  readonly assetPartitions?: Readonly<Record<string, BackfillAssetPartitions>> | undefined;
  /** Per asset key, the partitions of the backfill's run in progress (`""` for an unpartitioned asset). */
  readonly inProgress?: Readonly<Record<string, readonly string[]>> | undefined;
}

/** One asset of a backfill: its targeted partitions and their outcome; `""` stands for an unpartitioned asset. */
export interface BackfillAssetPartitions {
  /** In the asset's partition order. */
  readonly targeted: readonly string[];
  readonly materialized: readonly string[];
  /** Failed, or never run because a partition it depends on failed. */
  readonly failed: readonly string[];
}

/** What launches runs on its own: a schedule, a sensor (automation condition sensors are sensors). */
export type InstigatorType = "SCHEDULE" | "SENSOR";

/** Whether a schedule or sensor is turned on (RUNNING) or off (STOPPED) in the instance. */
export const InstigatorStatus = Object.freeze({ RUNNING: "RUNNING", STOPPED: "STOPPED" });
export type InstigatorStatus = (typeof InstigatorStatus)[keyof typeof InstigatorStatus];

/** A schedule's or sensor's stored state: started or stopped by a user, and the cursor its ticks carry. */
export interface InstigatorState {
  readonly name: string;
  readonly type: InstigatorType;
  readonly status: InstigatorStatus;
  /** A sensor's cursor, or the automation cursor of an automation condition sensor. */
  readonly cursor?: string | undefined;
  /** Epoch ms of the last tick's evaluation time (a schedule's last cron tick). */
  readonly lastTickTimestamp?: number | undefined;
  readonly updateTime: number;
}

/** How a schedule's or sensor's tick ended: SKIPPED, SUCCESS or FAILURE (STARTED while it runs). */
export const TickStatus = Object.freeze({ STARTED: "STARTED", SKIPPED: "SKIPPED", SUCCESS: "SUCCESS", FAILURE: "FAILURE" });
export type TickStatus = (typeof TickStatus)[keyof typeof TickStatus];

/** One evaluation of a schedule or sensor by the daemon. */
export interface TickRecord {
  /** Assigned by storage, increasing. */
  readonly tickId: number;
  readonly instigatorName: string;
  readonly instigatorType: InstigatorType;
  readonly status: TickStatus;
  /** Epoch ms: the cron tick of a schedule, the evaluation time of a sensor. */
  readonly timestamp: number;
  /** Epoch ms when the tick ended. */
  readonly endTimestamp?: number | undefined;
  readonly runIds: readonly string[];
  /** Run keys of the requests this tick made (launched or found already launched). */
  readonly runKeys: readonly string[];
  readonly skipReason?: string | undefined;
  /** The error (message and stack) that failed the tick. */
  readonly error?: string | undefined;
  /** The cursor the tick ended with. */
  readonly cursor?: string | undefined;
  /** Automation ticks: the evaluation id of the condition evaluation, and how many asset partitions it requested. */
  readonly evaluationId?: number | undefined;
  readonly requestedCount?: number | undefined;
}
export type NewTick = Omit<TickRecord, "tickId">;

/** Which ticks of an instigator to read: by status and time, newest first, up to a limit. */
export interface TicksFilter {
  statuses?: readonly TickStatus[];
  /** Only ticks with a timestamp before this (exclusive). */
  beforeTimestamp?: number;
  /** Newest first. */
  limit?: number;
}

/** One asset's evaluated condition tree from one automation tick, for `tessera automation explain`. */
export interface AutomationEvaluationRecord {
  /** `a/b` */
  readonly assetKey: string;
  readonly evaluationId: number;
  /** Epoch ms of the evaluation. */
  readonly timestamp: number;
  /** The automation condition sensor that evaluated it. */
  readonly sensorName: string;
  readonly numRequested: number;
  /** The evaluated tree (JSON-serializable): each node's label, true subset and children. */
  readonly tree: unknown;
}

/** A lease on a named role (the daemon): one holder at a time, until it expires or is released. */
export interface LeaseRecord {
  readonly name: string;
  readonly holder: string;
  readonly acquiredAt: number;
  readonly expiresAt: number;
  /** Whatever the holder reports of itself (host, pid, loops' last iteration). */
  readonly info: Readonly<Record<string, unknown>>;
}

export interface SchemaInfo {
  /** The schema version the storage holds. */
  readonly version: number;
  /** The newest version this code knows. */
  readonly latest: number;
}

/** What `tessera instance info` shows of a storage: its backend, where it is (no secrets), its schema version and counts. */
export interface StorageInfo {
  readonly backend: "sqlite" | "postgres";
  /** A path or a URL with any password removed. */
  readonly location: string;
  readonly schema: SchemaInfo;
  readonly runs: number;
  readonly events: number;
  readonly assets: number;
}

/**
 * Everything an instance keeps: runs, the event log and the asset index built from it, schedules' and sensors'
 * state and ticks, backfills, leases and automation evaluations. SQLite and PostgreSQL implement it and pass the
 * same conformance suite (conformance.ts); go through `Instance` rather than using it directly.
 */
export interface Storage {
  readonly backend: "sqlite" | "postgres";
  readonly location: string;

  // Schema
  getSchemaInfo(): Promise<SchemaInfo>;
  /** Brings the schema to the newest version; returns the versions before and after. */
  migrate(): Promise<{ from: number; to: number }>;
  info(): Promise<StorageInfo>;
  close(): Promise<void>;

  // Runs
  addRun(run: NewRun): Promise<RunRecord>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  getRuns(filter?: RunsFilter): Promise<RunRecord[]>;
  /**
   * Deletes a run, its tags and its events in one transaction. The assets it had events of are indexed again from
   * the events that remain (latest materialization, observation, run), and `EventLogHead.deletions` grows by one.
   */
  deleteRun(runId: string): Promise<void>;
  /**
   * Run ids starting with `prefix`, matched literally and case-sensitively (`%` and `_` are not wildcards), for
   * commands that take a run id by unique prefix. `limit` (default 10) caps `ids`, not `total`.
   */
  runIds(prefix: string, options?: { limit?: number }): Promise<IdPrefixMatches>;

  // Events
  /**
   * Appends events in one transaction, in order. Run lifecycle events move their run's status and the
   * asset index follows materializations and observations, in the same transaction.
   */
  storeEvents(events: readonly TesseraEvent[], options?: StoreEventsOptions): Promise<EventRecord[]>;
  getRunLogs(runId: string, options?: RunLogsOptions): Promise<EventRecord[]>;
  getEventRecords(filter: EventRecordsFilter): Promise<EventRecord[]>;
  getMaxStorageId(): Promise<number>;
  /** The largest storage id and the count of run deletions that took asset events, together (see EventLogHead). */
  getEventLogHead(): Promise<EventLogHead>;
  /** What changed in the storage ids `afterStorageId` (exclusive) to `toStorageId` (inclusive); see EventLogChanges. */
  getEventLogChanges(afterStorageId: number, toStorageId: number): Promise<EventLogChanges>;

  // Asset index
  getAssetRecords(keys?: readonly AssetKey[]): Promise<AssetRecord[]>;
  /** Keys with any recorded (unwiped) event, optionally under a prefix. */
  getAssetKeys(prefix?: readonly string[]): Promise<AssetKey[]>;
  /** Forgets the assets' history (events stay in their runs' logs) and removes them from the index. */
  wipeAssets(keys: readonly AssetKey[]): Promise<void>;
  /**
   * Forgets some partitions of an asset: records one ASSET_WIPED event per partition (run id "", as the reference
   * records runless events), after which the asset's materializations, observations, failures and planned
   * materializations of those partitions are no longer part of its history (reads by asset leave them out), and
   * the asset's latest materialization and observation are its newest remaining ones. Other partitions are kept.
   */
  wipeAssetPartitions(key: AssetKey, partitions: readonly string[], timestamp: number): Promise<EventRecord[]>;
  /** Partitions with an unwiped materialization. */
  getMaterializedPartitions(key: AssetKey): Promise<string[]>;

  // Dynamic partitions
  addDynamicPartitions(name: string, keys: readonly string[]): Promise<void>;
  getDynamicPartitions(name: string): Promise<string[]>;
  hasDynamicPartition(name: string, key: string): Promise<boolean>;
  deleteDynamicPartition(name: string, key: string): Promise<void>;

  // Backfills
  addBackfill(backfill: BackfillRecord): Promise<void>;
  /** Replaces the stored backfill of the same id. */
  updateBackfill(backfill: BackfillRecord): Promise<void>;
  getBackfill(backfillId: string): Promise<BackfillRecord | undefined>;
  /** Newest first. */
  getBackfills(filter?: { statuses?: readonly BackfillStatus[]; limit?: number }): Promise<BackfillRecord[]>;
  /** Backfill ids starting with `prefix`, as `runIds` does for runs. */
  backfillIds(prefix: string, options?: { limit?: number }): Promise<IdPrefixMatches>;

  // Schedules and sensors: state, ticks, automation evaluations
  getInstigatorState(name: string): Promise<InstigatorState | undefined>;
  getInstigatorStates(type?: InstigatorType): Promise<InstigatorState[]>;
  /** Inserts or replaces the state of `state.name`. */
  setInstigatorState(state: InstigatorState): Promise<void>;
  addTick(tick: NewTick): Promise<TickRecord>;
  /** Replaces the stored tick of the same id. */
  updateTick(tick: TickRecord): Promise<void>;
  /** An instigator's ticks, newest first (by timestamp, then tick id). */
  getTicks(instigatorName: string, filter?: TicksFilter): Promise<TickRecord[]>;
  addAutomationEvaluations(records: readonly AutomationEvaluationRecord[]): Promise<void>;
  /** An asset's evaluations, newest first; `beforeEvaluationId` pages back from one (exclusive). */
  getAutomationEvaluations(assetKey: string, options?: { limit?: number; evaluationId?: number; beforeEvaluationId?: number }): Promise<AutomationEvaluationRecord[]>;

  // Leases
  /**
   * Takes the lease when it is free, expired at `now`, or already `holder`'s (then renews it), and
   * returns the lease as stored after the attempt: the caller holds it when `holder` matches. Atomic
   * across processes.
   */
  acquireLease(name: string, holder: string, now: number, ttlMs: number, info?: Readonly<Record<string, unknown>>): Promise<LeaseRecord>;
  /** Gives the lease up if `holder` holds it. */
  releaseLease(name: string, holder: string): Promise<void>;
  getLease(name: string): Promise<LeaseRecord | undefined>;

  // Key-value cursors
  getKv(keys: readonly string[]): Promise<Record<string, string>>;
  /**
   * Sets the keys in one transaction. With a fence (a worker's bookkeeping: who runs a step, its report), the values
   * are written only while the fence's holder holds its lease unexpired, checked in that transaction (LeaseLostError).
   */
  setKv(values: Readonly<Record<string, string>>, options?: StoreEventsOptions): Promise<void>;
}

/**
 * The fencing token a holder writes with: the lease it holds, checked in the transaction that stores the events.
 * The write is refused (LeaseLostError) unless `holder` still holds `lease` unexpired at `now`.
 */
export interface WriteFence {
  readonly lease: string;
  readonly holder: string;
  readonly now: number;
}

/** How `storeEvents` guards a batch. */
export interface StoreEventsOptions {
  readonly fence?: WriteFence;
}

/**
 * Events a finished run still accepts (notes about it); any other event for a finished run, above all one that
 * moves its status or a step, is refused with RunFinishedWriteError.
 */
export const EVENTS_ALLOWED_AFTER_END: ReadonlySet<string> = new Set(["ENGINE_EVENT", "LOG_MESSAGE"]);
