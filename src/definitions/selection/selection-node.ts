// The data of an asset selection: a small tree of frozen nodes that the resolver, the printer and the parser share.
import type { AssetKey } from "../../core/index.js";

/** An asset check named by its asset and its name (the reference's AssetCheckKey). */
export interface AssetCheckKeyRef {
  readonly assetKey: AssetKey;
  readonly name: string;
}

/** `is:` values of the attribute grammar. */
export type IsAttribute = "external" | "materializable";

/** `partitions:` values of the attribute grammar: the kind of an asset's partitions definition (`time` takes in daily, hourly, ...). */
export const PARTITIONS_KINDS = Object.freeze(["none", "static", "dynamic", "time", "multipartitions"] as const);
export type PartitionsKind = (typeof PARTITIONS_KINDS)[number];

/**
 * The overall health of an asset, the values `status:` takes (the reference's AssetHealthStatus):
 * the worst of its materialization and check health; UNKNOWN while it has never materialized.
 */
export const AssetHealthStatus = Object.freeze({
  HEALTHY: "HEALTHY",
  WARNING: "WARNING",
  DEGRADED: "DEGRADED",
  UNKNOWN: "UNKNOWN",
});
export type AssetHealthStatus = (typeof AssetHealthStatus)[keyof typeof AssetHealthStatus];

/**
 * One node of a selection. Leaves pick assets by attribute; the rest combine or traverse.
 * `includeSources: false` leaves only ever hold materializable assets, as in the reference.
 */
export type SelectionNode =
  | { readonly type: "all"; readonly includeSources: boolean }
  | { readonly type: "keys"; readonly keys: readonly AssetKey[] }
  | { readonly type: "keyWildcard"; readonly pattern: string }
  | { readonly type: "keyPrefixes"; readonly prefixes: readonly (readonly string[])[]; readonly includeSources: boolean }
  | { readonly type: "groups"; readonly groups: readonly string[]; readonly includeSources: boolean }
  | { readonly type: "groupWildcard"; readonly pattern: string; readonly includeSources: boolean }
  | { readonly type: "tag"; readonly key: string | null; readonly value: string; readonly includeSources: boolean }
  | { readonly type: "kind"; readonly kind: string | null; readonly includeSources: boolean }
  | { readonly type: "owner"; readonly owner: string | null }
  | { readonly type: "is"; readonly attribute: IsAttribute }
  | { readonly type: "codeLocation"; readonly location: string | null }
  /** `partitions:` — assets by the kind of their partitions definition; `null` (`<null>`) selects none. */
  | { readonly type: "partitions"; readonly partitions: PartitionsKind | null }
  /** `status:` — assets whose health in an instance is `status`; resolving it needs the instance's answer. */
  | { readonly type: "status"; readonly status: AssetHealthStatus; readonly includeSources: boolean }
  /** An attribute of the grammar that needs state this process does not have (`job:`, `column:`, ...); `text` is its canonical form. */
  | { readonly type: "unresolvable"; readonly attribute: string; readonly text: string }
  | { readonly type: "or"; readonly operands: readonly SelectionNode[] }
  | { readonly type: "and"; readonly operands: readonly SelectionNode[] }
  | { readonly type: "minus"; readonly left: SelectionNode; readonly right: SelectionNode }
  /** `depth: null` is unlimited. */
  | { readonly type: "upstream"; readonly child: SelectionNode; readonly depth: number | null; readonly includeSelf: boolean }
  | { readonly type: "downstream"; readonly child: SelectionNode; readonly depth: number | null; readonly includeSelf: boolean }
  | { readonly type: "roots"; readonly child: SelectionNode }
  | { readonly type: "sinks"; readonly child: SelectionNode }
  | { readonly type: "materializable"; readonly child: SelectionNode }
  | { readonly type: "requiredNeighbors"; readonly child: SelectionNode }
  | { readonly type: "upstreamSources"; readonly child: SelectionNode }
  | { readonly type: "allChecks" }
  | { readonly type: "checksForAssets"; readonly keys: readonly AssetKey[] }
  | { readonly type: "checkKeys"; readonly checks: readonly AssetCheckKeyRef[] };

export type SelectionNodeType = SelectionNode["type"];

/** Freezes a node (its arrays too); nodes are shared between selections, so none may change. */
export function freezeNode<N extends SelectionNode>(node: N): N {
  for (const value of Object.values(node)) if (Array.isArray(value)) Object.freeze(value);
  return Object.freeze(node);
}

/** `a or b`, flattening nested unions as the reference does. */
export function orNode(operands: readonly SelectionNode[]): SelectionNode {
  return freezeNode({ type: "or", operands: operands.flatMap((o) => (o.type === "or" ? o.operands : [o])) });
}

/** `a and b`, flattening nested intersections. */
export function andNode(operands: readonly SelectionNode[]): SelectionNode {
  return freezeNode({ type: "and", operands: operands.flatMap((o) => (o.type === "and" ? o.operands : [o])) });
}

/** True for a depth the algebra takes: a non-negative integer, Infinity, null or undefined. */
export function isValidDepth(depth: unknown): depth is number | null | undefined {
  return depth === null || depth === undefined || depth === Infinity || (Number.isInteger(depth) && (depth as number) >= 0);
}

/** A valid depth as stored: a non-negative integer, or null for unlimited (also for depths no graph can reach). */
export function normalizeDepth(depth: number | null | undefined): number | null {
  if (depth === null || depth === undefined || depth > MAX_DEPTH) return null;
  return depth;
}

/** Depths past this are unlimited: no graph holds that many levels. */
export const MAX_DEPTH = 0x3fffffff;
