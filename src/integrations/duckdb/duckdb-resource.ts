// DuckDBResource: a DuckDB database (a file or ":memory:") for SQL in assets. DuckDB lets one process write a file at a
// time: by default the file is opened once and held; with `lockTimeoutMs` it is held only while used, and opening waits
// for another process to let go of it.
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from "@duckdb/node-api";
import { TesseraError, requireOptional } from "../../core/index.js";

type DuckDBModule = typeof import("@duckdb/node-api");

/** Loads `@duckdb/node-api` on first use, so importing `@tessera/core/duckdb` costs nothing until a database opens. */
export function loadDuckDB(feature: string): DuckDBModule {
  return requireOptional<DuckDBModule>("@duckdb/node-api", feature);
}

/** Another process holds the DuckDB file (DuckDB lets one process write a file at a time). */
export class DuckDBFileLockedError extends TesseraError {
  readonly database: string;
  /** The holder as DuckDB names it: its program and PID, when DuckDB says. */
  readonly holder: string | undefined;
  readonly waitedMs: number;
  constructor(database: string, holder: string | undefined, waitedMs: number, cause: unknown) {
    super(
      "DUCKDB_FILE_LOCKED",
      `The DuckDB file "${database}" is locked by another process${holder ? ` (${holder})` : ""}${waitedMs > 0 ? `, still after waiting ${waitedMs} ms` : ""}: DuckDB lets one process write a file at a time. ` +
        (waitedMs > 0
          ? "Wait longer (a larger lockTimeoutMs), or find what holds the file so long."
          : "Stop the other process, or give new DuckDBResource({ database, lockTimeoutMs: 60_000 }) (or duckdbIOManager({ database, lockTimeoutMs })) in every process that writes the file: each then holds it only while it uses it, and waits for the others."),
      { cause },
    );
    this.database = database;
    this.holder = holder;
    this.waitedMs = waitedMs;
  }
}

const LOCKED = /Could not set lock on file/i;

/** The holder DuckDB names in a lock error: "Conflicting lock is held in /usr/bin/node (PID 123)". */
function holderOf(message: string): string | undefined {
  return /Conflicting lock is held in (.+?\(PID \d+\))/.exec(message)?.[1];
}

/** Options of `new DuckDBResource(...)`. */
export interface DuckDBResourceOptions {
  /** A database file (created when missing) or `":memory:"`. */
  database: string;
  /** DuckDB settings given when the database opens, e.g. `{ threads: "2" }`. */
  config?: Readonly<Record<string, string>>;
  /**
   * For a file several processes write (runs of different partitions at once): how long opening waits for another
   * process to release the file, in ms. With it the file is held only while it is used (closed when its last
   * connection closes), so that the processes take turns. Without it the file is opened once and held, and a file
   * another process holds fails at once with a DuckDBFileLockedError.
   *
   * The file is let go of only once nothing of the database is left natively: read results within the connection's
   * use. A streaming or pending result (`stream`, `start`) or a statement from `createPrepared` kept past the
   * connection's close keeps the database, and the file, open until the garbage collector frees it; meanwhile this
   * process's next open of the file waits inside DuckDB, beyond the reach of `lockTimeoutMs`.
   */
  lockTimeoutMs?: number;
}

/** How long to sleep between attempts to open a locked file: short at first, then up to a quarter second. */
const RETRY_MS = [5, 10, 20, 50, 100, 250];

/**
 * A DuckDB database for SQL in assets. The database is opened once per process and path (DuckDB lets one process
 * hold a file; its connections share it), so assets and the DuckDB IO manager on the same file see each other's
 * writes. `":memory:"` is one private database per resource. Give `lockTimeoutMs` when other processes write the
 * file too.
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
  readonly lockTimeoutMs: number | undefined;
  #instance: Promise<DuckDBInstance> | undefined;
  #leases = 0;
  /** Set once `instance()` handed the instance out: it then stays open, since its holder may use it any time. */
  #pinned = false;

  constructor(options: DuckDBResourceOptions) {
    this.database = options.database;
    this.config = Object.freeze({ ...(options.config ?? {}) });
    if (options.lockTimeoutMs !== undefined && !(Number.isFinite(options.lockTimeoutMs) && options.lockTimeoutMs >= 0)) {
      throw new TesseraError("INVALID_EXECUTION_OPTION", `DuckDBResource lockTimeoutMs is ${String(options.lockTimeoutMs)}; give a number of milliseconds (0 or more).`);
    }
    this.lockTimeoutMs = options.lockTimeoutMs;
  }

  /** Whether the file is released between uses: a file shared with other processes (`lockTimeoutMs`). */
  get #released(): boolean {
    return this.lockTimeoutMs !== undefined && this.database !== ":memory:" && !this.#pinned;
  }

  /** The database's DuckDBInstance, opened on first use and then kept open for the life of the process. */
  instance(): Promise<DuckDBInstance> {
    this.#pinned = true;
    return this.#open();
  }

  #open(): Promise<DuckDBInstance> {
    if (this.#instance === undefined) {
      const opening = this.#openWaiting();
      this.#instance = opening;
      // A failed open is retried by the next caller rather than remembered.
      opening.catch(() => {
        if (this.#instance === opening) this.#instance = undefined;
      });
    }
    return this.#instance;
  }

  async #openWaiting(): Promise<DuckDBInstance> {
    const duckdb = loadDuckDB("DuckDBResource");
    if (this.database === ":memory:") return duckdb.DuckDBInstance.create(":memory:", { ...this.config });
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        // The cache gives every resource on one file the same instance: a second instance on the file would be refused.
        return await duckdb.DuckDBInstance.fromCache(this.database, { ...this.config });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (!LOCKED.test(message)) throw error;
        const waited = Date.now() - started;
        if (this.lockTimeoutMs === undefined || waited >= this.lockTimeoutMs) throw new DuckDBFileLockedError(this.database, holderOf(message), this.lockTimeoutMs === undefined ? 0 : waited, error);
        const pause = Math.min(RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)] as number, this.lockTimeoutMs - waited);
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  /** A new connection; close it with `closeSync()` (with `lockTimeoutMs`, the file is released when the last one closes), or use `withConnection`. */
  async connect(): Promise<DuckDBConnection> {
    this.#leases++;
    let connection: DuckDBConnection;
    try {
      connection = await (await this.#open()).connect();
    } catch (error) {
      this.#release();
      throw error;
    }
    let open = true;
    // The prototype's disconnectSync, which frees the native connection: its closeSync only calls `this.disconnectSync`,
    // which below is closeOnce itself, so binding closeSync here would close nothing and leave the connection (and the
    // database it keeps alive) to the garbage collector.
    const disconnect = connection.disconnectSync.bind(connection);
    const closeOnce = (): void => {
      if (!open) return;
      open = false;
      disconnect();
      this.#release();
    };
    // Both names close the connection; the lease ends with the first.
    Object.defineProperties(connection, { closeSync: { value: closeOnce }, disconnectSync: { value: closeOnce } });
    return connection;
  }

  #release(): void {
    this.#leases--;
    if (this.#leases > 0 || !this.#released) return;
    const instance = this.#instance;
    this.#instance = undefined;
    // Closing the instance lets go of the file (and its lock) once no other resource of this process uses it.
    void instance?.then((i) => i.closeSync(), () => undefined);
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
