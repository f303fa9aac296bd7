// Every table and index of the PostgreSQL storage at the newest schema version, in one place.
//
// The same tables as sqlite/schema.ts in PostgreSQL types: epoch milliseconds stay double precision
// (SQLite REAL), JSON bodies stay text so they read back byte for byte, and dynamic_partitions has the
// explicit `id` that SQLite's rowid gives for insertion order.
//
// The migrations create the tables from these statements. A later version that alters a table must
// freeze the old statement inside the migration that first created it (released migrations never
// change) and describe the new shape here.
import { META_TABLE_SQL } from "../bootstrap.js";
import type { TableSchema } from "../table-schema.js";

export const POSTGRES_TABLES = {
  /** `app` and `schema_version`: written before any migration (bootstrap.ts). */
  tessera_meta: { since: 0, create: META_TABLE_SQL, indexes: [] },

  runs: {
    since: 1,
    create: `CREATE TABLE runs (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      run_id TEXT NOT NULL UNIQUE,
      job_name TEXT NOT NULL,
      status TEXT NOT NULL,
      partition_key TEXT,
      backfill_id TEXT,
      parent_run_id TEXT,
      root_run_id TEXT,
      create_time DOUBLE PRECISION NOT NULL,
      update_time DOUBLE PRECISION NOT NULL,
      start_time DOUBLE PRECISION,
      end_time DOUBLE PRECISION,
      failure_reason TEXT,
      body TEXT NOT NULL
    )`,
    indexes: [
      "CREATE INDEX runs_by_status ON runs (status, id)",
      "CREATE INDEX runs_by_job ON runs (job_name, id)",
      "CREATE INDEX runs_by_backfill ON runs (backfill_id, id) WHERE backfill_id IS NOT NULL",
    ],
  },

  run_tags: {
    since: 1,
    create: `CREATE TABLE run_tags (
      run_id TEXT NOT NULL,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (run_id, key)
    )`,
    indexes: ["CREATE INDEX run_tags_by_key_value ON run_tags (key, value)"],
  },

  /** The event log; `id` is the storage id, drawn under the events lock so that ids follow commit order. */
  event_logs: {
    since: 1,
    create: `CREATE TABLE event_logs (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      run_id TEXT NOT NULL,
      step_key TEXT,
      event_type TEXT NOT NULL,
      timestamp DOUBLE PRECISION NOT NULL,
      asset_key TEXT,
      partition TEXT,
      body TEXT NOT NULL
    )`,
    indexes: [
      "CREATE INDEX event_logs_by_run ON event_logs (run_id, id)",
      "CREATE INDEX event_logs_by_asset ON event_logs (asset_key, event_type, id) WHERE asset_key IS NOT NULL",
      "CREATE INDEX event_logs_by_asset_partition ON event_logs (asset_key, event_type, partition, id) WHERE partition IS NOT NULL",
    ],
  },

  /** The asset index: each asset's latest events, and the storage id below which its history was wiped. */
  asset_keys: {
    since: 1,
    create: `CREATE TABLE asset_keys (
      asset_key TEXT PRIMARY KEY,
      last_materialization_id BIGINT,
      last_observation_id BIGINT,
      last_run_id TEXT,
      last_event_id BIGINT NOT NULL DEFAULT 0,
      wiped_below_id BIGINT NOT NULL DEFAULT 0,
      wipe_time DOUBLE PRECISION
    )`,
    indexes: [],
  },

  dynamic_partitions: {
    since: 1,
    create: `CREATE TABLE dynamic_partitions (
      id BIGINT GENERATED ALWAYS AS IDENTITY,
      name TEXT NOT NULL,
      partition TEXT NOT NULL,
      create_time DOUBLE PRECISION NOT NULL,
      PRIMARY KEY (name, partition)
    )`,
    indexes: [],
  },

  kvs: {
    since: 1,
    create: `CREATE TABLE kvs (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    )`,
    indexes: [],
  },

  backfills: {
    since: 2,
    create: `CREATE TABLE backfills (
      backfill_id TEXT PRIMARY KEY,
      status TEXT NOT NULL,
      create_time DOUBLE PRECISION NOT NULL,
      update_time DOUBLE PRECISION NOT NULL,
      body TEXT NOT NULL
    )`,
    indexes: ["CREATE INDEX backfills_by_status ON backfills (status, create_time)"],
  },

  /** Schedules' and sensors' state. */
  instigators: {
    since: 3,
    create: `CREATE TABLE instigators (
      name TEXT PRIMARY KEY,
      type TEXT NOT NULL,
      status TEXT NOT NULL,
      update_time DOUBLE PRECISION NOT NULL,
      body TEXT NOT NULL
    )`,
    indexes: [],
  },

  ticks: {
    since: 3,
    create: `CREATE TABLE ticks (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      instigator_name TEXT NOT NULL,
      instigator_type TEXT NOT NULL,
      status TEXT NOT NULL,
      timestamp DOUBLE PRECISION NOT NULL,
      body TEXT NOT NULL
    )`,
    indexes: ["CREATE INDEX ticks_by_instigator ON ticks (instigator_name, timestamp, id)"],
  },

  automation_evaluations: {
    since: 3,
    create: `CREATE TABLE automation_evaluations (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      asset_key TEXT NOT NULL,
      evaluation_id BIGINT NOT NULL,
      timestamp DOUBLE PRECISION NOT NULL,
      sensor_name TEXT NOT NULL,
      num_requested INTEGER NOT NULL,
      body TEXT NOT NULL
    )`,
    indexes: ["CREATE INDEX automation_evaluations_by_asset ON automation_evaluations (asset_key, id)"],
  },

  leases: {
    since: 3,
    create: `CREATE TABLE leases (
      name TEXT PRIMARY KEY,
      holder TEXT NOT NULL,
      acquired_at DOUBLE PRECISION NOT NULL,
      expires_at DOUBLE PRECISION NOT NULL,
      info TEXT NOT NULL
    )`,
    indexes: [],
  },
} as const satisfies Record<string, TableSchema>;
