// The data versions a run starts from: those of the upstream assets it reads but does not materialize itself.
import type { AssetKey } from "../core/index.js";
import type { AssetGraph } from "../graph/index.js";
import type { Instance } from "../instance/index.js";
import type { ExecutionPlan } from "../plan/index.js";
import { DEFAULT_DATA_VERSION, NULL_DATA_VERSION, dataVersionOf } from "../versioning/index.js";

/** The current data version of each upstream of the run that the run does not materialize, read in one query. */
export async function upstreamDataVersions(instance: Instance, graph: AssetGraph, plan: ExecutionPlan, within?: readonly number[]): Promise<Map<number, string>> {
  // Upstreams the run materializes itself report their versions as they go; `within` narrows to one step's nodes.
  const outside = new Set<number>();
  for (const node of within ?? plan.nodes) {
    for (const parent of graph.parents[node] as number[]) if (within !== undefined || (plan.stepOfNode[parent] as number) < 0) outside.add(parent);
  }
  const versions = new Map<number, string>();
  if (outside.size === 0) return versions;
  const records = await instance.getAssetRecords([...outside].map((n) => graph.keys[n] as AssetKey));
  const byId = new Map(records.map((r) => [r.assetKey.toString(), r]));
  for (const node of outside) {
    const record = byId.get(graph.ids[node] as string);
    const external = graph.isExternal(node);
    const event = external ? (record?.lastObservation ?? record?.lastMaterialization) : record?.lastMaterialization;
    versions.set(node, dataVersionOf(event) ?? (event || external ? DEFAULT_DATA_VERSION : NULL_DATA_VERSION));
  }
  return versions;
}
