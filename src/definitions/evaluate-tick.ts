// Shared tick machinery: reading what an evaluation function returned, resolving run requests against their
// target (job, partition, tags), and the cron ticks of a schedule in its timezone.
import { SystemTags } from "../core/index.js";
import type { DefinitionsData } from "./definitions.js";
import type { Instance } from "../instance/index.js";
import {
  CronSchedule,
  DynamicPartitionsDefinition,
  DynamicPartitionsSnapshot,
  PartitionKeyNotFoundError,
  tickSequence,
  ZoneOffsets,
  type DynamicPartitionsRequest,
  type PartitionsDefinition,
} from "../partitions/index.js";
import { InvalidEvaluationResultError, InvalidRunRequestError, type InstigatorKind } from "./errors.js";
import { RunRequest, SensorResult, SkipReason } from "./run-request.js";
import { describeValue, jobAssetIds, jobPartitionsDef, lookupJob, type TargetRef } from "./instigator-target.js";

/** Tags Tessera puts on runs launched by schedules and sensors. */
export const AutomationTags = Object.freeze({
  SCHEDULE_NAME: "tessera/schedule_name",
  SENSOR_NAME: "tessera/sensor_name",
  RUN_KEY: "tessera/run_key",
});

/** What one tick decided. */
export interface TickEvaluation {
  /** The runs to launch, resolved: each names its job and carries the partition and schedule/sensor tags. */
  readonly runRequests: readonly RunRequest[];
  /** Why nothing was requested, when nothing was. */
  readonly skipMessage: string | undefined;
  /** The cursor for the next tick (sensors; always undefined for schedules). */
  readonly cursor: string | undefined;
  /** Dynamic partitions to add or delete before launching the runs. */
  readonly dynamicPartitionsRequests: readonly DynamicPartitionsRequest[];
}

/** The items an evaluation function produced: a value, an array, a (async) generator, or a promise of any of them. */
export async function collectItems(produced: unknown): Promise<unknown[]> {
  const value = await produced;
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  if (typeof value === "object" && (Symbol.asyncIterator in value || isGenerator(value))) {
    const items: unknown[] = [];
    for await (const item of value as AsyncIterable<unknown>) items.push(item);
    return items;
  }
  return [value];
}

function isGenerator(value: object): boolean {
  return Symbol.iterator in value && typeof (value as { next?: unknown }).next === "function";
}

export interface Instigator {
  readonly kind: InstigatorKind;
  readonly name: string;
  readonly targets: readonly TargetRef[];
}

export interface ResolveContext {
  definitions: DefinitionsData | undefined;
  instance: Instance | undefined;
  /** Time partitions must have ended by this time to be requested. */
  currentTime: Date;
}

/**
 * Checks each run request against the instigator's targets and the target job's partitions (after the tick's
 * dynamic partitions requests), and returns them with their job name and tags filled in.
 */
export async function resolveRunRequests(
  instigator: Instigator,
  requests: readonly RunRequest[],
  dynamicRequests: readonly DynamicPartitionsRequest[],
  ctx: ResolveContext,
): Promise<RunRequest[]> {
  const { kind, name } = instigator;
  const targetNames = instigator.targets.map((t) => t.jobName);
  const nameTag = kind === "schedule" ? AutomationTags.SCHEDULE_NAME : AutomationTags.SENSOR_NAME;
  const snapshots = new Map<string, DynamicPartitionsSnapshot>();
  const resolved: RunRequest[] = [];
  for (const request of requests) {
    if (instigator.targets.length === 0) {
      throw new InvalidRunRequestError(
        `The ${kind} "${name}" returned a RunRequest but has no target: give it { job }, { jobName } or { target } so it knows what to run.`,
        { instigatorName: name },
      );
    }
    let ref: TargetRef;
    if (request.jobName !== undefined) {
      const found = instigator.targets.find((t) => t.jobName === request.jobName);
      if (!found) {
        throw new InvalidRunRequestError(
          `The ${kind} "${name}" returned a RunRequest for job "${request.jobName}", which it does not target. Expected one of: ${targetNames.map((n) => `"${n}"`).join(", ")}.`,
          { instigatorName: name, jobName: request.jobName },
        );
      }
      ref = found;
    } else if (instigator.targets.length > 1) {
      throw new InvalidRunRequestError(
        `The ${kind} "${name}" targets several jobs, so each RunRequest must name one with jobName: one of ${targetNames.map((n) => `"${n}"`).join(", ")}.`,
        { instigatorName: name },
      );
    } else {
      ref = instigator.targets[0] as TargetRef;
    }
    const job = lookupJob(kind, name, ref, ctx.definitions);
    if (request.assetSelection && job && ctx.definitions) {
      const ids = jobAssetIds(job, ctx.definitions);
      const outside = request.assetSelection.map(String).filter((id) => !ids.has(id));
      if (outside.length) {
        throw new InvalidRunRequestError(
          `The ${kind} "${name}" requested asset${outside.length > 1 ? "s" : ""} ${outside.map((o) => `"${o}"`).join(", ")}, which job "${ref.jobName}" does not materialize. Request a subset of the job's assets (or leave assetSelection out).`,
          { instigatorName: name, jobName: ref.jobName },
        );
      }
    }
    const tags: Record<string, string> = { ...request.tags, [nameTag]: name };
    if (request.partitionKey !== undefined) {
      const partitionsDef = job ? jobPartitionsDef(job, ctx.definitions) : "unknown";
      if (partitionsDef === "unknown") {
        throw new InvalidRunRequestError(
          `The ${kind} "${name}" requested partition "${request.partitionKey}" of job "${ref.jobName}", whose partitions come from its assets: ` +
            `build the context with { definitions } so the partition can be checked.`,
          { instigatorName: name, jobName: ref.jobName, partitionKey: request.partitionKey },
        );
      }
      if (partitionsDef === undefined) {
        throw new InvalidRunRequestError(
          `The ${kind} "${name}" requested partition "${request.partitionKey}" of job "${ref.jobName}", which is not partitioned. Leave partitionKey out, or target a partitioned job.`,
          { instigatorName: name, jobName: ref.jobName, partitionKey: request.partitionKey },
        );
      }
      await checkPartition(instigator, ref.jobName, partitionsDef, request.partitionKey, dynamicRequests, ctx, snapshots);
      tags[SystemTags.PARTITION] = request.partitionKey;
    }
    resolved.push(request.with({ jobName: ref.jobName, tags }));
  }
  return resolved;
}

async function checkPartition(
  instigator: Instigator,
  jobName: string,
  partitionsDef: PartitionsDefinition,
  key: string,
  dynamicRequests: readonly DynamicPartitionsRequest[],
  ctx: ResolveContext,
  snapshots: Map<string, DynamicPartitionsSnapshot>,
): Promise<void> {
  const { kind, name } = instigator;
  const id = partitionsDef.toString();
  let store = snapshots.get(id);
  if (!store) {
    const names = dynamicNames(partitionsDef);
    if (names.length > 0 && !ctx.instance) {
      throw new InvalidRunRequestError(
        `The ${kind} "${name}" requested partition "${key}" of job "${jobName}", whose dynamic partitions live in the instance: build the context with { instance }.`,
        { instigatorName: name, jobName, partitionKey: key },
      );
    }
    const loaded = ctx.instance ? await DynamicPartitionsSnapshot.load(ctx.instance, names) : new DynamicPartitionsSnapshot({});
    // The tick's own requests count: a key added in this tick may be requested, a deleted one may not.
    const keysByName = new Map<string, string[]>(names.map((n) => [n, [...loaded.getDynamicPartitions(n)]]));
    for (const request of dynamicRequests) {
      const keys = keysByName.get(request.partitionsDefName);
      if (!keys) continue;
      if (request.kind === "add_dynamic_partitions") {
        for (const k of request.partitionKeys) if (!keys.includes(k)) keys.push(k);
      } else {
        keysByName.set(request.partitionsDefName, keys.filter((k) => !request.partitionKeys.includes(k)));
      }
    }
    store = new DynamicPartitionsSnapshot(keysByName);
    snapshots.set(id, store);
  }
  try {
    partitionsDef.validatePartitionKey(key, { currentTime: ctx.currentTime, dynamicPartitionsStore: store });
  } catch (error) {
    if (!(error instanceof PartitionKeyNotFoundError)) throw error;
    throw new InvalidRunRequestError(
      `The ${kind} "${name}" requested partition "${key}" of job "${jobName}", which ${partitionsDef.toString()} does not have ` +
        `at ${ctx.currentTime.toISOString()} (after this tick's dynamic partitions requests). ${detailOf(error)} Request an existing partition` +
        (dynamicNames(partitionsDef).length ? `, or add it in the same tick with partitionsDef.buildAddRequest([key]).` : "."),
      { instigatorName: name, jobName, partitionKey: key },
      { cause: error },
    );
  }
}

function detailOf(error: PartitionKeyNotFoundError): string {
  const marker = " is not a partition of ";
  const at = error.message.indexOf(marker);
  const rest = at < 0 ? "" : error.message.slice(at + marker.length);
  const dot = rest.indexOf(". ");
  return dot < 0 ? "" : rest.slice(dot + 2);
}

function dynamicNames(def: PartitionsDefinition): string[] {
  if (def instanceof DynamicPartitionsDefinition) return [def.name];
  if ("partitionsDefs" in def) {
    return (def as { partitionsDefs: readonly { partitionsDef: PartitionsDefinition }[] }).partitionsDefs.flatMap((d) => dynamicNames(d.partitionsDef));
  }
  return [];
}

/** Checks that an item is one of the allowed result types, with a message saying what to return otherwise. */
export function expectResultItem(kind: InstigatorKind, name: string, item: unknown, allowSensorResult: boolean): RunRequest | SkipReason | SensorResult {
  if (item instanceof RunRequest || item instanceof SkipReason || (allowSensorResult && item instanceof SensorResult)) return item;
  const allowed = allowSensorResult
    ? "a RunRequest, an array of RunRequests, a SkipReason or a SensorResult (or nothing)"
    : "a RunRequest, an array of RunRequests or a SkipReason (or nothing)";
  const hint =
    item !== null && typeof item === "object" && !Array.isArray(item) && !(item instanceof SensorResult)
      ? " To request a run with this config, return new RunRequest({ runConfig: ... })."
      : item instanceof SensorResult
        ? " A schedule cannot return a SensorResult: return its run requests."
        : "";
  throw new InvalidEvaluationResultError(kind, name, `returned ${describeValue(item)}; its function must return ${allowed}.${hint}`);
}

/**
 * The next `count` ticks strictly after `after` of one or more cron schedules in a zone, with the DST rules of
 * time partitions: in a skipped hour a tick fires when the gap ends, in a repeated hour at the second occurrence,
 * except schedules whose hour field is `*`, which fire at every matching instant.
 */
export function cronTicks(cronSchedules: readonly string[], timezone: string, after: number, count: number): Date[] {
  const zone = ZoneOffsets.for(timezone);
  const sequences = cronSchedules.map((c) => tickSequence(CronSchedule.of(c), zone, after + 1));
  const ordinals = sequences.map(() => 0);
  const out: Date[] = [];
  let last = Number.NEGATIVE_INFINITY;
  while (out.length < count) {
    let best = -1;
    let bestAt = Number.POSITIVE_INFINITY;
    for (let i = 0; i < sequences.length; i++) {
      const at = (sequences[i] as { instantAt(o: number): number }).instantAt(ordinals[i] as number);
      if (at < bestAt) {
        bestAt = at;
        best = i;
      }
    }
    ordinals[best] = (ordinals[best] as number) + 1;
    if (bestAt === last) continue; // two schedules firing at the same instant make one tick
    out.push(new Date(bestAt));
    last = bestAt;
  }
  return out;
}
