// The deps a deps operator (any_deps_match, all_deps_match) walks: the asset's parents and, for a self-dependent
// asset, the asset itself through its self partition mapping (its earlier partitions), as the reference does.
import type { AssetGraph } from "../../graph/index.js";

const withSelf = new WeakMap<AssetGraph, Map<number, readonly number[]>>();

export function depsOf(graph: AssetGraph, node: number): readonly number[] {
  const parents = graph.parents[node] ?? [];
  if (!graph.selfDependent[node]) return parents;
  let byNode = withSelf.get(graph);
  if (!byNode) withSelf.set(graph, (byNode = new Map()));
  let deps = byNode.get(node);
  if (!deps) byNode.set(node, (deps = Object.freeze([...parents, node])));
  return deps;
}

/** Whether a node of the condition tree looks at the root asset as its own dep (a path through `@<root>`). */
export function onSelfEdge(graph: AssetGraph, root: number, node: number, path: string): boolean {
  return node === root && path.includes(`@${graph.ids[root]}.`);
}
