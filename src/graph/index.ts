// The graph layer: definitions resolved into an integer-indexed asset graph, selections resolved against it, and
// the checks of a set of definitions that need the graph.
export { AssetGraph, SelfDependencyError, undefinedAssetError, type CheckNode } from "./asset-graph.js";
export {
  AssetSelection,
  SelectionNeedsInstanceError,
  UnknownAssetCheckError,
  UnsupportedSelectionError,
  type IncludeSourcesOptions,
  type ResolveOptions,
  type ResolveWithInstanceOptions,
  type AssetHealthInstance,
  type AssetHealthSource,
  instanceHealthSource,
  overallHealth,
  staticHealthSource,
  type SelectionScope,
} from "./selection/index.js";
export { jobNeedsInstance, resolveJobSelection } from "./job-selection.js";
export { partitionMappingOf, partitionsDefOf } from "./partition-validation.js";
export { AutomationConditionReferenceError, checkConditionReferences } from "./condition-references.js";
export { validateDefinitions } from "./validate-definitions.js";
