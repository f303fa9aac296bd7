// The behaviour both table IO managers share: which table an asset is, which rows a partition owns, and the order of
// a write (one transaction: create the table if needed, delete what the output replaces, insert, describe).
import { MetadataValue, type AssetKey, type MetadataMap, type RawMetadata, type TableColumn } from "../../core/index.js";
import type { IOManager, InputContext, OutputContext } from "../../definitions/index.js";
import { asRows, inferColumns, type Row, type RowColumn } from "./row-columns.js";
import { InvalidTableNameError, InvalidTableRowsError, TableNotFoundError } from "./table-errors.js";

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

/** The partition column's expression from an asset's metadata, if it names one. */
function partitionExpr(metadata: MetadataMap): string | undefined {
  const entry = metadata[PARTITION_EXPR];
  if (entry === undefined) return undefined;
  return entry.type === "text" ? entry.value : String(entry.value);
}

interface PartitionScope {
  readonly partitionKey: string | undefined;
  readonly hasPartitionKey?: boolean;
  readonly assetPartitionKeys?: readonly string[];
  readonly assetPartitionsTimeWindow?: { readonly start: Date; readonly end: Date };
}

/**
 * The SQL condition selecting the rows a partitioned output owns, or undefined for an unpartitioned one. Time
 * partitions own `expr` in [start, end) of their window; static ones own `expr = key`.
 */
function partitionWhere(assetKey: string, metadata: MetadataMap, scope: PartitionScope): string | undefined {
  if (scope.partitionKey === undefined && !scope.hasPartitionKey) return undefined;
  const expr = partitionExpr(metadata);
  if (expr === undefined) {
    throw new InvalidTableRowsError(
      assetKey,
      `it is partitioned, so its table needs the column that holds the partition: add metadata { ${PARTITION_EXPR}: "<column or SQL expression>" } to the asset.`,
    );
  }
  if (scope.partitionKey !== undefined && scope.partitionKey.includes("|")) {
    throw new InvalidTableRowsError(assetKey, `multi-dimensional partitions ("${scope.partitionKey}") are not supported by the table IO managers yet; store this asset with another IO manager.`);
  }
  const window = scope.assetPartitionsTimeWindow;
  if (window !== undefined) {
    return `(${expr}) >= TIMESTAMPTZ ${quoteLiteral(window.start.toISOString())} AND (${expr}) < TIMESTAMPTZ ${quoteLiteral(window.end.toISOString())}`;
  }
  const keys = scope.partitionKey !== undefined ? [scope.partitionKey] : (scope.assetPartitionKeys ?? []);
  return `(${expr}) IN (${keys.map(quoteLiteral).join(", ")})`;
}

/** What a database offers the table IO manager, on one connection. */
export interface TableSession {
  /** The table's columns with their SQL types, or undefined when it does not exist. */
  describe(name: TableName): Promise<TableColumn[] | undefined>;
  /** Runs `write` in one transaction, committed when it resolves and rolled back when it throws. */
  transaction<T>(write: () => Promise<T>): Promise<T>;
  /** Inside a transaction: waits until no other writer of the table is in one (a no-op where conflicts are retried). */
  lock(name: TableName): Promise<void>;
  createSchema(schema: string): Promise<void>;
  /** Creates (or, with `replace`, recreates) the table with columns for `columns`. */
  createTable(name: TableName, columns: readonly RowColumn[], replace: boolean): Promise<void>;
  deleteWhere(name: TableName, where: string | undefined): Promise<void>;
  insert(name: TableName, columns: readonly TableColumn[], rows: readonly Row[]): Promise<void>;
  select(name: TableName, where: string | undefined): Promise<Row[]>;
  release(): Promise<void>;
}

/** The database side of a table IO manager: sessions, and the name shown in errors. */
export interface TableDatabase {
  readonly displayName: string;
  open(): Promise<TableSession>;
}

/**
 * Stores each asset's rows as a table and loads them back as row objects; the base of `duckdbIOManager` and
 * `postgresIOManager`.
 */
export class TableIOManager implements IOManager {
  readonly #database: TableDatabase;
  readonly schema: string;

  constructor(database: TableDatabase, schema: string) {
    this.#database = database;
    this.schema = schema;
  }

  async handleOutput(ctx: OutputContext, value: unknown): Promise<RawMetadata> {
    const assetKey = ctx.assetKey.toString();
    const name = tableNameFor(ctx.assetKey, this.schema);
    const rows = asRows(assetKey, value);
    const where = partitionWhere(assetKey, ctx.definitionMetadata, writeScope(ctx));
    const session = await this.#database.open();
    try {
      const columns = await session.transaction(async () => {
        await session.lock(name);
        await session.createSchema(name.schema);
        let existing = await session.describe(name);
        if (rows.length === 0 && existing === undefined) {
          throw new InvalidTableRowsError(assetKey, `it returned no rows and its table ${name.schema}.${name.table} does not exist yet, so its columns are unknown. Create the table first, or return at least one row.`);
        }
        // An unpartitioned output replaces the table, whose columns may have changed with the code; no rows keep them.
        if (existing === undefined || (where === undefined && rows.length > 0)) {
          await session.createTable(name, inferColumns(assetKey, rows), existing !== undefined);
          existing = (await session.describe(name)) as TableColumn[];
        } else {
          await session.deleteWhere(name, where);
          const known = new Set(existing.map((c) => c.name));
          for (const column of inferColumns(assetKey, rows)) {
            if (!known.has(column.name)) {
              throw new InvalidTableRowsError(assetKey, `column "${column.name}" is not in the table ${name.schema}.${name.table} (columns: ${[...known].join(", ")}). Drop the table to change its columns, then materialize every partition again.`);
            }
          }
        }
        await session.insert(name, existing, rows);
        return existing;
      });
      return {
        row_count: MetadataValue.int(rows.length),
        table: MetadataValue.text(`${name.schema}.${name.table}`),
        table_schema: MetadataValue.tableSchema(columns),
      };
    } finally {
      await session.release();
    }
  }

  async loadInput(ctx: InputContext): Promise<Row[]> {
    const assetKey = ctx.assetKey.toString();
    const name = tableNameFor(ctx.assetKey, this.schema);
    if (ctx.assetPartitionsTimeWindow !== undefined && (ctx.assetPartitionKeys?.length ?? 0) > 1) {
      // The context gives the window of the whole range, not of the one partition each call loads.
      throw new InvalidTableRowsError(
        assetKey,
        `input "${ctx.name ?? ""}" reads ${ctx.assetPartitionKeys?.length ?? 0} time partitions at once, which the table IO managers cannot split yet; read one partition per run, or query the table with the DuckDB or PostgreSQL resource.`,
      );
    }
    const where = partitionWhere(assetKey, ctx.upstreamMetadata, ctx);
    const session = await this.#database.open();
    try {
      if ((await session.describe(name)) === undefined) throw new TableNotFoundError(assetKey, `${name.schema}.${name.table}`, this.#database.displayName);
      return await session.select(name, where);
    } finally {
      await session.release();
    }
  }
}

/**
 * The partitions one handleOutput call owns. A run over a range calls it once per partition with the range's time
 * window, so for time partitions each call owns the window of its own key when the range is one partition, and the
 * first call of a longer range clears the whole range (the later calls only add their rows).
 */
function writeScope(ctx: OutputContext): PartitionScope {
  const keys = ctx.assetPartitionKeys;
  if (ctx.assetPartitionsTimeWindow === undefined || keys === undefined || keys.length <= 1) return ctx;
  if (ctx.partitionKey === keys[0]) return ctx;
  // Later partitions of a range: their rows were cleared by the first; the empty window deletes nothing.
  const at = ctx.assetPartitionsTimeWindow.end;
  return { ...ctx, assetPartitionsTimeWindow: { start: at, end: at } };
}
