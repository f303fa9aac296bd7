export { AssetGraph } from "./asset-graph.js";
export { resolveKeyList } from "./key-selection.js";
