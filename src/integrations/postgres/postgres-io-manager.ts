// postgresIOManager: each asset's rows as a PostgreSQL table, each partition as the rows its partition column selects.
import type { PoolClient } from "pg";
import { requireOptional, type TableColumn } from "../../core/index.js";
import type { ColumnKind, Row, RowColumn } from "../tables/row-columns.js";
import { naiveDateText, naiveTimestampText, type TimeColumnKind } from "../tables/table-times.js";
import { TableIOManager, quoteIdent, type TableDatabase, type TableLoadFormat, type TableName, type TableSession } from "../tables/table-io-manager.js";
import { PostgresResource } from "./postgres-resource.js";

/** Options of `postgresIOManager(...)`. */
export interface PostgresIOManagerOptions {
  /** A connection URL, or a PostgresResource to share with assets. */
  url: string | PostgresResource;
  /** The schema tables are created in. @default "public" */
  schema?: string;
  /**
   * How downstream assets receive tables: arrays of row objects, or Arrow tables (needs `apache-arrow`). One input
   * may ask for the other with the metadata `{ load_as: "arrow" }` on its AssetIn. @default "rows"
   */
  loadAs?: TableLoadFormat;
}

const SQL_TYPES: Record<ColumnKind, string> = {
  boolean: "BOOLEAN",
  integer: "BIGINT",
  double: "DOUBLE PRECISION",
  bigint: "NUMERIC",
  text: "TEXT",
  timestamp: "TIMESTAMPTZ",
  naive_timestamp: "TIMESTAMP",
  date: "DATE",
  bytes: "BYTEA",
  unknown: "TEXT",
};

/** PostgreSQL's limit on parameters of one statement. */
const MAX_PARAMS = 65_535;

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;

function parseInt8(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

/**
 * Values as the DuckDB IO manager gives them: BIGINT as numbers (bigints past 2^53), whole NUMERICs as bigints (how
 * bigints are stored), DATE as a Date at UTC midnight rather than pg's local midnight, TIMESTAMP as its wall-clock time
 * counted as UTC rather than in the process's zone (the table IO manager then places both in the partitions' zone).
 */
const TYPES = {
  getTypeParser(oid: number, format?: string): (text: string) => unknown {
    if (oid === INT8) return parseInt8;
    if (oid === NUMERIC) return (text) => (/^-?\d+$/.test(text) ? BigInt(text) : Number(text));
    if (oid === DATE) return (text) => new Date(`${text}T00:00:00Z`);
    if (oid === TIMESTAMP) return (text) => new Date(`${text.replace(" ", "T")}Z`);
    return (PG_TYPES as { getTypeParser(oid: number, format?: string): (text: string) => unknown }).getTypeParser(oid, format);
  },
};
let PG_TYPES: unknown;

function toParam(value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

class PostgresSession implements TableSession {
  readonly #client: PoolClient;
  constructor(client: PoolClient) {
    this.#client = client;
  }

  async describe(name: TableName): Promise<TableColumn[] | undefined> {
    const result = await this.#client.query<{ column_name: string; data_type: string }>(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
      [name.schema, name.table],
    );
    if (result.rows.length === 0) return undefined;
    return result.rows.map((r) => ({ name: r.column_name, type: r.data_type }));
  }

  async exprKind(name: TableName, expr: string): Promise<TimeColumnKind> {
    const result = await this.#client.query(`SELECT (${expr}) FROM ${quoteIdent(name.schema)}.${quoteIdent(name.table)} LIMIT 0`);
    const oid = result.fields[0]?.dataTypeID;
    return oid === DATE ? "date" : oid === TIMESTAMP ? "timestamp" : oid === TIMESTAMPTZ ? "timestamptz" : "other";
  }

  async transaction<T>(write: () => Promise<T>): Promise<T> {
    await this.#client.query("BEGIN");
    try {
      const result = await write();
      await this.#client.query("COMMIT");
      return result;
    } catch (error) {
      await this.#client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  }

  async lock(name: TableName): Promise<void> {
    // Two runs creating one table (or its schema) at once would otherwise collide on the catalog's unique keys.
    await this.#client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`tessera.table.${name.schema}.${name.table}`]);
  }

  async createSchema(schema: string): Promise<void> {
    await this.#client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  }

  async createTable(name: TableName, columns: readonly RowColumn[], replace: boolean): Promise<void> {
    const table = `${quoteIdent(name.schema)}.${quoteIdent(name.table)}`;
    if (replace) await this.#client.query(`DROP TABLE ${table}`);
    const list = columns.map((c) => `${quoteIdent(c.name.replaceAll('"', '""'))} ${SQL_TYPES[c.kind]}`).join(", ");
    await this.#client.query(`CREATE TABLE ${table} (${list})`);
  }

  async deleteWhere(name: TableName, where: string | undefined): Promise<void> {
    await this.#client.query(`DELETE FROM ${quoteIdent(name.schema)}.${quoteIdent(name.table)}${where === undefined ? "" : ` WHERE ${where}`}`);
  }

  async insert(name: TableName, columns: readonly TableColumn[], rows: readonly Row[]): Promise<void> {
    if (rows.length === 0 || columns.length === 0) return;
    const names = columns.map((c) => c.name);
    const head = `INSERT INTO ${quoteIdent(name.schema)}.${quoteIdent(name.table)} (${names.map((n) => quoteIdent(n.replaceAll('"', '""'))).join(", ")}) VALUES `;
    const perBatch = Math.max(1, Math.floor(MAX_PARAMS / names.length));
    for (let start = 0; start < rows.length; start += perBatch) {
      const batch = rows.slice(start, start + perBatch);
      const params: unknown[] = [];
      // DATE and TIMESTAMP columns take the naive day or wall-clock time of a Date (the table IO manager made it so):
      // pg would send the Date in the process's time zone.
      const naive = columns.map((c) => (c.type === "date" ? naiveDateText : c.type === "timestamp without time zone" ? naiveTimestampText : undefined));
      const tuples = batch.map((row) => `(${names.map((n, i) => {
        const value = row[n] ?? null;
        const text = naive[i];
        return `$${params.push(text !== undefined && value instanceof Date ? text(value.getTime()) : toParam(value))}`;
      }).join(", ")})`);
      await this.#client.query(head + tuples.join(", "), params);
    }
  }

  async select(name: TableName, where: string | undefined): Promise<Row[]> {
    const sql = `SELECT * FROM ${quoteIdent(name.schema)}.${quoteIdent(name.table)}${where === undefined ? "" : ` WHERE ${where}`}`;
    return (await this.#client.query({ text: sql, types: TYPES })).rows as Row[];
  }

  async release(): Promise<void> {
    this.#client.release();
  }
}

class PostgresTables implements TableDatabase {
  readonly #resource: PostgresResource;
  constructor(resource: PostgresResource) {
    this.#resource = resource;
  }
  get displayName(): string {
    return `the PostgreSQL database ${this.#resource.displayName}`;
  }
  async open(): Promise<TableSession> {
    const pool = this.#resource.pool();
    PG_TYPES ??= requireOptional<typeof import("pg")>("pg", "postgresIOManager").types;
    return new PostgresSession(await pool.connect());
  }
}

/**
 * An IO manager that stores each asset's rows (an array of objects) as the PostgreSQL table
 * `<schema>.<key joined by __>` and loads it back as row objects, with the partition behaviour of `duckdbIOManager`
 * (`partition_expr` in the asset's metadata names the partition column). Writers of one table wait for each other
 * (an advisory lock), so runs writing different partitions at once never collide. Column types follow the values:
 * integer numbers BIGINT, fractions DOUBLE PRECISION, bigints NUMERIC, strings TEXT, booleans BOOLEAN, Dates
 * TIMESTAMPTZ, Uint8Arrays BYTEA. DATE and TIMESTAMP partition columns are read in the partitions' time zone, as
 * with `duckdbIOManager`.
 *
 * @example
 * new Definitions({ assets, resources: { ioManager: postgresIOManager({ url: process.env.DATABASE_URL!, schema: "analytics" }) } });
 */
export function postgresIOManager(options: PostgresIOManagerOptions): TableIOManager {
  const resource = typeof options.url === "string" ? new PostgresResource({ url: options.url }) : options.url;
  return new TableIOManager(new PostgresTables(resource), options.schema ?? "public", options.loadAs);
}
