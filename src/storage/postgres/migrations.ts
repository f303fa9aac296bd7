// Schema migrations of the PostgreSQL storage: which tables (schema.ts) each version adds, the same versions as
// SQLITE_MIGRATIONS. Append; never edit a released one.
import type { ClientBase } from "pg";
import { createTablesSql } from "../table-schema.js";
import { POSTGRES_TABLES } from "./schema.js";

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
      const t = POSTGRES_TABLES;
      await client.query(createTablesSql(t.runs, t.run_tags, t.event_logs, t.asset_keys, t.dynamic_partitions, t.kvs));
    },
  },
  {
    version: 2,
    description: "backfills",
    async up(client) {
      await client.query(createTablesSql(POSTGRES_TABLES.backfills));
    },
  },
  {
    version: 3,
    description: "schedule and sensor state, ticks, automation evaluations, leases",
    async up(client) {
      const t = POSTGRES_TABLES;
      await client.query(createTablesSql(t.instigators, t.ticks, t.automation_evaluations, t.leases));
    },
  },
];
