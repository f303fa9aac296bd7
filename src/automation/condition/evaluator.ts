// evaluateAutomationConditions: one evaluation of every asset's condition, its run requests and the cursor for the next.
import { AssetKey, type AssetKeyLike } from "../../core/index.js";
import type { DefinitionsData } from "../../definitions/index.js";
import { AssetGraph } from "../../graph/index.js";
import type { Instance } from "../../instance/index.js";
import { DynamicPartitionsSnapshot, partitionsDefinitionFingerprint, type PartitionsDefinition } from "../../partitions/index.js";
import { RunRequest } from "../../definitions/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { TickData, type ConditionResult } from "./context.js";
import { parseCursor, partitioningOf, type AssetCursor, type AutomationCursor } from "./cursor.js";
import { activeBackfillsById, activeRunsById, changedSince, findMemo, fullSubsetsByDef, keepMemo, reusable, type NodeMemo } from "./incremental.js";
import { compactTree, expandTree, type CompactTree } from "./compact-tree.js";
import type { AssetRecord } from "../../storage/index.js";
import { InvalidAutomationConditionError } from "../../definitions/index.js";
import { evaluateCondition } from "./operators.js";
import { EntitySubset } from "./subset.js";
import { evaluateCheckConditions, withCheckStates } from "./check-conditions.js";
import { executionSiblings } from "./execution-sets.js";

const ACTIVE_RUN_STATUSES = ["QUEUED", "NOT_STARTED", "STARTING", "STARTED", "CANCELING"] as const;
const ACTIVE_BACKFILL_STATUSES = ["REQUESTED", "IN_PROGRESS", "CANCELING"] as const;

export interface EvaluateAutomationConditionsOptions {
  defs: DefinitionsData;
  instance: Instance;
  /** The cursor a previous call returned: continues that history. @default a first evaluation */
  cursor?: string;
  /** The moment of the evaluation. @default the instance's clock */
  evaluationTime?: Date | number;
  /**
   * The condition of each asset, by asset key (`a/b`), instead of the assets' own `automationCondition`: when
   * given, only these assets (and, with `defaultCondition`, the rest) are evaluated. @default each asset's own
   */
  conditions?: Readonly<Record<string, AutomationCondition>>;
  /** The condition of every computed asset that `conditions` leaves out. */
  defaultCondition?: AutomationCondition;
}

/** One asset's evaluation: its condition tree with each node's true subset. */
export interface AssetConditionEvaluation {
  readonly key: AssetKey;
  readonly condition: AutomationCondition;
  /** The partitions requested (the root's true subset; empty for assets that cannot be computed here). */
  readonly requestedSubset: EntitySubset;
  readonly result: ConditionResult;
}

/**
 * An evaluation whose tree is kept compact (see CompactTree) and made into ConditionResult objects when first
 * read: a daemon's tick reads the requests and the cursor, and the next tick reuses most evaluations unread.
 */
class CompactEvaluation implements AssetConditionEvaluation {
  readonly key: AssetKey;
  readonly condition: AutomationCondition;
  readonly requestedSubset: EntitySubset;
  readonly #tree: CompactTree;
  #result: ConditionResult | undefined;

  constructor(key: AssetKey, condition: AutomationCondition, requestedSubset: EntitySubset, tree: CompactTree) {
    this.key = key;
    this.condition = condition;
    this.requestedSubset = requestedSubset;
    this.#tree = tree;
    Object.freeze(this);
  }

  get result(): ConditionResult {
    return (this.#result ??= expandTree(this.#tree, this.condition));
  }

  /** The same evaluation with another request (a sibling's request pulled this asset in). */
  withRequested(requestedSubset: EntitySubset): CompactEvaluation {
    return new CompactEvaluation(this.key, this.condition, requestedSubset, this.#tree);
  }
}

/** What one evaluation decided: the runs to launch, each asset's evaluated tree, and the cursor for the next call. */
export class AutomationConditionEvaluationResult {
  readonly totalRequested: number;
  readonly runRequests: readonly RunRequest[];
  readonly cursor: string;
  readonly results: readonly AssetConditionEvaluation[];
  // Made on the first look-up by key: a daemon's tick reads the run requests and the cursor, not this.
  #byKey: ReadonlyMap<string, AssetConditionEvaluation> | undefined;

  constructor(results: AssetConditionEvaluation[], runRequests: RunRequest[], cursor: string) {
    this.results = Object.freeze(results);
    this.runRequests = Object.freeze(runRequests);
    this.cursor = cursor;
    this.totalRequested = results.reduce((n, r) => n + r.requestedSubset.size, 0) + runRequests.reduce((n, r) => n + (r.assetCheckKeys?.length ?? 0), 0);
    Object.freeze(this);
  }

  #byKeyMap(): ReadonlyMap<string, AssetConditionEvaluation> {
    return (this.#byKey ??= new Map(this.results.map((r) => [r.key.toString(), r])));
  }

  /** The requested partition keys of an asset; `undefined` stands for an unpartitioned asset itself. */
  getRequestedPartitions(key: AssetKeyLike): Set<string | undefined> {
    const r = this.#byKeyMap().get(AssetKey.from(key).toString());
    if (!r || r.requestedSubset.isEmpty) return new Set();
    return r.requestedSubset.isPartitioned ? new Set(r.requestedSubset.partitionKeys()) : new Set([undefined]);
  }

  getNumRequested(key: AssetKeyLike): number {
    return this.#byKeyMap().get(AssetKey.from(key).toString())?.requestedSubset.size ?? 0;
  }

  /** The evaluation of one asset, if it has a condition. */
  getResult(key: AssetKeyLike): AssetConditionEvaluation | undefined {
    return this.#byKeyMap().get(AssetKey.from(key).toString());
  }

  /** One asset's tree with each node's number of true partitions (or true/false): why it was, or was not, requested. */
  explain(key: AssetKeyLike): string {
    const r = this.getResult(key);
    if (!r) return `${AssetKey.from(key).toString()} has no automation condition`;
    const lines: string[] = [];
    const walk = (n: ConditionResult, depth: number, on: string): void => {
      const t = n.trueSubset;
      const truth = t.isPartitioned ? `${t.size} true` : String(!t.isEmpty);
      lines.push(`${"  ".repeat(depth)}${n.condition.describeNode()}${on} → ${truth}`);
      for (const c of n.children) walk(c, depth + 1, c.node !== n.node ? ` [on ${c.node}]` : "");
    };
    walk(r.result, 0, "");
    return lines.join("\n");
  }
}

/**
 * Evaluates every asset's condition once, as the reference's test utility does: pass the returned `cursor`
 * to the next call to continue the same history (since, newly_true, newly_updated and cron ticks read it).
 *
 * @example
 * let result = await evaluateAutomationConditions({ defs, instance, defaultCondition: AutomationCondition.eager() });
 * await materialize([raw], { instance });
 * result = await evaluateAutomationConditions({ defs, instance, cursor: result.cursor, defaultCondition: AutomationCondition.eager() });
 * result.getNumRequested("report"); // 1
 */
export async function evaluateAutomationConditions(options: EvaluateAutomationConditionsOptions): Promise<AutomationConditionEvaluationResult> {
  return evaluate(options, true);
}

/**
 * The same evaluation without the memo of earlier ticks: every condition evaluated and every asset record read.
 * What the incremental evaluation must equal; tests compare the two.
 */
export async function evaluateAutomationConditionsFully(options: EvaluateAutomationConditionsOptions): Promise<AutomationConditionEvaluationResult> {
  return evaluate(options, false);
}

async function evaluate(options: EvaluateAutomationConditionsOptions, incremental: boolean): Promise<AutomationConditionEvaluationResult> {
  const { defs, instance } = options;
  const graph = AssetGraph.of(defs);
  const evaluationTime = options.evaluationTime === undefined ? instance.clock.now() : typeof options.evaluationTime === "number" ? options.evaluationTime : options.evaluationTime.getTime();
  const conditions = conditionsByNode(graph, options);
  // The memo of the tick that returned this cursor stands for the cursor itself (no parse) and for its facts.
  const found = incremental ? findMemo<CompactEvaluation>(instance, graph, options.cursor, conditions) : undefined;

  const partitionsDefs = graph.specs.flatMap((s) => (s.partitionsDef ? [s.partitionsDef] : []));
  const [{ maxStorageId, deletions }, foundRecords, runs, backfills, dynamicPartitionsStore] = await Promise.all([
    instance.storage.getEventLogHead(),
    found ? undefined : instance.getAssetRecords(graph.keys),
    instance.getRuns({ statuses: ACTIVE_RUN_STATUSES }),
    instance.getBackfills({ statuses: ACTIVE_BACKFILL_STATUSES }),
    DynamicPartitionsSnapshot.load(instance, partitionsDefs),
  ]);
  // A run deleted since the memo's tick (by any process) took events the memo's facts may rest on, below any cursor:
  // the tick is evaluated as a fresh process would, from the cursor and what storage holds now.
  const memo = found?.deletions === deletions ? found : undefined;
  const allRecords = found && !memo ? await instance.getAssetRecords(graph.keys) : foundRecords;
  const previous = memo ? undefined : parseCursor(options.cursor);
  const previousMaxStorageId = memo ? memo.maxStorageId : previous?.maxStorageId;
  const evaluationId = (memo ? memo.evaluationId : (previous?.evaluationId ?? 0)) + 1;
  const partitionOptions = { currentTime: evaluationTime, dynamicPartitionsStore };
  const activeRuns = activeRunsById(runs);
  const activeBackfills = activeBackfillsById(backfills);
  const fullByDef = fullSubsetsByDef(graph, partitionOptions);

  let records: (AssetRecord | undefined)[];
  let changed: Uint8Array;
  const previousByNode = new Map<number, AssetCursor>();
  if (memo) {
    changed = await changedSince(memo, instance, maxStorageId, activeRuns, activeBackfills, fullByDef);
    records = memo.records.slice();
    // Only the records of assets with something new, in one read.
    const stale: number[] = [];
    for (let node = 0; node < graph.size; node++) if (changed[node]) stale.push(node);
    if (stale.length > 0) {
      for (const node of stale) records[node] = undefined;
      for (const r of await instance.getAssetRecords(stale.map((n) => graph.keys[n] as AssetKey))) {
        const node = graph.indexOf(r.assetKey.toString());
        if (node !== undefined) records[node] = r;
      }
    }
    for (let node = 0; node < graph.size; node++) {
      const entry = memo.nodes[node]?.entry;
      if (entry) previousByNode.set(node, entry);
    }
  } else {
    changed = new Uint8Array(graph.size).fill(1);
    const recordByKey = new Map((allRecords ?? []).map((r) => [r.assetKey.toString(), r]));
    records = graph.ids.map((id) => recordByKey.get(id));
    const partitioningKnown = previous?.partitioning === true;
    for (const [key, entry] of Object.entries(previous?.assets ?? {})) {
      const node = graph.indexOf(key);
      if (node === undefined) continue;
      const partitioning = partitioningKnown ? undefined : partitioningOf(graph.specs[node]?.partitionsDef);
      previousByNode.set(node, partitioning === undefined ? entry : { ...entry, partitioning });
    }
  }
  const tick = new TickData({
    graph,
    instance,
    evaluationTime,
    evaluationId,
    options: partitionOptions,
    maxStorageId,
    previousMaxStorageId,
    previousEvaluationTime: memo ? memo.evaluationTime : previous?.evaluationTime,
    records,
    activeRuns: runs,
    activeBackfills: backfills,
    previous: previousByNode,
    conditions,
  });
  if (memo) {
    tick.inherit(memo.statuses, memo.checks, memo.attempts, changed);
    tick.observed = new Map(memo.observed);
  }
  // What the conditions asked for at earlier ticks, read at once (assets whose memo is reused read nothing).
  tick.prefetchAll(graph.topologicalOrder, changed);
  if (tick.hasPending) await tick.loadPending();

  const results: AssetConditionEvaluation[] = [];
  // By node, the index of its evaluation in `results` (-1: none): an array, as every asset has a slot.
  const resultIndex = new Int32Array(graph.size).fill(-1);
  const nodes: (NodeMemo<CompactEvaluation> | undefined)[] = new Array(graph.size).fill(undefined);
  const requestChangedNow = new Uint8Array(graph.size);
  const siblings = executionSiblings(graph);
  for (const node of graph.topologicalOrder) {
    const condition = conditions[node];
    if (!condition) continue;
    const before = memo?.nodes[node];
    // Members of a multi-asset that cannot be subset are evaluated every tick: a sibling's request changes theirs.
    if (memo && !siblings.has(node) && reusable(before, condition, changed, memo.nodes, requestChangedNow, node)) {
      tick.next.set(node, before.entry);
      if (!before.requestedSubset.isEmpty) tick.requested.set(node, before.requestedSubset);
      resultIndex[node] = results.length;
      results.push(before.evaluation);
      nodes[node] = before;
      continue;
    }
    tick.root = node;
    tick.prefetch(node, condition);
    if (tick.hasPending) await tick.loadPending();
    let entry: AssetCursor;
    let result: ConditionResult;
    // Evaluated again while the tree asked for a fact not yet read: the discarded pass asked for all it needed.
    const partitioning = partitioningOf(graph.specs[node]?.partitionsDef);
    for (;;) {
      entry = partitioning === undefined ? { conditionId: condition.uniqueId, nodes: {} } : { conditionId: condition.uniqueId, partitioning, nodes: {} };
      tick.next.set(node, entry);
      result = evaluateCondition(condition, { tick, root: node, node, candidate: tick.full(node), path: "0", rootCondition: condition });
      if (!tick.missing) break;
      await tick.loadPending();
    }
    const own = graph.isExternal(node) && !graph.isObservable(node) ? tick.empty(node) : result.trueSubset;
    // A sibling evaluated earlier may have requested this asset already.
    const pulledIn = tick.requested.get(node);
    const requestedSubset = pulledIn ? own.union(pulledIn) : own;
    if (!requestedSubset.isEmpty) {
      tick.requested.set(node, requestedSubset);
      entry.requested = requestedSubset.serialize();
    }
    const { tree, touched, volatile } = compactTree(result, condition);
    const evaluation = new CompactEvaluation(graph.keys[node] as AssetKey, condition, requestedSubset, tree);
    resultIndex[node] = results.length;
    results.push(evaluation);
    const entryJson = JSON.stringify(entry);
    const entryBefore = previousByNode.get(node);
    const jsonBefore = before ? before.entryJson : entryBefore === undefined ? undefined : JSON.stringify(entryBefore);
    const requestedChanged = entry.requested !== entryBefore?.requested;
    if (requestedChanged) requestChangedNow[node] = 1;
    nodes[node] = { conditionId: condition.uniqueId, evaluation, requestedSubset, entry, entryJson, fixpoint: entryJson === jsonBefore, volatile, requestedChanged, touched };
    if (!own.isEmpty) for (const sibling of siblings.get(node) ?? []) requestWithSibling(sibling, own);
  }

  // Assets without a condition of their own that a sibling's request pulled in.
  for (const node of tick.requested.keys()) if (resultIndex[node] === -1) pulledInResult(node);

  /**
   * A multi-asset that cannot be subset runs whole: what one of its assets requests, the others are requested for
   * too (the same partitions, as they share the multi-asset's partitioning). A sibling evaluated earlier has its
   * evaluation and cursor entry brought up to date; one evaluated later starts from this request.
   */
  function requestWithSibling(sibling: number, subset: EntitySubset): void {
    const pulled = EntitySubset.of(sibling, subset.value);
    const already = tick.requested.get(sibling);
    const union = already ? already.union(pulled) : pulled;
    if (already?.equals(union)) return;
    tick.requested.set(sibling, union);
    requestChangedNow[sibling] = 1;
    const at = resultIndex[sibling] ?? -1;
    const kept = nodes[sibling];
    if (at === -1 || !kept) return;
    const evaluation = kept.evaluation.withRequested(union);
    results[at] = evaluation;
    const entry: AssetCursor = { ...kept.entry, requested: union.serialize() };
    tick.next.set(sibling, entry);
    nodes[sibling] = { ...kept, evaluation, requestedSubset: union, entry, entryJson: JSON.stringify(entry), fixpoint: false, requestedChanged: true };
  }

  /** The evaluation of an asset without a condition that a sibling's request pulled in. */
  function pulledInResult(node: number): void {
    const requestedSubset = tick.requested.get(node) as EntitySubset;
    const condition = AutomationCondition.willBeRequested();
    const result: ConditionResult = { condition, node, candidateSubset: tick.full(node), trueSubset: requestedSubset, children: [] };
    resultIndex[node] = results.length;
    results.push(Object.freeze({ key: graph.keys[node] as AssetKey, condition, requestedSubset, result }));
  }

  const checkOutcome = await evaluateCheckConditions(tick, options.cursor);
  const cursor = withCheckStates(cursorText(graph, tick.next, nodes, { evaluationTime, evaluationId, maxStorageId }), checkOutcome);
  if (incremental) {
    keepMemo(
      instance,
      {
        cursor,
        graph,
        conditionIds: conditions.map((c) => c?.uniqueId),
        evaluationTime,
        evaluationId,
        maxStorageId,
        deletions,
        records,
        activeRuns,
        activeBackfills,
        fullByDef,
        nodes,
        statuses: tick.statuses,
        checks: tick.checks,
        attempts: tick.attempts,
        observed: tick.observed,
      },
      memo,
    );
  }
  return new AutomationConditionEvaluationResult(results, [...buildRunRequests(graph, tick.requested), ...checkOutcome.runRequests], cursor);
}

/**
 * The cursor as JSON.stringify writes it, assembled from each asset's entry text (kept from the tick that wrote
 * it) so that a tick where little changed does not serialize every entry again.
 */
function cursorText(
  graph: AssetGraph,
  next: ReadonlyMap<number, AssetCursor>,
  nodes: readonly (NodeMemo<CompactEvaluation> | undefined)[],
  head: { evaluationTime: number; evaluationId: number; maxStorageId: number },
): string {
  // An object puts integer-like keys first, in numeric order: let JSON.stringify order such a cursor itself.
  if (hasIndexLikeId(graph) && [...next.keys()].some((node) => INDEX_LIKE.test(graph.ids[node] as string))) {
    const assets: Record<string, AssetCursor> = {};
    for (const [node, entry] of next) assets[graph.ids[node] as string] = entry;
    const cursor: AutomationCursor = { version: 1, ...head, partitioning: true, assets };
    return JSON.stringify(cursor);
  }
  const quoted = quotedIds(graph);
  const parts: string[] = [];
  for (const [node, entry] of next) parts.push(`${quoted[node]}:${nodes[node]?.entryJson ?? JSON.stringify(entry)}`);
  return `{"version":1,"evaluationTime":${JSON.stringify(head.evaluationTime)},"evaluationId":${JSON.stringify(head.evaluationId)},"maxStorageId":${JSON.stringify(head.maxStorageId)},"partitioning":true,"assets":{${parts.join(",")}}}`;
}

const INDEX_LIKE = /^(0|[1-9][0-9]*)$/;

// Each asset id as a JSON string, made once per graph (every tick's cursor names every asset).
const QUOTED_IDS = new WeakMap<AssetGraph, readonly string[]>();

const INDEX_LIKE_IDS = new WeakMap<AssetGraph, boolean>();

function hasIndexLikeId(graph: AssetGraph): boolean {
  let has = INDEX_LIKE_IDS.get(graph);
  if (has === undefined) INDEX_LIKE_IDS.set(graph, (has = graph.ids.some((id) => INDEX_LIKE.test(id))));
  return has;
}

function quotedIds(graph: AssetGraph): readonly string[] {
  let quoted = QUOTED_IDS.get(graph);
  if (!quoted) QUOTED_IDS.set(graph, (quoted = graph.ids.map((id) => JSON.stringify(id))));
  return quoted;
}

function conditionsByNode(graph: AssetGraph, options: EvaluateAutomationConditionsOptions): (AutomationCondition | undefined)[] {
  const out: (AutomationCondition | undefined)[] = new Array(graph.size).fill(undefined);
  if (options.conditions === undefined) {
    for (let node = 0; node < graph.size; node++) out[node] = graph.specs[node]?.automationCondition;
  }
  for (const [key, condition] of Object.entries(options.conditions ?? {})) {
    if (!(condition instanceof AutomationCondition)) {
      throw new InvalidAutomationConditionError(`The condition of "${key}" is not an AutomationCondition; build it with AutomationCondition.eager() and the other statics`);
    }
    out[graph.require(key, "the automation conditions")] = condition;
  }
  if (options.defaultCondition) {
    for (let node = 0; node < graph.size; node++) if (!out[node] && !graph.isExternal(node)) out[node] = options.defaultCondition;
  }
  return out;
}

/** One run for every unpartitioned asset requested, and one per partition key of each partitions definition. */
function buildRunRequests(graph: AssetGraph, requested: ReadonlyMap<number, EntitySubset>): RunRequest[] {
  const unpartitioned: AssetKey[] = [];
  const byPartition = new Map<string, { partitionKey: string; keys: AssetKey[] }>();
  const fingerprints = new Map<PartitionsDefinition, string>();
  for (const [node, subset] of requested) {
    const key = graph.keys[node] as AssetKey;
    if (!subset.isPartitioned) {
      unpartitioned.push(key);
      continue;
    }
    const def = graph.specs[node]?.partitionsDef as PartitionsDefinition;
    let fingerprint = fingerprints.get(def);
    if (fingerprint === undefined) fingerprints.set(def, (fingerprint = partitionsDefinitionFingerprint(def)));
    for (const partitionKey of subset.partitionKeys()) {
      const group = `${fingerprint}\u0000${partitionKey}`;
      const entry = byPartition.get(group) ?? { partitionKey, keys: [] };
      entry.keys.push(key);
      byPartition.set(group, entry);
    }
  }
  const requests: RunRequest[] = [];
  if (unpartitioned.length) requests.push(new RunRequest({ assetSelection: unpartitioned }));
  for (const { partitionKey, keys } of byPartition.values()) requests.push(new RunRequest({ assetSelection: keys, partitionKey }));
  return requests;
}
