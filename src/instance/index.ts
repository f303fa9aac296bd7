export { Instance, type FetchOptions, type FetchResult, type GetRunsOptions, type InstanceOptions } from "./instance.js";
export {
  DEFAULT_DB_FILE,
  SETTINGS_FILE,
  HOME_DIR,
  findProjectFile,
  findProjectRoot,
  projectFileIn,
  readSettings,
  readSettingsFile,
  resolveHome,
  resolvePostgresSettings,
  settingsSchemas,
  type ConcurrencySettings,
  type EnvReference,
  type RunQueueSettings,
  type TagConcurrencyLimit,
  type PostgresSettings,
  type Settings,
  type StorageConfig,
  type SqliteStorageConfig,
  type PostgresStorageConfig,
} from "./settings.js";
export type { PartitionStatus } from "./partition-status.js";
export type { MaterializationAttempt, MaterializationAttemptStatus } from "./latest-attempts.js";
export {
  COMPUTE_IO_TYPES,
  DEFAULT_MAX_BYTES_PER_STEP,
  InMemoryComputeLogManager,
  LocalComputeLogManager,
  NoOpComputeLogManager,
  computeLogFileKey,
  computeLogManagerFor,
  type ComputeIOType,
  type ComputeLogChunk,
  type ComputeLogManager,
  type ComputeLogSettings,
  type ComputeLogSink,
} from "./compute-log-manager.js";
