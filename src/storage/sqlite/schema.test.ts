import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SQLITE_MIGRATIONS } from "./migrations.js";
import { SQLITE_TABLES } from "./schema.js";
import { SqliteStorage } from "./sqlite-storage.js";

const indexName = (statement: string): string => /^CREATE INDEX (\w+)/.exec(statement)?.[1] ?? statement;

describe("SQLite schema description", () => {
  it("lists exactly the tables and indexes that a new instance has", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "tessera-sqlite-schema-")), "tessera.db");
    await new SqliteStorage(path).close();
    const db = new BetterSqlite3(path, { readonly: true });
    const names = (type: string): string[] =>
      (db.prepare("SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite_%' ORDER BY name").all(type) as { name: string }[]).map((r) => r.name);
    expect(names("table")).toEqual(Object.keys(SQLITE_TABLES).sort());
    expect(names("index")).toEqual(Object.values(SQLITE_TABLES).flatMap((t) => t.indexes.map(indexName)).sort());
    db.close();
  });

  it("names for each table the version whose migration creates it", () => {
    const db = new BetterSqlite3(":memory:");
    const created = new Map<string, number>();
    for (const m of [...SQLITE_MIGRATIONS].sort((a, b) => a.version - b.version)) {
      m.up(db);
      for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]) {
        if (!created.has(name)) created.set(name, m.version);
      }
    }
    db.close();
    for (const [name, table] of Object.entries(SQLITE_TABLES)) {
      if (name !== "tessera_meta") expect([name, created.get(name)]).toEqual([name, table.since]);
    }
  });
});
