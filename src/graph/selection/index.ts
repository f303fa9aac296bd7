export {
  AssetSelection,
  type IncludeSourcesOptions,
  type ResolveWithInstanceOptions,
  type SelectionScope,
} from "./asset-selection.js";
export { instanceHealthSource, overallHealth, staticHealthSource, type AssetHealthInstance, type AssetHealthSource } from "./asset-health.js";
export { SelectionNeedsInstanceError, UnknownAssetCheckError, UnsupportedSelectionError } from "./errors.js";
export type { ResolveOptions } from "./resolve-selection.js";
