// Opening the SQLite file: refuse what is not a Tessera instance, tune the connection, create or check
// the schema; then hand the connection to each concern's storage only while the instance is usable.
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3, { type Database } from "better-sqlite3";
import { InstanceError } from "../../core/index.js";
import {
  APP_ID,
  ClosedGuard,
  assertTesseraTables,
  checkSchemaVersion,
  latestVersion,
  migrationsAfter,
  requireCurrentSchema,
  type InstanceWording,
} from "../bootstrap.js";
import type { SqlDialect } from "../sql-filters.js";
import { SQLITE_MIGRATIONS, type SqliteMigration } from "./migrations.js";
import { SQLITE_TABLES } from "./schema.js";
import { sqliteFileError } from "./sqlite-errors.js";

const SQLITE_HEADER = "SQLite format 3\0";

const ONE_OF_INLINE = 16;

export const SQLITE_DIALECT: SqlDialect = {
  param(params, value) {
    params.push(value);
    return "?";
  },
  // A long list is one JSON parameter: the statement's text (and so its prepared statement) does not depend on
  // the list's length, and no list runs into SQLite's limit on parameters.
  oneOf: (params, column, values) =>
    values.length > ONE_OF_INLINE
      ? `${column} IN (SELECT value FROM json_each(${SQLITE_DIALECT.param(params, JSON.stringify(values))}))`
      : `${column} IN (${values.map((v) => SQLITE_DIALECT.param(params, v)).join(",")})`,
  byteOrder: (column) => column,
};

export interface SqliteStorageOptions {
  /** Open a storage whose schema is older than this code (only to migrate it). @default false */
  allowOldSchema?: boolean;
  /** Replaces the built-in migrations; for tests of the migration machinery. */
  migrations?: readonly SqliteMigration[];
  /** How long a writer waits for another process's lock, in ms. @default 10000 */
  busyTimeoutMs?: number;
}

/** One open SQLite connection, shared by every concern of a SqliteStorage. */
export class SqliteDatabase {
  readonly location: string;
  /** The newest schema version the migrations know. */
  readonly latest: number;
  readonly #db: Database;
  readonly #migrations: readonly SqliteMigration[];
  readonly #guard: ClosedGuard;
  /** Set once the schema was found current, so that data calls read the version only until then. */
  #current = false;

  constructor(path: string, options: SqliteStorageOptions = {}) {
    this.location = path;
    this.#guard = new ClosedGuard(path);
    this.#migrations = options.migrations ?? SQLITE_MIGRATIONS;
    this.latest = latestVersion(this.#migrations);
    const inMemory = path === ":memory:";
    if (!inMemory) {
      checkFileIsSqlite(path);
      mkdirSync(dirname(path), { recursive: true });
    }
    try {
      this.#db = new BetterSqlite3(path);
    } catch (cause) {
      throw new InstanceError("INSTANCE_UNREADABLE", path, `Cannot open the instance database at ${path}: ${String(cause)}. Check the path and its permissions.`, { cause });
    }
    try {
      this.#db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
      if (!inMemory) this.#db.pragma("journal_mode = WAL");
      this.#db.pragma("synchronous = NORMAL");
      // Measured (bench/event-log.bench.ts): a larger page cache and fewer, larger checkpoints keep
      // small event batches from rewriting the same index pages over and over.
      this.#db.pragma("cache_size = -32768");
      if (!inMemory) this.#db.pragma("wal_autocheckpoint = 4000");
      this.#bootstrap(options.allowOldSchema ?? false);
    } catch (error) {
      this.#db.close();
      if (error instanceof InstanceError) throw error;
      // A read-only home or a full disk is not a corrupt file: say which it is.
      const typed = sqliteFileError(error, path);
      if (typed && typed.code !== "CORRUPT_INSTANCE") throw typed;
      throw new InstanceError(
        "CORRUPT_INSTANCE",
        path,
        `The instance database at ${path} is corrupt or unreadable (${String((error as Error).message ?? error)}). ` +
          `Nothing was changed. Move the file away (keep it for recovery) or point TESSERA_HOME at another folder.`,
        { cause: error },
      );
    }
  }

  /** The connection for data calls: refused once closed and, until migrated, on an older schema. */
  use(): Database {
    this.#guard.check();
    if (!this.#current) {
      requireCurrentSchema(this.schemaVersion(), this.latest, this.location);
      this.#current = true;
    }
    return this.#db;
  }

  /**
   * Statements prepared on first use, after the guards passed: an older schema (opened to migrate)
   * may lack their tables, and opening an instance should not pay for statements it never runs.
   */
  prepared<T>(prepare: (db: Database) => T): () => T {
    let statements: T | undefined;
    return () => {
      const db = this.use();
      return (statements ??= prepare(db));
    };
  }

  /**
   * The connection without the guards: for the schema and info calls, which work on any version, and for
   * a concern's transaction once its call has passed them.
   */
  get raw(): Database {
    return this.#db;
  }

  schemaVersion(): number {
    const row = this.#db.prepare("SELECT value FROM tessera_meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
    return Number(row?.value ?? 0);
  }

  migrate(): { from: number; to: number } {
    // The version is read under the write lock: two processes migrating at once apply each migration once.
    return this.#db
      .transaction(() => {
        const from = this.schemaVersion();
        this.#applyMigrations(from);
        return { from, to: this.schemaVersion() };
      })
      .immediate();
  }

  close(): void {
    if (this.#guard.close()) this.#db.close();
  }

  #bootstrap(allowOldSchema: boolean): void {
    const tableNames = (): string[] =>
      (this.#db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[])
        .map((r) => r.name)
        .filter((t) => !t.startsWith("sqlite_"));
    let tables = tableNames();
    if (tables.length === 0) {
      // Several processes may open a new instance at once: the write lock is taken first (IMMEDIATE) and the
      // emptiness checked again under it, so exactly one creates the schema and the others see it made.
      const created = this.#db
        .transaction(() => {
          if (tableNames().length > 0) return false;
          this.#db.exec(SQLITE_TABLES.tessera_meta.create);
          this.#db.prepare("INSERT INTO tessera_meta (key, value) VALUES ('app', ?), ('schema_version', '0')").run(APP_ID);
          this.#applyMigrations(0);
          return true;
        })
        .immediate();
      if (created) return;
      tables = tableNames();
    }
    const wording = this.#wording();
    assertTesseraTables(tables, wording);
    const meta = new Map((this.#db.prepare("SELECT key, value FROM tessera_meta").all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    checkSchemaVersion(meta, this.latest, allowOldSchema, wording);
  }

  #applyMigrations(from: number): void {
    for (const migration of migrationsAfter(this.#migrations, from)) {
      migration.up(this.#db);
      this.#db.prepare("UPDATE tessera_meta SET value = ? WHERE key = 'schema_version'").run(String(migration.version));
    }
  }

  #wording(): InstanceWording {
    const location = this.location;
    return {
      location,
      backup: "file",
      foreignTables: (tables) =>
        `${location} is an SQLite database but not a Tessera instance (it has tables ${tables.slice(0, 5).join(", ")}). ` +
        `Nothing was changed. Point TESSERA_HOME (or storage.sqlite.path in tessera.yaml) at another file.`,
      foreignMeta: `${location} is not a Tessera instance. Nothing was changed; point TESSERA_HOME elsewhere.`,
    };
  }
}

/** Refuses a directory or a file of another format before SQLite would overwrite or misread it. */
function checkFileIsSqlite(path: string): void {
  if (!existsSync(path)) return;
  const stat = statSync(path);
  if (stat.isDirectory()) {
    throw new InstanceError("CORRUPT_INSTANCE", path, `${path} is a directory, not an instance database. Point storage.sqlite.path at a file.`);
  }
  if (stat.size === 0) return;
  const fd = openSync(path, "r");
  try {
    const header = Buffer.alloc(16);
    readSync(fd, header, 0, 16, 0);
    if (header.toString("latin1") !== SQLITE_HEADER) {
      throw new InstanceError(
        "CORRUPT_INSTANCE",
        path,
        `${path} is not an SQLite database, so it cannot be a Tessera instance. Nothing was changed. ` +
          `Move the file away (keep it if it matters) or point TESSERA_HOME at another folder.`,
      );
    }
  } finally {
    closeSync(fd);
  }
}
