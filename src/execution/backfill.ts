// Backfills: partitions of a selection of assets (partitioned alike or not), split into runs by partitioning and
// BackfillPolicy, each asset partition run once what it reads is done, run to the end.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { BackfillNotFoundError, InstanceError, SystemTags, type AssetKey } from "../core/index.js";
import { InvalidExecutionOptionError, NothingToRunError } from "./errors.js";
import type { DefinitionsData } from "../definitions/index.js";
import { AssetGraph, AssetSelection, partitionMappingOf } from "../graph/index.js";
import type { Instance } from "../instance/index.js";
import {
  DynamicPartitionsSnapshot,
  IdentityPartitionMapping,
  MultiPartitionsDefinition,
  PartitionKeyRange,
  TimeWindowPartitionMapping,
  TimeWindowPartitionsDefinition,
  type BackfillPolicy,
  type PartitionMapping,
  type PartitionsDefinition,
} from "../partitions/index.js";
import type { BackfillAssetPartitions, BackfillRecord, LeaseRecord } from "../storage/index.js";
import { executeRun, type ExecuteOptions } from "./execute-run.js";
import type { ExecuteResult } from "./execute-result.js";
import { resolveSelection, type SelectionLike } from "./materialize.js";

/** A backfill: the assets, the partitions, and the instance that records its runs. */
export interface BackfillOptions {
  instance: Instance;
  /** The assets to backfill. @default every asset of the definitions */
  selection?: SelectionLike;
  /**
   * Exactly these partitions: of every selected asset when they are partitioned alike; otherwise of the selection's
   * root partitioned assets (which must be partitioned alike), the others taking what their mappings give.
   */
  partitionKeys?: readonly string[];
  /** The partitions from `start` to `end` (of the root partitioned assets, as `partitionKeys`). */
  partitionRange?: { readonly start: string; readonly end: string };
  /** Every partition that exists now. */
  allPartitions?: boolean;
  /**
   * Exactly these partitions of these assets (the reference's partitions by asset), each asset's keys its own;
   * `null` for every partition of an asset (an unpartitioned asset takes `null`). The selection is these assets.
   */
  partitionsByAsset?: Readonly<Record<string, readonly string[] | null>>;
  /** Of the partitions asked for (all of them by default), only those some selected asset is missing. */
  missingOnly?: boolean;
  /** Of the partitions asked for (all of them by default), only those that failed for some selected asset. */
  failedOnly?: boolean;
  /** Re-run the partitions that failed in this earlier backfill (its selection too, unless one is given). */
  fromFailureOf?: string;
  tags?: Record<string, string>;
  runConfig?: unknown;
  resources?: Readonly<Record<string, unknown>>;
  /** Called as each run of the backfill ends, with its partitions (none for unpartitioned assets) and asset keys. */
  onRun?: (result: ExecuteResult, partitions: readonly string[], assetKeys: readonly string[]) => void;
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
 * The selection may mix partitionings (hourly and daily, static fan-in or fan-out mappings) and unpartitioned
 * assets: each asset's partitions are those downstream of the keys asked for on the selection's roots (see
 * `partitionKeys`), and each asset partition runs once the upstream partitions it reads are materialized —
 * or is marked failed, without running, when one of them failed.
 *
 * @example
 * // hourly `events` → daily `rollup` → unpartitioned `report`: 24 hourly runs, one daily run, then the report.
 * await launchBackfill(defs, { instance, selection: "events*", partitionRange: { start: "2026-11-01-00:00", end: "2026-11-01-23:00" } });
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
  const byAsset = options.partitionsByAsset;
  if (byAsset && (options.selection !== undefined || options.partitionKeys || options.partitionRange || options.allPartitions || previous)) {
    throw new InvalidExecutionOptionError("partitionsByAsset", "partitionsByAsset names both the assets and their partitions; give it without selection, partitionKeys, partitionRange, allPartitions or fromFailureOf.");
  }
  const nodes = byAsset
    ? Object.keys(byAsset).map((id) => graph.require(id, "partitionsByAsset"))
    : (selection === undefined ? resolveSelection(graph, undefined) : resolveSelection(graph, selection)).filter((n) => !graph.isExternal(n));
  if (!nodes.some((n) => graph.specs[n]?.partitionsDef)) {
    throw new InvalidExecutionOptionError("selection", "A backfill needs partitioned assets, and the selection has none; materialize unpartitioned assets with `tessera materialize`.");
  }
  const loading = await loadingOf(instance, nodes.map((n) => graph.specs[n]?.partitionsDef));
  const def = uniformPartitioning(graph, nodes);
  const now = instance.clock.now();
  // A queued backfill keeps its run config for the process that runs it.
  const keepConfig: Record<string, string> = status === "REQUESTED" && options.runConfig !== undefined ? { [RUN_CONFIG_TAG]: JSON.stringify(options.runConfig) } : {};
  const common = {
    backfillId: randomUUID().slice(0, 8),
    status,
    createTime: now,
    updateTime: now,
    assetSelection: nodes.map((n) => graph.ids[n] as string),
    runIds: [],
    tags: { ...(options.tags ?? {}), ...keepConfig },
    ...(previous ? { fromFailureOf: previous.backfillId } : {}),
  };
  if (def && !previous?.assetPartitions && !byAsset) {
    const keys = await uniformKeys(graph, nodes, def, options, previous, loading);
    const skipped = previous ? await materializedSince(graph, nodes, def, keys, instance) : undefined;
    if (!skipped?.size) return { ...common, partitionKeys: keys, materializedPartitions: [], failedPartitions: [] };
    // As the reference's from-failure: asset partitions the failed runs did materialize are not run again.
    const state = new Map<number, AssetState>();
    for (const node of nodes) {
      const wanted = keys.filter((k) => !skipped.get(node)?.has(k));
      if (wanted.length) state.set(node, newAssetState(graph, node, wanted));
    }
    return { ...common, ...summaryOf(state, graph) };
  }
  const targets = await mixedTargets(graph, nodes, options, previous, loading);
  const state = new Map([...targets].map(([node, targeted]) => [node, newAssetState(graph, node, targeted)]));
  return { ...common, ...summaryOf(state, graph) };
}

/** The one partitioning of `nodes` when they are all partitioned alike. */
function uniformPartitioning(graph: AssetGraph, nodes: readonly number[]): PartitionsDefinition | undefined {
  const def = graph.specs[nodes[0] as number]?.partitionsDef;
  return def && nodes.every((n) => graph.specs[n]?.partitionsDef?.equals(def)) ? def : undefined;
}

/** The partitions of a backfill whose assets are partitioned alike: each of its runs covers every asset. */
async function uniformKeys(graph: AssetGraph, nodes: readonly number[], def: PartitionsDefinition, options: BackfillOptions, previous: BackfillRecord | undefined, loading: Loading): Promise<string[]> {
  const { instance } = options;
  let keys: string[];
  if (previous) keys = [...previous.failedPartitions];
  else if (options.partitionKeys) keys = sortedKeys(def, options.partitionKeys, loading);
  else if (options.partitionRange) keys = def.getPartitionKeysInRange(new PartitionKeyRange(options.partitionRange.start, options.partitionRange.end), loading);
  else if (options.allPartitions || options.missingOnly || options.failedOnly) keys = def.getPartitionKeys(loading);
  else throw new InvalidExecutionOptionError("partitionKeys", "Say which partitions to backfill: partitionKeys, partitionRange, allPartitions, missingOnly, failedOnly or fromFailureOf.");

  if (options.missingOnly || options.failedOnly) {
    const wanted = new Set<string>();
    for (const node of nodes) {
      const partitionStatus = await instance.getPartitionStatus(graph.keys[node] as AssetKey, def);
      const subset = options.missingOnly ? partitionStatus.missing : partitionStatus.failed;
      for (const key of subset.getPartitionKeys()) wanted.add(key);
      if (options.missingOnly && options.failedOnly) for (const key of partitionStatus.failed.getPartitionKeys()) wanted.add(key);
    }
    keys = keys.filter((k) => wanted.has(k));
  }
  if (keys.length === 0) throw new NothingToRunError("The backfill would run no partitions: every partition asked for is already as requested.");
  return keys;
}

/** Per asset, those of `keys` whose latest attempt materialized it (empty when there are none). */
async function materializedSince(graph: AssetGraph, nodes: readonly number[], def: PartitionsDefinition, keys: readonly string[], instance: Instance): Promise<Map<number, Set<string>>> {
  const done = new Map<number, Set<string>>();
  for (const node of nodes) {
    const status = await instance.getPartitionStatus(graph.keys[node] as AssetKey, def);
    const materialized = new Set(keys.filter((k) => status.materialized.has(k) && !status.failed.has(k)));
    if (materialized.size) done.set(node, materialized);
  }
  return done;
}

/** The keys asked for, validated against `def`, without repeats, in the definition's order. */
function sortedKeys(def: PartitionsDefinition, keys: readonly string[], loading: Loading): string[] {
  for (const key of keys) def.validatePartitionKey(key, loading);
  const positionOf = partitionPositions(def, loading);
  return [...new Set(keys)].sort((a, b) => positionOf(a) - positionOf(b));
}

/**
 * The asset partitions of a backfill whose assets are partitioned differently, as the reference targets them:
 * every partition of every asset for `allPartitions`; otherwise the keys asked for on the selection's root
 * partitioned assets (which must be partitioned alike), and downstream of them, through each dependency's
 * partition mapping, the partitions of the other selected assets that exist now. Unpartitioned assets are
 * targeted whole. A re-run of an earlier such backfill targets what failed in it.
 */
async function mixedTargets(graph: AssetGraph, nodes: readonly number[], options: BackfillOptions, previous: BackfillRecord | undefined, loading: Loading): Promise<Map<number, string[]>> {
  const { instance } = options;
  const targets = new Map<number, string[]>();
  const defOf = (n: number) => graph.specs[n]?.partitionsDef;
  if (options.partitionsByAsset) {
    for (const node of nodes) {
      const def = defOf(node);
      const keys = options.partitionsByAsset[graph.ids[node] as string];
      if (!def && keys) throw new InvalidExecutionOptionError("partitionsByAsset", `Asset "${graph.ids[node]}" is not partitioned; give it null, not partition keys.`);
      targets.set(node, !def ? [UNPARTITIONED] : keys ? sortedKeys(def, keys, loading) : def.getPartitionKeys(loading));
    }
  } else if (previous?.assetPartitions) {
    for (const node of nodes) {
      const failed = previous.assetPartitions[graph.ids[node] as string]?.failed ?? [];
      if (failed.length > 0) targets.set(node, [...failed]);
    }
  } else if (options.partitionKeys || options.partitionRange || previous) {
    const selected = new Set(nodes);
    const partitioned = nodes.filter((n) => defOf(n));
    const roots = partitioned.filter((n) => !hasAncestorIn(graph, n, new Set(partitioned)));
    const rootDef = defOf(roots[0] as number) as PartitionsDefinition;
    const other = roots.find((n) => !defOf(n)?.equals(rootDef));
    if (other !== undefined) {
      throw new InvalidExecutionOptionError(
        "partitionKeys",
        `Partition keys name partitions of a backfill's root assets, but its roots "${graph.ids[roots[0] as number]}" (${rootDef.toString()}) and "${graph.ids[other]}" (${defOf(other)?.toString()}) are partitioned differently; backfill allPartitions, or launch one backfill per root partitioning.`,
      );
    }
    const rootKeys = previous
      ? [...previous.failedPartitions]
      : options.partitionKeys
        ? sortedKeys(rootDef, options.partitionKeys, loading)
        : rootDef.getPartitionKeysInRange(new PartitionKeyRange(options.partitionRange?.start as string, options.partitionRange?.end as string), loading);
    const rootSet = new Set(roots);
    for (const node of graph.topologicalOrder) {
      if (!selected.has(node)) continue;
      const def = defOf(node);
      if (!def) {
        targets.set(node, [UNPARTITIONED]);
        continue;
      }
      if (rootSet.has(node)) {
        targets.set(node, rootKeys);
        continue;
      }
      let subset = def.emptySubset();
      for (const parent of graph.parents[node] ?? []) {
        const parentDef = defOf(parent);
        const parentKeys = targets.get(parent);
        if (!parentDef || !parentKeys?.length) continue;
        const mapping = partitionMappingOf(graph, node, parent);
        subset = subset.union(mapping.getDownstreamPartitionsForPartitions(parentDef.subsetWithPartitionKeys(parentKeys), parentDef, def, loading));
      }
      const keys = subset.getPartitionKeys().filter((k) => def.hasPartitionKey(k, loading));
      if (keys.length > 0) targets.set(node, sortedKeys(def, keys, loading));
    }
  } else if (options.allPartitions || options.missingOnly || options.failedOnly) {
    for (const node of nodes) {
      const def = defOf(node);
      targets.set(node, def ? def.getPartitionKeys(loading) : [UNPARTITIONED]);
    }
  } else {
    throw new InvalidExecutionOptionError("partitionKeys", "Say which partitions to backfill: partitionKeys, partitionRange, allPartitions, missingOnly, failedOnly or fromFailureOf.");
  }

  if (options.missingOnly || options.failedOnly) {
    // Each asset keeps its own missing (or failed) partitions.
    for (const [node, keys] of targets) {
      const def = defOf(node);
      let wanted: Set<string>;
      if (def) {
        const partitionStatus = await instance.getPartitionStatus(graph.keys[node] as AssetKey, def);
        wanted = new Set([
          ...(options.missingOnly ? partitionStatus.missing.getPartitionKeys() : []),
          ...(options.failedOnly ? partitionStatus.failed.getPartitionKeys() : []),
        ]);
      } else {
        const latest = await instance.getLatestMaterializationEvent(graph.keys[node] as AssetKey);
        wanted = new Set(options.missingOnly && latest === undefined ? [UNPARTITIONED] : []);
      }
      targets.set(node, keys.filter((k) => wanted.has(k)));
    }
  }
  for (const [node, keys] of targets) if (keys.length === 0) targets.delete(node);
  if (targets.size === 0) throw new NothingToRunError("The backfill would run no partitions: every partition asked for is already as requested.");
  return targets;
}

/** True when some asset upstream of `node` (through any asset) is in `among`. */
function hasAncestorIn(graph: AssetGraph, node: number, among: ReadonlySet<number>): boolean {
  const seen = new Set<number>();
  const stack = [...(graph.parents[node] ?? [])];
  while (stack.length) {
    const n = stack.pop() as number;
    if (seen.has(n)) continue;
    seen.add(n);
    if (among.has(n)) return true;
    stack.push(...(graph.parents[n] ?? []));
  }
  return false;
}

/** The "partition" of an unpartitioned asset in a backfill's per-asset lists. */
const UNPARTITIONED = "";

type Loading = { currentTime: number; dynamicPartitionsStore: DynamicPartitionsSnapshot };

async function loadingOf(instance: Instance, defs: readonly (PartitionsDefinition | undefined)[]): Promise<Loading> {
  const partitioned = defs.filter((d): d is PartitionsDefinition => d !== undefined);
  return { currentTime: instance.clock.now(), dynamicPartitionsStore: await DynamicPartitionsSnapshot.load(instance, partitioned) };
}

/** One asset of a running backfill. */
interface AssetState {
  readonly node: number;
  readonly def: PartitionsDefinition | undefined;
  readonly targeted: readonly string[];
  readonly targetSet: ReadonlySet<string>;
  readonly materialized: Set<string>;
  readonly failed: Set<string>;
}

function newAssetState(graph: AssetGraph, node: number, targeted: readonly string[], materialized: Iterable<string> = [], failed: Iterable<string> = []): AssetState {
  return { node, def: graph.specs[node]?.partitionsDef, targeted, targetSet: new Set(targeted), materialized: new Set(materialized), failed: new Set(failed) };
}

/** The record's fields that follow from the backfill's per-asset state. */
function summaryOf(
  state: ReadonlyMap<number, AssetState>,
  graph: AssetGraph,
): Pick<BackfillRecord, "partitionKeys" | "materializedPartitions" | "failedPartitions" | "assetPartitions"> {
  const assetPartitions: Record<string, BackfillAssetPartitions> = {};
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const asset of state.values()) {
    assetPartitions[graph.ids[asset.node] as string] = {
      targeted: asset.targeted,
      materialized: asset.targeted.filter((k) => asset.materialized.has(k)),
      failed: asset.targeted.filter((k) => asset.failed.has(k)),
    };
    if (!asset.def) continue;
    for (const key of asset.targeted) if (!seen.has(key)) (seen.add(key), keys.push(key));
  }
  // A partition key counts as materialized once every asset targeting it is, and as failed once one failed.
  const { materialized, failed } = keyOutcomes(state, keys);
  return { partitionKeys: keys, materializedPartitions: materialized, failedPartitions: failed, assetPartitions };
}

function keyOutcomes(state: ReadonlyMap<number, AssetState>, keys: readonly string[]): { materialized: string[]; failed: string[] } {
  const materialized: string[] = [];
  const failed: string[] = [];
  for (const key of keys) {
    let done = true;
    let anyFailed = false;
    for (const asset of state.values()) {
      if (!asset.targetSet.has(key)) continue;
      if (asset.failed.has(key)) anyFailed = true;
      else if (!asset.materialized.has(key)) done = false;
    }
    if (anyFailed && done) failed.push(key);
    else if (done) materialized.push(key);
  }
  return { materialized, failed };
}

/** The per-asset state of a recorded backfill; one recorded before per-asset lists reads its partition lists. */
function stateOf(graph: AssetGraph, backfill: BackfillRecord): Map<number, AssetState> {
  const where = `backfill ${backfill.backfillId}'s selection`;
  const state = new Map<number, AssetState>();
  if (backfill.assetPartitions) {
    for (const [id, progress] of Object.entries(backfill.assetPartitions)) {
      const node = graph.require(id, where);
      const def = graph.specs[node]?.partitionsDef;
      if (Boolean(def) !== !progress.targeted.includes(UNPARTITIONED)) {
        throw new InvalidExecutionOptionError("selection", `Asset "${id}" of backfill ${backfill.backfillId} was ${def ? "unpartitioned" : "partitioned"} when it was launched and is not now; launch a new backfill.`);
      }
      state.set(node, newAssetState(graph, node, progress.targeted, progress.materialized, progress.failed));
    }
    return state;
  }
  const nodes = backfill.assetSelection.map((id) => graph.require(id, where));
  const def = uniformPartitioning(graph, nodes);
  if (!def) {
    throw new InvalidExecutionOptionError("selection", `Backfill ${backfill.backfillId} ran its assets' one partitioning, but ${backfill.assetSelection.map((id) => `"${id}"`).join(", ")} are not partitioned alike now; launch a new backfill.`);
  }
  for (const node of nodes) state.set(node, newAssetState(graph, node, backfill.partitionKeys, backfill.materializedPartitions, backfill.failedPartitions));
  return state;
}

/** The record's partition lists after progress: per asset for a mixed backfill, per partition key otherwise. */
function recordProgress(backfill: BackfillRecord, state: ReadonlyMap<number, AssetState>, graph: AssetGraph): BackfillRecord {
  // Once a run failed partway (upstream assets materialized, later ones failed), the record keeps each asset's own lists.
  if (backfill.assetPartitions || diverges(state)) return { ...backfill, ...summaryOf(state, graph) };
  const { materialized, failed } = keyOutcomes(state, backfill.partitionKeys);
  return { ...backfill, materializedPartitions: materialized, failedPartitions: failed };
}

/** True when the assets' outcomes differ for some partition. */
function diverges(state: ReadonlyMap<number, AssetState>): boolean {
  const [first, ...rest] = [...state.values()];
  if (!first) return false;
  const same = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((k) => b.has(k));
  return rest.some((a) => !same(a.materialized, first.materialized) || !same(a.failed, first.failed));
}

/** Per asset of a backfill, how many of its targeted partitions are materialized, failed, in progress or not yet run. */
export interface BackfillAssetStatus {
  /** The asset key as a string (`a/b`). */
  readonly assetKey: string;
  /** False for an unpartitioned asset (then each count is 0 or 1). */
  readonly partitioned: boolean;
  readonly numTargeted: number;
  readonly numMaterialized: number;
  /** Failed, or not run because a partition it depends on failed. */
  readonly numFailed: number;
  readonly numInProgress: number;
}

/**
 * Each asset's counts in a backfill, as the reference's per-asset backfill status. A backfill whose assets share
 * one partitioning counts by partition key (a key is failed for every asset once its run failed).
 *
 * @example
 * for (const s of backfillAssetStatuses(await instance.getBackfill(id))) console.log(s.assetKey, s.numMaterialized, s.numTargeted);
 */
export function backfillAssetStatuses(backfill: BackfillRecord): BackfillAssetStatus[] {
  const entries: [string, BackfillAssetPartitions][] = backfill.assetPartitions
    ? Object.entries(backfill.assetPartitions)
    : backfill.assetSelection.map((id) => [id, { targeted: backfill.partitionKeys, materialized: backfill.materializedPartitions, failed: backfill.failedPartitions }]);
  return entries.map(([assetKey, progress]) => {
    const done = new Set([...progress.materialized, ...progress.failed]);
    const running = (backfill.inProgress?.[assetKey] ?? []).filter((k) => !done.has(k));
    return {
      assetKey,
      partitioned: !progress.targeted.includes(UNPARTITIONED),
      numTargeted: progress.targeted.length,
      numMaterialized: progress.materialized.length,
      numFailed: progress.failed.length,
      numInProgress: running.length,
    };
  });
}

/** A run a backfill launches: some of its assets over one partition, a range of them, or unpartitioned. */
interface PlannedRun {
  readonly nodes: readonly number[];
  /** In order; empty for a run of unpartitioned assets. */
  readonly keys: readonly string[];
}

/**
 * Runs a recorded backfill to its end, as the reference's asset backfill iterations: each round requests every
 * targeted asset partition whose targeted upstream partitions are materialized (or are requested in the same
 * run: same partitioning and backfill policy, and the same partition or a policy taking the whole range), and
 * marks failed those downstream of a failure. The requests go into as few runs as their partitioning and
 * backfill policy allow; runs go one after another, renewing the lease before each. Stops before the next run
 * when the backfill is canceled.
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
    const { inProgress: _ended, ...rest } = backfill;
    backfill = { ...rest, status: "FAILED", error: (error as Error)?.message ?? String(error), updateTime: instance.clock.now() };
    await instance.storage.updateBackfill(backfill);
    throw error;
  };
  const graph = AssetGraph.of(defs);
  let state: Map<number, AssetState>;
  try {
    // A resumed backfill's assets must still be in the code location, partitioned as they were.
    state = stateOf(graph, backfill);
  } catch (error) {
    return fail(error);
  }
  const loading = await loadingOf(instance, [...state.keys()].flatMap((n) => [n, ...(graph.parents[n] ?? [])]).map((n) => graph.specs[n]?.partitionsDef));
  const positions = new Map<PartitionsDefinition, (key: string) => number>();
  // Which upstream partitions each targeted asset partition reads: mapped once, asked again each round.
  const upstreamCache = new Map<string, readonly string[]>();
  const positionOf = (def: PartitionsDefinition) => positions.get(def) ?? positions.set(def, partitionPositions(def, loading)).get(def) as (key: string) => number;

  const inProgressOf = (planned: PlannedRun | undefined) =>
    planned ? Object.fromEntries(planned.nodes.map((n) => [graph.ids[n] as string, planned.keys.length ? planned.keys : [UNPARTITIONED]])) : undefined;
  const plan = (): PlannedRun[] => nextRuns(graph, state, loading, upstreamCache, positionOf);
  let queue: PlannedRun[];
  try {
    queue = plan();
  } catch (error) {
    return fail(error);
  }
  // The first run shows as in progress before it starts; each later one with the update after the run before it,
  // so that a backfill is read and written once per run.
  if (queue.length > 0) {
    backfill = { ...backfill, inProgress: inProgressOf(queue[0]), updateTime: instance.clock.now() };
    await instance.storage.updateBackfill(backfill);
  }
  while (queue.length > 0) {
    const planned = queue.shift() as PlannedRun;
    const held = await lease.acquire(backfill.backfillId);
    if (held.holder !== lease.holder) {
      // This process stalled past its lease and another took the backfill over: leave it to that one.
      return backfill;
    }
    let result: ExecuteResult;
    try {
      result = await executeRun(defs, planned.nodes, {
        instance,
        resources: options.resources,
        runConfig: options.runConfig,
        tags: { ...(options.tags ?? {}), [SystemTags.BACKFILL]: backfill.backfillId },
        backfillId: backfill.backfillId,
        raiseOnError: false,
        onEvent: options.onEvent,
        ...(planned.keys.length === 0
          ? {}
          : planned.keys.length === 1
            ? { partitionKey: planned.keys[0] }
            : { partitionKeyRange: { start: planned.keys[0] as string, end: planned.keys[planned.keys.length - 1] as string } }),
      });
    } catch (error) {
      return fail(error);
    }
    recordOutcome(graph, state, planned, result);
    // Reading the backfill back decodes every key it holds, so it is read once per run: after the run, which
    // both keeps a cancel that arrived during the run and stops the backfill before its next one.
    const during = await instance.getBackfill(backfill.backfillId);
    const canceled = during?.status === "CANCELING" || during?.status === "CANCELED";
    // After a failure the round is planned again: what read the failed partitions is failed with them, not run.
    if (!result.success) queue = [];
    if (!canceled && queue.length === 0) {
      try {
        queue = plan();
      } catch (error) {
        backfill = { ...recordProgress(backfill, state, graph), runIds: [...backfill.runIds, result.runId] };
        return fail(error);
      }
    }
    const { inProgress: _done, ...rest } = backfill;
    const next = canceled ? undefined : inProgressOf(queue[0]);
    backfill = {
      ...recordProgress(rest, state, graph),
      ...(canceled ? { status: "CANCELED" as const } : {}),
      ...(next ? { inProgress: next } : {}),
      runIds: [...backfill.runIds, result.runId],
      updateTime: instance.clock.now(),
    };
    await instance.storage.updateBackfill(backfill);
    options.onRun?.(result, planned.keys, planned.nodes.map((n) => graph.ids[n] as string));
    if (canceled) return backfill;
  }
  const anyFailed = [...state.values()].some((a) => a.failed.size > 0);
  const { inProgress: _none, ...ended } = backfill;
  backfill = { ...recordProgress(ended, state, graph), status: anyFailed ? "COMPLETED_FAILED" : "COMPLETED", updateTime: instance.clock.now() };
  await instance.storage.updateBackfill(backfill);
  return backfill;
}

/**
 * Marks the run's asset partitions: all materialized when it succeeded (or was canceled after writing them);
 * otherwise those it wrote materialized and the rest failed.
 */
function recordOutcome(graph: AssetGraph, state: ReadonlyMap<number, AssetState>, planned: PlannedRun, result: ExecuteResult): void {
  const written = new Set(result.getAssetMaterializationEvents().map((e) => `${String(e.assetKey)}\u0000${e.partition ?? UNPARTITIONED}`));
  const keys = planned.keys.length ? planned.keys : [UNPARTITIONED];
  for (const node of planned.nodes) {
    const asset = state.get(node) as AssetState;
    for (const key of keys) {
      if (result.success || written.has(`${graph.ids[node]}\u0000${key}`)) asset.materialized.add(key);
      else asset.failed.add(key);
    }
  }
}

type Verdict = "ready" | "wait" | "failed";

/**
 * One round of the backfill: the runs of every asset partition that can run now, marking failed (in `state`)
 * those downstream of a failure. Empty when nothing is left to run.
 */
function nextRuns(
  graph: AssetGraph,
  state: ReadonlyMap<number, AssetState>,
  loading: Loading,
  upstreamCache: Map<string, readonly string[]>,
  positionOf: (def: PartitionsDefinition) => (key: string) => number,
): PlannedRun[] {
  const ready = new Map<number, Set<string>>();
  for (const node of graph.topologicalOrder) {
    const asset = state.get(node);
    if (!asset) continue;
    const readyKeys = new Set<string>();
    ready.set(node, readyKeys);
    const parents = graph.isSelfDependent(node) ? [...(graph.parents[node] ?? []), node] : (graph.parents[node] ?? []);
    for (const key of asset.targeted) {
      if (asset.materialized.has(key) || asset.failed.has(key)) continue;
      const verdict = verdictOf(graph, state, ready, loading, upstreamCache, asset, key, parents);
      if (verdict === "ready") readyKeys.add(key);
      else if (verdict === "failed") asset.failed.add(key);
    }
  }
  return groupRuns(graph, state, ready, positionOf);
}

/** Whether a targeted asset partition can run this round, must wait for its upstream, or failed with it. */
function verdictOf(
  graph: AssetGraph,
  state: ReadonlyMap<number, AssetState>,
  ready: ReadonlyMap<number, ReadonlySet<string>>,
  loading: Loading,
  upstreamCache: Map<string, readonly string[]>,
  asset: AssetState,
  key: string,
  parents: readonly number[],
): Verdict {
  let verdict: Verdict = "ready";
  for (const parent of parents) {
    const upstream = state.get(parent);
    const upstreamDef = graph.specs[parent]?.partitionsDef;
    // An upstream outside the backfill is read as it is, but must have the partitions the mapping names.
    if (!upstream && !upstreamDef) continue;
    const cacheKey = `${asset.node}\u0000${parent}\u0000${key}`;
    let upstreamKeys = upstreamCache.get(cacheKey);
    if (upstreamKeys) {
      // Mapped (and checked) in an earlier round.
    } else if (!upstreamDef) upstreamKeys = [UNPARTITIONED];
    else {
      const mapping = partitionMappingOf(graph, asset.node, parent);
      const mapped = mapping.getUpstreamMappedPartitionsResultForPartitions(asset.def?.subsetWithPartitionKeys([key]), asset.def, upstreamDef, loading);
      const nonexistent = mapped.requiredButNonexistentSubset.getPartitionKeys();
      // A self-dependency's first partition has no earlier one to read.
      if (nonexistent.length > 0 && parent !== asset.node) {
        throw new InvalidExecutionOptionError(
          "partitionKeys",
          `Partition "${key}" of "${graph.ids[asset.node]}" depends on partition${nonexistent.length > 1 ? "s" : ""} ${nonexistent.slice(0, 5).map((k) => `"${k}"`).join(", ")} of "${graph.ids[parent]}", which do${nonexistent.length > 1 ? "" : "es"} not exist; backfill later partitions, or allow it with TimeWindowPartitionMapping({ allowNonexistentUpstreamPartitions: true }).`,
        );
      }
      upstreamKeys = mapped.partitionsSubset.getPartitionKeys();
      upstreamCache.set(cacheKey, upstreamKeys);
    }
    if (!upstream) continue;
    for (const upstreamKey of upstreamKeys) {
      if (!upstream.targetSet.has(upstreamKey) || upstream.materialized.has(upstreamKey)) continue;
      if (upstream.failed.has(upstreamKey)) return "failed";
      if (!(ready.get(parent)?.has(upstreamKey) && canRunWithParent(graph, ready, upstream, asset, key, upstreamKey))) verdict = "wait";
    }
  }
  return verdict;
}

/** As the reference: an asset partition runs in the same run as an upstream one requested in this round. */
function canRunWithParent(
  graph: AssetGraph,
  ready: ReadonlyMap<number, ReadonlySet<string>>,
  upstream: AssetState,
  asset: AssetState,
  key: string,
  upstreamKey: string,
): boolean {
  const policy = graph.specs[upstream.node]?.backfillPolicy;
  const childPolicy = graph.specs[asset.node]?.backfillPolicy;
  if (policy ? !policy.equals(childPolicy) : childPolicy !== undefined) return false;
  if (Boolean(upstream.def) !== Boolean(asset.def)) return false;
  if (upstream.def && !upstream.def.equals(asset.def)) return false;
  if (!upstream.def) return true;
  const self = upstream.node === asset.node;
  if (!self && isIdentityMapping(partitionMappingOf(graph, asset.node, upstream.node))) return key === upstreamKey;
  if (!policy) return false;
  // A self-dependent asset with a policy runs its partitions in order in chunks of the policy's size, each
  // chunk's run after the one before it (kept from the earlier port; the reference's newest daemon does the same).
  if (self) return true;
  // Otherwise only a run taking every targeted partition of both at once.
  const sameTargets = upstream.targeted.length === asset.targeted.length && upstream.targeted.every((k) => asset.targetSet.has(k));
  const requested = ready.get(upstream.node)?.size ?? 0;
  const fits = policy.maxPartitionsPerRun === null || policy.maxPartitionsPerRun > requested;
  return sameTargets && fits && requested === upstream.targeted.length;
}

function isIdentityMapping(mapping: PartitionMapping): boolean {
  return mapping instanceof IdentityPartitionMapping || (mapping instanceof TimeWindowPartitionMapping && mapping.startOffset === 0 && mapping.endOffset === 0);
}

/**
 * The round's requests in as few runs as possible, as the reference groups them: every unpartitioned asset in
 * one run; partitioned assets by partitioning and backfill policy, then one run per partition key (no policy)
 * or per contiguous range of keys that the same assets take (a policy, up to its maxPartitionsPerRun).
 */
function groupRuns(
  graph: AssetGraph,
  state: ReadonlyMap<number, AssetState>,
  ready: ReadonlyMap<number, ReadonlySet<string>>,
  positionOf: (def: PartitionsDefinition) => (key: string) => number,
): PlannedRun[] {
  const unpartitioned: number[] = [];
  const groups: { def: PartitionsDefinition; policy: BackfillPolicy | undefined; nodesByKey: Map<string, number[]> }[] = [];
  for (const [node, keys] of ready) {
    if (keys.size === 0) continue;
    const { def } = state.get(node) as AssetState;
    if (!def) {
      unpartitioned.push(node);
      continue;
    }
    const policy = graph.specs[node]?.backfillPolicy;
    let group = groups.find((g) => g.def.equals(def) && (g.policy ? g.policy.equals(policy) : policy === undefined));
    if (!group) groups.push((group = { def, policy, nodesByKey: new Map() }));
    for (const key of keys) {
      const nodes = group.nodesByKey.get(key);
      if (nodes) nodes.push(node);
      else group.nodesByKey.set(key, [node]);
    }
  }
  const runs: PlannedRun[] = unpartitioned.length ? [{ nodes: unpartitioned, keys: [] }] : [];
  for (const { def, policy, nodesByKey } of groups) {
    const position = positionOf(def);
    const keys = [...nodesByKey.keys()].sort((a, b) => position(a) - position(b));
    if (!policy) {
      for (const key of keys) runs.push({ nodes: nodesByKey.get(key) as number[], keys: [key] });
      continue;
    }
    const bySignature = new Map<string, string[]>();
    for (const key of keys) {
      const signature = (nodesByKey.get(key) as number[]).join(",");
      const same = bySignature.get(signature);
      if (same) same.push(key);
      else bySignature.set(signature, [key]);
    }
    for (const [signature, sameKeys] of bySignature) {
      const nodes = signature.split(",").map(Number);
      for (const chunk of chunksOf(sameKeys, policy.maxPartitionsPerRun ?? Infinity, position, boxKeyOf(def))) runs.push({ nodes, keys: chunk });
    }
  }
  return runs;
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

/**
 * A run over a range of multi-partition keys takes a box (each dimension from the start's key to the end's), not
 * the keys between them in order: a chunk stays within one key of the first dimension (the slowest in key order),
 * so its box is exactly its keys (the reference's ranges per primary key). Other definitions: no constraint.
 */
function boxKeyOf(def: PartitionsDefinition): ((key: string) => string) | undefined {
  if (!(def instanceof MultiPartitionsDefinition)) return undefined;
  const first = (def.partitionsDefs[0] as { name: string }).name;
  return (key) => def.getPartitionKeyFromStr(key).keysByDimension[first] as string;
}

/** Chunks of at most `max` partitions, each a contiguous range of the definition (within one box), in order. */
function chunksOf(keys: readonly string[], max: number, positionOf: (key: string) => number, boxOf?: (key: string) => string): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let last = -2;
  for (const key of keys) {
    const position = positionOf(key);
    const contiguous = current.length > 0 && position === last + 1 && (!boxOf || boxOf(current[0] as string) === boxOf(key));
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
