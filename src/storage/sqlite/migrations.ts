// Schema migrations of the SQLite storage: which tables (schema.ts) each version adds. Append new versions; never edit a released one.
import type { Database } from "better-sqlite3";
import { createTablesSql } from "../table-schema.js";
import { SQLITE_TABLES } from "./schema.js";

export interface SqliteMigration {
  readonly version: number;
  readonly description: string;
  up(db: Database): void;
}

export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    description: "runs, run tags, event log, asset index, dynamic partitions, key-value cursors",
    up(db) {
      const t = SQLITE_TABLES;
      db.exec(createTablesSql(t.runs, t.run_tags, t.event_logs, t.asset_keys, t.dynamic_partitions, t.kvs));
    },
  },
  {
    version: 2,
    description: "backfills",
    up(db) {
      db.exec(createTablesSql(SQLITE_TABLES.backfills));
    },
  },
  {
    version: 3,
    description: "schedule and sensor state, ticks, automation evaluations, leases",
    up(db) {
      const t = SQLITE_TABLES;
      db.exec(createTablesSql(t.instigators, t.ticks, t.automation_evaluations, t.leases));
    },
  },
];
