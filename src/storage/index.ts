export type {
  AssetRecord,
  EventRecordsFilter,
  NewRun,
  RunLogsOptions,
  RunRecord,
  RunsFilter,
  SchemaInfo,
  Storage,
  StorageInfo,
} from "./storage.js";
export { SqliteStorage, type SqliteStorageOptions } from "./sqlite/sqlite-storage.js";
export { SQLITE_MIGRATIONS, type SqliteMigration } from "./sqlite/migrations.js";
