// Arrow tables in and out of the table IO managers. apache-arrow is an optional peer: imported (as ES module, the copy
// the user's own code holds) only when an asset returns an Arrow table or an input asks for one.
import type { DataType, Table, Vector } from "apache-arrow";
import { MissingPackageError, type TableColumn } from "../../core/index.js";
import type { ColumnKind, Row, RowColumn, TableData } from "./row-columns.js";
import { InvalidTableRowsError } from "./table-errors.js";

type ArrowModule = typeof import("apache-arrow");

let arrow: Promise<ArrowModule> | undefined;

/** Imports apache-arrow on first use, or throws a MissingPackageError naming the install command. */
export function loadArrow(feature: string): Promise<ArrowModule> {
  arrow ??= import("apache-arrow").catch((error: unknown) => {
    arrow = undefined;
    const code = (error as { code?: unknown }).code;
    if ((code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && String((error as Error).message).includes("apache-arrow")) {
      throw new MissingPackageError("apache-arrow", feature, error);
    }
    throw error;
  });
  return arrow;
}

/** An Arrow table, recognised by shape so that checking a value never loads apache-arrow (and any copy of it passes). */
export function isArrowTable(value: unknown): value is Table {
  if (typeof value !== "object" || value === null) return false;
  const t = value as { schema?: { fields?: unknown }; numRows?: unknown; getChildAt?: unknown };
  return Array.isArray(t.schema?.fields) && typeof t.numRows === "number" && typeof t.getChildAt === "function";
}

/** The column kind of an Arrow type, or undefined when the table IO managers have no column type for it. */
function kindOfArrow(a: ArrowModule, type: DataType): ColumnKind | undefined {
  const { DataType: T } = a;
  if (T.isBool(type)) return "boolean";
  if (T.isInt(type)) return "integer";
  if (T.isFloat(type)) return "double";
  if (T.isUtf8(type) || T.isLargeUtf8(type)) return "text";
  // A timestamp with a time zone is an instant; without one, a wall-clock time.
  if (T.isTimestamp(type)) return type.timezone ? "timestamp" : "naive_timestamp";
  if (T.isDate(type)) return "date";
  if (T.isBinary(type) || T.isLargeBinary(type)) return "bytes";
  if (T.isNull(type)) return "unknown";
  if (T.isDictionary(type)) return kindOfArrow(a, type.dictionary);
  return undefined;
}

/** The columns of an Arrow table, their kinds from its schema; throws for a column type the tables have no type for. */
export async function arrowColumns(assetKey: string, table: Table): Promise<RowColumn[]> {
  const a = await loadArrow(`Storing asset "${assetKey}" from an Arrow table`);
  return table.schema.fields.map((field) => {
    const kind = kindOfArrow(a, field.type);
    if (kind === undefined) {
      throw new InvalidTableRowsError(assetKey, `Arrow column "${field.name}" has the type ${String(field.type)}, which has no column type here. Cast it to an integer, float, utf8, bool, timestamp, date or binary column.`);
    }
    return { name: field.name, kind };
  });
}

/**
 * The rows and columns of an Arrow table; column kinds come from its schema, not from its values. Dates are days and
 * timestamps without a zone wall-clock times, both as naive Dates (counted as if UTC).
 */
export async function arrowToTableData(assetKey: string, table: Table): Promise<TableData> {
  const a = await loadArrow(`Storing asset "${assetKey}" from an Arrow table`);
  const columns: RowColumn[] = [];
  const readers: ((i: number) => unknown)[] = [];
  table.schema.fields.forEach((field, c) => {
    const kind = kindOfArrow(a, field.type);
    if (kind === undefined) {
      throw new InvalidTableRowsError(assetKey, `Arrow column "${field.name}" has the type ${String(field.type)}, which has no column type here. Cast it to an integer, float, utf8, bool, timestamp, date or binary column.`);
    }
    columns.push({ name: field.name, kind });
    const vector = table.getChildAt(c) as Vector;
    // Arrow gives timestamps and dates as epoch milliseconds.
    if (kind === "timestamp" || kind === "naive_timestamp" || kind === "date") readers.push((i) => (vector.isValid(i) ? new Date(vector.get(i) as number) : null));
    else readers.push((i) => vector.get(i) ?? null);
  });
  const rows: Row[] = new Array(table.numRows);
  for (let i = 0; i < table.numRows; i++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < columns.length; c++) row[(columns[c] as RowColumn).name] = (readers[c] as (i: number) => unknown)(i);
    rows[i] = row;
  }
  return { columns, rows };
}

/**
 * Rows read from a table as an Arrow table, typed from the table's SQL column types. 128-bit integers and numerics,
 * which Arrow JS cannot build, become utf8; types without an Arrow twin become utf8 of their text.
 */
export async function rowsToArrow(assetKey: string, columns: readonly TableColumn[], rows: readonly Row[]): Promise<Table> {
  return columnsToArrow(
    assetKey,
    columns,
    columns.map((c) => rows.map((r) => r[c.name] ?? null)),
  );
}

/** Fixed-width columns written straight into their typed array and validity bitmap (measured: 8× vectorFromArray). */
function fixedWidth(a: ArrowModule, type: DataType, values: readonly unknown[], data: Float64Array | Int32Array | BigInt64Array, put: (i: number, v: unknown) => void): Vector {
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) nulls++;
    else {
      put(i, v);
      bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7));
    }
  }
  return a.makeVector(a.makeData({ type, length: values.length, nullCount: nulls, nullBitmap: bitmap, data } as never)) as Vector;
}

const DAY_MS = 86_400_000;
const millis = (v: unknown): number => (v instanceof Date ? v.getTime() : typeof v === "bigint" ? Number(v) : Number(v));

/** Like rowsToArrow, from the values of each column (in the order of `columns`): no row objects in between. */
export async function columnsToArrow(assetKey: string, columns: readonly TableColumn[], valuesByColumn: readonly (readonly unknown[])[]): Promise<Table> {
  const a = await loadArrow(`Loading asset "${assetKey}" as an Arrow table`);
  const vectors: Record<string, Vector> = {};
  for (let c = 0; c < columns.length; c++) {
    const column = columns[c] as TableColumn;
    const sql = column.type.toLowerCase();
    const values = valuesByColumn[c] ?? [];
    const n = values.length;
    if (sql === "bigint" || sql === "int8") {
      const data = new BigInt64Array(n);
      vectors[column.name] = fixedWidth(a, new a.Int64(), values, data, (i, v) => (data[i] = typeof v === "bigint" ? v : BigInt(v as number)));
    } else if (sql === "integer" || sql === "int" || sql === "int4" || sql === "smallint" || sql === "tinyint" || sql === "int2") {
      const data = new Int32Array(n);
      vectors[column.name] = fixedWidth(a, new a.Int32(), values, data, (i, v) => (data[i] = Number(v)));
    } else if (sql === "double" || sql === "double precision" || sql === "real" || sql === "float" || sql === "float8" || sql === "float4") {
      const data = new Float64Array(n);
      vectors[column.name] = fixedWidth(a, new a.Float64(), values, data, (i, v) => (data[i] = Number(v)));
    } else if (sql.startsWith("timestamp")) {
      const data = new BigInt64Array(n);
      const type = new a.TimestampMillisecond(sql.includes("with time zone") || sql === "timestamptz" ? "UTC" : null);
      vectors[column.name] = fixedWidth(a, type, values, data, (i, v) => (data[i] = BigInt(millis(v))));
    } else if (sql === "date") {
      const data = new Int32Array(n);
      vectors[column.name] = fixedWidth(a, new a.DateDay(), values, data, (i, v) => (data[i] = Math.floor(millis(v) / DAY_MS)));
    } else if (sql === "boolean" || sql === "bool") vectors[column.name] = a.vectorFromArray(values.map((v) => v ?? null), new a.Bool());
    else if (sql === "blob" || sql === "bytea") vectors[column.name] = a.vectorFromArray(values.map((v) => v ?? null), new a.Binary());
    else {
      // Text, and what Arrow JS cannot build (128-bit integers, numerics) or has no type for, as utf8.
      const text = values.map((v) => (v === null || v === undefined ? null : typeof v === "string" ? v : v instanceof Date ? v.toISOString() : String(v)));
      vectors[column.name] = a.vectorFromArray(text, new a.Utf8());
    }
  }
  return new a.Table(vectors);
}
