// Resolves a list of asset keys (the comma form of `--select`) to graph nodes.
import { AssetKey, type AssetKeyLike } from "../core/index.js";
import type { AssetGraph } from "./asset-graph.js";

/** Node indices for `keys`; a `"a, b/c"` string is split on commas. Unknown keys throw with near matches. */
export function resolveKeyList(graph: AssetGraph, keys: string | readonly AssetKeyLike[], context = "the selection"): number[] {
  const list = typeof keys === "string" ? keys.split(",").map((k) => k.trim()).filter(Boolean) : keys;
  const out = new Set<number>();
  for (const key of list) out.add(graph.require(AssetKey.from(key), context));
  return [...out];
}
