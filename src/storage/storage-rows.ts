// Rows of the storage tables and their records: one encoding for every backend, so all of them read alike.
import { AssetKey, type EventRecord, type EventType, type RunStatus, type TesseraEvent } from "../core/index.js";
import type {
  AutomationEvaluationRecord,
  BackfillRecord,
  BackfillStatus,
  InstigatorState,
  InstigatorStatus,
  InstigatorType,
  LeaseRecord,
  NewTick,
  RunRecord,
  TickRecord,
  TickStatus,
} from "./storage.js";

export interface RunRow {
  run_id: string;
  job_name: string;
  status: RunStatus;
  partition_key: string | null;
  backfill_id: string | null;
  parent_run_id: string | null;
  root_run_id: string | null;
  create_time: number;
  update_time: number;
  start_time: number | null;
  end_time: number | null;
  failure_reason: string | null;
  body: string;
}

export interface EventRow {
  id: number;
  run_id: string;
  step_key: string | null;
  event_type: EventType;
  timestamp: number;
  asset_key: string | null;
  partition: string | null;
  body: string;
}

export const EVENT_COLUMNS = ["id", "run_id", "step_key", "event_type", "timestamp", "asset_key", "partition", "body"] as const;

/** `m.id AS m_id, m.run_id AS m_run_id, …`: an event joined under a prefix. */
export function prefixedEventColumns(alias: string): string {
  return EVENT_COLUMNS.map((c) => `${alias}.${c} AS ${alias}_${c}`).join(", ");
}

/** The event of a row joined with `prefixedEventColumns(alias)`, or undefined when the join found none. */
export function decodePrefixedEvent(row: Record<string, unknown>, alias: string): EventRecord | undefined {
  if (row[`${alias}_id`] === null || row[`${alias}_id`] === undefined) return undefined;
  const event: Record<string, unknown> = {};
  for (const c of EVENT_COLUMNS) event[c] = row[`${alias}_${c}`];
  return decodeEvent(event as unknown as EventRow);
}

export function encodeRunBody(run: { tags: Record<string, string>; assetSelection: readonly string[]; runConfig: unknown }): string {
  return JSON.stringify({ tags: run.tags, assetSelection: run.assetSelection, runConfig: run.runConfig ?? null });
}

export function decodeRun(row: RunRow): RunRecord {
  const body = JSON.parse(row.body) as { tags: Record<string, string>; assetSelection: string[]; runConfig: unknown };
  return {
    runId: row.run_id,
    jobName: row.job_name,
    status: row.status,
    tags: body.tags,
    assetSelection: body.assetSelection,
    runConfig: body.runConfig,
    partitionKey: row.partition_key ?? undefined,
    backfillId: row.backfill_id ?? undefined,
    parentRunId: row.parent_run_id ?? undefined,
    rootRunId: row.root_run_id ?? undefined,
    createTime: row.create_time,
    updateTime: row.update_time,
    startTime: row.start_time ?? undefined,
    endTime: row.end_time ?? undefined,
    failureReason: row.failure_reason ?? undefined,
  };
}

/**
 * What a run lifecycle event changes on its run's row besides status and update time: a start sets the
 * start time; an end sets the end time and why the run failed (cleared on any other end).
 */
export function runStatusChange(event: TesseraEvent, status: RunStatus): { started: boolean; ended: boolean; failureReason: string | null } {
  if (event.eventType === "RUN_START") return { started: true, ended: false, failureReason: null };
  if (status === "SUCCESS" || status === "FAILURE" || status === "CANCELED") {
    return { started: false, ended: true, failureReason: status === "FAILURE" ? (event.message ?? null) : null };
  }
  return { started: false, ended: false, failureReason: null };
}

const COLUMN_FIELDS = new Set(["runId", "stepKey", "eventType", "timestamp", "assetKey", "partition"]);

/** The fields of an event that have no column of their own, as JSON text (as the SQLite backend stores them). */
export function encodeEventBody(event: TesseraEvent): string {
  const body: Record<string, unknown> = {};
  for (const key in event) {
    if (COLUMN_FIELDS.has(key)) continue;
    const value = (event as unknown as Record<string, unknown>)[key];
    if (value !== undefined) body[key] = value;
  }
  return JSON.stringify(body);
}

export function decodeEvent(row: EventRow): EventRecord {
  const body = JSON.parse(row.body) as Partial<TesseraEvent>;
  const record: EventRecord = {
    ...body,
    storageId: row.id,
    runId: row.run_id,
    timestamp: row.timestamp,
    eventType: row.event_type,
  };
  if (row.step_key !== null) record.stepKey = row.step_key;
  if (row.asset_key !== null) record.assetKey = AssetKey.from(row.asset_key);
  if (row.partition !== null) record.partition = row.partition;
  return record;
}

export interface BackfillRow {
  backfill_id: string;
  status: BackfillStatus;
  create_time: number;
  update_time: number;
  body: string;
}

const BACKFILL_COLUMNS = new Set(["backfillId", "status", "createTime", "updateTime"]);

/** The fields of a backfill without a column, as JSON text. */
export function encodeBackfillBody(backfill: BackfillRecord): string {
  return JSON.stringify(Object.fromEntries(Object.entries(backfill).filter(([k, v]) => !BACKFILL_COLUMNS.has(k) && v !== undefined)));
}

export function decodeBackfill(row: BackfillRow): BackfillRecord {
  return {
    ...(JSON.parse(row.body) as Omit<BackfillRecord, "backfillId" | "status" | "createTime" | "updateTime">),
    backfillId: row.backfill_id,
    status: row.status,
    createTime: Number(row.create_time),
    updateTime: Number(row.update_time),
  };
}

export interface InstigatorRow {
  name: string;
  type: InstigatorType;
  status: InstigatorStatus;
  update_time: number;
  body: string;
}

export function encodeInstigatorBody(state: InstigatorState): string {
  return JSON.stringify({ cursor: state.cursor, lastTickTimestamp: state.lastTickTimestamp });
}

export function decodeInstigator(row: InstigatorRow): InstigatorState {
  const body = JSON.parse(row.body) as { cursor?: string; lastTickTimestamp?: number };
  return {
    name: row.name,
    type: row.type,
    status: row.status,
    updateTime: Number(row.update_time),
    ...(body.cursor !== undefined ? { cursor: body.cursor } : {}),
    ...(body.lastTickTimestamp !== undefined ? { lastTickTimestamp: body.lastTickTimestamp } : {}),
  };
}

export interface TickRow {
  id: number | string;
  instigator_name: string;
  instigator_type: InstigatorType;
  status: TickStatus;
  timestamp: number;
  body: string;
}

const TICK_COLUMNS = new Set(["tickId", "instigatorName", "instigatorType", "status", "timestamp"]);

/** The fields of a tick without a column, as JSON text. */
export function encodeTickBody(tick: NewTick | TickRecord): string {
  return JSON.stringify(Object.fromEntries(Object.entries(tick).filter(([k, v]) => !TICK_COLUMNS.has(k) && v !== undefined)));
}

export function decodeTick(row: TickRow): TickRecord {
  return {
    ...(JSON.parse(row.body) as Omit<TickRecord, "tickId" | "instigatorName" | "instigatorType" | "status" | "timestamp">),
    tickId: Number(row.id),
    instigatorName: row.instigator_name,
    instigatorType: row.instigator_type,
    status: row.status,
    timestamp: Number(row.timestamp),
  };
}

export interface AutomationEvaluationRow {
  asset_key: string;
  evaluation_id: number;
  timestamp: number;
  sensor_name: string;
  num_requested: number;
  body: string;
}

export function decodeAutomationEvaluation(row: AutomationEvaluationRow): AutomationEvaluationRecord {
  return {
    assetKey: row.asset_key,
    evaluationId: Number(row.evaluation_id),
    timestamp: Number(row.timestamp),
    sensorName: row.sensor_name,
    numRequested: Number(row.num_requested),
    tree: JSON.parse(row.body) as unknown,
  };
}

export interface LeaseRow {
  name: string;
  holder: string;
  acquired_at: number;
  expires_at: number;
  info: string;
}

export function decodeLease(row: LeaseRow): LeaseRecord {
  return {
    name: row.name,
    holder: row.holder,
    acquiredAt: Number(row.acquired_at),
    expiresAt: Number(row.expires_at),
    info: JSON.parse(row.info) as Record<string, unknown>,
  };
}

/** Why a fence no longer holds, for LeaseLostError. */
export function leaseLostDetail(lease: { holder: string; expires_at: number } | undefined, holder: string, now: number): string {
  if (!lease) return "it no longer exists";
  if (lease.holder !== holder) return `${lease.holder} holds it now`;
  return `it expired ${Math.round((now - Number(lease.expires_at)) / 100) / 10} s ago`;
}
