// The PostgreSQL pool of one storage: connects lazily (waiting out a server restart), creates or checks
// the schema on first use, and runs the concerns' queries and transactions with connection loss reported
// as an unreachable server.
import type { Pool, PoolClient, PoolConfig, QueryResultRow } from "pg";
import { InstanceError, requireOptional } from "../../core/index.js";
import {
  APP_ID,
  ClosedGuard,
  assertTesseraTables,
  checkSchemaVersion,
  closedError,
  latestVersion,
  migrationsAfter,
  requireCurrentSchema,
  type InstanceWording,
} from "../bootstrap.js";
import type { SqlDialect } from "../sql-filters.js";
import { POSTGRES_MIGRATIONS, type PostgresMigration } from "./migrations.js";
import {
  locationOf,
  passwordOf,
  poolConfig,
  resolveTarget,
  scrub,
  scrubError,
  unreachableError,
  type PostgresConnectionOptions,
  type PostgresTarget,
} from "./postgres-connection.js";
import { POSTGRES_TABLES } from "./schema.js";

// Advisory lock keys (two int4 form): the first names the purpose, the second the schema.
const LOCK_BOOTSTRAP = 0x7e550001;
export const LOCK_EVENTS = 0x7e550002;

export const POSTGRES_DIALECT: SqlDialect = {
  param: (params, value) => `$${params.push(value)}`,
  // One array parameter, not one per value: the statement text, and so its plan, stays the same whatever the count.
  oneOf: (params, column, values) => `${column} = ANY($${params.push(values)}::text[])`,
  byteOrder: (column) => `${column} COLLATE "C"`,
};

export interface PostgresStorageOptions extends PostgresConnectionOptions {
  /** Open a storage whose schema is older than this code (only to migrate it). @default false */
  allowOldSchema?: boolean | undefined;
  /** Replaces the built-in migrations; for tests of the migration machinery. */
  migrations?: readonly PostgresMigration[] | undefined;
}

/** The pool and schema state shared by every concern of a PostgresStorage. */
export class PostgresDatabase {
  /** The server, database and schema, without any password. */
  readonly location: string;
  readonly schema: string;
  /** The schema's half of its advisory lock keys. */
  readonly schemaKey: number;
  readonly latest: number;
  readonly guard: ClosedGuard;
  readonly #pool: Pool;
  readonly #options: PostgresStorageOptions;
  readonly #target: PostgresTarget;
  readonly #password: string | undefined;
  readonly #migrations: readonly PostgresMigration[];
  #initialized: Promise<void> | undefined;
  #everConnected = false;
  #version = 0;

  constructor(options: PostgresStorageOptions = {}) {
    this.#options = options;
    this.#target = resolveTarget(options);
    this.schema = this.#target.schema;
    this.location = locationOf(this.#target);
    this.guard = new ClosedGuard(this.location);
    this.#password = passwordOf(options);
    this.#migrations = migrationsAfter(options.migrations ?? POSTGRES_MIGRATIONS, 0);
    this.latest = latestVersion(this.#migrations);
    this.schemaKey = fnv1a(this.schema);
    const { Pool } = requireOptional<typeof import("pg")>("pg", "PostgreSQL storage");
    this.#pool = new Pool(poolConfig(options, this.#target));
    // An idle connection the server dropped (restart, failover) is replaced on the next checkout;
    // without a listener its error would crash the process.
    this.#pool.on("error", () => {});
    // A connection checked out when the server ends it (a restart) reports the error to its query; the
    // client's own error event must not crash the process meanwhile.
    this.#pool.on("connect", (client) => client.on("error", () => {}));
  }

  /** The driver's settings for a connection of this storage's server and schema, with some options changed. */
  poolConfig(overrides: PostgresConnectionOptions = {}): PoolConfig {
    return poolConfig({ ...this.#options, ...overrides }, this.#target);
  }

  /** The server's failure as POSTGRES_UNREACHABLE, naming where and never the password. */
  unreachable(error: unknown, when: "connecting" | "querying" = "connecting"): InstanceError {
    return unreachableError(error, this.#target, this.location, this.#password, when);
  }

  async connect(): Promise<PoolClient> {
    this.guard.check();
    // Nothing has been sent on a connection being opened, so trying again is always safe: a server that
    // restarts is waited for, a server never reached is reported at once.
    const giveUpAt = this.#everConnected ? Date.now() + (this.#options.reconnectTimeoutMs ?? 30_000) : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        const client = await this.#pool.connect();
        this.#everConnected = true;
        return client;
      } catch (error) {
        if (this.guard.closed) throw closedError(this.location);
        if (!isServerGoingAway(error) || Date.now() >= giveUpAt) throw this.unreachable(error);
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
  }

  /** Connects and checks the schema once; a failure is reported to this call and retried by the next. */
  initialize(): Promise<void> {
    this.#initialized ??= this.#bootstrap().catch((error: unknown) => {
      this.#initialized = undefined;
      throw error;
    });
    return this.#initialized;
  }

  /** Waits for initialization and refuses data calls on an older schema (opened with allowOldSchema, to migrate). */
  async ready(): Promise<void> {
    await this.initialize();
    requireCurrentSchema(this.#version, this.latest, this.location);
  }

  async query<R extends QueryResultRow>(text: string, values?: unknown[], name?: string): Promise<R[]> {
    await this.ready();
    // A read that met a connection the server had just dropped (a restart) changed nothing, so it is sent again on
    // another connection, which waits for the server like any connect; a write is not (it may have committed)
    // unless the driver never sent it.
    const readOnly = isReadOnly(text);
    for (let attempt = 0; ; attempt++) {
      const client = await this.connect();
      let lost: Error | undefined;
      try {
        return (await client.query<R>(name === undefined ? { text, values: values ?? [] } : { name, text, values: values ?? [] })).rows;
      } catch (error) {
        if (!isConnectionLoss(error)) throw scrubError(error, this.#password);
        lost = error as Error;
        if (attempt >= RESENDS || !(readOnly || neverSent(error)) || this.guard.closed) throw this.unreachable(error, "querying");
      } finally {
        // A connection that broke mid-query is discarded, not handed to the next caller.
        client.release(lost);
      }
    }
  }

  /** Runs `fn` in one transaction; `begin` may take locks in the same round trip. */
  async transaction<T>(fn: (client: PoolClient) => Promise<T>, begin = "BEGIN"): Promise<T> {
    await this.ready();
    for (let attempt = 0; ; attempt++) {
      const client = await this.connect();
      let broken: Error | undefined;
      let begun = false;
      try {
        await client.query(begin);
        begun = true;
        const result = await fn(client);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        if (!begun && isConnectionLoss(error)) {
          // The server dropped the connection before the transaction began (a restart): nothing was done, so the
          // whole transaction is tried again on another connection, which waits for the server.
          broken = error as Error;
          if (attempt >= RESENDS || this.guard.closed) throw this.unreachable(error, "querying");
          continue;
        }
        await client.query("ROLLBACK").catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        if (isConnectionLoss(error)) throw this.unreachable(error, "querying");
        throw scrubError(error, this.#password);
      } finally {
        // A connection that could not even roll back is not given to the next caller.
        client.release(broken);
      }
    }
  }

  /** Runs `fn` on a connection of the pool, for the schema calls that work on any version. */
  async withClient<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    await this.initialize();
    const client = await this.connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  }

  async schemaVersion(client: PoolClient): Promise<number> {
    const row = (await client.query<{ value: string }>("SELECT value FROM tessera_meta WHERE key = 'schema_version'")).rows[0];
    return Number(row?.value ?? 0);
  }

  async migrate(): Promise<{ from: number; to: number }> {
    await this.initialize();
    const client = await this.connect();
    try {
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${LOCK_BOOTSTRAP}, ${this.schemaKey})`);
      const from = await this.schemaVersion(client);
      const to = await this.#applyMigrations(client, from);
      await client.query("COMMIT");
      this.#version = to;
      return { from, to };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** Ends the pool once a bootstrap under way has finished with its connection. */
  async end(): Promise<void> {
    await this.#initialized?.catch(() => {});
    await this.#pool.end();
  }

  async #bootstrap(): Promise<void> {
    const client = await this.connect();
    try {
      // Two processes opening an empty database at once: the second waits here, then finds the tables.
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${LOCK_BOOTSTRAP}, ${this.schemaKey})`);
      const schemaExists = (await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [this.schema])).rowCount === 1;
      if (!schemaExists) await client.query(`CREATE SCHEMA ${this.schema}`);
      const tables = (
        await client.query<{ relname: string }>(
          `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
          [this.schema],
        )
      ).rows.map((r) => r.relname);
      if (tables.length === 0) {
        await client.query(POSTGRES_TABLES.tessera_meta.create);
        await client.query("INSERT INTO tessera_meta (key, value) VALUES ('app', $1), ('schema_version', '0')", [APP_ID]);
        this.#version = await this.#applyMigrations(client, 0);
        await client.query("COMMIT");
        return;
      }
      await client.query("COMMIT");
      const wording = this.#wording();
      assertTesseraTables(tables, wording);
      const meta = new Map(
        (await client.query<{ key: string; value: string }>("SELECT key, value FROM tessera_meta")).rows.map((r) => [r.key, r.value]),
      );
      this.#version = checkSchemaVersion(meta, this.latest, this.#options.allowOldSchema ?? false, wording);
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      if (error instanceof InstanceError) throw error;
      throw new InstanceError(
        "INSTANCE_UNREADABLE",
        this.location,
        `Cannot prepare the Tessera tables in ${this.location}: ${scrub(String((error as Error).message ?? error), this.#password)}. ` +
          `Nothing was changed. Check that user "${this.#target.user}" may create tables in schema ${this.schema} (or set storage.postgres.schema to one it owns).`,
        { cause: error },
      );
    } finally {
      client.release();
    }
  }

  async #applyMigrations(client: PoolClient, from: number): Promise<number> {
    let version = from;
    for (const migration of migrationsAfter(this.#migrations, from)) {
      await migration.up(client);
      await client.query("UPDATE tessera_meta SET value = $1 WHERE key = 'schema_version'", [String(migration.version)]);
      version = migration.version;
    }
    return version;
  }

  #wording(): InstanceWording {
    const where = this.schema === "public" ? `The database ${this.#target.database}` : `The schema ${this.schema} of database ${this.#target.database}`;
    return {
      location: this.location,
      backup: "database",
      foreignTables: (tables) =>
        `${where} is not a Tessera instance (it has tables ${tables.slice(0, 5).join(", ")}). ` +
        `Nothing was changed. Set storage.postgres.schema in tessera.yaml to a schema of its own (it is created if missing), or use another database.`,
      foreignMeta: `${where} is not a Tessera instance. Nothing was changed; set storage.postgres.schema to another schema.`,
    };
  }
}

/**
 * A query that failed because the connection did (server stopped, restarted or unreachable), not
 * because of its SQL: errors without a SQLSTATE, or the server's own shutdown codes (class 57P, 08).
 */
function isConnectionLoss(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code.startsWith("57P") || code.startsWith("08");
  return error instanceof Error && (typeof code === "string" || /Connection terminated|not queryable|ECONNRESET|EPIPE/i.test(error.message));
}

/** A plain SELECT (no data-modifying CTE, no row lock): sending it twice is the same as sending it once. */
function isReadOnly(text: string): boolean {
  return /^\s*SELECT\b/i.test(text) && !/\b(INSERT|UPDATE|DELETE|FOR\s+UPDATE|FOR\s+SHARE|nextval|pg_advisory)/i.test(text);
}

/** A restart leaves every idle pooled connection dead, and each is found out only by using it: a few tries. */
const RESENDS = 5;

/** The driver refused to send on a connection it already knew was broken: the server never saw the statement. */
function neverSent(error: unknown): boolean {
  return error instanceof Error && /not queryable/i.test(error.message);
}

/** A server restarting or failing over: refused connections, "starting up", "shutting down", a reset handshake. */
function isServerGoingAway(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ECONNREFUSED" || code === "ECONNRESET" || code === "57P01" || code === "57P02" || code === "57P03") return true;
  if (error instanceof AggregateError) return error.errors.some(isServerGoingAway);
  return error instanceof Error && /Connection terminated|ECONNREFUSED|ECONNRESET/i.test(error.message);
}

/** A 32-bit FNV-1a hash as a signed int4: the schema's half of its advisory lock keys. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
