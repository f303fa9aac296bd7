// Operands: the leaves of a condition, each one fact about an asset's partitions read from the instance or the cursor.
import { FINISHED_RUN_STATUSES, SystemTags, type EventRecord } from "../../core/index.js";
import { TimeWindowPartitionsDefinition } from "../../partitions/index.js";
import type { AutomationCondition, OperandKind } from "../../definitions/index.js";
import { previousState, storeState, type EvaluationContext } from "./context.js";
import { partitioningOf } from "./cursor.js";
import { InvalidAutomationConditionError } from "../../definitions/index.js";
import { EntitySubset } from "./subset.js";
import { checkOfRoot, runSelectsCheck } from "./check-entities.js";
import { onSelfEdge } from "./self-deps.js";
import { dataVersionChanged, previousEvent, versionOf } from "./data-version-changed.js";
import { codeVersionOutdated } from "./code-version-outdated.js";
import { allNewUpdatesHaveRunTags, anyNewUpdateHasRunTags, executedWithTags } from "./run-tag-operands.js";

type Operand = (ctx: EvaluationContext, condition: AutomationCondition) => EntitySubset;

const UNFINISHED_BACKFILL = new Set(["REQUESTED", "IN_PROGRESS", "CANCELING"]);

/** The subset of `ctx.candidate` an operand is true for. */
export function evaluateOperand(kind: OperandKind, ctx: EvaluationContext, condition: AutomationCondition): EntitySubset {
  if (ctx.check !== undefined) {
    const onCheck = CHECK_OPERANDS[kind];
    if (!onCheck) throw new InvalidAutomationConditionError(`${condition.describeNode()} cannot be evaluated on an asset check; on checks use ${Object.keys(CHECK_OPERANDS).join(", ")}`);
    return ctx.candidate.intersection(EntitySubset.of(ctx.node, onCheck(ctx, condition)));
  }
  if (kind === "check_result") throw new InvalidAutomationConditionError(`${condition.describeNode()} is evaluated on asset checks: wrap it in AutomationCondition.anyChecksMatch(...) or allChecksMatch(...)`);
  const subset = OPERANDS[kind as Exclude<OperandKind, "check_result">](ctx, condition);
  return ctx.candidate.intersection(subset);
}

/** A subset of the node's partitions, or the whole asset when unpartitioned and `keys` is non-empty or `whole`. */
function subsetOf(ctx: EvaluationContext, keys: Iterable<string>, whole: boolean): EntitySubset {
  const def = ctx.tick.partitionsDef(ctx.node);
  if (!def) return EntitySubset.of(ctx.node, whole);
  const valid = [...keys].filter((k) => def.hasPartitionKey(k, ctx.tick.options));
  return EntitySubset.of(ctx.node, def.subsetWithPartitionKeys(valid));
}

/** The latest evaluation of the context's check, if it came after the asset's latest materialization. */
function currentCheckEvaluation(ctx: EvaluationContext): EventRecord | undefined {
  const check = ctx.tick.graph.checks[ctx.check as number];
  if (!check) return undefined;
  const evaluation = ctx.tick.checkEvaluations(ctx.node).get(check.spec.name);
  if (!evaluation || evaluation.storageId > ctx.tick.maxStorageId) return undefined;
  const materialization = ctx.tick.lastMaterialization(ctx.node);
  return materialization === undefined || evaluation.storageId > materialization.storageId ? evaluation : undefined;
}

/** The operands that mean something on a check: yes or no for the check itself. */
const CHECK_OPERANDS: Partial<Record<OperandKind, (ctx: EvaluationContext, condition: AutomationCondition) => boolean>> = {
  check_result(ctx, condition) {
    const evaluation = currentCheckEvaluation(ctx);
    return evaluation !== undefined && evaluation.passed === condition.params.passed;
  },
  missing(ctx) {
    return currentCheckEvaluation(ctx) === undefined;
  },
  newly_updated(ctx) {
    const since = ctx.tick.previousMaxStorageId;
    const evaluation = currentCheckEvaluation(ctx);
    return since !== undefined && evaluation !== undefined && evaluation.storageId > since;
  },
  // A check runs in the run that materializes its asset.
  will_be_requested(ctx) {
    return !(ctx.tick.requested.get(ctx.node)?.isEmpty ?? true);
  },
  // What eager() and onCron() read, on a check (which has no partitions, and is run by runs that select it).
  in_latest_time_window: () => true,
  backfill_in_progress: () => false,
  run_in_progress(ctx) {
    const id = ctx.tick.graph.checks[ctx.check as number]?.id;
    return id !== undefined && ctx.tick.activeRuns.some((r) => runSelectsCheck(r, id));
  },
  newly_requested(ctx) {
    return ctx.tick.previous.get(ctx.root)?.requested !== undefined;
  },
  cron_tick_passed(ctx, condition) {
    return !(OPERANDS.cron_tick_passed({ ...ctx, check: undefined, candidate: ctx.tick.full(ctx.node) }, condition)).isEmpty;
  },
  initial_evaluation(ctx, condition) {
    return !(OPERANDS.initial_evaluation({ ...ctx, check: undefined, candidate: ctx.tick.full(ctx.node) }, condition)).isEmpty;
  },
};

const OPERANDS: Readonly<Record<Exclude<OperandKind, "check_result">, Operand>> = {
  data_version_changed: dataVersionChanged,
  code_version_outdated: codeVersionOutdated,
  executed_with_tags: executedWithTags,
  any_new_update_has_run_tags: anyNewUpdateHasRunTags,
  all_new_updates_have_run_tags: allNewUpdatesHaveRunTags,

  missing(ctx) {
    const { tick, node } = ctx;
    const def = tick.partitionsDef(node);
    if (!def) {
      const observed = tick.graph.isExternal(node) && tick.records[node]?.lastObservation !== undefined;
      return EntitySubset.of(node, tick.lastMaterialization(node) === undefined && !observed);
    }
    const status = tick.partitionStatus(node);
    const missing = tick.full(node).difference(EntitySubset.of(node, status.materialized));
    // A partition of an observable source is there once observed, as an unpartitioned source is.
    return tick.graph.isExternal(node) ? missing.difference(subsetOf(ctx, observedPartitions(ctx), false)) : missing;
  },

  run_in_progress(ctx) {
    const { tick, node } = ctx;
    const id = tick.graph.ids[node] as string;
    // A run that already materialized the asset (or partition) is no longer in progress for it, though it goes on.
    if (!tick.partitionsDef(node)) {
      // Only the latest run that planned the asset: a later run that planned it and ended supersedes one still going.
      const attempt = tick.latestAttempt(node);
      const run = attempt?.run;
      if (attempt === undefined || run === undefined || FINISHED_RUN_STATUSES.has(run.status)) return EntitySubset.of(node, false);
      const m = tick.lastMaterialization(node);
      return EntitySubset.of(node, m === undefined || m.storageId < attempt.planned.storageId);
    }
    const runs = tick.activeRuns.filter((r) => r.assetSelection.includes(id) && r.partitionKey !== undefined);
    const status = tick.partitionStatus(node);
    let keys = runs.map((r) => r.partitionKey as string);
    if (keys.length > 0) {
      const done = new Set<string>();
      for (const m of tick.latestMaterializationsOf(node, [...new Set(keys)])) {
        if (m.partition !== undefined && m.storageId <= tick.maxStorageId && runs.some((r) => r.runId === m.runId && r.partitionKey === m.partition)) done.add(`${m.runId}\u0000${m.partition}`);
      }
      keys = runs.filter((r) => !done.has(`${r.runId}\u0000${r.partitionKey}`)).map((r) => r.partitionKey as string);
    }
    return subsetOf(ctx, keys, false).union(EntitySubset.of(node, status.inProgress));
  },

  backfill_in_progress(ctx) {
    const { tick, node } = ctx;
    if (tick.activeBackfills.length === 0) return tick.empty(node);
    const id = tick.graph.ids[node] as string;
    const backfills = tick.activeBackfills.filter((b) => UNFINISHED_BACKFILL.has(b.status) && b.assetSelection.includes(id));
    const pending = backfills.flatMap((b) => {
      const done = new Set([...b.materializedPartitions, ...b.failedPartitions]);
      return b.partitionKeys.filter((k) => !done.has(k));
    });
    return subsetOf(ctx, pending, backfills.length > 0);
  },

  execution_failed(ctx) {
    const { tick, node } = ctx;
    if (tick.partitionsDef(node)) return EntitySubset.of(node, tick.partitionStatus(node).failed);
    // Unpartitioned assets get no failure event: the latest run that planned the asset failed, after its latest
    // materialization, and did not materialize it. An earlier failed run is superseded by any later plan.
    const id = tick.graph.ids[node] as string;
    const run = tick.latestAttempt(node)?.run;
    const success = tick.lastMaterialization(node);
    if (run?.status !== "FAILURE" || success?.runId === run.runId) return EntitySubset.of(node, false);
    const end = tick.runFailure(run.runId);
    if (end === undefined || end.storageId > tick.maxStorageId) return EntitySubset.of(node, false);
    // As the reference's last planned run: a materialization by a run that did not plan the asset (a reported one)
    // leaves the failure standing.
    if (success !== undefined && success.storageId > end.storageId && tick.run(success.runId)?.assetSelection.includes(id) === false) return EntitySubset.of(node, true);
    return EntitySubset.of(node, success === undefined || end.storageId > success.storageId);
  },

  newly_updated(ctx) {
    const { tick, node } = ctx;
    const since = tick.previousMaxStorageId;
    if (!tick.partitionsDef(node)) {
      const observed = tick.graph.isExternal(node) ? newObservationWithNewVersion(ctx, since) : false;
      if (since === undefined) return tick.empty(node);
      const m = tick.lastMaterialization(node);
      return EntitySubset.of(node, (m !== undefined && m.storageId > since) || observed);
    }
    if (since === undefined) return tick.empty(node);
    // An external asset is updated by its reported materializations and, when observable, its observations.
    const materialized = newlyMaterializedPartitions(ctx, since);
    return tick.graph.isExternal(node) ? materialized.union(newlyObservedPartitions(ctx, since)) : materialized;
  },

  newly_requested(ctx) {
    const { tick, node } = ctx;
    const stored = tick.previous.get(node)?.requested;
    return EntitySubset.deserialize(node, tick.partitionsDef(node), stored) ?? tick.empty(node);
  },

  will_be_requested(ctx) {
    const { tick, node, root } = ctx;
    const requested = tick.requested.get(node);
    if (!requested) return tick.empty(node);
    // An observation to come need not bring a new data version: only a dep that is materialized counts.
    if (node !== root && tick.graph.isExternal(node)) return tick.empty(node);
    // A dep's request only counts when it lands in the same run as the root's: requests are grouped by
    // partitions definition and key, so both must be unpartitioned or share the definition.
    const mine = tick.partitionsDef(node);
    const theirs = tick.partitionsDef(root);
    const together = node === root || (mine === undefined ? theirs === undefined : theirs !== undefined && mine.equals(theirs));
    return together ? requested : tick.empty(node);
  },

  initial_evaluation(ctx) {
    const { tick, root } = ctx;
    const previous = tick.previous.get(root);
    // Roots past the graph's nodes are checks, which are never partitioned.
    const same =
      previous !== undefined && previous.conditionId === ctx.rootCondition.uniqueId && (root >= tick.graph.size || previous.partitioning === partitioningOf(tick.partitionsDef(root)));
    return same ? tick.empty(ctx.node) : tick.full(ctx.node);
  },

  code_version_changed(ctx) {
    const { tick, node } = ctx;
    const current = tick.graph.specs[node]?.codeVersion ?? null;
    const before = previousState(ctx);
    storeState(ctx, { value: current });
    return before === undefined || before.value === current ? tick.empty(node) : tick.full(node);
  },

  cron_tick_passed(ctx, condition) {
    const { tick, node } = ctx;
    const after = tick.previousEvaluationTime;
    if (after === undefined) return tick.empty(node);
    const { cronSchedule, cronTimezone } = condition.params;
    // A tick passed when one fell at or after the previous evaluation and not later than now.
    return tick.previousCronTick(cronSchedule as string, cronTimezone as string) >= after ? tick.full(node) : tick.empty(node);
  },

  in_latest_time_window(ctx, condition) {
    const { tick, node } = ctx;
    const def = tick.partitionsDef(node);
    if (!(def instanceof TimeWindowPartitionsDefinition)) return tick.full(node);
    const count = def.getNumPartitions(tick.options);
    if (count === 0) return tick.empty(node);
    const latestEnd = def.getTimeWindowAtIndex(count - 1).end.getTime();
    const lookback = condition.params.lookbackMs ?? 0;
    const keys: string[] = [];
    for (let i = count - 1; i >= 0; i--) {
      const window = def.getTimeWindowAtIndex(i);
      if (i < count - 1 && window.end.getTime() <= latestEnd - lookback) break;
      keys.push(def.getPartitionKeyAtIndex(i));
      if (lookback === 0) break;
    }
    return EntitySubset.of(node, def.subsetWithPartitionKeys(keys));
  },

  executed_with_root_target(ctx) {
    const { tick, node, candidate } = ctx;
    // The root's own earlier partitions, as its dep: the run that made them did not run the partitions evaluated.
    if (onSelfEdge(tick.graph, ctx.root, node, ctx.path)) return tick.empty(node);
    const rootId = tick.graph.ids[ctx.root] as string;
    // A check's own condition: the run evaluated the check.
    const rootCheck = checkOfRoot(tick, ctx.root);
    const rootCheckId = rootCheck === undefined ? undefined : tick.graph.checks[rootCheck]?.id;
    if (!tick.partitionsDef(node)) {
      const m = tick.lastMaterialization(node);
      return EntitySubset.of(node, m !== undefined && ranWith(tick, m.runId, rootId, rootCheckId));
    }
    const ranWithRoot = (runId: string): boolean => ranWith(tick, runId, rootId, rootCheckId);
    // Only the candidate's partitions are looked up: under an AND this is what newly updated, a handful per tick.
    const keys = candidate.partitionKeys();
    if (keys.length === 0) return tick.empty(node);
    // The tick's new materializations hold the latest run of the partitions that changed since the previous evaluation.
    const latest = new Map<string, string>();
    const batch = tick.newMaterializations();
    if (batch) {
      const wanted = new Set(keys);
      for (const r of batch.get(node) ?? []) if (r.partition !== undefined && wanted.has(r.partition)) latest.set(r.partition, r.runId);
    }
    const remaining = keys.filter((k) => !latest.has(k));
    if (remaining.length > 0) {
      for (const r of tick.latestMaterializationsOf(node, remaining)) if (r.partition !== undefined && r.storageId <= tick.maxStorageId && !latest.has(r.partition)) latest.set(r.partition, r.runId);
    }
    const matching: string[] = [];
    for (const [partition, runId] of latest) if (ranWithRoot(runId)) matching.push(partition);
    return subsetOf(ctx, matching, false);
  },
};

/** Whether the run selected the root asset (or, for a check's own condition, the check). */
function ranWith(tick: EvaluationContext["tick"], runId: string, rootId: string, rootCheckId: string | undefined): boolean {
  const run = tick.run(runId);
  if (!run) return false;
  return rootCheckId === undefined ? run.assetSelection.includes(rootId) : runSelectsCheck(run, rootCheckId);
}

/**
 * Whether the latest observation of an observable source, newer than the previous evaluation, brought a data
 * version other than the one seen before: an observation that finds the same version is not an update. The
 * version seen is kept in the node's state; an observation without a data version always counts.
 */
function newObservationWithNewVersion(ctx: EvaluationContext, since: number | undefined): boolean {
  const { tick, node } = ctx;
  const o = tick.records[node]?.lastObservation;
  if (o === undefined || o.storageId > tick.maxStorageId) {
    const kept = previousState(ctx);
    if (kept !== undefined) storeState(ctx, kept);
    return false;
  }
  const version = o.tags?.[SystemTags.DATA_VERSION] ?? null;
  const before = previousState(ctx);
  storeState(ctx, { value: version });
  if (since === undefined || o.storageId <= since) return false;
  return version === null || before === undefined || before.value !== version;
}

/** The partitions materialized since the previous evaluation (up to this one's last storage id). */
function newlyMaterializedPartitions(ctx: EvaluationContext, since: number): EntitySubset {
  const { tick, node } = ctx;
  const last = tick.records[node]?.lastMaterialization;
  if (last === undefined || last.storageId <= since) return tick.empty(node);
  const batch = tick.newMaterializations();
  if (batch) return subsetOf(ctx, (batch.get(node) ?? []).flatMap((r) => (r.partition === undefined ? [] : [r.partition])), false);
  const records = tick.materializationsSince(node, since);
  const keys = records.filter((r) => r.storageId <= tick.maxStorageId && r.partition !== undefined).map((r) => r.partition as string);
  return subsetOf(ctx, keys, false);
}

/**
 * The partitions of an external asset observed by this evaluation's last storage id. What an earlier tick of the
 * history read is extended with the observations stored since, unless the asset was wiped since (its wipe line
 * moved, or a partition wipe was stored): then every observation is read again.
 */
function observedPartitions(ctx: EvaluationContext): readonly string[] {
  const { tick, node } = ctx;
  const key = tick.graph.keys[node];
  const record = tick.records[node];
  if (key === undefined || record?.lastObservation === undefined) return [];
  const max = tick.maxStorageId;
  const known = tick.observed.get(node);
  const wipedBelow = record.wipedBelowStorageId;
  if (known !== undefined && known.upTo === max && known.wipedBelow === wipedBelow) return known.partitions;
  const extend = known !== undefined && known.upTo < max && known.wipedBelow === wipedBelow ? known : undefined;
  return tick.fact(
    `observed:${node}:${max}`,
    async () => {
      const storage = tick.instance.storage;
      let partitions: readonly string[] | undefined;
      if (extend !== undefined) {
        const range = { assetKey: key, afterStorageId: extend.upTo, beforeStorageId: max + 1 };
        const [added, wipes] = await Promise.all([storage.getEventRecords({ eventType: "ASSET_OBSERVATION", ...range }), storage.getEventRecords({ eventType: "ASSET_WIPED", ...range, limit: 1 })]);
        // Newest first, as a full read lists them: the new observations' partitions, then the earlier ones.
        if (wipes.length === 0) partitions = [...new Set([...partitionsOf(added), ...extend.partitions])];
      }
      if (partitions === undefined) partitions = [...new Set(partitionsOf(await storage.getEventRecords({ eventType: "ASSET_OBSERVATION", assetKey: key, beforeStorageId: max + 1 })))];
      tick.observed.set(node, { upTo: max, wipedBelow, partitions });
      return partitions;
    },
    () => [] as readonly string[],
  );
}

function partitionsOf(records: readonly EventRecord[]): string[] {
  return records.flatMap((r) => (r.partition === undefined ? [] : [r.partition]));
}

/**
 * The partitions of an observable source observed since the previous evaluation with a data version other than
 * the one they had then (an observation without a data version counts), as for an unpartitioned source.
 */
function newlyObservedPartitions(ctx: EvaluationContext, since: number): EntitySubset {
  const { tick, node } = ctx;
  const last = tick.records[node]?.lastObservation;
  if (last === undefined || last.storageId <= since) return tick.empty(node);
  const key = tick.graph.keys[node];
  const records = tick.fact(`observed-since:${node}:${since}`, async () => (key ? (await tick.instance.fetchObservations(key, { cursor: String(since), ascending: true })).records : []), () => [] as readonly EventRecord[]);
  const latest = new Map<string, EventRecord>();
  for (const r of records) if (r.partition !== undefined && r.storageId <= tick.maxStorageId) latest.set(r.partition, r);
  const changed: string[] = [];
  for (const [partition, r] of latest) {
    const version = versionOf(r);
    if (version === undefined || version !== versionOf(previousEvent(ctx, "ASSET_OBSERVATION", partition, since))) changed.push(partition);
  }
  return subsetOf(ctx, changed, false);
}

/**
 * When an operand became true, by partition (`undefined` for an unpartitioned asset): the latest update's time
 * for newly_updated, the tick's instant for cron_tick_passed. Since weighs a trigger and a reset true at the same
 * evaluation by it; other operands carry no time.
 */
export function operandTimes(kind: OperandKind, ctx: EvaluationContext, condition: AutomationCondition): ((partition: string | undefined) => number | undefined) | undefined {
  const { tick, node } = ctx;
  if (ctx.check !== undefined) return undefined;
  if (kind === "cron_tick_passed") {
    const { cronSchedule, cronTimezone } = condition.params;
    const instant = tick.previousCronTick(cronSchedule as string, cronTimezone as string);
    return () => instant;
  }
  if (kind !== "newly_updated") return undefined;
  const since = tick.previousMaxStorageId ?? 0;
  if (!tick.partitionsDef(node)) {
    const m = tick.lastMaterialization(node);
    const o = tick.graph.isExternal(node) ? tick.records[node]?.lastObservation : undefined;
    const times = [m, o].filter((e): e is EventRecord => e !== undefined && e.storageId > since && e.storageId <= tick.maxStorageId).map((e) => e.timestamp);
    return times.length === 0 ? undefined : () => Math.max(...times);
  }
  const batch = tick.newMaterializations();
  const records = batch ? (batch.get(node) ?? []) : tick.materializationsSince(node, since);
  const byPartition = new Map<string, number>();
  for (const r of records) if (r.partition !== undefined && r.storageId <= tick.maxStorageId) byPartition.set(r.partition, Math.max(byPartition.get(r.partition) ?? -Infinity, r.timestamp));
  return (partition) => (partition === undefined ? undefined : byPartition.get(partition));
}
