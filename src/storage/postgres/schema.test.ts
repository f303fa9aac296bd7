import { describe, expect, it } from "vitest";
import { postgresForTests, throwawayPostgresStorage, withClient } from "../../../test/support/postgres.js";
import { POSTGRES_TABLES } from "./schema.js";

const server = await postgresForTests();
const indexName = (statement: string): string => /^CREATE INDEX (\w+)/.exec(statement)?.[1] ?? statement;

describe.skipIf(!server.reachable)("PostgreSQL schema description", () => {
  it("lists exactly the tables and indexes that a new instance has", async () => {
    const storage = throwawayPostgresStorage(server.url);
    try {
      await storage.getSchemaInfo();
      const { tables, indexes } = await withClient(server.url, async (c) => ({
        tables: (await c.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 ORDER BY 1", [storage.schema])).rows.map((r) => r.name),
        // Primary keys and UNIQUE columns are part of their CREATE TABLE, not separate indexes.
        indexes: (
          await c.query<{ name: string }>(
            `SELECT i.relname AS name FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
             WHERE n.nspname = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY 1`,
            [storage.schema],
          )
        ).rows.map((r) => r.name),
      }));
      expect(tables).toEqual(Object.keys(POSTGRES_TABLES).sort());
      expect(indexes).toEqual(Object.values(POSTGRES_TABLES).flatMap((t) => t.indexes.map(indexName)).sort());
    } finally {
      await storage.close();
    }
  });
});
