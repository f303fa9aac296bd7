// `@tessera/core/postgres`: PostgreSQL for SQL in assets and as the store of asset values. Loads `pg` only when a pool opens.
export { PostgresResource, type PostgresResourceOptions } from "./postgres-resource.js";
export { postgresIOManager, type PostgresIOManagerOptions } from "./postgres-io-manager.js";
export { TableIOManager, PARTITION_EXPR, LOAD_AS, tableNameFor, type TableName, type TableLoadFormat } from "../tables/table-io-manager.js";
export { InvalidTableNameError, InvalidTableRowsError, TableNotFoundError } from "../tables/table-errors.js";
