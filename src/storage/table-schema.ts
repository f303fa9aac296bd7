// The shape of a backend's schema description (sqlite/schema.ts, postgres/schema.ts).

/** One table: the statement that creates it, its indexes, and the schema version whose migration adds them. */
export interface TableSchema {
  readonly since: number;
  readonly create: string;
  readonly indexes: readonly string[];
}

/** The statements that create `tables` and their indexes, in order, as one script for a migration to run. */
export function createTablesSql(...tables: readonly TableSchema[]): string {
  return tables.flatMap((t) => [t.create, ...t.indexes]).map((s) => `${s};\n`).join("");
}
