export { BackfillStatus, InstigatorStatus, TickStatus } from "./storage.js";
export type {
  AssetRecord,
  AutomationEvaluationRecord,
  BackfillAssetPartitions,
  BackfillRecord,
  InstigatorState,
  InstigatorType,
  LeaseRecord,
  NewTick,
  TickRecord,
  TicksFilter,
  EventRecordsFilter,
  EventLogChanges,
  EventLogHead,
  IdPrefixMatches,
  NewRun,
  RunLogsOptions,
  RunRecord,
  RunsFilter,
  SchemaInfo,
  Storage,
  StorageInfo,
  StoreEventsOptions,
  WriteFence,
} from "./storage.js";
export { EVENTS_ALLOWED_AFTER_END } from "./storage.js";
export { SqliteStorage, type SqliteStorageOptions } from "./sqlite/sqlite-storage.js";
export { SQLITE_MIGRATIONS, type SqliteMigration } from "./sqlite/migrations.js";
export { PostgresStorage, type PostgresStorageOptions, type StopWatching } from "./postgres/postgres-storage.js";
export { POSTGRES_MIGRATIONS, type PostgresMigration } from "./postgres/migrations.js";
export { POSTGRES_SCHEMA_NAME, type PostgresConnectionOptions } from "./postgres/postgres-connection.js";
