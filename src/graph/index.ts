export { AssetGraph, SelfDependencyError, type CheckNode } from "./asset-graph.js";
export {
  AssetHealthStatus,
  AssetSelection,
  SelectionNeedsInstanceError,
  SelectionNotExpressibleError,
  SelectionSyntaxError,
  UnknownAssetCheckError,
  UnsupportedSelectionError,
  type AssetCheckKeyLike,
  type AssetSelectionTarget,
  type CoercibleToAssetSelection,
  type FromStringOptions,
  type IncludeSourcesOptions,
  type ResolveOptions,
  type ResolveWithInstanceOptions,
  type AssetHealthInstance,
  type AssetHealthSource,
  instanceHealthSource,
  staticHealthSource,
  type SelectionNode,
  type SelectionScope,
  type ToSelectionStringOptions,
} from "./selection/index.js";
export { jobNeedsInstance, resolveJobSelection } from "./job-selection.js";
export { partitionMappingOf, partitionsDefOf } from "./partition-validation.js";
