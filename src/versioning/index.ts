export {
  DEFAULT_DATA_VERSION,
  DataVersion,
  NULL_DATA_VERSION,
  UNKNOWN_DATA_VERSION,
  computeLogicalDataVersion,
  dataVersionOf,
  provenanceOf,
  provenanceTags,
  type DataProvenance,
} from "./data-version.js";
