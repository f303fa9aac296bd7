// Operators: and/or/not, since, newly_true, deps and asset_matches; and the recursive evaluation of a tree.
import type { SelectionExpression } from "../../definitions/index.js";
import { AssetSelection, partitionMappingOf, type AssetGraph } from "../../graph/index.js";
import type { PartitionsDefinition, PartitionsSubset } from "../../partitions/index.js";
import type { AutomationCondition, OperandKind } from "../../definitions/index.js";
import {
  conditionResult,
  emptyOf,
  fullOf,
  partitionsDefOf,
  previousState,
  storeState,
  type Ancestry,
  type ConditionResult,
  type EvaluationContext,
  type TickData,
} from "./context.js";
import type { SinceTuple } from "./cursor.js";
import { InvalidAutomationConditionError } from "../../definitions/index.js";
import { evaluateOperand, operandTimes } from "./operands.js";
import { EntitySubset } from "./subset.js";
import { evaluateCheckDeps } from "./check-deps.js";
import { depsOf } from "./self-deps.js";

const NO_SINCE: SinceTuple = Object.freeze([null, null, null, null] as const);

/**
 * Evaluates `condition` over `ctx.candidate`; every node's true subset lies within its candidate. Synchronous: facts
 * come from `ctx.tick`, and a tree evaluated while one was not read yet (`tick.missing`) is evaluated again.
 */
export function evaluateCondition(condition: AutomationCondition, ctx: EvaluationContext): ConditionResult {
  switch (condition.kind) {
    // Composites size their children's array once and share one ancestry link among them: a tick evaluates a few
    // hundred thousand nodes, and what each allocates is most of the tick's garbage.
    case "and": {
      // Each operand only looks at what the previous ones left true, as the reference narrows candidates.
      const n = condition.children.length;
      const children = new Array<ConditionResult>(n);
      const here: Ancestry = { condition, up: ctx.ancestors };
      let candidate = ctx.candidate;
      for (let i = 0; i < n; i++) {
        const r = evaluateChildUnder(here, condition, ctx, i, ctx.node, candidate, ctx.path, ctx.check);
        children[i] = r;
        candidate = r.trueSubset;
      }
      return resultOf(condition, ctx, candidate, children);
    }
    case "or": {
      const n = condition.children.length;
      const children = new Array<ConditionResult>(n);
      const here: Ancestry = { condition, up: ctx.ancestors };
      let trueSubset = emptyOf(ctx);
      for (let i = 0; i < n; i++) {
        const r = evaluateChildUnder(here, condition, ctx, i, ctx.node, ctx.candidate, ctx.path, ctx.check);
        children[i] = r;
        trueSubset = trueSubset.union(r.trueSubset);
      }
      return resultOf(condition, ctx, trueSubset, children);
    }
    case "not": {
      const r = evaluateChild(condition, ctx, 0, ctx.node, ctx.candidate, ctx.path);
      return resultOf(condition, ctx, ctx.candidate.difference(r.trueSubset), [r]);
    }
    case "newly_true": {
      // The operand is evaluated over every partition, so that no transition is missed outside the candidate.
      const full = fullOf(ctx);
      const r = evaluateChild(condition, ctx, 0, ctx.node, full, ctx.path);
      const before = EntitySubset.deserialize(ctx.node, partitionsDefOf(ctx), previousState(ctx)?.subset) ?? emptyOf(ctx);
      if (!r.trueSubset.isEmpty) storeState(ctx, { subset: r.trueSubset.serialize() });
      return resultOf(condition, ctx, ctx.candidate.intersection(r.trueSubset.difference(before)), [r]);
    }
    case "since": {
      const full = fullOf(ctx);
      const trigger = evaluateChild(condition, ctx, 0, ctx.node, full, ctx.path);
      const reset = evaluateChild(condition, ctx, 1, ctx.node, full, ctx.path);
      const previous = previousState(ctx);
      const before = EntitySubset.deserialize(ctx.node, partitionsDefOf(ctx), previous?.subset) ?? emptyOf(ctx);
      // A reset at the same evaluation as a trigger wins, unless both tell when they happened and the trigger came later.
      const now = before.union(trigger.trueSubset).difference(reset.trueSubset.difference(triggeredAfterReset(ctx, trigger, reset)));
      const { evaluationId, evaluationTime } = ctx.tick;
      const last = previous?.since ?? NO_SINCE;
      const triggered = !trigger.trueSubset.isEmpty;
      const wasReset = !reset.trueSubset.isEmpty;
      const since: SinceTuple = [
        triggered ? evaluationId : last[0],
        triggered ? evaluationTime : last[1],
        wasReset ? evaluationId : last[2],
        wasReset ? evaluationTime : last[3],
      ];
      const remembered = since[0] !== null || since[2] !== null;
      if (!now.isEmpty || remembered) storeState(ctx, now.isEmpty ? { since } : remembered ? { subset: now.serialize(), since } : { subset: now.serialize() });
      return conditionResult(condition, ctx.node, ctx.candidate, ctx.candidate.intersection(now), [trigger, reset], sinceMetadata(since), undefined);
    }
    case "any_deps_match":
    case "all_deps_match":
      if (ctx.check !== undefined) return evaluateCheckDeps(condition, ctx, evaluateCondition);
      return evaluateDeps(condition, ctx);
    case "any_downstream_conditions":
      return evaluateDownstreamConditions(condition, ctx);
    case "any_checks_match":
    case "all_checks_match":
      if (ctx.check !== undefined) throw new InvalidAutomationConditionError(`${condition.name} cannot be nested in another checks condition`);
      return evaluateChecks(condition, ctx);
    case "asset_matches": {
      const { tick } = ctx;
      const target = tick.graph.require(condition.params.key as NonNullable<typeof condition.params.key>, "AutomationCondition.assetMatches");
      const r = evaluateChild(condition, ctx, 0, target, tick.full(target), `${ctx.path}@${tick.graph.ids[target]}`, undefined);
      return resultOf(condition, ctx, r.trueSubset.isEmpty ? emptyOf(ctx) : ctx.candidate, [r]);
    }
    default: {
      const trueSubset = evaluateOperand(condition.kind as OperandKind, ctx, condition);
      const timeOf = trueSubset.isEmpty ? undefined : operandTimes(condition.kind as OperandKind, ctx, condition);
      return conditionResult(condition, ctx.node, ctx.candidate, trueSubset, NO_CHILDREN, undefined, timeOf);
    }
  }
}

/** What sinceFromTuple says, as result metadata (one object, the same keys in the same order). */
function sinceMetadata(since: SinceTuple): Readonly<Record<string, unknown>> {
  return { triggerEvaluationId: since[0] ?? null, triggerTimestamp: since[1] ?? null, resetEvaluationId: since[2] ?? null, resetTimestamp: since[3] ?? null };
}

/** The entities both true at this evaluation for which the trigger's time is later than the reset's. */
function triggeredAfterReset(ctx: EvaluationContext, trigger: ConditionResult, reset: ConditionResult): EntitySubset {
  const both = trigger.trueSubset.intersection(reset.trueSubset);
  const triggerTime = trigger.timeOf;
  const resetTime = reset.timeOf;
  if (both.isEmpty || !triggerTime || !resetTime) return emptyOf(ctx);
  const later = (partition: string | undefined): boolean => {
    const t = triggerTime(partition);
    const r = resetTime(partition);
    return t !== undefined && r !== undefined && t > r;
  };
  const def = partitionsDefOf(ctx);
  if (!def || !both.isPartitioned) return EntitySubset.of(ctx.node, later(undefined));
  return EntitySubset.of(ctx.node, def.subsetWithPartitionKeys(both.partitionKeys().filter(later)));
}

// Leaves share one empty children array (never mutated: results are read-only).
const NO_CHILDREN: readonly ConditionResult[] = Object.freeze([]);

function resultOf(condition: AutomationCondition, ctx: EvaluationContext, trueSubset: EntitySubset, children: readonly ConditionResult[] = NO_CHILDREN): ConditionResult {
  return conditionResult(condition, ctx.node, ctx.candidate, trueSubset, children, undefined, undefined);
}

/** Child `i` of `condition`, on asset `node` over `candidate`; `path` is the parent's (with the dep moved to). */
function evaluateChild(
  condition: AutomationCondition,
  ctx: EvaluationContext,
  i: number,
  node: number,
  candidate: EntitySubset,
  path: string,
  check: number | undefined = ctx.check,
): ConditionResult {
  return evaluateChildUnder({ condition, up: ctx.ancestors }, condition, ctx, i, node, candidate, path, check);
}

/** `evaluateChild` with the ancestry link given (shared by a composite's children). */
function evaluateChildUnder(
  here: Ancestry,
  condition: AutomationCondition,
  ctx: EvaluationContext,
  i: number,
  node: number,
  candidate: EntitySubset,
  path: string,
  check: number | undefined,
): ConditionResult {
  const child = condition.children[i] as AutomationCondition;
  // Only a node on the root asset itself can be outside every deps operator (see childPath).
  const childPathText = node === ctx.root ? childPath(path, i) : `${path}.${i}`;
  return evaluateCondition(child, { tick: ctx.tick, root: ctx.root, node, candidate, path: childPathText, rootCondition: ctx.rootCondition, check, ancestors: here });
}

/**
 * The distinct conditions of the asset's descendants, each evaluated on this asset, in the order of the sorted keys
 * of the assets that have it. A condition already being evaluated above this node (the root's own, or a downstream
 * condition that led here) is skipped, so that nesting ends; a composite holding any_downstream_conditions is
 * evaluated in place like any other. Each child's metadata names its assets (`downstreamKeys`); its state is kept
 * under the condition's id, so it survives graph changes.
 */
function evaluateDownstreamConditions(condition: AutomationCondition, ctx: EvaluationContext): ConditionResult {
  const { tick } = ctx;
  const ignored = new Set<string>([condition.uniqueId]);
  for (let a = ctx.ancestors; a; a = a.up) ignored.add(a.condition.uniqueId);
  ignored.add(ctx.rootCondition.uniqueId);
  const distinct = new Map<string, { condition: AutomationCondition; keys: string[] }>();
  const seen = new Set<number>([ctx.node]);
  const queue = [...(tick.graph.children[ctx.node] ?? [])];
  while (queue.length) {
    const n = queue.shift() as number;
    if (seen.has(n)) continue;
    seen.add(n);
    const c = tick.conditions[n];
    if (c) {
      const entry = distinct.get(c.uniqueId);
      if (entry) entry.keys.push(tick.graph.ids[n] as string);
      else distinct.set(c.uniqueId, { condition: c, keys: [tick.graph.ids[n] as string] });
    }
    queue.push(...(tick.graph.children[n] ?? []));
  }
  const groups = [...distinct].map(([id, g]) => ({ id, condition: g.condition, keys: g.keys.sort() }));
  groups.sort((x, y) => compareKeyLists(x.keys, y.keys));
  const children: ConditionResult[] = [];
  let trueSubset = emptyOf(ctx);
  const here = { condition, up: ctx.ancestors };
  for (const { id, condition: downstream, keys } of groups) {
    if (ignored.has(id)) continue;
    const r = evaluateCondition(downstream, { ...ctx, path: `${ctx.path}.${id}`, ancestors: here });
    children.push(conditionResult(r.condition, r.node, r.candidateSubset, r.trueSubset, r.children, { ...r.metadata, downstreamKeys: keys }, r.timeOf));
    trueSubset = trueSubset.union(r.trueSubset);
  }
  return resultOf(condition, ctx, trueSubset, children);
}

/** Lists of keys in the order Python sorts lists: element by element, a prefix first. */
function compareKeyLists(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** The operand on each of the asset's checks (blocking ones only, if asked): a check that matches counts for every partition. */
function evaluateChecks(condition: AutomationCondition, ctx: EvaluationContext): ConditionResult {
  const { tick, node } = ctx;
  const any = condition.kind === "any_checks_match";
  const allow = condition.params.allowSelection ? checkSelectionMask(tick.graph, condition.params.allowSelection) : undefined;
  const ignore = condition.params.ignoreSelection ? checkSelectionMask(tick.graph, condition.params.ignoreSelection) : undefined;
  const children: ConditionResult[] = [];
  let trueSubset = any ? tick.empty(node) : ctx.candidate;
  for (const index of tick.graph.checksOf(node)) {
    const check = tick.graph.checks[index];
    if (!check || (condition.params.blockingOnly && !check.spec.blocking)) continue;
    if ((allow && !allow.has(index)) || (ignore && ignore.has(index))) continue;
    const r = evaluateChild(condition, ctx, 0, node, EntitySubset.of(node, true), `${ctx.path}#${check.spec.name}`, index);
    children.push(r);
    const matched = r.trueSubset.isEmpty ? tick.empty(node) : ctx.candidate;
    trueSubset = any ? trueSubset.union(matched) : trueSubset.intersection(matched);
  }
  return resultOf(condition, ctx, trueSubset, children);
}

function evaluateDeps(condition: AutomationCondition, ctx: EvaluationContext): ConditionResult {
  const { tick, node } = ctx;
  const any = condition.kind === "any_deps_match";
  const allow = condition.params.allowSelection ? selectionMask(tick.graph, condition.params.allowSelection) : undefined;
  const ignore = condition.params.ignoreSelection ? selectionMask(tick.graph, condition.params.ignoreSelection) : undefined;
  const deps = depsOf(tick.graph, node);
  // Sized once when every dep is evaluated (no selection to filter by).
  const children: ConditionResult[] = allow || ignore ? [] : new Array<ConditionResult>(deps.length);
  let count = 0;
  let trueSubset = any ? tick.empty(node) : ctx.candidate;
  const here: Ancestry = { condition, up: ctx.ancestors };
  for (const dep of deps) {
    if ((allow && !allow[dep]) || (ignore && ignore[dep])) continue;
    const depCandidate = toParent(tick, node, dep, ctx.candidate);
    const r = evaluateChildUnder(here, condition, ctx, 0, dep, depCandidate, `${ctx.path}@${tick.graph.ids[dep]}`, undefined);
    children[count++] = r;
    const mapped = toChild(tick, dep, node, r.trueSubset).intersection(ctx.candidate);
    trueSubset = any ? trueSubset.union(mapped) : trueSubset.intersection(mapped);
  }
  const timed = trueSubset.isEmpty ? [] : children.slice(0, count).filter((c) => c.timeOf !== undefined && !c.trueSubset.isEmpty);
  return conditionResult(condition, node, ctx.candidate, trueSubset, children, undefined, timed.length === 0 ? undefined : (partition) => depsTime(tick, node, timed, partition));
}

/**
 * When the deps' operand became true for one of the asset's partitions: the latest time the matching dep
 * partitions tell (so since() weighs "a dep updated after the cron tick" by that update's time).
 */
function depsTime(tick: TickData, node: number, children: readonly ConditionResult[], partition: string | undefined): number | undefined {
  let latest: number | undefined;
  for (const c of children) {
    const timeOf = c.timeOf as NonNullable<ConditionResult["timeOf"]>;
    let keys: readonly (string | undefined)[];
    if (!c.trueSubset.isPartitioned) keys = [undefined];
    else if (partition === undefined || !tick.partitionsDef(node)) keys = c.trueSubset.partitionKeys();
    else {
      const own = tick.partitionsDef(node) as PartitionsDefinition;
      const up = toParent(tick, node, c.node, EntitySubset.of(node, own.subsetWithPartitionKeys([partition])));
      keys = up.intersection(c.trueSubset).partitionKeys();
    }
    for (const k of keys) {
      const t = timeOf(k);
      if (t !== undefined && (latest === undefined || t > latest)) latest = t;
    }
  }
  return latest;
}

// Keyed by the condition's own selection object, which lives as long as the condition.
const masks = new WeakMap<AssetGraph, WeakMap<SelectionExpression, Uint8Array>>();

function selectionMask(graph: AssetGraph, selection: SelectionExpression): Uint8Array {
  let byGraph = masks.get(graph);
  if (!byGraph) masks.set(graph, (byGraph = new WeakMap()));
  let mask = byGraph.get(selection);
  if (!mask) byGraph.set(selection, (mask = AssetSelection.from(selection).resolveMask(graph)));
  return mask;
}

const checkMasks = new WeakMap<AssetGraph, WeakMap<SelectionExpression, ReadonlySet<number>>>();

/** The checks a selection selects (the definitions' validation has refused a named check that does not exist). */
function checkSelectionMask(graph: AssetGraph, selection: SelectionExpression): ReadonlySet<number> {
  let byGraph = checkMasks.get(graph);
  if (!byGraph) checkMasks.set(graph, (byGraph = new WeakMap()));
  let mask = byGraph.get(selection);
  if (!mask) byGraph.set(selection, (mask = new Set(AssetSelection.from(selection).resolveCheckIndices(graph))));
  return mask;
}

/** The dep's partitions that the child's `subset` depends on. */
function toParent(tick: TickData, child: number, parent: number, subset: EntitySubset): EntitySubset {
  const parentDef = tick.partitionsDef(parent);
  const childDef = tick.partitionsDef(child);
  if (subset.isEmpty) return tick.empty(parent);
  if (!parentDef || !childDef) return tick.full(parent);
  const mapping = partitionMappingOf(tick.graph, child, parent);
  const up = mapping.getUpstreamMappedPartitionsResultForPartitions(subset.value as PartitionsSubset, childDef, parentDef, tick.options);
  return EntitySubset.of(parent, up.partitionsSubset);
}

/** The child's partitions that depend on the dep's `subset`. */
function toChild(tick: TickData, parent: number, child: number, subset: EntitySubset): EntitySubset {
  const parentDef = tick.partitionsDef(parent);
  const childDef: PartitionsDefinition | undefined = tick.partitionsDef(child);
  if (subset.isEmpty) return tick.empty(child);
  if (!parentDef || !childDef) return tick.full(child);
  const mapping = partitionMappingOf(tick.graph, child, parent);
  return EntitySubset.of(child, mapping.getDownstreamPartitionsForPartitions(subset.value as PartitionsSubset, parentDef, childDef, tick.options));
}

/**
 * The path of child `i` under `path`. The paths of a condition's own nodes (those outside any deps operator) are
 * the same for every asset that has the condition, so they are made once; a path through a dep is made each time
 * (there are as many of those as edges, and keeping them would hold memory in proportion to the graph).
 */
function childPath(path: string, i: number): string {
  const known = CHILD_PATHS.get(path);
  if (known !== undefined) return known[i] ?? `${path}.${i}`;
  const made = `${path}.${i}`;
  if (path.length <= MAX_SHARED_PATH && !path.includes("@")) {
    if (CHILD_PATHS.size >= MAX_SHARED_PATHS) CHILD_PATHS.clear();
    CHILD_PATHS.set(path, Array.from({ length: Math.max(i + 1, 8) }, (_, j) => `${path}.${j}`));
  }
  return made;
}

const CHILD_PATHS = new Map<string, string[]>([["0", Array.from({ length: 8 }, (_, j) => `0.${j}`)]]);
const MAX_SHARED_PATH = 40;
const MAX_SHARED_PATHS = 4096;
