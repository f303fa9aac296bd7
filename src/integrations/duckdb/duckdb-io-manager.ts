// duckdbIOManager: each asset's rows as a DuckDB table, each partition as the rows its partition column selects.
import type { DuckDBConnection, DuckDBType, DuckDBValue } from "@duckdb/node-api";
import type { Table, Vector } from "apache-arrow";
import type { TableColumn } from "../../core/index.js";
import type { ColumnKind, Row, RowColumn } from "../tables/row-columns.js";
import { timeKindOfSqlType, type TimeColumnKind } from "../tables/table-times.js";
import { TableIOManager, quoteIdent, type TableDatabase, type TableLoadFormat, type TableName, type TableSession } from "../tables/table-io-manager.js";
import { DuckDBResource, loadDuckDB } from "./duckdb-resource.js";

/** Options of `duckdbIOManager(...)`. */
export interface DuckDBIOManagerOptions {
  /** A database file (created when missing), `":memory:"`, or a DuckDBResource to share with assets. */
  database: string | DuckDBResource;
  /**
   * With a file path: how long a write waits for another process that holds the file, in ms; the file is then held
   * only while a table is written or read (see DuckDBResource's `lockTimeoutMs`). A DuckDBResource brings its own.
   */
  lockTimeoutMs?: number;
  /** The schema tables are created in. @default "main" */
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
  double: "DOUBLE",
  bigint: "HUGEINT",
  text: "VARCHAR",
  timestamp: "TIMESTAMPTZ",
  naive_timestamp: "TIMESTAMP",
  date: "DATE",
  bytes: "BLOB",
  unknown: "VARCHAR",
};

/** Conflicting concurrent writers (two runs creating one table) fail with DuckDB's "Conflict"; the later one retries. */
const CONFLICT_RETRIES = 5;

function isConflict(error: unknown): boolean {
  return error instanceof Error && /conflict/i.test(error.message);
}

class DuckDBSession implements TableSession {
  readonly #connection: DuckDBConnection;
  readonly #types = new Map<string, DuckDBType[]>();
  constructor(connection: DuckDBConnection) {
    this.#connection = connection;
  }

  async describe(name: TableName): Promise<TableColumn[] | undefined> {
    const found = await this.#connection.runAndReadAll("SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2", [name.schema, name.table]);
    if (found.currentRowCount === 0) return undefined;
    const reader = await this.#connection.runAndReadAll(`SELECT * FROM ${quoteIdent(name.schema)}.${quoteIdent(name.table)} LIMIT 0`);
    const types = reader.columnTypes();
    this.#types.set(`${name.schema}.${name.table}`, types);
    return reader.columnNames().map((column, i) => ({ name: column, type: String(types[i]) }));
  }

  async exprKind(name: TableName, expr: string): Promise<TimeColumnKind> {
    const reader = await this.#connection.runAndReadAll(`SELECT (${expr}) FROM ${quoteIdent(name.schema)}.${quoteIdent(name.table)} LIMIT 0`);
    return timeKindOfSqlType(String(reader.columnTypes()[0]));
  }

  async transaction<T>(write: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await this.#connection.run("BEGIN TRANSACTION");
      try {
        const result = await write();
        await this.#connection.run("COMMIT");
        return result;
      } catch (error) {
        await this.#connection.run("ROLLBACK").catch(() => undefined);
        if (!isConflict(error) || attempt >= CONFLICT_RETRIES) throw error;
      }
    }
  }

  async lock(): Promise<void> {
    // DuckDB has no lock to wait on: a conflicting writer fails and `transaction` runs it again.
  }

  async createSchema(schema: string): Promise<void> {
    await this.#connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  }

  async createTable(name: TableName, columns: readonly RowColumn[], replace: boolean): Promise<void> {
    const list = columns.map((c) => `${quoteIdent(c.name.replaceAll('"', '""'))} ${SQL_TYPES[c.kind]}`).join(", ");
    await this.#connection.run(`CREATE ${replace ? "OR REPLACE " : ""}TABLE ${quoteIdent(name.schema)}.${quoteIdent(name.table)} (${list})`);
  }

  async deleteWhere(name: TableName, where: string | undefined): Promise<void> {
    await this.#connection.run(`DELETE FROM ${quoteIdent(name.schema)}.${quoteIdent(name.table)}${where === undefined ? "" : ` WHERE ${where}`}`);
  }

  async insert(name: TableName, columns: readonly TableColumn[], rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    const duckdb = loadDuckDB("duckdbIOManager");
    const types = this.#types.get(`${name.schema}.${name.table}`) as DuckDBType[];
    const convert = duckdb.JSToDuckDBValueConverter;
    const appender = await this.#connection.createAppender(name.table, name.schema);
    try {
      const names = columns.map((c) => c.name);
      // Typed appends for the types the IO manager creates (measured: the generic converter tripled the write of a
      // million rows); the converter for the rest, and for values of another type than their column.
      const appends = types.map((type): ((value: unknown) => void) => {
        const generic = (value: unknown): void => appender.appendValue(convert(value as never, type, convert), type);
        switch (String(type)) {
          case "BIGINT":
            return (v) => (typeof v === "number" && Number.isSafeInteger(v) ? appender.appendBigInt(BigInt(v)) : generic(v));
          case "DOUBLE":
            return (v) => (typeof v === "number" ? appender.appendDouble(v) : generic(v));
          case "VARCHAR":
            return (v) => (typeof v === "string" ? appender.appendVarchar(v) : generic(v));
          case "BOOLEAN":
            return (v) => (typeof v === "boolean" ? appender.appendBoolean(v) : generic(v));
          case "HUGEINT":
            return (v) => (typeof v === "bigint" ? appender.appendHugeInt(v) : generic(v));
          case "TIMESTAMP WITH TIME ZONE":
            return (v) => (v instanceof Date ? appender.appendTimestampTZ(new duckdb.DuckDBTimestampTZValue(BigInt(v.getTime()) * 1000n)) : generic(v));
          case "TIMESTAMP":
            // Naive already (the wall-clock time counted as UTC), by the table IO manager.
            return (v) => (v instanceof Date ? appender.appendTimestamp(new duckdb.DuckDBTimestampValue(BigInt(v.getTime()) * 1000n)) : generic(v));
          case "DATE":
            return (v) => (v instanceof Date ? appender.appendDate(new duckdb.DuckDBDateValue(Math.floor(v.getTime() / 86_400_000))) : generic(v));
          default:
            return generic;
        }
      });
      for (const row of rows) {
        for (let i = 0; i < names.length; i++) {
          const value = row[names[i] as string];
          if (value === null || value === undefined) appender.appendNull();
          else (appends[i] as (value: unknown) => void)(value);
        }
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  /**
   * The Arrow table's columns written straight into DuckDB data chunks (DuckDB's vector size, 2048 rows, at a time),
   * appended whole: no row objects, and fixed-width columns read from their typed arrays.
   */
  async insertArrow(name: TableName, columns: readonly TableColumn[], table: Table): Promise<void> {
    if (table.numRows === 0) return;
    const duckdb = loadDuckDB("duckdbIOManager");
    const types = this.#types.get(`${name.schema}.${name.table}`) as DuckDBType[];
    const convert = duckdb.JSToDuckDBValueConverter;
    const byName = new Map(table.schema.fields.map((f, i) => [f.name, i]));
    const readers = columns.map((column, c) => {
      const index = byName.get(column.name);
      const type = types[c] as DuckDBType;
      if (index === undefined) return () => null;
      const vector = table.getChildAt(index) as Vector;
      const typed = typedValues(vector);
      const raw = typed !== undefined ? (i: number) => typed[i] : (i: number) => vector.get(i) as unknown;
      const value = arrowToDuckDB(duckdb, String(type), raw, (v) => convert(v as never, type, convert));
      return vector.nullCount > 0 ? (i: number) => (vector.isValid(i) ? value(i) : null) : value;
    });
    const appender = await this.#connection.createAppender(name.table, name.schema);
    try {
      const size = CHUNK_ROWS;
      for (let start = 0; start < table.numRows; start += size) {
        const n = Math.min(size, table.numRows - start);
        const chunk = duckdb.DuckDBDataChunk.create(types, n);
        for (let c = 0; c < readers.length; c++) {
          const read = readers[c] as (i: number) => DuckDBValue;
          const values = new Array<DuckDBValue>(n);
          for (let j = 0; j < n; j++) values[j] = read(start + j);
          chunk.setColumnValues(c, values);
        }
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  async select(name: TableName, where: string | undefined): Promise<Row[]> {
    const reader = await this.#connection.runAndReadAll(`SELECT * FROM ${quoteIdent(name.schema)}.${quoteIdent(name.table)}${where === undefined ? "" : ` WHERE ${where}`}`);
    const rows = reader.getRowObjectsJS();
    // BIGINT is how DuckDB counts and how integer numbers are stored: give numbers back, bigints only past 2^53.
    const bigintColumns = reader.columnTypes().flatMap((t, i) => (String(t) === "BIGINT" ? [reader.columnNames()[i] as string] : []));
    if (bigintColumns.length) {
      for (const row of rows) {
        for (const column of bigintColumns) {
          const value = row[column];
          if (typeof value === "bigint" && value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)) row[column] = Number(value);
        }
      }
    }
    return rows;
  }

  async selectColumns(name: TableName, where: string | undefined): Promise<unknown[][]> {
    const reader = await this.#connection.runAndReadAll(`SELECT * FROM ${quoteIdent(name.schema)}.${quoteIdent(name.table)}${where === undefined ? "" : ` WHERE ${where}`}`);
    return reader.getColumnsJS();
  }

  async release(): Promise<void> {
    this.#connection.closeSync();
  }
}

/** DuckDB's vector size: the most rows one data chunk holds. */
const CHUNK_ROWS = 2048;

/** The values of a fixed-width Arrow column without nulls' checks per call: its typed array, or undefined for other columns. */
function typedValues(vector: Vector): ArrayLike<number | bigint> | undefined {
  // Only integers and floats: a date's or timestamp's typed array holds days or pairs of words, not milliseconds.
  if (!/^(Int|Uint|Float)/.test(String(vector.type))) return undefined;
  const values: unknown = vector.toArray();
  return ArrayBuffer.isView(values) && vector.length === (values as unknown as ArrayLike<unknown>).length ? (values as unknown as ArrayLike<number | bigint>) : undefined;
}

/**
 * A reader of an Arrow column's values as DuckDB values of the column type `type`: numbers, bigints, strings and
 * booleans as they are, timestamps and dates (Arrow gives epoch milliseconds) as DuckDB's, anything else converted.
 */
function arrowToDuckDB(duckdb: typeof import("@duckdb/node-api"), type: string, raw: (i: number) => unknown, convert: (v: unknown) => DuckDBValue): (i: number) => DuckDBValue {
  switch (type) {
    case "BIGINT":
      return (i) => {
        const v = raw(i);
        return typeof v === "bigint" ? v : typeof v === "number" && Number.isSafeInteger(v) ? BigInt(v) : convert(v);
      };
    case "DOUBLE":
      return (i) => {
        const v = raw(i);
        return typeof v === "number" ? v : convert(v);
      };
    case "VARCHAR":
    case "BOOLEAN":
      return (i) => raw(i) as DuckDBValue;
    case "TIMESTAMP WITH TIME ZONE":
      return (i) => new duckdb.DuckDBTimestampTZValue(BigInt(Math.round(Number(raw(i)))) * 1000n);
    case "TIMESTAMP":
      return (i) => new duckdb.DuckDBTimestampValue(BigInt(Math.round(Number(raw(i)))) * 1000n);
    case "DATE":
      return (i) => new duckdb.DuckDBDateValue(Math.floor(Number(raw(i)) / 86_400_000));
    default:
      return (i) => convert(raw(i));
  }
}

class DuckDBTables implements TableDatabase {
  readonly #resource: DuckDBResource;
  constructor(resource: DuckDBResource) {
    this.#resource = resource;
  }
  get displayName(): string {
    return `the DuckDB database ${this.#resource.database}`;
  }
  async open(): Promise<TableSession> {
    return new DuckDBSession(await this.#resource.connect());
  }
}

/**
 * An IO manager that stores each asset's rows (an array of objects) as the DuckDB table `<schema>.<key joined by __>`
 * and loads it back as row objects. A partitioned asset names its partition column in its metadata
 * (`partition_expr`): a write then replaces only the rows of its partition (time partitions: the column within
 * the partition's window; static ones: the column equal to the key), and a downstream asset loads only them.
 * Each materialization records `row_count`, `table` and `table_schema`. Column types follow the values: integer
 * numbers BIGINT (read back as numbers), fractions DOUBLE, bigints HUGEINT, strings VARCHAR, booleans BOOLEAN,
 * Dates TIMESTAMPTZ, Uint8Arrays BLOB; a DATE column reads back as a Date at UTC midnight.
 *
 * @example
 * const daily = asset({ name: "events", partitionsDef: new DailyPartitionsDefinition({ startDate: "2024-01-01" }),
 *   metadata: { partition_expr: "day" } }, (ctx) => fetchEvents(ctx.partitionKey));
 * new Definitions({ assets: [daily], resources: { ioManager: duckdbIOManager({ database: "warehouse.duckdb" }) } });
 */
export function duckdbIOManager(options: DuckDBIOManagerOptions): TableIOManager {
  const resource =
    typeof options.database === "string"
      ? new DuckDBResource({ database: options.database, ...(options.lockTimeoutMs !== undefined ? { lockTimeoutMs: options.lockTimeoutMs } : {}) })
      : options.database;
  return new TableIOManager(new DuckDBTables(resource), options.schema ?? "main", options.loadAs);
}
