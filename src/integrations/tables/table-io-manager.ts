// The behaviour both table IO managers share: which table an asset is, which rows a partition owns, and the order of
// a write (one transaction: create the table if needed, delete what the output replaces, insert, describe).
import { MetadataValue, type AssetKey, type MetadataMap, type RawMetadata, type TableColumn } from "../../core/index.js";
import type { IOManager, InputContext, OutputContext } from "../../definitions/index.js";
import type { MultiPartitionsDefinition, PartitionsDefinition, TimeWindow, TimeWindowPartitionsDefinition } from "../../partitions/index.js";
import { arrowColumns, arrowToTableData, columnsToArrow, isArrowTable, rowsToArrow } from "./arrow-tables.js";
import { asRows, inferColumns, type Row, type RowColumn, type TableData } from "./row-columns.js";
import { InvalidTableNameError, InvalidTableRowsError, TableNotFoundError } from "./table-errors.js";
import { naiveDateText, naiveTimestampText, rowsAfterRead, rowsForWrite, wallOf, zoneOf, type TimeColumnKind } from "./table-times.js";

/**
 * An Arrow table as a table session receives it (apache-arrow's Table), named by shape: these declarations ship in
 * the package's types, and apache-arrow is an optional peer a user's project may not have.
 */
export interface ArrowTableLike {
  readonly numRows: number;
  readonly schema: { readonly fields: readonly unknown[] };
  getChildAt(index: number): unknown;
}

/** A schema and table name, both checked to be plain identifiers. */
export interface TableName {
  readonly schema: string;
  readonly table: string;
}

/** The metadata key naming the SQL expression of a partitioned asset's partition column, as in the reference. */
export const PARTITION_EXPR = "partition_expr";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_IDENTIFIER_LENGTH = 63;

/** `"name"`, for identifiers already checked against IDENTIFIER. */
export function quoteIdent(name: string): string {
  return `"${name}"`;
}

export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * The table of `key`: its one segment, or its segments joined by `__` so that `raw/orders` and `clean/orders` never
 * share a table; in `schema`.
 */
export function tableNameFor(key: AssetKey, schema: string): TableName {
  const table = key.path.join("__");
  const shown = `${schema}.${table}`;
  for (const [what, name] of [
    ["the schema", schema],
    ["the table", table],
  ] as const) {
    if (!IDENTIFIER.test(name)) throw new InvalidTableNameError(key.toString(), shown, `${what} name "${name}" is not a plain SQL identifier`);
    if (name.length > MAX_IDENTIFIER_LENGTH) throw new InvalidTableNameError(key.toString(), shown, `${what} name "${name}" is longer than ${MAX_IDENTIFIER_LENGTH} characters`);
  }
  return { schema, table };
}

/** The partition column's expression from an asset's metadata (one per dimension for multi-partitions), if it names one. */
function partitionExpr(assetKey: string, metadata: MetadataMap): string | Readonly<Record<string, string>> | undefined {
  const entry = metadata[PARTITION_EXPR];
  if (entry === undefined) return undefined;
  if (entry.type === "json" && typeof entry.value === "object" && entry.value !== null && !Array.isArray(entry.value)) {
    const byDimension = entry.value as Record<string, unknown>;
    for (const [dimension, expr] of Object.entries(byDimension)) {
      if (typeof expr !== "string") throw new InvalidTableRowsError(assetKey, `${PARTITION_EXPR} of dimension "${dimension}" is not a string; give each dimension the SQL expression of its column.`);
    }
    return byDimension as Record<string, string>;
  }
  return entry.type === "text" ? entry.value : String(entry.value);
}

function missingExpr(assetKey: string): never {
  throw new InvalidTableRowsError(
    assetKey,
    `it is partitioned, so its table needs the column that holds the partition: add metadata { ${PARTITION_EXPR}: "<column or SQL expression>" } to the asset (for multi-partitions, one per dimension: { ${PARTITION_EXPR}: { <dimension>: "<column>" } }).`,
  );
}

/**
 * Each partition expression as the conditions use it: how it holds time (asked of the table), and its SQL, which is
 * the quoted column when the expression is exactly a column's name (so that `at`, `Order Date` or `select` work).
 */
type KindOf = (expr: string) => { readonly kind: TimeColumnKind; readonly sql: string };

/**
 * The rows of a time window in `zone`: instants within it for TIMESTAMPTZ (and what the database casts to it), its
 * wall-clock times for TIMESTAMP, its local days for DATE (which then must be whole days).
 */
function windowCondition(assetKey: string, column: ReturnType<KindOf>, window: TimeWindow, zone: string): string {
  const { kind, sql: expr } = column;
  const between = (type: string, start: string, end: string): string => `((${expr}) >= ${type} ${quoteLiteral(start)} AND (${expr}) < ${type} ${quoteLiteral(end)})`;
  if (kind === "timestamptz" || kind === "other") return between("TIMESTAMPTZ", window.start.toISOString(), window.end.toISOString());
  const start = wallOf(window.start.getTime(), zone);
  const end = wallOf(window.end.getTime(), zone);
  if (kind === "timestamp") return between("TIMESTAMP", naiveTimestampText(start), naiveTimestampText(end));
  if (start % 86_400_000 !== 0 || end % 86_400_000 !== 0) {
    throw new InvalidTableRowsError(
      assetKey,
      `its partition column ${expr} is a DATE, but its partitions are not whole days in ${zone} (${naiveTimestampText(start)} to ${naiveTimestampText(end)}). Make the column a TIMESTAMP or TIMESTAMPTZ.`,
    );
  }
  return between("DATE", naiveDateText(start), naiveDateText(end));
}

/**
 * The rows of `keys` of one dimension: for time partitions `expr` within their windows (adjacent windows merged, so
 * that a range is one comparison), for others `expr` among the keys.
 */
function dimensionCondition(assetKey: string, def: PartitionsDefinition, expr: string, keys: readonly string[], kindOf: KindOf): string {
  if (def.kind === "time_window") {
    const time = def as TimeWindowPartitionsDefinition;
    const windows = keys.map((k) => time.timeWindowForPartitionKey(k)).sort((x, y) => x.start.getTime() - y.start.getTime());
    const merged: TimeWindow[] = [];
    for (const w of windows) {
      const last = merged[merged.length - 1];
      if (last !== undefined && last.end.getTime() >= w.start.getTime()) merged[merged.length - 1] = { start: last.start, end: new Date(Math.max(last.end.getTime(), w.end.getTime())) };
      else merged.push(w);
    }
    const column = kindOf(expr);
    const zone = time.timezone;
    return merged.length === 1 ? windowCondition(assetKey, column, merged[0] as TimeWindow, zone) : `(${merged.map((w) => windowCondition(assetKey, column, w, zone)).join(" OR ")})`;
  }
  return `(${kindOf(expr).sql}) IN (${keys.map(quoteLiteral).join(", ")})`;
}

/**
 * The SQL condition selecting the rows of the partitions `keys` of a table whose partitions are `def`. Multi-partitions
 * name one column per dimension; keys that form a full grid are one condition per dimension, others one per key.
 */
function partitionCondition(assetKey: string, metadata: MetadataMap, def: PartitionsDefinition, keys: readonly string[], kindOf: KindOf): string {
  const expr = partitionExpr(assetKey, metadata) ?? missingExpr(assetKey);
  if (keys.length === 0) return "FALSE";
  if (def.kind !== "multi") {
    if (typeof expr !== "string") throw new InvalidTableRowsError(assetKey, `${PARTITION_EXPR} names columns by dimension, but the asset has one partition dimension; give the one column's expression as a string.`);
    return dimensionCondition(assetKey, def, expr, keys, kindOf);
  }
  const multi = def as MultiPartitionsDefinition;
  const dimensions = multi.partitionsDefs;
  const exprs = typeof expr === "string" ? undefined : expr;
  const missing = dimensions.filter((d) => exprs?.[d.name] === undefined).map((d) => d.name);
  if (exprs === undefined || missing.length) {
    throw new InvalidTableRowsError(
      assetKey,
      `it has the partition dimensions ${dimensions.map((d) => `"${d.name}"`).join(" and ")}, so ${PARTITION_EXPR} names a column for each: { ${PARTITION_EXPR}: { ${dimensions.map((d) => `${d.name}: "<column>"`).join(", ")} } }${missing.length && exprs ? ` (missing: ${missing.join(", ")})` : ""}.`,
    );
  }
  const split = keys.map((k) => multi.getPartitionKeyFromStr(k).keysByDimension);
  const byDimension = dimensions.map((d) => [...new Set(split.map((k) => k[d.name] as string))]);
  const grid = byDimension.reduce((n, ks) => n * ks.length, 1);
  if (grid === new Set(keys).size) {
    return dimensions.map((d, i) => dimensionCondition(assetKey, d.partitionsDef, exprs[d.name] as string, byDimension[i] as string[], kindOf)).join(" AND ");
  }
  return `(${split.map((k) => `(${dimensions.map((d) => dimensionCondition(assetKey, d.partitionsDef, exprs[d.name] as string, [k[d.name] as string], kindOf)).join(" AND ")})`).join(" OR ")})`;
}

/**
 * How each partition expression of a partitioned asset holds time, asked of its table; for a table that does not exist
 * (nothing to select from) every expression counts as instants.
 */
async function kindsOf(assetKey: string, session: TableSession, table: { name: TableName; columns: readonly TableColumn[] } | undefined, metadata: MetadataMap, partitioned: boolean): Promise<KindOf> {
  const resolved = new Map<string, ReturnType<KindOf>>();
  const entry = partitioned && table !== undefined ? partitionExpr(assetKey, metadata) : undefined;
  for (const expr of entry === undefined ? [] : typeof entry === "string" ? [entry] : Object.values(entry)) {
    if (resolved.has(expr) || table === undefined) continue;
    const sql = table.columns.some((c) => c.name === expr) ? quoteIdent(expr.replaceAll('"', '""')) : expr;
    resolved.set(expr, { kind: await session.exprKind(table.name, sql), sql });
  }
  return (expr) => resolved.get(expr) ?? { kind: "timestamptz", sql: expr };
}

interface PartitionScope {
  readonly partitionKey: string | undefined;
  readonly hasPartitionKey?: boolean;
  readonly assetPartitionKeys?: readonly string[];
  readonly assetPartitionsTimeWindow?: { readonly start: Date; readonly end: Date };
  readonly partitionsDef?: PartitionsDefinition;
}

/**
 * The SQL condition selecting the rows of the partitions `keys`, or undefined for an unpartitioned asset. Without the
 * partitions definition (a context built by hand), time partitions are told by the context's window.
 */
function partitionWhere(assetKey: string, metadata: MetadataMap, scope: PartitionScope, keys: readonly string[] | undefined, kindOf: KindOf): string | undefined {
  if (scope.partitionKey === undefined && !scope.hasPartitionKey) return undefined;
  const chosen = keys ?? (scope.partitionKey !== undefined ? [scope.partitionKey] : (scope.assetPartitionKeys ?? []));
  if (scope.partitionsDef !== undefined) return partitionCondition(assetKey, metadata, scope.partitionsDef, chosen, kindOf);
  const expr = partitionExpr(assetKey, metadata) ?? missingExpr(assetKey);
  if (typeof expr !== "string") throw new InvalidTableRowsError(assetKey, `${PARTITION_EXPR} names columns by dimension, but the context does not say the asset's partitions definition.`);
  const window = scope.assetPartitionsTimeWindow;
  if (window !== undefined) return windowCondition(assetKey, kindOf(expr), window, "UTC");
  return `(${kindOf(expr).sql}) IN (${chosen.map(quoteLiteral).join(", ")})`;
}

/** What a database offers the table IO manager, on one connection. */
export interface TableSession {
  /** The table's columns with their SQL types, or undefined when it does not exist. */
  describe(name: TableName): Promise<TableColumn[] | undefined>;
  /** How the SQL expression `expr` over the table's rows holds time (the type of a partition column). */
  exprKind(name: TableName, expr: string): Promise<TimeColumnKind>;
  /** Runs `write` in one transaction, committed when it resolves and rolled back when it throws. */
  transaction<T>(write: () => Promise<T>): Promise<T>;
  /** Inside a transaction: waits until no other writer of the table is in one (a no-op where conflicts are retried). */
  lock(name: TableName): Promise<void>;
  createSchema(schema: string): Promise<void>;
  /** Creates (or, with `replace`, recreates) the table with columns for `columns`. */
  createTable(name: TableName, columns: readonly RowColumn[], replace: boolean): Promise<void>;
  deleteWhere(name: TableName, where: string | undefined): Promise<void>;
  /** Inserts rows; Dates in DATE and TIMESTAMP columns are naive already (the day or wall-clock time counted as UTC). */
  insert(name: TableName, columns: readonly TableColumn[], rows: readonly Row[]): Promise<void>;
  /** Inserts an Arrow table column by column, where the driver can (its columns are matched to the table's by name). */
  insertArrow?(name: TableName, columns: readonly TableColumn[], table: ArrowTableLike): Promise<void>;
  select(name: TableName, where: string | undefined): Promise<Row[]>;
  /** The same rows as the values of each column, where the driver reads columns without building rows. */
  selectColumns?(name: TableName, where: string | undefined): Promise<unknown[][]>;
  release(): Promise<void>;
}

/** The database side of a table IO manager: sessions, and the name shown in errors. */
export interface TableDatabase {
  readonly displayName: string;
  open(): Promise<TableSession>;
}

/** How loaded tables are given to computes: arrays of row objects, or Arrow tables. */
export type TableLoadFormat = "rows" | "arrow";

/** The input metadata key by which one input asks for another format than the IO manager's `loadAs`. */
export const LOAD_AS = "load_as";

/**
 * Stores each asset's rows (an array of objects or an Arrow table) as a table and loads them back; the base of
 * `duckdbIOManager` and `postgresIOManager`.
 */
export class TableIOManager implements IOManager {
  readonly #database: TableDatabase;
  readonly schema: string;
  readonly loadAs: TableLoadFormat;

  constructor(database: TableDatabase, schema: string, loadAs: TableLoadFormat = "rows") {
    this.#database = database;
    this.schema = schema;
    this.loadAs = loadAs;
  }

  async handleOutput(ctx: OutputContext, value: unknown): Promise<RawMetadata> {
    const assetKey = ctx.assetKey.toString();
    const name = tableNameFor(ctx.assetKey, this.schema);
    const arrowTable = isArrowTable(value) ? value : undefined;
    // An Arrow table keeps its columns (written column by column where the driver can); its dates and timestamps are
    // days and wall-clock times or instants already. Row objects hold instants, made local to the partitions' zone.
    const columnsOfValue: readonly RowColumn[] = arrowTable !== undefined ? await arrowColumns(assetKey, arrowTable) : [];
    const rowObjects = arrowTable === undefined ? asRows(assetKey, value) : undefined;
    const data: TableData = rowObjects !== undefined ? { rows: rowObjects, columns: inferColumns(assetKey, rowObjects) } : { rows: [], columns: columnsOfValue };
    const rowCount = arrowTable?.numRows ?? data.rows.length;
    const zone = zoneOf(ctx.partitionsDef);
    const session = await this.#database.open();
    try {
      const columns = await session.transaction(async () => {
        await session.lock(name);
        await session.createSchema(name.schema);
        let existing = await session.describe(name);
        // Each call owns its own partition: a range run calls once per key. Without the definition, the window decides.
        const kindOf = await kindsOf(assetKey, session, existing && { name, columns: existing }, ctx.definitionMetadata, ctx.partitionKey !== undefined || ctx.hasPartitionKey === true);
        const where =
          ctx.partitionsDef !== undefined
            ? partitionWhere(assetKey, ctx.definitionMetadata, ctx, ctx.partitionKey !== undefined ? [ctx.partitionKey] : undefined, kindOf)
            : partitionWhere(assetKey, ctx.definitionMetadata, writeScope(ctx), undefined, kindOf);
        if (rowCount === 0 && existing === undefined && data.columns.length === 0) {
          throw new InvalidTableRowsError(assetKey, `it returned no rows and its table ${name.schema}.${name.table} does not exist yet, so its columns are unknown. Create the table first, or return at least one row.`);
        }
        // An unpartitioned output replaces the table, whose columns may have changed with the code; no rows keep them
        // (unless an Arrow table brings its columns along).
        if (existing === undefined || (where === undefined && (rowCount > 0 || arrowTable !== undefined))) {
          await session.createTable(name, data.columns, existing !== undefined);
          existing = (await session.describe(name)) as TableColumn[];
        } else {
          await session.deleteWhere(name, where);
          const known = new Set(existing.map((c) => c.name));
          for (const column of data.columns) {
            if (!known.has(column.name)) {
              throw new InvalidTableRowsError(assetKey, `column "${column.name}" is not in the table ${name.schema}.${name.table} (columns: ${[...known].join(", ")}). Drop the table to change its columns, then materialize every partition again.`);
            }
          }
        }
        if (arrowTable !== undefined && session.insertArrow !== undefined) await session.insertArrow(name, existing, arrowTable);
        else if (arrowTable !== undefined) await session.insert(name, existing, (await arrowToTableData(assetKey, arrowTable)).rows);
        else await session.insert(name, existing, rowsForWrite(data.rows, existing, zone));
        return existing;
      });
      return {
        row_count: MetadataValue.int(rowCount),
        table: MetadataValue.text(`${name.schema}.${name.table}`),
        table_schema: MetadataValue.tableSchema(columns),
      };
    } finally {
      await session.release();
    }
  }

  async loadInput(ctx: InputContext): Promise<Row[] | unknown> {
    const assetKey = ctx.assetKey.toString();
    if (ctx.partitionsDef === undefined && ctx.assetPartitionsTimeWindow !== undefined && (ctx.assetPartitionKeys?.length ?? 0) > 1) {
      // A context built by hand gives the window of the whole range, not of the one partition this call loads.
      throw new InvalidTableRowsError(
        assetKey,
        `input "${ctx.name ?? ""}" reads ${ctx.assetPartitionKeys?.length ?? 0} time partitions, but its context has no partitionsDef to tell their windows apart; give it one, or call loadInputPartitions.`,
      );
    }
    return this.#load(ctx, (kindOf) => partitionWhere(assetKey, ctx.upstreamMetadata, ctx, ctx.partitionKey !== undefined ? [ctx.partitionKey] : undefined, kindOf));
  }

  /** Every partition the input reads, in one query: one array of rows (or one Arrow table) for the whole range. */
  async loadInputPartitions(ctx: InputContext): Promise<Row[] | unknown> {
    return this.#load(ctx, (kindOf) => partitionWhere(ctx.assetKey.toString(), ctx.upstreamMetadata, { ...ctx, hasPartitionKey: true }, ctx.assetPartitionKeys ?? [], kindOf));
  }

  async #load(ctx: InputContext, whereFor: (kindOf: KindOf) => string | undefined): Promise<Row[] | unknown> {
    const assetKey = ctx.assetKey.toString();
    const name = tableNameFor(ctx.assetKey, this.schema);
    const format = loadFormat(assetKey, ctx.metadata[LOAD_AS], this.loadAs);
    const session = await this.#database.open();
    try {
      const columns = await session.describe(name);
      if (columns === undefined) throw new TableNotFoundError(assetKey, `${name.schema}.${name.table}`, this.#database.displayName);
      const partitioned = ctx.partitionKey !== undefined || ctx.hasPartitionKey === true || (ctx.assetPartitionKeys?.length ?? 0) > 0;
      const where = whereFor(await kindsOf(assetKey, session, { name, columns }, ctx.upstreamMetadata, partitioned));
      // Arrow keeps days and wall-clock times as they are; row objects get the instants they are in the partitions' zone.
      if (format === "arrow" && session.selectColumns !== undefined) return await columnsToArrow(assetKey, columns, await session.selectColumns(name, where));
      const rows = await session.select(name, where);
      return format === "arrow" ? await rowsToArrow(assetKey, columns, rows) : rowsAfterRead(rows, columns, zoneOf(ctx.partitionsDef));
    } finally {
      await session.release();
    }
  }
}

function loadFormat(assetKey: string, entry: MetadataMap[string] | undefined, fallback: TableLoadFormat): TableLoadFormat {
  if (entry === undefined) return fallback;
  if (entry.type === "text" && (entry.value === "rows" || entry.value === "arrow")) return entry.value;
  throw new InvalidTableRowsError(assetKey, `the input's metadata ${LOAD_AS} is ${JSON.stringify(entry.value)}; it takes "rows" or "arrow".`);
}

/**
 * For contexts without a partitions definition: the partitions one handleOutput call owns. A run over a range calls
 * it once per partition with the range's time window, so the first call of a longer range clears the whole range
 * (the later calls only add their rows).
 */
function writeScope(ctx: OutputContext): PartitionScope {
  const keys = ctx.assetPartitionKeys;
  if (ctx.assetPartitionsTimeWindow === undefined || keys === undefined || keys.length <= 1) return ctx;
  if (ctx.partitionKey === keys[0]) return ctx;
  const at = ctx.assetPartitionsTimeWindow.end;
  return { ...ctx, assetPartitionsTimeWindow: { start: at, end: at } };
}
