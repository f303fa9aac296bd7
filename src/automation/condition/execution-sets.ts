// The assets that must be requested together: those of a multi-asset that cannot be subset.
import type { AssetsDefinition } from "../../definitions/index.js";
import type { AssetGraph } from "../../graph/index.js";

/** For each node in a multi-asset that cannot be subset, the other nodes of that multi-asset; none otherwise. */
export function executionSiblings(graph: AssetGraph): ReadonlyMap<number, readonly number[]> {
  const byDefinition = new Map<AssetsDefinition, number[]>();
  graph.definitions.forEach((definition, node) => {
    if (!definition || definition.specs.length < 2 || definition.canSubset) return;
    const nodes = byDefinition.get(definition);
    if (nodes) nodes.push(node);
    else byDefinition.set(definition, [node]);
  });
  const siblings = new Map<number, number[]>();
  for (const nodes of byDefinition.values()) {
    if (nodes.length < 2) continue;
    for (const node of nodes) siblings.set(node, nodes.filter((n) => n !== node));
  }
  return siblings;
}
