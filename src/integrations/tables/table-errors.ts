// The errors of the table IO managers (DuckDB, PostgreSQL): each names the asset and the table, and says what to do.
import { TesseraError } from "../../core/index.js";

/** An asset key that cannot name a table: a segment that is no plain SQL identifier. */
export class InvalidTableNameError extends TesseraError {
  readonly assetKey: string;
  readonly tableName: string;
  constructor(assetKey: string, tableName: string, reason: string) {
    super(
      "INVALID_TABLE_NAME",
      `Asset "${assetKey}" cannot be stored as the table "${tableName}": ${reason}. Rename the asset (or its key prefix) to letters, digits and "_", starting with a letter or "_".`,
    );
    this.assetKey = assetKey;
    this.tableName = tableName;
  }
}

/** The table an asset is loaded from does not exist: never materialized, or dropped since. */
export class TableNotFoundError extends TesseraError {
  readonly assetKey: string;
  readonly tableName: string;
  constructor(assetKey: string, tableName: string, database: string) {
    super(
      "TABLE_NOT_FOUND",
      `Asset "${assetKey}" has no table ${tableName} in ${database}: it was never materialized there, or the table was dropped. Materialize "${assetKey}" (and its partitions) again.`,
    );
    this.assetKey = assetKey;
    this.tableName = tableName;
  }
}

/** A value an asset returned that cannot be stored as rows of its table, or a partitioned asset without its partition column. */
export class InvalidTableRowsError extends TesseraError {
  readonly assetKey: string;
  constructor(assetKey: string, message: string) {
    super("INVALID_TABLE_ROWS", `Asset "${assetKey}": ${message}`);
    this.assetKey = assetKey;
  }
}
