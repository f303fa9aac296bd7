export { Instance, type FetchOptions, type FetchResult, type GetRunsOptions, type InstanceOptions } from "./instance.js";
export {
  DEFAULT_DB_FILE,
  SETTINGS_FILE,
  HOME_DIR,
  findProjectFile,
  findProjectRoot,
  readSettings,
  readSettingsFile,
  resolveHome,
  resolvePostgresSettings,
  settingsSchema,
  runQueueSettingsSchema,
  concurrencySettingsSchema,
  type ConcurrencySettings,
  type EnvReference,
  type RunQueueSettings,
  type TagConcurrencyLimit,
  type PostgresSettings,
  type Settings,
  type StorageConfig,
} from "./settings.js";
export type { PartitionStatus } from "./partition-status.js";
