// Which partitions a step works on, and which upstream partitions each of its inputs reads.
import { InvalidExecutionOptionError } from "./errors.js";
import { partitionMappingOf } from "../graph/index.js";
import { MultiPartitionsDefinition, TimeWindowPartitionsDefinition, type PartitionsDefinition, type TimeWindow } from "../partitions/index.js";
import { assetNodesOf, type PlanStep } from "../plan/index.js";
import type { RunState } from "./run-state.js";

/** The partitions definition of the step's asset(s), or of the asset its check checks. */
export function stepPartitionsDef(run: RunState, step: PlanStep): PartitionsDefinition | undefined {
  const node = assetNodesOf(step)[0];
  return node === undefined ? undefined : run.graph.specs[node]?.partitionsDef;
}

/** The partitions the step materializes: the run's, when the step's assets are partitioned. */
export function stepPartitionKeys(run: RunState, step: PlanStep): readonly string[] | undefined {
  return stepPartitionsDef(run, step) ? run.partitionKeys : undefined;
}

/** The one partition the step materializes, or undefined (unpartitioned, or a range). */
export function stepPartitionKey(run: RunState, step: PlanStep): string | undefined {
  const keys = stepPartitionKeys(run, step);
  return keys?.length === 1 ? keys[0] : undefined;
}

/** From the start of the first partition's window to the end of the last one's. */
export function stepTimeWindow(run: RunState, step: PlanStep): TimeWindow | undefined {
  return timeWindowOfKeys(stepPartitionsDef(run, step), stepPartitionKeys(run, step));
}

/**
 * The upstream partitions the step's input from `upstreamNode` reads, through the dependency's partition
 * mapping; undefined when the upstream is not partitioned. Partitions the mapping asks for that do not
 * exist fail the step, naming them.
 */
export function inputPartitionKeys(run: RunState, step: PlanStep, upstreamNode: number): string[] | undefined {
  const upstreamDef = run.graph.specs[upstreamNode]?.partitionsDef;
  if (!upstreamDef) return undefined;
  const downstreamNode = step.kind === "check" ? undefined : assetNodesOf(step)[0];
  const downstreamDef = stepPartitionsDef(run, step);
  const keys = stepPartitionKeys(run, step);
  const options = { currentTime: run.partitionTime, dynamicPartitionsStore: run.dynamicPartitions };
  if (step.kind === "check") return keys === undefined ? upstreamDef.getPartitionKeys(options) : [...keys];
  const mapping = partitionMappingOf(run.graph, downstreamNode as number, upstreamNode);
  const result = mapping.getUpstreamMappedPartitionsResultForPartitions(
    downstreamDef && keys !== undefined ? downstreamDef.subsetWithPartitionKeys(keys) : undefined,
    downstreamDef,
    upstreamDef,
    options,
  );
  const missing = result.requiredButNonexistentSubset.getPartitionKeys();
  if (missing.length > 0) {
    throw new InvalidExecutionOptionError(
      "partitionKey",
      `Step "${step.key}" needs partition${missing.length > 1 ? "s" : ""} ${missing.slice(0, 5).map((m) => `"${m}"`).join(", ")}${missing.length > 5 ? ` (+${missing.length - 5} more)` : ""} of "${run.graph.ids[upstreamNode]}", which do${missing.length > 1 ? "" : "es"} not exist yet. ` +
        `Materialize a later partition, or allow it with TimeWindowPartitionMapping({ allowNonexistentUpstreamPartitions: true }).`,
    );
  }
  const mapped = result.partitionsSubset.getPartitionKeys();
  // A self-dependent asset over a range reads its earlier partitions from storage; those the step writes in
  // this run do not exist before its compute, so they are not loaded (the compute has them in hand).
  if (step.nodes.includes(upstreamNode) && keys !== undefined && keys.length > 1) {
    const own = new Set(keys);
    return mapped.filter((k) => !own.has(k));
  }
  return mapped;
}

/** The time window spanning `keys` of a time-partitioned definition (first window's start to last one's end). */
export function timeWindowOfKeys(def: PartitionsDefinition | undefined, keys: readonly string[] | undefined): TimeWindow | undefined {
  if (!keys?.length) return undefined;
  if (def instanceof TimeWindowPartitionsDefinition) {
    return { start: def.timeWindowForPartitionKey(keys[0] as string).start, end: def.timeWindowForPartitionKey(keys[keys.length - 1] as string).end };
  }
  // As in the reference, multi partitions with one time dimension have the window of that dimension's keys.
  if (def instanceof MultiPartitionsDefinition) {
    const timeDimensions = def.partitionsDefs.filter((d) => d.partitionsDef instanceof TimeWindowPartitionsDefinition);
    if (timeDimensions.length !== 1) return undefined;
    const { name, partitionsDef } = timeDimensions[0] as { name: string; partitionsDef: TimeWindowPartitionsDefinition };
    let start = Infinity;
    let end = -Infinity;
    for (const key of keys) {
      const window = partitionsDef.timeWindowForPartitionKey(def.getPartitionKeyFromStr(key).keysByDimension[name] as string);
      start = Math.min(start, window.start.getTime());
      end = Math.max(end, window.end.getTime());
    }
    return { start: new Date(start), end: new Date(end) };
  }
  return undefined;
}
