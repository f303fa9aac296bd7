// Backfills: partitions of a selection of assets, split into runs by each asset's BackfillPolicy, run to the end.
import { randomUUID } from "node:crypto";
import { InvalidDefinitionError, SystemTags, type AssetKey } from "../core/index.js";
import type { Definitions } from "../definitions/index.js";
import { AssetGraph, AssetSelection } from "../graph/index.js";
import type { Instance } from "../instance/index.js";
import { DynamicPartitionsSnapshot, PartitionKeyRange, TimeWindowPartitionsDefinition, type PartitionsDefinition } from "../partitions/index.js";
import type { BackfillRecord } from "../storage/index.js";
import { executeRun, type ExecuteOptions } from "./execute-run.js";
import type { ExecuteResult } from "./execute-result.js";
import { resolveSelection, type SelectionLike } from "./materialize.js";

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

/**
 * Records a backfill in the instance and runs it here to the end: one run per chunk of partitions, the
 * chunk size set by the selected assets' BackfillPolicy (`singleRun()`: one run over each contiguous range,
 * `multiRun(n)`: n partitions per run, none: one partition per run), oldest partitions first. Runs go one
 * after another, so a self-dependent asset's run reads the partitions the runs before it stored; as in the
 * reference, `singleRun()` keeps such an asset's range in one run (its compute handles the range in order).
 * A backfill canceled meanwhile (`instance.cancelBackfill`, which also cancels the run in progress) stops
 * before its next run.
 */
export async function launchBackfill(defs: Definitions, options: BackfillOptions): Promise<BackfillRecord> {
  const { instance } = options;
  const graph = AssetGraph.of(defs);
  const previous = options.fromFailureOf === undefined ? undefined : await instance.getBackfill(options.fromFailureOf);
  if (options.fromFailureOf !== undefined && !previous) {
    throw new InvalidDefinitionError(`No backfill with id "${options.fromFailureOf}" to re-run; list them with \`tessera backfill list\`.`);
  }
  // `status:` is answered from the instance now: the backfill records the assets it named.
  const selection = options.selection === undefined ? previous?.assetSelection : await AssetSelection.from(options.selection).withStatusesResolved(graph, { instance });
  const nodes = (selection === undefined ? resolveSelection(graph, undefined) : resolveSelection(graph, selection)).filter((n) => !graph.isExternal(n));
  const partitioned = nodes.filter((n) => graph.specs[n]?.partitionsDef);
  if (partitioned.length === 0) throw new InvalidDefinitionError("A backfill needs partitioned assets, and the selection has none.");
  const unpartitioned = nodes.filter((n) => !graph.specs[n]?.partitionsDef);
  if (unpartitioned.length > 0) {
    throw new InvalidDefinitionError(`A backfill runs partitions, but ${unpartitioned.map((n) => `"${graph.ids[n]}"`).join(", ")} ${unpartitioned.length > 1 ? "are" : "is"} not partitioned; leave ${unpartitioned.length > 1 ? "them" : "it"} out of the selection.`);
  }
  const def = graph.specs[partitioned[0] as number]?.partitionsDef as PartitionsDefinition;
  const other = partitioned.find((n) => !graph.specs[n]?.partitionsDef?.equals(def));
  if (other !== undefined) {
    throw new InvalidDefinitionError(
      `A backfill runs one partitioning at a time, but "${graph.ids[partitioned[0] as number]}" (${def.toString()}) and "${graph.ids[other]}" (${graph.specs[other]?.partitionsDef?.toString()}) differ; launch one backfill for each.`,
    );
  }
  const currentTime = instance.clock.now();
  const loading = { currentTime, dynamicPartitionsStore: await DynamicPartitionsSnapshot.load(instance, [def]) };

  let keys: string[];
  if (previous) keys = [...previous.failedPartitions];
  else if (options.partitionKeys) {
    for (const key of options.partitionKeys) def.validatePartitionKey(key, loading);
    const positionOf = partitionPositions(def, loading);
    keys = [...new Set(options.partitionKeys)].sort((a, b) => positionOf(a) - positionOf(b));
  } else if (options.partitionRange) keys = def.getPartitionKeysInRange(new PartitionKeyRange(options.partitionRange.start, options.partitionRange.end), loading);
  else if (options.allPartitions || options.missingOnly || options.failedOnly) keys = def.getPartitionKeys(loading);
  else throw new InvalidDefinitionError("Say which partitions to backfill: partitionKeys, partitionRange, allPartitions, missingOnly, failedOnly or fromFailureOf.");

  if (options.missingOnly || options.failedOnly) {
    const wanted = new Set<string>();
    for (const node of partitioned) {
      const status = await instance.getPartitionStatus(graph.keys[node] as AssetKey, def);
      const subset = options.missingOnly ? status.missing : status.failed;
      for (const key of subset.getPartitionKeys()) wanted.add(key);
      if (options.missingOnly && options.failedOnly) for (const key of status.failed.getPartitionKeys()) wanted.add(key);
    }
    keys = keys.filter((k) => wanted.has(k));
  }
  if (keys.length === 0) throw new InvalidDefinitionError("The backfill would run no partitions: every partition asked for is already as requested.");

  const now = instance.clock.now();
  let backfill: BackfillRecord = {
    backfillId: randomUUID().slice(0, 8),
    status: "IN_PROGRESS",
    createTime: now,
    updateTime: now,
    assetSelection: partitioned.map((n) => graph.ids[n] as string),
    partitionKeys: keys,
    runIds: [],
    materializedPartitions: [],
    failedPartitions: [],
    tags: options.tags ?? {},
    ...(previous ? { fromFailureOf: previous.backfillId } : {}),
  };
  await instance.storage.addBackfill(backfill);

  // Reading the backfill back decodes every key it holds, so it is read once per run: after the run, which
  // both keeps a cancel that arrived during the run and stops the backfill before its next one.
  for (const chunk of chunksOf(keys, maxPartitionsPerRun(graph, partitioned), partitionPositions(def, loading))) {
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
      backfill = { ...backfill, status: "FAILED", error: (error as Error)?.message ?? String(error), updateTime: instance.clock.now() };
      await instance.storage.updateBackfill(backfill);
      throw error;
    }
    // A cancel that arrived during the run is kept, not overwritten by this update.
    const during = await instance.getBackfill(backfill.backfillId);
    const canceled = during?.status === "CANCELING" || during?.status === "CANCELED";
    // Canceling the backfill cancels its run in progress; a run canceled after every asset was written still counts.
    const done = result.success || (result.run.status === "CANCELED" && materializedEverything(result, partitioned.length, chunk.length));
    backfill = {
      ...backfill,
      ...(canceled ? { status: "CANCELED" as const } : {}),
      runIds: [...backfill.runIds, result.runId],
      materializedPartitions: done ? [...backfill.materializedPartitions, ...chunk] : backfill.materializedPartitions,
      failedPartitions: done ? backfill.failedPartitions : [...backfill.failedPartitions, ...chunk],
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
function partitionPositions(def: PartitionsDefinition, loading: { currentTime: number; dynamicPartitionsStore: DynamicPartitionsSnapshot }): (key: string) => number {
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
