// The partitions a run materializes: its partition key or range, checked against every partitioned asset
// it selects before the run is recorded.
import { InvalidExecutionOptionError } from "./errors.js";
import type { AssetGraph } from "../graph/index.js";
import type { Instance } from "../instance/index.js";
import { DynamicPartitionsSnapshot, PartitionKeyRange, type PartitionsDefinition } from "../partitions/index.js";
import type { ExecutionPlan } from "../plan/index.js";

/**
 * Validates the run's partition key (or range) against every partitioned asset it materializes, before
 * anything is recorded, and reads the dynamic partition keys those definitions need, once.
 */
export async function checkPartitions(
  graph: AssetGraph,
  plan: ExecutionPlan,
  instance: Instance,
  options: { partitionKey?: string; partitionKeyRange?: { readonly start: string; readonly end: string } },
  currentTime: number,
): Promise<{ partitionKeys: string[] | undefined; dynamicPartitions: DynamicPartitionsSnapshot }> {
  const defs = new Map<string, { def: PartitionsDefinition; assets: string[] }>();
  const involved: PartitionsDefinition[] = [];
  for (const node of new Set([...plan.nodes, ...plan.steps.flatMap((s) => s.inputs.map((i) => i.node))])) {
    const def = graph.specs[node]?.partitionsDef;
    if (!def) continue;
    involved.push(def);
    if (!plan.nodes.includes(node)) continue;
    const id = def.toString();
    const entry = defs.get(id) ?? { def, assets: [] };
    entry.assets.push(graph.ids[node] as string);
    defs.set(id, entry);
  }
  const dynamicPartitions = await DynamicPartitionsSnapshot.load(instance, involved);
  const { partitionKey, partitionKeyRange } = options;
  if (partitionKey !== undefined && partitionKeyRange !== undefined) {
    throw new InvalidExecutionOptionError("partitionKeyRange", "Give either partitionKey or partitionKeyRange, not both.");
  }
  if (defs.size === 0) {
    if (partitionKey !== undefined || partitionKeyRange !== undefined) {
      throw new InvalidExecutionOptionError(partitionKey !== undefined ? "partitionKey" : "partitionKeyRange", `A partition was given, but no asset in the run is partitioned; leave it out.`);
    }
    return { partitionKeys: undefined, dynamicPartitions };
  }
  const [first] = defs.values();
  if (partitionKey === undefined && partitionKeyRange === undefined) {
    throw new InvalidExecutionOptionError(
      "partitionKey",
      `Asset${(first?.assets.length ?? 0) > 1 ? "s" : ""} ${first?.assets.map((a) => `"${a}"`).join(", ")} ${(first?.assets.length ?? 0) > 1 ? "are" : "is"} partitioned (${first?.def.toString()}); ` +
        `pass the partition to materialize: materialize(..., { partitionKey }) or tessera materialize --partition <key>.`,
    );
  }
  const loading = { currentTime, dynamicPartitionsStore: dynamicPartitions };
  if (partitionKey !== undefined) {
    for (const { def } of defs.values()) def.validatePartitionKey(partitionKey, loading);
    return { partitionKeys: [partitionKey], dynamicPartitions };
  }
  if (defs.size > 1) {
    throw new InvalidExecutionOptionError(
      "partitionKeyRange",
      `A partition range runs assets of one partitioning, but this run has several: ${[...defs.values()].map((d) => `${d.assets.join(", ")} (${d.def.toString()})`).join("; ")}. Materialize them in separate runs.`,
    );
  }
  const keys = (first as { def: PartitionsDefinition }).def.getPartitionKeysInRange(new PartitionKeyRange((partitionKeyRange as { start: string }).start, (partitionKeyRange as { end: string }).end), loading);
  return { partitionKeys: keys, dynamicPartitions };
}
