// What the list and show commands print with --json: one JSON document on stdout, in the shapes below.
// docs/cli-json.md documents them for users. They are a stable interface for scripts: fields are camelCase,
// always present (null when there is no value), timestamps are ISO-8601 strings in UTC, ids are whole, statuses
// are the reference's names (RunStatus, BulkActionStatus, InstigatorStatus, TickStatus), and asset keys are
// `a/b` strings, with a `path` array beside them where an asset appears as an object.
import type { EventRecord, MetadataMap, MetadataValue, RunStatus, SerializedError } from "../core/index.js";
import type { BackfillRecord, BackfillStatus, InstigatorStatus, InstigatorType, RunRecord, TickRecord, TickStatus } from "../storage/index.js";
import type { ScheduleDefinition, SensorDefinition } from "../definitions/index.js";
import type { InstigatorSummary } from "../automation/daemon/index.js";
import { backfillAssetStatuses } from "../execution/index.js";
import type { Cli } from "./cli.js";

/** Prints `document` as the command's only output: indented JSON and a newline, no colours. */
export function printJson(cli: Cli, document: unknown): void {
  cli.print(JSON.stringify(document, null, 2));
}

/** Epoch milliseconds as an ISO-8601 string (UTC), or null. */
export function isoTime(epochMs: number | undefined | null): string | null {
  return epochMs === undefined || epochMs === null ? null : new Date(epochMs).toISOString();
}

// ---------------------------------------------------------------------------------------------------------------
// Runs: `tessera run list --json` (RunJson[]) and `tessera run show --json` (RunDetailJson)

/** A run, as `tessera run list --json` lists it (newest first). */
export interface RunJson {
  /** The run's whole id. */
  runId: string;
  /** QUEUED, NOT_STARTED, STARTING, STARTED, SUCCESS, FAILURE, CANCELING or CANCELED. */
  status: RunStatus;
  /** The job the run ran: `__ASSET_JOB` for `tessera materialize`, else the asset job's name. */
  jobName: string;
  /** The keys (`a/b`) the run was asked to materialize or observe. */
  assetSelection: string[];
  /** The partition the run materialized, if any. */
  partitionKey: string | null;
  /** The backfill that launched the run, if any. */
  backfillId: string | null;
  /** The run this one re-executes, if any. */
  parentRunId: string | null;
  /** The first run of a chain of re-executions, if this is one. */
  rootRunId: string | null;
  /** The run's tags. */
  tags: Record<string, string>;
  /** When the run was created (queued or launched). */
  createTime: string;
  /** When the run's record last changed. */
  updateTime: string;
  /** When the run started executing, if it has. */
  startTime: string | null;
  /** When the run ended, if it has. */
  endTime: string | null;
  /** endTime - startTime in milliseconds, once the run has ended. */
  durationMs: number | null;
  /** Why the run failed (the message of its RUN_FAILURE event). */
  failureReason: string | null;
}

/** An error recorded on an event: its class name, message, stack and cause chain. */
export interface ErrorJson {
  name: string;
  message: string;
  stack: string | null;
  /** A code the error carried (Tessera's errors and Node's system errors have one). */
  code: string | null;
  cause: ErrorJson | null;
}

/** One event of a run's event log. */
export interface EventJson {
  /** The event's storage id: increasing across the instance. */
  storageId: number;
  /** The reference's DagsterEventType name: RUN_START, STEP_SUCCESS, ASSET_MATERIALIZATION, LOG_MESSAGE, … */
  eventType: string;
  timestamp: string;
  /** The step (an asset's key, or a multi-asset's name) the event belongs to. */
  stepKey: string | null;
  /** The asset (`a/b`) the event is about. */
  assetKey: string | null;
  partition: string | null;
  message: string | null;
  /** A log message's level: debug, info, warn or error. */
  level: string | null;
  /** Metadata entries as `{ type, value }`, as MetadataValue stores them (a `timestamp` entry's value is ISO-8601). */
  metadata: Record<string, MetadataValue> | null;
  /** A log message's structured fields, or an engine event's details. */
  data: Record<string, unknown> | null;
  /** The event's tags (an observation's `tessera/data_version`, a materialization's code version, …). */
  tags: Record<string, string> | null;
  /** The input or output an IO event (LOADED_INPUT, HANDLED_OUTPUT) is about. */
  inputName: string | null;
  outputName: string | null;
  error: ErrorJson | null;
  /** The step's attempt (0-based), on step events. */
  attempt: number | null;
  /** How long the step took, on STEP_SUCCESS and STEP_FAILURE. */
  durationMs: number | null;
  /** An asset check evaluation's check, outcome and severity (WARN or ERROR). */
  checkName: string | null;
  passed: boolean | null;
  severity: "WARN" | "ERROR" | null;
}

/** A run with its config and whole event log, as `tessera run show --json` prints it. */
export interface RunDetailJson extends RunJson {
  /** The run config the run ran with. */
  runConfig: unknown;
  /** The run's events, oldest first. */
  events: EventJson[];
}

export function runJson(run: RunRecord): RunJson {
  return {
    runId: run.runId,
    status: run.status,
    jobName: run.jobName,
    assetSelection: [...run.assetSelection],
    partitionKey: run.partitionKey ?? null,
    backfillId: run.backfillId ?? null,
    parentRunId: run.parentRunId ?? null,
    rootRunId: run.rootRunId ?? null,
    tags: { ...run.tags },
    createTime: isoTime(run.createTime) as string,
    updateTime: isoTime(run.updateTime) as string,
    startTime: isoTime(run.startTime),
    endTime: isoTime(run.endTime),
    durationMs: run.startTime !== undefined && run.endTime !== undefined ? run.endTime - run.startTime : null,
    failureReason: run.failureReason ?? null,
  };
}

export function runDetailJson(run: RunRecord, events: readonly EventRecord[]): RunDetailJson {
  return { ...runJson(run), runConfig: run.runConfig ?? null, events: events.map(eventJson) };
}

export function eventJson(event: EventRecord): EventJson {
  return {
    storageId: event.storageId,
    eventType: event.eventType,
    timestamp: isoTime(event.timestamp) as string,
    stepKey: event.stepKey ?? null,
    assetKey: event.assetKey === undefined ? null : event.assetKey.toString(),
    partition: event.partition ?? null,
    message: event.message ?? null,
    level: event.level ?? null,
    metadata: metadataJson(event.metadata),
    data: event.data === undefined ? null : { ...event.data },
    tags: event.tags === undefined ? null : { ...event.tags },
    inputName: event.inputName ?? null,
    outputName: event.outputName ?? null,
    error: errorJson(event.error),
    attempt: event.attempt ?? null,
    durationMs: event.durationMs ?? null,
    checkName: event.checkName ?? null,
    passed: event.passed ?? null,
    severity: event.severity ?? null,
  };
}

function errorJson(error: SerializedError | undefined): ErrorJson | null {
  if (!error) return null;
  return { name: error.name, message: error.message, stack: error.stack ?? null, code: error.code ?? null, cause: errorJson(error.cause) };
}

/** Metadata entries as stored, with `timestamp` values as ISO-8601 strings. */
export function metadataJson(metadata: MetadataMap | undefined): Record<string, MetadataValue> | null {
  if (metadata === undefined) return null;
  const out: Record<string, MetadataValue> = {};
  for (const [name, value] of Object.entries(metadata)) {
    out[name] = value.type === "timestamp" ? ({ type: "timestamp", value: isoTime(value.value) } as unknown as MetadataValue) : value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Assets: `tessera asset list --json` (AssetJson[]) and `tessera asset show --json` (AssetDetailJson)

/** An asset's latest materialization or observation. */
export interface AssetEventJson {
  timestamp: string;
  runId: string;
  storageId: number;
  partition: string | null;
  metadata: Record<string, MetadataValue> | null;
  /** The data version an observation reported (its `tessera/data_version` tag). */
  dataVersion: string | null;
}

/** An asset, as `tessera asset list --json` lists it (sorted by key). */
export interface AssetJson {
  /** The key as `a/b`. */
  key: string;
  /** The key's components: `["a", "b"]`. */
  path: string[];
  /** Whether a code location given (-m, or tessera.yaml's locations) defines it; else the instance only recorded it. */
  defined: boolean;
  /** Its group, when a code location defines it. */
  groupName: string | null;
  /** FRESH, STALE or MISSING, when a code location defines it. */
  status: "FRESH" | "STALE" | "MISSING" | null;
  /** Why a STALE asset is stale: the category of its first cause (CODE, DATA or DEPENDENCIES). */
  staleCategory: string | null;
  lastMaterialization: AssetEventJson | null;
  lastObservation: AssetEventJson | null;
}

/** One reason an asset is stale. */
export interface StaleCauseJson {
  /** The asset (`a/b`) the cause is about: this one or an upstream one. */
  key: string;
  /** The partition of `key` the cause is about, when it is about a partition. */
  partitionKey: string | null;
  /** CODE, DATA or DEPENDENCIES. */
  category: string;
  reason: string;
  /** The dependency involved, if any (`a/b`). */
  dependency: string | null;
  /** The partition of `dependency` involved, when it is partitioned. */
  dependencyPartitionKey: string | null;
}

/** The latest evaluation of one of an asset's checks. */
export interface AssetCheckJson {
  name: string;
  passed: boolean;
  /** WARN or ERROR: how bad a failure is. */
  severity: "WARN" | "ERROR" | null;
  timestamp: string;
  runId: string;
}

/** A partitioned asset's partitions by status, with the first ranges of those failed and missing. */
export interface AssetPartitionsJson {
  /** The partitions definition, described. */
  definition: string;
  materialized: number;
  failed: number;
  inProgress: number;
  missing: number;
  /** Ranges of failed partitions (`start`…`end`, equal for one partition). */
  failedRanges: { start: string; end: string }[];
  missingRanges: { start: string; end: string }[];
}

/** What a code location says of an asset. */
export interface AssetDefinitionJson {
  /** computed, observable source or external. */
  kind: "computed" | "observable source" | "external";
  description: string | null;
  groupName: string;
  owners: string[];
  kinds: string[];
  codeVersion: string | null;
  /** Keys (`a/b`) of the assets it depends on and of those depending on it. */
  upstream: string[];
  downstream: string[];
  status: "FRESH" | "STALE" | "MISSING";
  staleCauses: StaleCauseJson[];
  partitions: AssetPartitionsJson | null;
}

/** One asset in full, as `tessera asset show --json` prints it. */
export interface AssetDetailJson extends AssetJson {
  /** Null when no code location given defines the asset. */
  definition: AssetDefinitionJson | null;
  /** The latest evaluation of each of its checks. */
  checks: AssetCheckJson[];
}

export function assetEventJson(event: EventRecord | undefined): AssetEventJson | null {
  if (!event) return null;
  return {
    timestamp: isoTime(event.timestamp) as string,
    runId: event.runId,
    storageId: event.storageId,
    partition: event.partition ?? null,
    metadata: metadataJson(event.metadata),
    dataVersion: event.tags?.["tessera/data_version"] ?? null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Backfills: `tessera backfill list --json` (BackfillJson[]) and `tessera backfill show --json` (BackfillJson)

/** A backfill. */
export interface BackfillJson {
  /** The backfill's whole id. */
  backfillId: string;
  /** REQUESTED, IN_PROGRESS, COMPLETED, COMPLETED_FAILED, CANCELING, CANCELED or FAILED (the reference's BulkActionStatus). */
  status: BackfillStatus;
  createTime: string;
  updateTime: string;
  /** Keys (`a/b`) of the assets it materializes. */
  assetSelection: string[];
  /** Every partition requested, in order. */
  partitionKeys: string[];
  /** The runs launched so far, in order. */
  runIds: string[];
  /** Partitions whose run succeeded, and those whose run failed. */
  materializedPartitions: string[];
  failedPartitions: string[];
  tags: Record<string, string>;
  /** The backfill whose failed partitions this one re-runs. */
  fromFailureOf: string | null;
  /** Why the backfill itself failed (not one of its runs). */
  error: string | null;
  /** Per asset: its targeted partitions and how many are materialized, failed or in progress. */
  assets: BackfillAssetJson[];
}

/** One asset of a backfill; an unpartitioned asset counts as one partition. */
export interface BackfillAssetJson {
  assetKey: string;
  partitioned: boolean;
  numTargeted: number;
  numMaterialized: number;
  /** Failed, or not run because a partition it depends on failed. */
  numFailed: number;
  numInProgress: number;
}

export function backfillJson(b: BackfillRecord): BackfillJson {
  return {
    backfillId: b.backfillId,
    status: b.status,
    createTime: isoTime(b.createTime) as string,
    updateTime: isoTime(b.updateTime) as string,
    assetSelection: [...b.assetSelection],
    partitionKeys: [...b.partitionKeys],
    runIds: [...b.runIds],
    materializedPartitions: [...b.materializedPartitions],
    failedPartitions: [...b.failedPartitions],
    tags: { ...b.tags },
    fromFailureOf: b.fromFailureOf ?? null,
    error: b.error ?? null,
    assets: backfillAssetStatuses(b).map((s) => ({ ...s })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Schedules and sensors: `tessera schedule list --json`, `tessera sensor list --json` (InstigatorJson[]), and
// the `instigators` of `tessera daemon status --json`

/** One tick: an evaluation of a schedule or sensor by the daemon. */
export interface TickJson {
  tickId: number;
  /** STARTED, SKIPPED, SUCCESS or FAILURE. */
  status: TickStatus;
  /** A schedule's cron tick, or a sensor's evaluation time. */
  timestamp: string;
  endTimestamp: string | null;
  /** The runs the tick launched. */
  runIds: string[];
  runKeys: string[];
  skipReason: string | null;
  /** The error (message and stack) that failed the tick. */
  error: string | null;
  /** The cursor the tick ended with. */
  cursor: string | null;
  /** Automation ticks: the evaluation id, and how many asset partitions it requested. */
  evaluationId: number | null;
  requestedCount: number | null;
}

/** A schedule or sensor and its state in the instance. */
export interface InstigatorJson {
  name: string;
  /** SCHEDULE or SENSOR (automation condition sensors are sensors). */
  type: InstigatorType;
  /** RUNNING or STOPPED: the stored status, else the definition's default. */
  status: InstigatorStatus;
  /** True when `status` is the definition's default (never started or stopped in this instance). */
  defaultStatus: boolean;
  /** A sensor's cursor. */
  cursor: string | null;
  lastTick: TickJson | null;
  /** Jobs it targets, when a code location defines it (empty for automation condition sensors). */
  jobNames: string[];
  description: string | null;
  /** Schedules: the cron expression(s), the timezone, and the next tick after now. Null for sensors. */
  cronSchedule: string[] | null;
  executionTimezone: string | null;
  nextTick: string | null;
  /** Sensors: seconds between two evaluations. Null for schedules. */
  minimumIntervalSeconds: number | null;
}

/**
 * A schedule or sensor as JSON: its state (`summary`), with what its definition says when a code location defines
 * it (`definition`), the next tick of a schedule counted from `now`.
 */
export function instigatorJson(summary: InstigatorSummary, definition: ScheduleDefinition | SensorDefinition | undefined, now: number): InstigatorJson {
  const schedule = definition?.kind === "schedule_definition" ? definition : undefined;
  const sensor = definition?.kind === "sensor_definition" ? definition : undefined;
  return {
    name: summary.name,
    type: summary.type,
    status: summary.status,
    defaultStatus: !summary.stored,
    cursor: summary.cursor ?? null,
    lastTick: tickJson(summary.lastTick),
    jobNames: (definition?.targets ?? []).map((t) => t.jobName),
    description: definition?.description ?? null,
    cronSchedule: schedule ? [schedule.cronSchedule].flat() : null,
    executionTimezone: schedule ? schedule.executionTimezone : null,
    nextTick: schedule ? isoTime(schedule.nextTicks(now, 1)[0]?.getTime()) : null,
    // Automation condition sensors are not in the definitions' sensors; they evaluate every 30 s by default.
    minimumIntervalSeconds: summary.type === "SENSOR" ? (sensor?.minimumIntervalSeconds ?? 30) : null,
  };
}

export function tickJson(tick: TickRecord | undefined): TickJson | null {
  if (!tick) return null;
  return {
    tickId: tick.tickId,
    status: tick.status,
    timestamp: isoTime(tick.timestamp) as string,
    endTimestamp: isoTime(tick.endTimestamp),
    runIds: [...tick.runIds],
    runKeys: [...tick.runKeys],
    skipReason: tick.skipReason ?? null,
    error: tick.error ?? null,
    cursor: tick.cursor ?? null,
    evaluationId: tick.evaluationId ?? null,
    requestedCount: tick.requestedCount ?? null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// `tessera partitions list <name> --json`

/** The keys of a dynamic partitions definition. */
export interface PartitionsJson {
  /** The DynamicPartitionsDefinition's name. */
  name: string;
  /** Its keys, in the order they were added. */
  keys: string[];
  /** With --limit or --offset: how many keys there are in all (`keys` is the page asked for). */
  total?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// `tessera daemon status --json`

/** The daemon holding the lease on the instance. */
export interface DaemonLeaseJson {
  /** The holder's name (host:pid:random). */
  holder: string;
  pid: number | null;
  hostname: string | null;
  /** False when the lease expired: the daemon is no longer running. */
  running: boolean;
  acquiredAt: string;
  expiresAt: string;
  /** Its last renewal, and how long ago that was (ms). */
  heartbeat: string;
  heartbeatAgeMs: number;
  /** When each loop last iterated (null: not yet). */
  loops: { scheduler: string | null; sensors: string | null; automation: string | null; backfills: string | null; runQueue: string | null };
}

/** Who runs the schedules and sensors, and how they did. */
export interface DaemonStatusJson {
  /** When the status was read. */
  now: string;
  /** Null when no daemon holds, or ever held, the lease (or it was released). */
  daemon: DaemonLeaseJson | null;
  /** Where `instigators` come from: a code location, or the state the instance holds. */
  source: "codeLocation" | "instance";
  instigators: InstigatorJson[];
  /** The run queue: the queued runs the next pass would launch, and why each other one waits. */
  queue?: { launchNext: string[]; waiting: { runId: string; reason: string }[] };
}

// ---------------------------------------------------------------------------------------------------------------
// `tessera instance info --json`

/** Where the instance lives, its schema, and what it holds. */
export interface InstanceInfoJson {
  /** The Tessera home directory. */
  home: string;
  /** tessera.yaml in the home, or null when there is none (defaults apply). */
  settingsFile: string | null;
  /** sqlite or postgres, and its path or URL (no password). */
  storage: { backend: "sqlite" | "postgres"; location: string };
  /** Where the default IO manager keeps asset values. */
  valuesDir: string;
  schema: {
    version: number;
    latest: number;
    /** False when `tessera instance migrate` must be run before other commands. */
    upToDate: boolean;
  };
  /** Null while the schema is out of date. */
  counts: { runs: number; events: number; assets: number } | null;
  /** The modules of tessera.yaml's `locations`. */
  codeLocations: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// `tessera job list --json`

/** An asset job of a code location. */
export interface JobJson {
  name: string;
  description: string | null;
  /** The job's selection, as written. */
  selection: string;
  /** True when the selection uses `status:` and so is resolved against the instance when the job runs. */
  resolvedAtRunTime: boolean;
  /** Keys (`a/b`) of the assets it materializes; null when resolved at run time. */
  assetKeys: string[] | null;
}
