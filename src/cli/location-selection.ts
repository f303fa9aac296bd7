// One selection given to several code locations at once (`tessera materialize -m a.ts -m b.ts --select ...`): each
// location runs what the selection names among its own assets. An asset key named explicitly but defined in another
// of the locations selects nothing here; a key that no location defines is still an error, with near matches.
import type { AssetKey } from "../core/index.js";
import type { SelectionNode } from "../definitions/index.js";
import { AssetSelection, undefinedAssetError, type AssetGraph } from "../graph/index.js";

/**
 * `selection` as `graph`'s location should resolve it, given the graphs of every location: explicit keys (and checks of
 * assets) defined only in other locations are left out; everything else is kept as written.
 */
export function selectionForLocation(selection: AssetSelection, graph: AssetGraph, allGraphs: readonly AssetGraph[]): AssetSelection {
  const definedElsewhere = (key: AssetKey): boolean => !graph.has(key) && allGraphs.some((g) => g !== graph && g.has(key));
  const keep = <T>(items: readonly T[], keyOf: (item: T) => AssetKey): T[] => items.filter((item) => !definedElsewhere(keyOf(item)));
  const rewrite = (node: SelectionNode): SelectionNode => {
    switch (node.type) {
      case "keys":
        return { ...node, keys: keep(node.keys, (k) => k) };
      case "checksForAssets":
        return { ...node, keys: keep(node.keys, (k) => k) };
      case "checkKeys":
        return { ...node, checks: keep(node.checks, (c) => c.assetKey) };
      case "or":
      case "and":
        return { ...node, operands: node.operands.map(rewrite) };
      case "minus":
        return { ...node, left: rewrite(node.left), right: rewrite(node.right) };
      case "upstream":
      case "downstream":
      case "roots":
      case "sinks":
      case "materializable":
      case "requiredNeighbors":
      case "upstreamSources":
        return { ...node, child: rewrite(node.child) };
      default:
        return node;
    }
  };
  return new AssetSelection(rewrite(selection.node));
}

/** An explicit key of `selection` that no location defines: an UnknownAssetError with near matches from every location. */
export function requireKeysSomewhere(selection: AssetSelection, graphs: readonly AssetGraph[]): void {
  const named: AssetKey[] = [];
  const collect = (n: SelectionNode): void => {
    if (n.type === "keys" || n.type === "checksForAssets") named.push(...n.keys);
    else if (n.type === "checkKeys") named.push(...n.checks.map((c) => c.assetKey));
    else if (n.type === "or" || n.type === "and") n.operands.forEach(collect);
    else if (n.type === "minus") [n.left, n.right].forEach(collect);
    else if ("child" in n) collect(n.child);
  };
  collect(selection.node);
  for (const key of named) {
    if (graphs.some((g) => g.has(key))) continue;
    throw undefinedAssetError(key.toString(), graphs.flatMap((g) => [...g.ids]), "in the selection is not defined in any of the code locations");
  }
}
