// Every table and index of the SQLite storage at the newest schema version, in one place.
//
// The migrations create the tables from these statements, so the description cannot drift from what
// an instance holds. A later version that alters a table must freeze the old statement inside the
// migration that first created it (released migrations never change) and describe the new shape here.
//
// Epoch milliseconds are REAL; record bodies are JSON text (storage-rows.ts); AUTOINCREMENT ids never
// reuse a deleted row's id, so storage ids only grow.
import { META_TABLE_SQL } from "../bootstrap.js";
import type { TableSchema } from "../table-schema.js";

export const SQLITE_TABLES = {
  /** `app` and `schema_version`: written before any migration (bootstrap.ts). */
  tessera_meta: { since: 0, create: META_TABLE_SQL, indexes: [] },

  runs: {
    since: 1,
    create: `CREATE TABLE runs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      run_id TEXT NOT NULL UNIQUE,
      job_name TEXT NOT NULL,
      status TEXT NOT NULL,
      partition_key TEXT,
      backfill_id TEXT,
      parent_run_id TEXT,
      root_run_id TEXT,
      create_time REAL NOT NULL,
      update_time REAL NOT NULL,
      start_time REAL,
      end_time REAL,
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

  /** The event log; `id` is the storage id. */
  event_logs: {
    since: 1,
    create: `CREATE TABLE event_logs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      run_id TEXT NOT NULL,
      step_key TEXT,
      event_type TEXT NOT NULL,
      timestamp REAL NOT NULL,
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
      last_materialization_id INTEGER,
      last_observation_id INTEGER,
      last_run_id TEXT,
      last_event_id INTEGER NOT NULL DEFAULT 0,
      wiped_below_id INTEGER NOT NULL DEFAULT 0,
      wipe_time REAL
    )`,
    indexes: [],
  },

  /** Insertion order is the rowid. */
  dynamic_partitions: {
    since: 1,
    create: `CREATE TABLE dynamic_partitions (
      name TEXT NOT NULL,
      partition TEXT NOT NULL,
      create_time REAL NOT NULL,
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
      create_time REAL NOT NULL,
      update_time REAL NOT NULL,
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
      update_time REAL NOT NULL,
      body TEXT NOT NULL
    )`,
    indexes: [],
  },

  ticks: {
    since: 3,
    create: `CREATE TABLE ticks (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      instigator_name TEXT NOT NULL,
      instigator_type TEXT NOT NULL,
      status TEXT NOT NULL,
      timestamp REAL NOT NULL,
      body TEXT NOT NULL
    )`,
    indexes: ["CREATE INDEX ticks_by_instigator ON ticks (instigator_name, timestamp, id)"],
  },

  automation_evaluations: {
    since: 3,
    create: `CREATE TABLE automation_evaluations (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      asset_key TEXT NOT NULL,
      evaluation_id INTEGER NOT NULL,
      timestamp REAL NOT NULL,
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
      acquired_at REAL NOT NULL,
      expires_at REAL NOT NULL,
      info TEXT NOT NULL
    )`,
    indexes: [],
  },
} as const satisfies Record<string, TableSchema>;
