export {
  AssetSelection,
  type AssetCheckKeyLike,
  type AssetSelectionTarget,
  type CoercibleToAssetSelection,
  type IncludeSourcesOptions,
  type ResolveWithInstanceOptions,
  type SelectionScope,
} from "./asset-selection.js";
export { instanceHealthSource, overallHealth, staticHealthSource, type AssetHealthInstance, type AssetHealthSource } from "./asset-health.js";
export { SelectionNeedsInstanceError, SelectionNotExpressibleError, SelectionSyntaxError, UnknownAssetCheckError, UnsupportedSelectionError } from "./errors.js";
export type { FromStringOptions } from "./parse-selection.js";
export type { ResolveOptions } from "./resolve-selection.js";
export { AssetHealthStatus } from "./selection-node.js";
export type { AssetCheckKeyRef, IsAttribute, SelectionNode, SelectionNodeType } from "./selection-node.js";
export type { ToSelectionStringOptions } from "./selection-string.js";
