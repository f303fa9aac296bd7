// DuckDBResource: a DuckDB database (a file or ":memory:") for SQL in assets, opened once per process and path.
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from "@duckdb/node-api";
import { requireOptional } from "../../core/index.js";

type DuckDBModule = typeof import("@duckdb/node-api");

/** Loads `@duckdb/node-api` on first use, so importing `@tessera/core/duckdb` costs nothing until a database opens. */
export function loadDuckDB(feature: string): DuckDBModule {
  return requireOptional<DuckDBModule>("@duckdb/node-api", feature);
}

/** Options of `new DuckDBResource(...)`. */
export interface DuckDBResourceOptions {
  /** A database file (created when missing) or `":memory:"`. */
  database: string;
  /** DuckDB settings given when the database opens, e.g. `{ threads: "2" }`. */
  config?: Readonly<Record<string, string>>;
}

/**
 * A DuckDB database for SQL in assets. The database is opened once per process and path (DuckDB lets one process
 * hold a file; its connections share it), so assets and the DuckDB IO manager on the same file see each other's
 * writes. `":memory:"` is one private database per resource.
 *
 * @example
 * const defs = new Definitions({
 *   assets: [asset({ name: "top", resources: { duckdb: DuckDBResource } }, async (ctx) =>
 *     ctx.resources.duckdb.query("SELECT id FROM orders ORDER BY amount DESC LIMIT 10"))],
 *   resources: { duckdb: new DuckDBResource({ database: "warehouse.duckdb" }) },
 * });
 */
export class DuckDBResource {
  readonly database: string;
  readonly config: Readonly<Record<string, string>>;
  #instance: Promise<DuckDBInstance> | undefined;

  constructor(options: DuckDBResourceOptions) {
    this.database = options.database;
    this.config = Object.freeze({ ...(options.config ?? {}) });
  }

  /** The database's DuckDBInstance, opened on first use. */
  instance(): Promise<DuckDBInstance> {
    if (this.#instance === undefined) {
      const duckdb = loadDuckDB("DuckDBResource");
      // The cache gives every resource on one file the same instance: a second instance on the file would be refused.
      this.#instance = this.database === ":memory:" ? duckdb.DuckDBInstance.create(":memory:", { ...this.config }) : duckdb.DuckDBInstance.fromCache(this.database, { ...this.config });
      // A failed open is retried by the next caller rather than remembered.
      this.#instance.catch(() => (this.#instance = undefined));
    }
    return this.#instance;
  }

  /** A new connection; close it with `closeSync()`, or use `withConnection`. */
  async connect(): Promise<DuckDBConnection> {
    return (await this.instance()).connect();
  }

  /** Runs `use` with a connection closed after it, whatever happens. */
  async withConnection<T>(use: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await this.connect();
    try {
      return await use(connection);
    } finally {
      connection.closeSync();
    }
  }

  /** Runs `sql` (with `$1`… parameters) and returns its rows as objects of JavaScript values. */
  async query(sql: string, params: readonly DuckDBValue[] = []): Promise<Record<string, unknown>[]> {
    return this.withConnection(async (connection) => (await connection.runAndReadAll(sql, [...params])).getRowObjectsJS());
  }

  /** Runs statements (several may be separated by `;`) for their effect. */
  async execute(sql: string, params: readonly DuckDBValue[] = []): Promise<void> {
    await this.withConnection(async (connection) => {
      await connection.run(sql, params.length ? [...params] : undefined);
    });
  }
}
