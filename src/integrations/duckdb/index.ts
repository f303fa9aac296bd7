// `@tessera/core/duckdb`: DuckDB for SQL in assets and as the store of asset values. Loads @duckdb/node-api only when a database opens.
export { DuckDBFileLockedError, DuckDBResource, type DuckDBResourceOptions } from "./duckdb-resource.js";
export { duckdbIOManager, type DuckDBIOManagerOptions } from "./duckdb-io-manager.js";
export { TableIOManager, PARTITION_EXPR, LOAD_AS, tableNameFor, type TableName, type TableLoadFormat } from "../tables/table-io-manager.js";
export { InvalidTableNameError, InvalidTableRowsError, TableNotFoundError } from "../tables/table-errors.js";
