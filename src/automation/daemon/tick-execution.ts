// Carrying out one tick's decisions: dynamic partitions, then each run request launched once (idempotent by run key), recorded on the tick.
import type { DefinitionsData } from "../../definitions/index.js";
import type { Instance } from "../../instance/index.js";
import type { InstigatorState, InstigatorType, TickRecord, TickStatus } from "../../storage/index.js";
import { AutomationTags } from "../../definitions/index.js";
import type { DynamicPartitionsRequest } from "../../partitions/index.js";
import type { RunRequest } from "../../definitions/index.js";
import type { TargetRef } from "../../definitions/index.js";
import type { DaemonRunLauncher } from "./run-launcher.js";

export interface TickInstigator {
  readonly kind: "schedule" | "sensor";
  readonly name: string;
  readonly targets: readonly TargetRef[];
}

export interface TickEnvironment {
  readonly defs: DefinitionsData;
  readonly instance: Instance;
  readonly launcher: DaemonRunLauncher;
  /** Called with each launched run's (or backfill's) completion, so the daemon can wait for it on shutdown. */
  readonly track: (completion: Promise<void>) => void;
}

/** The run key of the `index`th request of a tick: the request's own, else one derived from the instigator and the tick's time. */
export function runKeyOf(instigatorName: string, tickTimestamp: number, index: number, request: RunRequest): string {
  return request.runKey ?? `${instigatorName}:${new Date(tickTimestamp).toISOString()}:${index}`;
}

/** The tag that names the instigator on its runs. */
export function instigatorTag(kind: "schedule" | "sensor"): string {
  return kind === "schedule" ? AutomationTags.SCHEDULE_NAME : AutomationTags.SENSOR_NAME;
}

/** A tick to record as started, or the started tick a crashed daemon left, to resume. */
export async function startTick(instance: Instance, name: string, type: InstigatorType, timestamp: number, resume: TickRecord | undefined): Promise<TickRecord> {
  if (resume) return resume;
  return instance.storage.addTick({ instigatorName: name, instigatorType: type, status: "STARTED", timestamp, runIds: [], runKeys: [] });
}

/**
 * Applies the dynamic partitions requests, then launches every request whose run key no run of this
 * instigator carries yet, saving the tick after each launch so that a daemon killed here resumes where it
 * stopped. Returns the tick with its run ids and run keys (still STARTED).
 */
export async function launchTickRuns(
  env: TickEnvironment,
  instigator: TickInstigator,
  tick: TickRecord,
  requests: readonly RunRequest[],
  dynamicRequests: readonly DynamicPartitionsRequest[],
): Promise<TickRecord> {
  const { instance } = env;
  for (const request of dynamicRequests) {
    if (request.kind === "add_dynamic_partitions") await instance.addDynamicPartitions(request.partitionsDefName, request.partitionKeys);
    else for (const key of request.partitionKeys) if (await instance.hasDynamicPartition(request.partitionsDefName, key)) await instance.deleteDynamicPartition(request.partitionsDefName, key);
  }
  const nameTag = instigatorTag(instigator.kind);
  let current = tick;
  for (const [index, request] of requests.entries()) {
    const runKey = runKeyOf(instigator.name, tick.timestamp, index, request);
    const runKeys = current.runKeys.includes(runKey) ? current.runKeys : [...current.runKeys, runKey];
    const existing = await instance.getRuns({ tags: { [nameTag]: instigator.name, [AutomationTags.RUN_KEY]: runKey }, limit: 1 });
    if (existing[0]) {
      const runId = existing[0].runId;
      if (!current.runIds.includes(runId) || runKeys !== current.runKeys) {
        current = { ...current, runKeys, runIds: current.runIds.includes(runId) ? current.runIds : [...current.runIds, runId] };
        await instance.storage.updateTick(current);
      }
      continue;
    }
    const tags = { ...request.tags, [nameTag]: instigator.name, [AutomationTags.RUN_KEY]: runKey };
    const launched = await env.launcher.launch({ request, tags, targets: instigator.targets, instigator }, env);
    env.track(launched.completion);
    current = { ...current, runKeys, runIds: [...current.runIds, launched.runId] };
    await instance.storage.updateTick(current);
  }
  return current;
}

/** Ends a tick: SUCCESS when it launched runs, SKIPPED with the reason otherwise, FAILURE with the error. */
export async function finishTick(
  instance: Instance,
  tick: TickRecord,
  outcome: { error?: unknown; skipReason?: string | undefined; cursor?: string | undefined; extra?: Partial<TickRecord> },
): Promise<TickRecord> {
  let status: TickStatus;
  if (outcome.error !== undefined) status = "FAILURE";
  else if (tick.runIds.length > 0 || tick.runKeys.length > 0) status = "SUCCESS";
  else status = "SKIPPED";
  const finished: TickRecord = {
    ...tick,
    ...outcome.extra,
    status,
    endTimestamp: instance.clock.now(),
    ...(status === "SKIPPED" ? { skipReason: outcome.skipReason ?? "No run requested" } : {}),
    ...(outcome.error !== undefined ? { error: describeError(outcome.error) } : {}),
    ...(outcome.cursor !== undefined ? { cursor: outcome.cursor } : {}),
  };
  await instance.storage.updateTick(finished);
  return finished;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack && error.stack.includes(error.message) ? error.stack : `${error.name}: ${error.message}\n${error.stack ?? ""}`;
  return String(error);
}

/**
 * Stores an instigator's cursor and last tick time, keeping the status as stored now: a user who stopped
 * the schedule or sensor while its tick ran is not overridden.
 */
export async function saveTickState(instance: Instance, name: string, type: InstigatorType, fields: Pick<InstigatorState, "lastTickTimestamp" | "cursor">): Promise<void> {
  const latest = await instance.storage.getInstigatorState(name);
  const cursor = fields.cursor ?? latest?.cursor;
  await instance.storage.setInstigatorState({
    name,
    type,
    status: latest?.status ?? "RUNNING",
    updateTime: instance.clock.now(),
    ...(fields.lastTickTimestamp === undefined ? {} : { lastTickTimestamp: fields.lastTickTimestamp }),
    ...(cursor === undefined ? {} : { cursor }),
  });
}
