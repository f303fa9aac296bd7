// Schema migrations of the PostgreSQL storage: the same versions as SQLITE_MIGRATIONS. Append; never edit a released one.
import type { ClientBase } from "pg";

export interface PostgresMigration {
  readonly version: number;
  readonly description: string;
  /** Runs inside the migrating transaction, with `search_path` set to the instance's schema. */
  up(client: ClientBase): Promise<void>;
}

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    description: "runs, run tags, event log, asset index, dynamic partitions, key-value cursors",
    async up(client) {
      // The tables and indexes of SQLite's version 1, in PostgreSQL types: epoch milliseconds stay
      // double precision (SQLite REAL), JSON bodies stay text so they read back byte for byte, and
      // dynamic_partitions gets the explicit `id` that SQLite's rowid gives for insertion order.
      await client.query(`
        CREATE TABLE runs (
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
        );
        CREATE INDEX runs_by_status ON runs (status, id);
        CREATE INDEX runs_by_job ON runs (job_name, id);
        CREATE INDEX runs_by_backfill ON runs (backfill_id, id) WHERE backfill_id IS NOT NULL;

        CREATE TABLE run_tags (
          run_id TEXT NOT NULL,
          key TEXT NOT NULL,
          value TEXT NOT NULL,
          PRIMARY KEY (run_id, key)
        );
        CREATE INDEX run_tags_by_key_value ON run_tags (key, value);

        CREATE TABLE event_logs (
          id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          run_id TEXT NOT NULL,
          step_key TEXT,
          event_type TEXT NOT NULL,
          timestamp DOUBLE PRECISION NOT NULL,
          asset_key TEXT,
          partition TEXT,
          body TEXT NOT NULL
        );
        CREATE INDEX event_logs_by_run ON event_logs (run_id, id);
        CREATE INDEX event_logs_by_asset ON event_logs (asset_key, event_type, id) WHERE asset_key IS NOT NULL;
        CREATE INDEX event_logs_by_asset_partition ON event_logs (asset_key, event_type, partition, id) WHERE partition IS NOT NULL;

        CREATE TABLE asset_keys (
          asset_key TEXT PRIMARY KEY,
          last_materialization_id BIGINT,
          last_observation_id BIGINT,
          last_run_id TEXT,
          last_event_id BIGINT NOT NULL DEFAULT 0,
          wiped_below_id BIGINT NOT NULL DEFAULT 0,
          wipe_time DOUBLE PRECISION
        );

        CREATE TABLE dynamic_partitions (
          id BIGINT GENERATED ALWAYS AS IDENTITY,
          name TEXT NOT NULL,
          partition TEXT NOT NULL,
          create_time DOUBLE PRECISION NOT NULL,
          PRIMARY KEY (name, partition)
        );

        CREATE TABLE kvs (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 2,
    description: "backfills",
    async up(client) {
      await client.query(`
        CREATE TABLE backfills (
          backfill_id TEXT PRIMARY KEY,
          status TEXT NOT NULL,
          create_time DOUBLE PRECISION NOT NULL,
          update_time DOUBLE PRECISION NOT NULL,
          body TEXT NOT NULL
        );
        CREATE INDEX backfills_by_status ON backfills (status, create_time);
      `);
    },
  },
  {
    version: 3,
    description: "schedule and sensor state, ticks, automation evaluations, leases",
    async up(client) {
      await client.query(`
        CREATE TABLE instigators (
          name TEXT PRIMARY KEY,
          type TEXT NOT NULL,
          status TEXT NOT NULL,
          update_time DOUBLE PRECISION NOT NULL,
          body TEXT NOT NULL
        );

        CREATE TABLE ticks (
          id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          instigator_name TEXT NOT NULL,
          instigator_type TEXT NOT NULL,
          status TEXT NOT NULL,
          timestamp DOUBLE PRECISION NOT NULL,
          body TEXT NOT NULL
        );
        CREATE INDEX ticks_by_instigator ON ticks (instigator_name, timestamp, id);

        CREATE TABLE automation_evaluations (
          id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          asset_key TEXT NOT NULL,
          evaluation_id BIGINT NOT NULL,
          timestamp DOUBLE PRECISION NOT NULL,
          sensor_name TEXT NOT NULL,
          num_requested INTEGER NOT NULL,
          body TEXT NOT NULL
        );
        CREATE INDEX automation_evaluations_by_asset ON automation_evaluations (asset_key, id);

        CREATE TABLE leases (
          name TEXT PRIMARY KEY,
          holder TEXT NOT NULL,
          acquired_at DOUBLE PRECISION NOT NULL,
          expires_at DOUBLE PRECISION NOT NULL,
          info TEXT NOT NULL
        );
      `);
    },
  },
];
