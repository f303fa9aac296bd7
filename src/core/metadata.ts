// Metadata values: typed entries attached to assets, materializations, observations and checks.
import { AssetKey } from "./asset-key.js";
import { InvalidDefinitionError } from "./errors.js";

/** One column of a table schema: its name, its type as text, and an optional description. */
export interface TableColumn {
  name: string;
  type: string;
  description?: string;
}
/** The column layout of a table, for `MetadataValue.tableSchema` and `MetadataValue.table`. */
export interface TableSchema {
  columns: TableColumn[];
}

/** One typed metadata entry; `type` discriminates, as the reference's MetadataValue subclasses do. */
export type MetadataValue =
  | { readonly type: "text"; readonly value: string }
  | { readonly type: "md"; readonly value: string }
  | { readonly type: "url"; readonly value: string }
  | { readonly type: "path"; readonly value: string }
  | { readonly type: "json"; readonly value: unknown }
  | { readonly type: "int"; readonly value: number }
  | { readonly type: "float"; readonly value: number }
  | { readonly type: "bool"; readonly value: boolean }
  | { readonly type: "timestamp"; readonly value: number }
  | { readonly type: "table_schema"; readonly value: TableSchema }
  | { readonly type: "table"; readonly value: { records: Record<string, unknown>[]; schema?: TableSchema } }
  | { readonly type: "asset"; readonly value: string[] }
  | { readonly type: "null"; readonly value: null };

/** Metadata as stored on assets, events and checks: entry name to typed value. */
export type MetadataMap = Readonly<Record<string, MetadataValue>>;
/** What users may pass: typed values or plain JS values that are coerced. */
export type RawMetadata = Readonly<Record<string, unknown>>;

const freeze = <T extends MetadataValue>(v: T): T => Object.freeze(v);

/** Builders for typed metadata values: `MetadataValue.int(3)`, `MetadataValue.table(rows)`. */
export const MetadataValue = {
  text: (value: string) => freeze({ type: "text", value: String(value) }),
  md: (value: string) => freeze({ type: "md", value: String(value) }),
  markdown: (value: string) => freeze({ type: "md", value: String(value) }),
  url: (value: string) => freeze({ type: "url", value: String(value) }),
  path: (value: string) => freeze({ type: "path", value: String(value) }),
  json: (value: unknown) => freeze({ type: "json", value: JSON.parse(JSON.stringify(value ?? null)) as unknown }),
  int: (value: number | bigint) => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new InvalidDefinitionError(`MetadataValue.int needs an integer, got ${String(value)}; use MetadataValue.float for fractions`);
    return freeze({ type: "int", value: n });
  },
  float: (value: number) => freeze({ type: "float", value: Number(value) }),
  bool: (value: boolean) => freeze({ type: "bool", value: Boolean(value) }),
  /** A point in time: a Date or epoch milliseconds. */
  timestamp: (value: Date | number) => freeze({ type: "timestamp", value: value instanceof Date ? value.getTime() : value }),
  tableSchema: (schema: TableSchema | TableColumn[]) =>
    freeze({ type: "table_schema", value: Array.isArray(schema) ? { columns: schema } : schema }),
  table: (records: Record<string, unknown>[], schema?: TableSchema | TableColumn[]) =>
    freeze({
      type: "table",
      value: {
        records: JSON.parse(JSON.stringify(records)) as Record<string, unknown>[],
        ...(schema ? { schema: Array.isArray(schema) ? { columns: schema } : schema } : {}),
      },
    }),
  assetKey: (key: AssetKey | string | readonly string[]) => freeze({ type: "asset", value: [...AssetKey.from(key).path] }),
  null: () => freeze({ type: "null", value: null }),
} as const satisfies Record<string, (...args: never[]) => MetadataValue>;

const TYPES = new Set(["text", "md", "url", "path", "json", "int", "float", "bool", "timestamp", "table_schema", "table", "asset", "null"]);

export function isMetadataValue(value: unknown): value is MetadataValue {
  return (
    typeof value === "object" &&
    value !== null &&
    "type" in value &&
    "value" in value &&
    Object.keys(value).length === 2 &&
    TYPES.has((value as { type: string }).type)
  );
}

/** Coerces one plain JS value the way the reference does: str → text, int → int, float → float, dict/list → json. */
export function coerceMetadataValue(value: unknown, label = "metadata"): MetadataValue {
  if (isMetadataValue(value)) return value;
  if (value === null || value === undefined) return MetadataValue.null();
  if (typeof value === "string") return MetadataValue.text(value);
  if (typeof value === "boolean") return MetadataValue.bool(value);
  if (typeof value === "bigint") return MetadataValue.int(value);
  if (typeof value === "number") return Number.isInteger(value) ? MetadataValue.int(value) : MetadataValue.float(value);
  if (value instanceof Date) return MetadataValue.timestamp(value);
  if (value instanceof AssetKey) return MetadataValue.assetKey(value);
  if (value instanceof URL) return MetadataValue.url(value.href);
  if (typeof value === "object") {
    try {
      return MetadataValue.json(value);
    } catch (cause) {
      throw new InvalidDefinitionError(`${label} cannot be stored: it is not JSON-serializable (${String(cause)}). Convert it to plain data or a MetadataValue.`);
    }
  }
  throw new InvalidDefinitionError(`${label} of type ${typeof value} cannot be stored as metadata; use a MetadataValue builder`);
}

export function coerceMetadata(raw: RawMetadata | undefined, label = "metadata"): MetadataMap {
  if (!raw) return EMPTY;
  const out: Record<string, MetadataValue> = {};
  for (const [k, v] of Object.entries(raw)) out[k] = coerceMetadataValue(v, `${label} entry "${k}"`);
  return Object.freeze(out);
}

const EMPTY: MetadataMap = Object.freeze({});

/** A short human rendering for CLI output. */
export function renderMetadataValue(value: MetadataValue): string {
  switch (value.type) {
    case "table":
      return `table (${value.value.records.length} rows)`;
    case "table_schema":
      return `schema (${value.value.columns.map((c) => `${c.name}: ${c.type}`).join(", ")})`;
    case "timestamp":
      return new Date(value.value).toISOString();
    case "asset":
      return value.value.join("/");
    case "json":
      return JSON.stringify(value.value);
    case "null":
      return "null";
    default:
      return String(value.value);
  }
}
