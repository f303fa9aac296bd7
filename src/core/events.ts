// The event model: what execution emits and storage records. Names follow the reference's DagsterEventType.
import type { AssetKey } from "./asset-key.js";
import type { MetadataMap } from "./metadata.js";
import type { Tags } from "./tags.js";

/** The kinds of event a run records in the event log (run lifecycle, steps, IO, materializations, observations, checks, logs). */
export const EventType = Object.freeze({
  RUN_ENQUEUED: "RUN_ENQUEUED",
  RUN_STARTING: "RUN_STARTING",
  RUN_START: "RUN_START",
  RUN_SUCCESS: "RUN_SUCCESS",
  RUN_FAILURE: "RUN_FAILURE",
  RUN_CANCELING: "RUN_CANCELING",
  RUN_CANCELED: "RUN_CANCELED",
  STEP_START: "STEP_START",
  STEP_SUCCESS: "STEP_SUCCESS",
  STEP_FAILURE: "STEP_FAILURE",
  STEP_SKIPPED: "STEP_SKIPPED",
  STEP_UP_FOR_RETRY: "STEP_UP_FOR_RETRY",
  STEP_RESTARTED: "STEP_RESTARTED",
  LOADED_INPUT: "LOADED_INPUT",
  HANDLED_OUTPUT: "HANDLED_OUTPUT",
  ASSET_MATERIALIZATION: "ASSET_MATERIALIZATION",
  ASSET_MATERIALIZATION_PLANNED: "ASSET_MATERIALIZATION_PLANNED",
  ASSET_FAILED_TO_MATERIALIZE: "ASSET_FAILED_TO_MATERIALIZE",
  ASSET_OBSERVATION: "ASSET_OBSERVATION",
  ASSET_CHECK_EVALUATION: "ASSET_CHECK_EVALUATION",
  ASSET_WIPED: "ASSET_WIPED",
  ENGINE_EVENT: "ENGINE_EVENT",
  LOG_MESSAGE: "LOG_MESSAGE",
  /** A step began writing to stdout or stderr; its data names where the compute log manager keeps them. */
  LOGS_CAPTURED: "LOGS_CAPTURED",
});
export type EventType = (typeof EventType)[keyof typeof EventType];

/** The lifecycle states of a run, from QUEUED through STARTED to SUCCESS, FAILURE or CANCELED. */
export const RunStatus = Object.freeze({
  QUEUED: "QUEUED",
  NOT_STARTED: "NOT_STARTED",
  STARTING: "STARTING",
  STARTED: "STARTED",
  SUCCESS: "SUCCESS",
  FAILURE: "FAILURE",
  CANCELING: "CANCELING",
  CANCELED: "CANCELED",
});
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

/** The run status an event moves its run to, if it is a run lifecycle event. */
export const RUN_STATUS_BY_EVENT: Readonly<Partial<Record<EventType, RunStatus>>> = Object.freeze({
  RUN_ENQUEUED: "QUEUED",
  RUN_STARTING: "STARTING",
  RUN_START: "STARTED",
  RUN_SUCCESS: "SUCCESS",
  RUN_FAILURE: "FAILURE",
  RUN_CANCELING: "CANCELING",
  RUN_CANCELED: "CANCELED",
});

export const FINISHED_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(["SUCCESS", "FAILURE", "CANCELED"]);

/** Severity of a log message recorded in a run's event log. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** An error as recorded: enough to show the user what failed and where, without the live object. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  cause?: SerializedError;
}

/** An event before storage gives it an id. */
export interface TesseraEvent {
  runId: string;
  stepKey?: string | undefined;
  /** Epoch milliseconds. */
  timestamp: number;
  eventType: EventType;
  assetKey?: AssetKey | undefined;
  partition?: string | undefined;
  message?: string | undefined;
  level?: LogLevel | undefined;
  metadata?: MetadataMap | undefined;
  tags?: Tags | undefined;
  error?: SerializedError | undefined;
  /** Structured fields of a log message, or details of an engine event. */
  data?: Readonly<Record<string, unknown>> | undefined;
  /** The attempt (0-based) of the step this event belongs to. */
  attempt?: number | undefined;
  /** Milliseconds a step took, on STEP_SUCCESS/STEP_FAILURE. */
  durationMs?: number | undefined;
  /** The input or output an IO event is about. */
  inputName?: string | undefined;
  outputName?: string | undefined;
  checkName?: string | undefined;
  passed?: boolean | undefined;
  severity?: "WARN" | "ERROR" | undefined;
}

/** An event as stored: `storageId` is monotonic across the instance and serves as the cursor. */
export interface EventRecord extends TesseraEvent {
  readonly storageId: number;
}

export function serializeError(error: unknown, depth = 0): SerializedError {
  if (error instanceof Error) {
    const out: SerializedError = { name: error.name, message: error.message };
    if (error.stack) out.stack = error.stack;
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string") out.code = code;
    if (error.cause !== undefined && depth < 5) out.cause = serializeError(error.cause, depth + 1);
    return out;
  }
  return { name: "NonErrorThrown", message: typeof error === "string" ? error : safeString(error) };
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
