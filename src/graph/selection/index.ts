export {
  AssetSelection,
  type AssetCheckKeyLike,
  type AssetSelectionTarget,
  type CoercibleToAssetSelection,
  type IncludeSourcesOptions,
  type SelectionScope,
} from "./asset-selection.js";
export { SelectionNotExpressibleError, SelectionSyntaxError, UnknownAssetCheckError, UnsupportedSelectionError } from "./errors.js";
export type { FromStringOptions } from "./parse-selection.js";
export type { ResolveOptions } from "./resolve-selection.js";
export type { AssetCheckKeyRef, IsAttribute, SelectionNode, SelectionNodeType } from "./selection-node.js";
export type { ToSelectionStringOptions } from "./selection-string.js";
