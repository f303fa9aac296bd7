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
export { currentDataVersion, latestDataVersionEvent } from "./current-data-version.js";
export { StaleCauseCategory, StaleStatus, type StaleCause } from "./stale-status.js";
export { StaleStatusResolver, type StaleStatusResolverOptions } from "./stale-status-resolver.js";
