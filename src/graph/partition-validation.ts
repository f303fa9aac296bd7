// Checks every partition mapping between two assets when Definitions is built, naming both assets.
import { InvalidDefinitionError } from "../core/index.js";
import type { AssetDep, DefinitionsData } from "../definitions/index.js";
import { inferPartitionMapping, validatePartitionMapping, type PartitionMapping, type PartitionsDefinition } from "../partitions/index.js";
import { AssetGraph } from "./asset-graph.js";

function isPartitionMapping(value: unknown): value is PartitionMapping {
  return typeof value === "object" && value !== null && typeof (value as PartitionMapping).getUpstreamMappedPartitionsResultForPartitions === "function";
}

/** The mapping from `upstream`'s partitions to `downstream`'s: the one given on the dependency, or the reference's default. */
export function partitionMappingOf(graph: AssetGraph, downstream: number, upstream: number): PartitionMapping {
  const dep = graph.specs[downstream]?.deps.find((d) => d.key.equals(graph.keys[upstream]));
  const given = dep?.partitionMapping;
  return inferPartitionMapping(isPartitionMapping(given) ? given : undefined, graph.specs[downstream]?.partitionsDef, graph.specs[upstream]?.partitionsDef);
}

export function partitionsDefOf(graph: AssetGraph, node: number): PartitionsDefinition | undefined {
  return graph.specs[node]?.partitionsDef;
}

/** Every partition mapping between two assets, naming both assets. */
export function validatePartitionMappings(defs: DefinitionsData): void {
  const graph = AssetGraph.of(defs);
  const specs = graph.specs;
  for (const node of graph.nodesWithPartitionMappings()) {
    const spec = specs[node];
    if (!spec) continue;
    const deps = spec.deps;
    for (let d = 0; d < deps.length; d++) {
      const dep = deps[d] as AssetDep;
      if (dep.partitionMapping === undefined) continue;
      if (!isPartitionMapping(dep.partitionMapping)) {
        throw new InvalidDefinitionError(
          `The partitionMapping of asset "${spec.key.toString()}" for upstream "${dep.key.toString()}" is not a partition mapping; use e.g. new TimeWindowPartitionMapping({ startOffset: -1 })`,
        );
      }
      const upstream = graph.indexOf(dep.key) as number;
      validatePartitionMapping(
        dep.partitionMapping,
        { assetKey: dep.key.toString(), partitionsDef: graph.specs[upstream]?.partitionsDef },
        { assetKey: spec.key.toString(), partitionsDef: spec.partitionsDef },
      );
    }
  }
}
