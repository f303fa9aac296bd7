// Backfills: partitions of a selection of assets, split into runs by each asset's BackfillPolicy, run to the end.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { BackfillNotFoundError, InstanceError, SystemTags, type AssetKey } from "../core/index.js";
import { InvalidExecutionOptionError, NothingToRunError } from "./errors.js";
import type { DefinitionsData } from "../definitions/index.js";
import { AssetGraph, AssetSelection } from "../graph/index.js";
import type { Instance } from "../instance/index.js";
import { DynamicPartitionsSnapshot, PartitionKeyRange, TimeWindowPartitionsDefinition, type PartitionsDefinition } from "../partitions/index.js";
import type { BackfillRecord, LeaseRecord } from "../storage/index.js";
import { executeRun, type ExecuteOptions } from "./execute-run.js";
import type { ExecuteResult } from "./execute-result.js";
import { resolveSelection, type SelectionLike } from "./materialize.js";

/** A backfill: the assets, the partitions, and the instance that records its runs. */
export interface BackfillOptions {
  instance: Instance;
  /** The assets to backfill. @default every partitioned asset */
  selection?: SelectionLike;
  /** Exactly these partitions. */
  partitionKeys?: readonly string[];
  /** The partitions from `start` to `end`. */
  partitionRange?: { readonly start: string; readonly end: string };
  /** Every partition that exists now. */
  allPartitions?: boolean;
  /** Of the partitions asked for (all of them by default), only those some selected asset is missing. */
  missingOnly?: boolean;
  /** Of the partitions asked for (all of them by default), only those that failed for some selected asset. */
  failedOnly?: boolean;
  /** Re-run the partitions that failed in this earlier backfill (its selection too, unless one is given). */
  fromFailureOf?: string;
  tags?: Record<string, string>;
  runConfig?: unknown;
  resources?: Readonly<Record<string, unknown>>;
  /** Called as each run of the backfill ends. */
  onRun?: (result: ExecuteResult, partitions: readonly string[]) => void;
  /** Passed to each run, for progress displays. */
  onEvent?: ExecuteOptions["onEvent"];
}

/** How long a backfill's lease (`backfill:<id>`) lasts without renewal; the process running it renews it. */
export const BACKFILL_LEASE_TTL_MS = 60_000;
/** Where a backfill keeps the run config of its runs, for the process that resumes it. */
const RUN_CONFIG_TAG = "tessera/backfill_run_config";

/** The lease a process holds while it runs a backfill: nobody else (the daemon) resumes it meanwhile. */
export function backfillLeaseName(backfillId: string): string {
  return `backfill:${backfillId}`;
}

/**
 * Records a backfill in the instance and runs it here to the end: one run per chunk of partitions, the
 * chunk size set by the selected assets' BackfillPolicy (`singleRun()`: one run over each contiguous range,
 * `multiRun(n)`: n partitions per run, none: one partition per run), oldest partitions first. Runs go one
 * after another, so a self-dependent asset's run reads the partitions the runs before it stored; as in the
 * reference, `singleRun()` keeps such an asset's range in one run (its compute handles the range in order).
 * A backfill canceled meanwhile (`instance.cancelBackfill`, which also cancels the run in progress) stops
 * before its next run. While it runs, this process holds the backfill's lease (`backfill:<id>`); if the
 * process dies, `tessera daemon` resumes the backfill once the lease expires (`resumeBackfill`).
 */
export async function launchBackfill(defs: DefinitionsData, options: BackfillOptions): Promise<BackfillRecord> {
  const backfill = await planBackfill(defs, options, "IN_PROGRESS");
  const lease = newLease(options.instance);
  // The lease is taken before the backfill is recorded: the daemon never sees it IN_PROGRESS without a holder.
  await lease.acquire(backfill.backfillId);
  try {
    await options.instance.storage.addBackfill(backfill);
    return await runBackfill(defs, backfill, options, lease);
  } finally {
    await lease.release(backfill.backfillId);
  }
}

/**
 * Validates a backfill as `launchBackfill` does and records it REQUESTED, without running it: `tessera daemon`
 * (its backfills loop, through `resumeBackfill`) runs it. `resources`, `onRun` and `onEvent` do not apply.
 */
export async function submitBackfill(defs: DefinitionsData, options: BackfillOptions): Promise<BackfillRecord> {
  const backfill = await planBackfill(defs, options, "REQUESTED");
  await options.instance.storage.addBackfill(backfill);
  return backfill;
}

/** Options of `resumeBackfill`: continue a backfill whose process died, for the partitions it has not run. */
export interface ResumeBackfillOptions extends Pick<BackfillOptions, "instance" | "resources" | "onRun" | "onEvent"> {
  backfillId: string;
  /** Who holds the backfill's lease while it runs. @default a name made of this host and process */
  leaseHolder?: string;
}

/**
 * Runs a backfill that no process is running — REQUESTED (`submitBackfill`), or IN_PROGRESS whose process
 * died — from where it stands: only the partitions neither materialized nor failed by its recorded runs.
 * Takes the backfill's lease first; if another live process holds it, throws (code BACKFILL_IN_PROGRESS). A
 * backfill left CANCELING is marked CANCELED; one that has ended is returned as it is.
 *
 * @example
 * await resumeBackfill(defs, { instance, backfillId: "1a2b3c4d" });
 */
export async function resumeBackfill(defs: DefinitionsData, options: ResumeBackfillOptions): Promise<BackfillRecord> {
  const { instance, backfillId } = options;
  const lease = newLease(instance, options.leaseHolder);
  const held = await lease.acquire(backfillId);
  if (held.holder !== lease.holder) {
    throw new InstanceError(
      "BACKFILL_IN_PROGRESS",
      backfillId,
      `Backfill ${backfillId} is being run by ${held.holder} (its lease ${backfillLeaseName(backfillId)} lasts until ${new Date(held.expiresAt).toISOString()}); it is resumed only once that process stops renewing it.`,
    );
  }
  try {
    const found = await instance.getBackfill(backfillId);
    if (!found) throw new BackfillNotFoundError(backfillId);
    let backfill = found;
    if (backfill.status === "CANCELING") {
      backfill = { ...backfill, status: "CANCELED", updateTime: instance.clock.now() };
      await instance.storage.updateBackfill(backfill);
      return backfill;
    }
    if (backfill.status !== "REQUESTED" && backfill.status !== "IN_PROGRESS") return backfill;
    if (backfill.status === "REQUESTED") {
      backfill = { ...backfill, status: "IN_PROGRESS", updateTime: instance.clock.now() };
      await instance.storage.updateBackfill(backfill);
    }
    const { [RUN_CONFIG_TAG]: runConfig, ...tags } = backfill.tags;
    return await runBackfill(defs, backfill, { ...options, tags, ...(runConfig === undefined ? {} : { runConfig: JSON.parse(runConfig) as unknown }) }, lease);
  } finally {
    await lease.release(backfillId);
  }
}

/** Resolves the selection and partitions of a backfill into its record (not stored yet). */
async function planBackfill(defs: DefinitionsData, options: BackfillOptions, status: "REQUESTED" | "IN_PROGRESS"): Promise<BackfillRecord> {
  const { instance } = options;
  const graph = AssetGraph.of(defs);
  const previous = options.fromFailureOf === undefined ? undefined : await instance.getBackfill(options.fromFailureOf);
  if (options.fromFailureOf !== undefined && !previous) {
    throw new BackfillNotFoundError(options.fromFailureOf, `No backfill with id "${options.fromFailureOf}" to re-run; list them with \`tessera backfill list\`.`);
  }
  // `status:` is answered from the instance now: the backfill records the assets it named.
  const selection = options.selection === undefined ? previous?.assetSelection : await AssetSelection.from(options.selection).withStatusesResolved(graph, { instance });
  const nodes = (selection === undefined ? resolveSelection(graph, undefined) : resolveSelection(graph, selection)).filter((n) => !graph.isExternal(n));
  const { partitioned, def } = partitioningOf(graph, nodes);
  const loading = await loadingOf(instance, def);

  let keys: string[];
  if (previous) keys = [...previous.failedPartitions];
  else if (options.partitionKeys) {
    for (const key of options.partitionKeys) def.validatePartitionKey(key, loading);
    const positionOf = partitionPositions(def, loading);
    keys = [...new Set(options.partitionKeys)].sort((a, b) => positionOf(a) - positionOf(b));
  } else if (options.partitionRange) keys = def.getPartitionKeysInRange(new PartitionKeyRange(options.partitionRange.start, options.partitionRange.end), loading);
  else if (options.allPartitions || options.missingOnly || options.failedOnly) keys = def.getPartitionKeys(loading);
  else throw new InvalidExecutionOptionError("partitionKeys", "Say which partitions to backfill: partitionKeys, partitionRange, allPartitions, missingOnly, failedOnly or fromFailureOf.");

  if (options.missingOnly || options.failedOnly) {
    const wanted = new Set<string>();
    for (const node of partitioned) {
      const partitionStatus = await instance.getPartitionStatus(graph.keys[node] as AssetKey, def);
      const subset = options.missingOnly ? partitionStatus.missing : partitionStatus.failed;
      for (const key of subset.getPartitionKeys()) wanted.add(key);
      if (options.missingOnly && options.failedOnly) for (const key of partitionStatus.failed.getPartitionKeys()) wanted.add(key);
    }
    keys = keys.filter((k) => wanted.has(k));
  }
  if (keys.length === 0) throw new NothingToRunError("The backfill would run no partitions: every partition asked for is already as requested.");

  const now = instance.clock.now();
  // A queued backfill keeps its run config for the process that runs it.
  const keepConfig: Record<string, string> = status === "REQUESTED" && options.runConfig !== undefined ? { [RUN_CONFIG_TAG]: JSON.stringify(options.runConfig) } : {};
  return {
    backfillId: randomUUID().slice(0, 8),
    status,
    createTime: now,
    updateTime: now,
    assetSelection: partitioned.map((n) => graph.ids[n] as string),
    partitionKeys: keys,
    runIds: [],
    materializedPartitions: [],
    failedPartitions: [],
    tags: { ...(options.tags ?? {}), ...keepConfig },
    ...(previous ? { fromFailureOf: previous.backfillId } : {}),
  };
}

/** The partitioned assets among `nodes` and their one partitioning, or the error saying what is wrong. */
function partitioningOf(graph: AssetGraph, nodes: readonly number[]): { partitioned: number[]; def: PartitionsDefinition } {
  const partitioned = nodes.filter((n) => graph.specs[n]?.partitionsDef);
  if (partitioned.length === 0) throw new InvalidExecutionOptionError("selection", "A backfill needs partitioned assets, and the selection has none.");
  const unpartitioned = nodes.filter((n) => !graph.specs[n]?.partitionsDef);
  if (unpartitioned.length > 0) {
    throw new InvalidExecutionOptionError("selection", `A backfill runs partitions, but ${unpartitioned.map((n) => `"${graph.ids[n]}"`).join(", ")} ${unpartitioned.length > 1 ? "are" : "is"} not partitioned; leave ${unpartitioned.length > 1 ? "them" : "it"} out of the selection.`);
  }
  const def = graph.specs[partitioned[0] as number]?.partitionsDef as PartitionsDefinition;
  const other = partitioned.find((n) => !graph.specs[n]?.partitionsDef?.equals(def));
  if (other !== undefined) {
    throw new InvalidExecutionOptionError(
      "selection",
      `A backfill runs one partitioning at a time, but "${graph.ids[partitioned[0] as number]}" (${def.toString()}) and "${graph.ids[other]}" (${graph.specs[other]?.partitionsDef?.toString()}) differ; launch one backfill for each.`,
    );
  }
  return { partitioned, def };
}

type Loading = { currentTime: number; dynamicPartitionsStore: DynamicPartitionsSnapshot };

async function loadingOf(instance: Instance, def: PartitionsDefinition): Promise<Loading> {
  return { currentTime: instance.clock.now(), dynamicPartitionsStore: await DynamicPartitionsSnapshot.load(instance, [def]) };
}

interface BackfillLease {
  readonly holder: string;
  acquire(backfillId: string): Promise<LeaseRecord>;
  release(backfillId: string): Promise<void>;
}

/** This process's hold on backfills' leases, renewed every third of their time while a backfill runs. */
function newLease(instance: Instance, holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`): BackfillLease {
  const timers = new Map<string, NodeJS.Timeout>();
  const take = (backfillId: string): Promise<LeaseRecord> => instance.storage.acquireLease(backfillLeaseName(backfillId), holder, instance.clock.now(), BACKFILL_LEASE_TTL_MS, { pid: process.pid, hostname: hostname() });
  return {
    holder,
    async acquire(backfillId) {
      const lease = await take(backfillId);
      if (lease.holder === holder && !timers.has(backfillId)) {
        // A run may last longer than the lease: renew it on a timer too, not only between runs.
        const timer = setInterval(() => void take(backfillId).catch(() => undefined), BACKFILL_LEASE_TTL_MS / 3);
        timer.unref();
        timers.set(backfillId, timer);
      }
      return lease;
    },
    async release(backfillId) {
      clearInterval(timers.get(backfillId));
      timers.delete(backfillId);
      await instance.storage.releaseLease(backfillLeaseName(backfillId), holder);
    },
  };
}

/**
 * Runs the partitions of a recorded backfill that its recorded runs have neither materialized nor failed, chunk
 * by chunk, renewing its lease before each run, and ends it. Stops before the next run when it is canceled.
 */
async function runBackfill(
  defs: DefinitionsData,
  recorded: BackfillRecord,
  options: Pick<BackfillOptions, "instance" | "resources" | "runConfig" | "tags" | "onRun" | "onEvent">,
  lease: BackfillLease,
): Promise<BackfillRecord> {
  const { instance } = options;
  let backfill = recorded;
  const fail = async (error: unknown): Promise<never> => {
    backfill = { ...backfill, status: "FAILED", error: (error as Error)?.message ?? String(error), updateTime: instance.clock.now() };
    await instance.storage.updateBackfill(backfill);
    throw error;
  };
  const graph = AssetGraph.of(defs);
  let partitioned: number[];
  let def: PartitionsDefinition;
  try {
    // A resumed backfill's assets must still be in the code location, partitioned alike.
    const nodes = backfill.assetSelection.map((id) => graph.require(id, `backfill ${backfill.backfillId}'s selection`));
    ({ partitioned, def } = partitioningOf(graph, nodes));
  } catch (error) {
    return fail(error);
  }
  const loading = await loadingOf(instance, def);
  const done = new Set([...backfill.materializedPartitions, ...backfill.failedPartitions]);
  const remaining = backfill.partitionKeys.filter((k) => !done.has(k));

  // Reading the backfill back decodes every key it holds, so it is read once per run: after the run, which
  // both keeps a cancel that arrived during the run and stops the backfill before its next one.
  for (const chunk of chunksOf(remaining, maxPartitionsPerRun(graph, partitioned), partitionPositions(def, loading))) {
    const held = await lease.acquire(backfill.backfillId);
    if (held.holder !== lease.holder) {
      // This process stalled past its lease and another took the backfill over: leave it to that one.
      return backfill;
    }
    let result: ExecuteResult;
    try {
      result = await executeRun(defs, partitioned, {
        instance,
        resources: options.resources,
        runConfig: options.runConfig,
        tags: { ...(options.tags ?? {}), [SystemTags.BACKFILL]: backfill.backfillId },
        backfillId: backfill.backfillId,
        raiseOnError: false,
        onEvent: options.onEvent,
        ...(chunk.length === 1 ? { partitionKey: chunk[0] } : { partitionKeyRange: { start: chunk[0] as string, end: chunk[chunk.length - 1] as string } }),
      });
    } catch (error) {
      return fail(error);
    }
    // A cancel that arrived during the run is kept, not overwritten by this update.
    const during = await instance.getBackfill(backfill.backfillId);
    const canceled = during?.status === "CANCELING" || during?.status === "CANCELED";
    // Canceling the backfill cancels its run in progress; a run canceled after every asset was written still counts.
    const succeeded = result.success || (result.run.status === "CANCELED" && materializedEverything(result, partitioned.length, chunk.length));
    backfill = {
      ...backfill,
      ...(canceled ? { status: "CANCELED" as const } : {}),
      runIds: [...backfill.runIds, result.runId],
      materializedPartitions: succeeded ? [...backfill.materializedPartitions, ...chunk] : backfill.materializedPartitions,
      failedPartitions: succeeded ? backfill.failedPartitions : [...backfill.failedPartitions, ...chunk],
      updateTime: instance.clock.now(),
    };
    await instance.storage.updateBackfill(backfill);
    options.onRun?.(result, chunk);
    if (canceled) return backfill;
  }
  backfill = { ...backfill, status: backfill.failedPartitions.length ? "COMPLETED_FAILED" : "COMPLETED", updateTime: instance.clock.now() };
  await instance.storage.updateBackfill(backfill);
  return backfill;
}

/** True when the run materialized each of its `assets` for each of its `partitions`. */
function materializedEverything(result: ExecuteResult, assets: number, partitions: number): boolean {
  const written = new Set(result.getAssetMaterializationEvents().map((e) => `${String(e.assetKey)}[${e.partition ?? ""}]`));
  return written.size >= assets * partitions;
}

/** The fewest partitions per run any selected asset's policy allows: single-run is unbounded, no policy is one. */
function maxPartitionsPerRun(graph: AssetGraph, nodes: readonly number[]): number {
  let max = Infinity;
  for (const node of nodes) {
    const policy = graph.specs[node]?.backfillPolicy;
    const allowed = policy === undefined ? 1 : (policy.maxPartitionsPerRun ?? Infinity);
    max = Math.min(max, allowed);
  }
  return max;
}

/**
 * Each key's position in the definition's order. Time windows compute it from the key; other definitions
 * list their keys once, on first use.
 */
function partitionPositions(def: PartitionsDefinition, loading: Loading): (key: string) => number {
  if (def instanceof TimeWindowPartitionsDefinition) return (key) => def.getPartitionIndex(key, loading);
  let order: Map<string, number> | undefined;
  return (key) => {
    order ??= new Map(def.getPartitionKeys(loading).map((k, i) => [k, i]));
    return order.get(key) ?? -1;
  };
}

/** Chunks of at most `max` partitions, each a contiguous range of the definition, in order. */
function chunksOf(keys: readonly string[], max: number, positionOf: (key: string) => number): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let last = -2;
  for (const key of keys) {
    const position = positionOf(key);
    const contiguous = current.length > 0 && position === last + 1;
    if (current.length > 0 && (!contiguous || current.length >= max)) {
      chunks.push(current);
      current = [];
    }
    current.push(key);
    last = position;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
