// What an evaluation keeps in memory for the next one on the same history, and how the next one finds what changed.
import type { AssetGraph } from "../../graph/index.js";
import type { EventRecord } from "../../core/index.js";
import type { Instance, MaterializationAttempt, PartitionStatus } from "../../instance/index.js";
import type { PartitionLoadingOptions, PartitionsDefinition } from "../../partitions/index.js";
import type { AssetRecord, BackfillRecord, RunRecord } from "../../storage/index.js";
import type { AutomationCondition } from "../../definitions/index.js";
import type { AssetCursor } from "./cursor.js";
import type { ObservedPartitions } from "./context.js";
import { EntitySubset } from "./subset.js";

/**
 * One asset's evaluation, kept for the next tick. Evaluation is a function of the asset's cursor entry, the facts
 * its tree read (of the assets in `touched`), its deps' requests and the tick's time; when the entry it wrote is
 * the entry it read (`fixpoint`), no fact that only holds for one tick was true (`volatile`), and none of those
 * inputs changed, the next evaluation is this one again.
 */
export interface NodeMemo<E> {
  readonly conditionId: string;
  readonly evaluation: E;
  readonly requestedSubset: EntitySubset;
  readonly entry: AssetCursor;
  readonly entryJson: string;
  /** The entry written equals the entry read (requested included). */
  readonly fixpoint: boolean;
  /** Some operand was true for this tick only (newly_updated), or the tree reads the clock (cron_tick_passed). */
  readonly volatile: boolean;
  /** What this evaluation requested differs from what the previous one did (deps' newly_requested read it). */
  readonly requestedChanged: boolean;
  /** The assets the tree looked at (itself, deps, assetMatches targets), sorted, without repeats. */
  readonly touched: readonly number[];
}

/** Everything one evaluation leaves for the next, keyed by the cursor it returned. */
export interface TickMemo<E> {
  readonly cursor: string;
  readonly graph: AssetGraph;
  readonly conditionIds: readonly (string | undefined)[];
  readonly evaluationTime: number;
  readonly evaluationId: number;
  readonly maxStorageId: number;
  /** The storage's count of run deletions at that evaluation (EventLogHead): another one makes the memo unusable. */
  readonly deletions: number;
  readonly records: readonly (AssetRecord | undefined)[];
  readonly activeRuns: ReadonlyMap<string, RunRecord>;
  readonly activeBackfills: ReadonlyMap<string, string>;
  /** Each partitions definition's full subset at that evaluation, serialized: time and dynamic ones move. */
  readonly fullByDef: ReadonlyMap<PartitionsDefinition, string>;
  readonly nodes: readonly (NodeMemo<E> | undefined)[];
  /** The partition statuses and latest check evaluations the evaluation read or inherited, by node. */
  readonly statuses: ReadonlyMap<number, PartitionStatus>;
  readonly checks: ReadonlyMap<number, Map<string, EventRecord>>;
  /** The latest planned runs of unpartitioned assets the evaluation read or inherited, by node (null: none). */
  readonly attempts: ReadonlyMap<number, MaterializationAttempt | null>;
  /** The observed partitions of partitioned observable sources, as read by this evaluation or an earlier one. */
  readonly observed: ReadonlyMap<number, ObservedPartitions>;
}

/** Two are kept: the one a tick continues and the one it returns (a caller may repeat a tick from the same cursor). */
const MEMO_DEPTH = 2;
const memos = new WeakMap<Instance, TickMemo<unknown>[]>();

/** The memo of the evaluation that returned `cursor` on this instance, graph and conditions, if still held. */
export function findMemo<E>(instance: Instance, graph: AssetGraph, cursor: string | undefined, conditions: readonly (AutomationCondition | undefined)[]): TickMemo<E> | undefined {
  if (cursor === undefined) return undefined;
  const list = memos.get(instance);
  const memo = list?.find((m) => m.cursor === cursor && m.graph === graph);
  if (!memo || memo.conditionIds.length !== conditions.length) return undefined;
  for (let i = 0; i < conditions.length; i++) if (memo.conditionIds[i] !== conditions[i]?.uniqueId) return undefined;
  return memo as TickMemo<E>;
}

export function keepMemo<E>(instance: Instance, memo: TickMemo<E>, continued: TickMemo<E> | undefined): void {
  const list = (memos.get(instance) ?? []).filter((m) => m !== continued && m.cursor !== memo.cursor);
  // The continued memo stays most recent after the new one: a repeated tick from the same cursor finds it.
  const next = [memo, ...(continued ? [continued as TickMemo<unknown>] : []), ...list].slice(0, MEMO_DEPTH);
  memos.set(instance, next as TickMemo<unknown>[]);
}

/** Forgets every memo of an instance (tests compare against evaluations that start from nothing). */
export function forgetMemos(instance: Instance): void {
  memos.delete(instance);
}

export function activeRunsById(runs: readonly RunRecord[]): Map<string, RunRecord> {
  return new Map(runs.map((r) => [r.runId, r]));
}

export function activeBackfillsById(backfills: readonly BackfillRecord[]): Map<string, string> {
  return new Map(backfills.map((b) => [b.backfillId, JSON.stringify(b)]));
}

export function fullSubsetsByDef(graph: AssetGraph, options: PartitionLoadingOptions): Map<PartitionsDefinition, string> {
  const out = new Map<PartitionsDefinition, string>();
  for (const spec of graph.specs) {
    const def = spec.partitionsDef;
    if (def && !out.has(def)) out.set(def, EntitySubset.all(-1, def, options).serialize() as string);
  }
  return out;
}

/**
 * The assets whose facts may differ from the memo's tick: events since its storage id (and the assets of the
 * runs that wrote them), runs and backfills that started, moved or ended, and partitions definitions whose
 * partitions changed (time passed, dynamic keys added or deleted). Marked 1 in the returned mask.
 */
export async function changedSince<E>(
  memo: TickMemo<E>,
  instance: Instance,
  maxStorageId: number,
  activeRuns: ReadonlyMap<string, RunRecord>,
  activeBackfills: ReadonlyMap<string, string>,
  fullByDef: ReadonlyMap<PartitionsDefinition, string>,
): Promise<Uint8Array> {
  const { graph } = memo;
  const changed = new Uint8Array(graph.size);
  const mark = (id: string): void => {
    const node = graph.indexOf(id);
    if (node !== undefined) changed[node] = 1;
  };
  // Asked even when no event is new: a wipe writes none.
  const changes = await instance.storage.getEventLogChanges(memo.maxStorageId, maxStorageId);
  for (const key of changes.assetKeys) mark(key.toString());
  const runIds = new Set(changes.runIds);
  for (const [id, run] of activeRuns) if (memo.activeRuns.get(id)?.status !== run.status) runIds.add(id);
  for (const id of memo.activeRuns.keys()) if (!activeRuns.has(id)) runIds.add(id);
  if (runIds.size > 0) {
    const known = new Map<string, RunRecord>();
    for (const [id, run] of memo.activeRuns) known.set(id, run);
    for (const [id, run] of activeRuns) known.set(id, run);
    const missing = [...runIds].filter((id) => !known.has(id));
    for (const run of missing.length ? await instance.storage.getRuns({ runIds: missing }) : []) known.set(run.runId, run);
    for (const id of runIds) for (const key of known.get(id)?.assetSelection ?? []) mark(key);
  }
  const backfills = new Set([...activeBackfills.keys(), ...memo.activeBackfills.keys()]);
  for (const id of backfills) {
    const now = activeBackfills.get(id);
    const before = memo.activeBackfills.get(id);
    if (now === before) continue;
    for (const json of [now, before]) if (json !== undefined) for (const key of (JSON.parse(json) as BackfillRecord).assetSelection) mark(key);
  }
  for (const [def, full] of fullByDef) {
    if (memo.fullByDef.get(def) === full) continue;
    for (let node = 0; node < graph.size; node++) if (graph.specs[node]?.partitionsDef === def) changed[node] = 1;
  }
  return changed;
}

/** Can the memo's evaluation of `node` stand for this tick's? */
export function reusable<E>(
  memo: NodeMemo<E> | undefined,
  condition: AutomationCondition,
  changed: Uint8Array,
  previousNodes: readonly (NodeMemo<E> | undefined)[],
  requestChangedNow: Uint8Array,
  node: number,
): memo is NodeMemo<E> {
  if (!memo || !memo.fixpoint || memo.volatile || memo.conditionId !== condition.uniqueId) return false;
  for (const d of memo.touched) {
    if (changed[d]) return false;
    if (d !== node && (requestChangedNow[d] || previousNodes[d]?.requestedChanged)) return false;
  }
  return true;
}
