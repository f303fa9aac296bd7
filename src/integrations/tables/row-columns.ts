// The columns of an array of row objects: their names in first-seen order and the kind of value each holds.
import { InvalidTableRowsError } from "./table-errors.js";

/** The kinds of JavaScript value a column can hold; each dialect maps them to its SQL types. */
export type ColumnKind = "boolean" | "integer" | "double" | "bigint" | "text" | "timestamp" | "naive_timestamp" | "date" | "bytes" | "unknown";

/** One inferred column. `unknown` when every value is null: the dialect picks its text type. */
export interface RowColumn {
  readonly name: string;
  readonly kind: ColumnKind;
}

export type Row = Readonly<Record<string, unknown>>;

/** The rows an output stores with their columns: inferred from row objects, or read from an Arrow table's schema. */
export interface TableData {
  readonly columns: readonly RowColumn[];
  readonly rows: readonly Row[];
}

function kindOf(value: unknown): ColumnKind | undefined {
  if (value === null || value === undefined) return "unknown";
  switch (typeof value) {
    case "boolean":
      return "boolean";
    case "number":
      return Number.isSafeInteger(value) ? "integer" : "double";
    case "bigint":
      return "bigint";
    case "string":
      return "text";
    default:
      if (value instanceof Date) return "timestamp";
      if (value instanceof Uint8Array) return "bytes";
      return undefined;
  }
}

/** Integers and fractions share a column as double; anything else mixed is an error. */
function merge(a: ColumnKind, b: ColumnKind): ColumnKind | undefined {
  if (a === b || b === "unknown") return a;
  if (a === "unknown") return b;
  if ((a === "integer" && b === "double") || (a === "double" && b === "integer")) return "double";
  return undefined;
}

/** Checks that `value` is an array of plain row objects (a table's rows) and returns it typed. */
export function asRows(assetKey: string, value: unknown): readonly Row[] {
  if (!Array.isArray(value)) {
    throw new InvalidTableRowsError(assetKey, `a table IO manager stores arrays of row objects, but the asset returned ${value === null ? "null" : typeof value}. Return an array of objects, one per row.`);
  }
  for (let i = 0; i < value.length; i++) {
    const row: unknown = value[i];
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      throw new InvalidTableRowsError(assetKey, `row ${i} is ${row === null ? "null" : Array.isArray(row) ? "an array" : typeof row}, not an object. Return one object per row, keyed by column name.`);
    }
  }
  return value as readonly Row[];
}

/** The columns of `rows`: every key of every row, the kind each holds, checked to be storable. */
export function inferColumns(assetKey: string, rows: readonly Row[]): RowColumn[] {
  const kinds = new Map<string, ColumnKind>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Row;
    for (const name in row) {
      const value = row[name];
      const kind = kindOf(value);
      if (kind === undefined) {
        throw new InvalidTableRowsError(
          assetKey,
          `column "${name}" of row ${i} holds ${Array.isArray(value) ? "an array" : `a ${typeof value}`}, which has no column type. Store numbers, bigints, strings, booleans, Dates, Uint8Arrays or null (serialize nested values with JSON.stringify).`,
        );
      }
      const current = kinds.get(name);
      if (current === undefined) {
        kinds.set(name, kind);
        continue;
      }
      const merged = merge(current, kind);
      if (merged === undefined) {
        throw new InvalidTableRowsError(assetKey, `column "${name}" holds both ${current} and ${kind} values (row ${i}). Give every row the same type in one column.`);
      }
      kinds.set(name, merged);
    }
  }
  return [...kinds].map(([name, kind]) => ({ name, kind }));
}
