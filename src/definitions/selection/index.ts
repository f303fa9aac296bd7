export { SelectionNotExpressibleError, SelectionSyntaxError } from "./errors.js";
export { parseSelection, type FromStringOptions } from "./parse-selection.js";
export {
  describeSelection,
  describeSelectionValue,
  isSelectionExpression,
  selectionExpressionOf,
  selectionKeysOf,
  selectionNodeOf,
  unionOfSelections,
  type AssetCheckKeyLike,
  type AssetSelectionTarget,
  type CoercibleToAssetSelection,
  type SelectionExpression,
} from "./selection-expression.js";
export {
  AssetHealthStatus,
  MAX_DEPTH,
  PARTITIONS_KINDS,
  andNode,
  freezeNode,
  isValidDepth,
  normalizeDepth,
  orNode,
  type AssetCheckKeyRef,
  type IsAttribute,
  type PartitionsKind,
  type SelectionNode,
  type SelectionNodeType,
} from "./selection-node.js";
export { materializableOnly, toSelectionString, type ToSelectionStringOptions } from "./selection-string.js";
export { wildcardMatcher, wildcardToRegExp } from "./wildcard.js";
