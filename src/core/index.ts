export { AssetKey, validateName, type AssetKeyLike } from "./asset-key.js";
export * from "./errors.js";
export {
  MetadataValue,
  coerceMetadata,
  coerceMetadataValue,
  isMetadataValue,
  renderMetadataValue,
  type MetadataMap,
  type RawMetadata,
  type TableColumn,
  type TableSchema,
} from "./metadata.js";
export { ManualClock, systemClock, type Clock } from "./clock.js";
export { SystemTags, validateTags, type Tags } from "./tags.js";
export { closestMatches } from "./suggest.js";
export {
  EventType,
  RunStatus,
  RUN_STATUS_BY_EVENT,
  FINISHED_RUN_STATUSES,
  serializeError,
  type EventRecord,
  type LogLevel,
  type SerializedError,
  type TesseraEvent,
} from "./events.js";
export { importModule, isTypeScriptModule, loadTypeScript, ownModuleProcessArgs, tesseraFiles } from "./import-module.js";
export { MissingPackageError, OPTIONAL_PACKAGES, requireOptional, type OptionalPackage } from "./optional-packages.js";
