// Operands on the tags of the runs that updated an asset: executed_with_tags (the latest run), and
// any_new_update_has_run_tags / all_new_updates_have_run_tags (the runs of the updates since the previous evaluation).
import type { EventRecord } from "../../core/index.js";
import type { AutomationCondition } from "../../definitions/index.js";
import type { RunRecord } from "../../storage/index.js";
import type { EvaluationContext } from "./context.js";
import { EntitySubset } from "./subset.js";

/** Whether a run carries every tag key asked for and every tag value asked for. */
export function runHasTags(run: RunRecord | undefined, condition: AutomationCondition): boolean {
  if (!run) return false;
  const { tagKeys, tagValues } = condition.params;
  if (tagKeys && !tagKeys.every((k) => k in run.tags)) return false;
  if (tagValues && !Object.entries(tagValues).every(([k, v]) => run.tags[k] === v)) return false;
  return true;
}

function subsetOfKeys(ctx: EvaluationContext, keys: Iterable<string>): EntitySubset {
  const def = ctx.tick.partitionsDef(ctx.node);
  if (!def) return ctx.tick.empty(ctx.node);
  const valid = [...keys].filter((k) => def.hasPartitionKey(k, ctx.tick.options));
  return EntitySubset.of(ctx.node, def.subsetWithPartitionKeys(valid));
}

/** True where the latest run that materialized the asset (partition) has the tags asked for. */
export function executedWithTags(ctx: EvaluationContext, condition: AutomationCondition): EntitySubset {
  const { tick, node, candidate } = ctx;
  if (!tick.partitionsDef(node)) {
    const m = tick.lastMaterialization(node);
    return EntitySubset.of(node, m !== undefined && runHasTags(tick.run(m.runId), condition));
  }
  // Only the candidate's partitions are looked up, as executed_with_root_target does.
  const keys = candidate.partitionKeys();
  if (keys.length === 0) return tick.empty(node);
  const latest = tick.latestMaterializationByPartition(node, keys);
  const matching: string[] = [];
  for (const [partition, r] of latest) if (runHasTags(tick.run(r.runId), condition)) matching.push(partition);
  return subsetOfKeys(ctx, matching);
}

/** The materializations of the asset since the previous evaluation, oldest first; undefined at the first evaluation. */
export function newMaterializationsOf(ctx: EvaluationContext): readonly EventRecord[] | undefined {
  const { tick, node } = ctx;
  const since = tick.previousMaxStorageId;
  if (since === undefined) return undefined;
  const last = tick.records[node]?.lastMaterialization;
  if (last === undefined || last.storageId <= since) return [];
  const batch = tick.newMaterializations();
  if (batch) return batch.get(node) ?? [];
  return tick.materializationsSince(node, since).filter((r) => r.storageId <= tick.maxStorageId);
}

/**
 * True where the asset (partition) was updated since the previous evaluation, and any (`every: false`) or every
 * (`every: true`) run of those updates has the tags asked for.
 */
function newUpdatesHaveRunTags(ctx: EvaluationContext, condition: AutomationCondition, every: boolean): EntitySubset {
  const { tick, node } = ctx;
  const records = newMaterializationsOf(ctx);
  if (!records || records.length === 0) return tick.empty(node);
  const runsByPartition = new Map<string | undefined, Set<string>>();
  for (const r of records) {
    const runs = runsByPartition.get(r.partition) ?? new Set<string>();
    runs.add(r.runId);
    runsByPartition.set(r.partition, runs);
  }
  const matching: (string | undefined)[] = [];
  for (const [partition, runs] of runsByPartition) {
    const ids = [...runs];
    const matches = (id: string) => runHasTags(tick.run(id), condition);
    if (every ? ids.every(matches) : ids.some(matches)) matching.push(partition);
  }
  if (!tick.partitionsDef(node)) return EntitySubset.of(node, matching.length > 0);
  return subsetOfKeys(ctx, matching.filter((p): p is string => p !== undefined));
}

export function anyNewUpdateHasRunTags(ctx: EvaluationContext, condition: AutomationCondition): EntitySubset {
  return newUpdatesHaveRunTags(ctx, condition, false);
}

export function allNewUpdatesHaveRunTags(ctx: EvaluationContext, condition: AutomationCondition): EntitySubset {
  return newUpdatesHaveRunTags(ctx, condition, true);
}
