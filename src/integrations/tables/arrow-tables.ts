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
  if (T.isTimestamp(type)) return "timestamp";
  if (T.isDate(type)) return "date";
  if (T.isBinary(type) || T.isLargeBinary(type)) return "bytes";
  if (T.isNull(type)) return "unknown";
  if (T.isDictionary(type)) return kindOfArrow(a, type.dictionary);
  return undefined;
}

/** The rows and columns of an Arrow table; column kinds come from its schema, not from its values. */
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
    if (kind === "timestamp" || kind === "date") readers.push((i) => (vector.isValid(i) ? new Date(vector.get(i) as number) : null));
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

/** Like rowsToArrow, from the values of each column (in the order of `columns`): no row objects in between. */
export async function columnsToArrow(assetKey: string, columns: readonly TableColumn[], valuesByColumn: readonly (readonly unknown[])[]): Promise<Table> {
  const a = await loadArrow(`Loading asset "${assetKey}" as an Arrow table`);
  const vectors: Record<string, Vector> = {};
  for (let c = 0; c < columns.length; c++) {
    const column = columns[c] as TableColumn;
    const sql = column.type.toLowerCase();
    const values = (valuesByColumn[c] ?? []).map((v) => v ?? null);
    let type: DataType;
    let convert: (v: unknown) => unknown = (v) => v;
    if (sql === "bigint" || sql === "int8") {
      type = new a.Int64();
      convert = (v) => (typeof v === "number" ? BigInt(v) : v);
    } else if (sql === "integer" || sql === "int" || sql === "int4" || sql === "smallint" || sql === "tinyint" || sql === "int2") type = new a.Int32();
    else if (sql === "double" || sql === "double precision" || sql === "real" || sql === "float" || sql === "float8" || sql === "float4") type = new a.Float64();
    else if (sql === "boolean" || sql === "bool") type = new a.Bool();
    else if (sql.startsWith("timestamp")) type = new a.TimestampMillisecond(sql.includes("with time zone") || sql === "timestamptz" ? "UTC" : null);
    else if (sql === "date") type = new a.DateDay();
    else if (sql === "blob" || sql === "bytea") type = new a.Binary();
    else {
      type = new a.Utf8();
      convert = (v) => (typeof v === "string" ? v : v instanceof Date ? v.toISOString() : String(v));
    }
    vectors[column.name] = a.vectorFromArray(
      values.map((v) => (v === null ? null : convert(v))),
      type,
    );
  }
  return new a.Table(vectors);
}
