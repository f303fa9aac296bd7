// PostgresResource: a pool of connections to one PostgreSQL database, for SQL in assets and for postgresIOManager.
import type { Pool, PoolClient, PoolConfig, QueryResultRow } from "pg";
import { requireOptional } from "../../core/index.js";

type PgModule = typeof import("pg");

/** Options of `new PostgresResource(...)`: a connection URL, or the `pg` pool settings. */
export type PostgresResourceOptions = { url: string; connection?: never } | { connection: PoolConfig; url?: never };

/**
 * A PostgreSQL database for SQL in assets, on the `pg` driver (an optional peer dependency, loaded when the pool
 * first opens). Idle connections do not keep the process alive; `close()` ends the pool.
 *
 * @example
 * const pg = new PostgresResource({ url: "postgres://localhost/shop" });
 * const top = asset({ name: "top", resources: { pg: PostgresResource } }, (ctx) =>
 *   ctx.resources.pg.query("SELECT id FROM orders ORDER BY amount DESC LIMIT 10"));
 */
export class PostgresResource {
  readonly #config: PoolConfig;
  #pool: Pool | undefined;

  constructor(options: PostgresResourceOptions) {
    this.#config = options.url !== undefined ? { connectionString: options.url } : { ...options.connection };
  }

  /** Where it connects, without the password: for messages. */
  get displayName(): string {
    const c = this.#config;
    if (c.connectionString) return c.connectionString.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
    return `postgres://${c.user ?? ""}@${c.host ?? "localhost"}:${c.port ?? 5432}/${c.database ?? ""}`;
  }

  /** The pool, created on first use. */
  pool(): Pool {
    if (this.#pool === undefined) {
      const pg = requireOptional<PgModule>("pg", "PostgresResource");
      this.#pool = new pg.Pool({ allowExitOnIdle: true, ...this.#config });
      // A connection lost while idle is replaced on the next query; without a listener it would crash the process.
      this.#pool.on("error", () => undefined);
    }
    return this.#pool;
  }

  /** Runs `use` with a client returned to the pool after it. */
  async withClient<T>(use: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool().connect();
    try {
      return await use(client);
    } finally {
      client.release();
    }
  }

  /** Runs `sql` (with `$1`… parameters) and returns its rows. */
  async query<R extends QueryResultRow = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.pool().query<R>(sql, [...params])).rows;
  }

  /** Ends the pool; the resource opens a new one if used again. */
  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.end();
  }
}
