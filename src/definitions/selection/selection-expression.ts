// Selections as definitions hold them: a frozen tree, and the coercion of what users write for one (strings, keys,
// definitions). Resolving one against a graph is the graph layer's (AssetSelection).
import { AssetKey, InvalidDefinitionError, type AssetKeyLike } from "../../core/index.js";
import { AssetSpec } from "../asset-spec.js";
import { AssetsDefinition } from "../assets-definition.js";
import { parseSelection } from "./parse-selection.js";
import { freezeNode, orNode, type SelectionNode } from "./selection-node.js";
import { toSelectionString } from "./selection-string.js";

/** What may name an asset in a selection: a key (or its `a/b` string or segments), an asset definition (all its assets) or a spec. */
export type AssetSelectionTarget = AssetKeyLike | AssetsDefinition<unknown> | AssetSpec;

/** An asset check named by the key of its asset and its name. */
export interface AssetCheckKeyLike {
  readonly assetKey: AssetKeyLike;
  readonly name: string;
}

/** A selection as data: `AssetSelection` is one, and so is what definitions keep of a selection string. */
export interface SelectionExpression {
  readonly kind: "asset_selection";
  /** The selection's tree (plain frozen data). */
  readonly node: SelectionNode;
}

/** Anything `AssetSelection.from` turns into a selection. */
export type CoercibleToAssetSelection = SelectionExpression | string | readonly string[] | readonly AssetSelectionTarget[];

export function isSelectionExpression(value: unknown): value is SelectionExpression {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "asset_selection" && "node" in value;
}

/** The tree of a selection given as a selection, a string (parsed: a syntax error throws here), strings (united), keys, definitions or specs. */
export function selectionNodeOf(selection: CoercibleToAssetSelection): SelectionNode {
  if (isSelectionExpression(selection)) return selection.node;
  if (typeof selection === "string") return parseSelection(selection);
  if (Array.isArray(selection) && selection.length > 0 && selection.every((s) => typeof s === "string")) {
    return orNode((selection as readonly string[]).map((s) => parseSelection(s)));
  }
  if (Array.isArray(selection)) return freezeNode({ type: "keys", keys: selectionKeysOf(selection as AssetSelectionTarget[], "AssetSelection.assets") });
  throw new InvalidDefinitionError(
    `A selection must be an AssetSelection, a selection string, strings, or asset keys, definitions and specs; got ${describeSelectionValue(selection)}`,
  );
}

/** A selection kept as data (the given expression itself when it is one). */
export function selectionExpressionOf(selection: CoercibleToAssetSelection): SelectionExpression {
  if (isSelectionExpression(selection)) return selection;
  return Object.freeze({ kind: "asset_selection", node: selectionNodeOf(selection) });
}

/** Both selections united, as data. */
export function unionOfSelections(a: SelectionExpression, b: SelectionExpression): SelectionExpression {
  return Object.freeze({ kind: "asset_selection", node: orNode([a.node, b.node]) });
}

/** The selection string of a selection, or a short description when the grammar cannot write it (for messages). */
export function describeSelection(selection: SelectionExpression): string {
  try {
    return toSelectionString(selection.node);
  } catch {
    return `AssetSelection(${selection.node.type})`;
  }
}

/** The keys named by selection targets: a definition names all its assets. */
export function selectionKeysOf(targets: readonly AssetSelectionTarget[], where: string): AssetKey[] {
  return targets.flatMap((target) => {
    if (target instanceof AssetsDefinition) return [...target.keys];
    if (target instanceof AssetSpec) return [target.key];
    if (AssetKey.isAssetKeyLike(target)) return [AssetKey.from(target)];
    throw new InvalidDefinitionError(`${where} takes asset keys, definitions or specs; got ${describeSelectionValue(target)}`);
  });
}

export function describeSelectionValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value as { kind?: string }).kind ?? value.constructor?.name ?? "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}
