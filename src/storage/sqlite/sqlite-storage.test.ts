import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { AssetKey, InstanceError } from "../../core/index.js";
import { describeStorageConformance } from "../conformance.js";
import { SQLITE_MIGRATIONS } from "./migrations.js";
import { SqliteStorage } from "./sqlite-storage.js";

const tempPath = (): string => join(mkdtempSync(join(tmpdir(), "tessera-sqlite-")), "tessera.db");

describeStorageConformance("SQLite file", { create: async () => new SqliteStorage(tempPath()) });
describeStorageConformance("SQLite in memory", { create: async () => new SqliteStorage(":memory:") });

describe("SqliteStorage on disk", () => {
  it("keeps what it recorded across reopening", async () => {
    const path = tempPath();
    const first = new SqliteStorage(path);
    await first.addRun({ runId: "r1", jobName: "j", status: "NOT_STARTED", tags: {}, assetSelection: [], runConfig: {}, createTime: 1 });
    await first.storeEvents([{ runId: "r1", eventType: "ASSET_MATERIALIZATION", timestamp: 2, assetKey: new AssetKey("a") }]);
    await first.close();
    const second = new SqliteStorage(path);
    expect((await second.getRun("r1"))?.runId).toBe("r1");
    expect((await second.getAssetKeys()).map(String)).toEqual(["a"]);
    await second.close();
  });

  it("uses write-ahead logging so readers never block the writer", async () => {
    const path = tempPath();
    const storage = new SqliteStorage(path);
    const db = new BetterSqlite3(path, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
    await storage.close();
  });

  it("refuses a file that is not SQLite, naming it and leaving it unchanged", () => {
    const path = tempPath();
    writeFileSync(path, "hello, this is not a database\n");
    expect(() => new SqliteStorage(path)).toThrow(/not an SQLite database/);
    try {
      new SqliteStorage(path);
    } catch (error) {
      expect(error).toBeInstanceOf(InstanceError);
      expect((error as InstanceError).code).toBe("CORRUPT_INSTANCE");
      expect((error as InstanceError).message).toContain(path);
    }
    expect(readFileSync(path, "utf8")).toBe("hello, this is not a database\n");
  });

  it("refuses an SQLite file of another application", () => {
    const path = tempPath();
    const db = new BetterSqlite3(path);
    db.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY); INSERT INTO invoices VALUES (1)");
    db.close();
    expect(() => new SqliteStorage(path)).toThrow(expect.objectContaining({ code: "FOREIGN_DATABASE" }));
    const check = new BetterSqlite3(path, { readonly: true });
    expect(check.prepare("SELECT count(*) AS n FROM invoices").get()).toEqual({ n: 1 });
    check.close();
  });

  it("refuses a truncated database as corrupt", () => {
    const path = tempPath();
    const db = new BetterSqlite3(path);
    db.exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('" + "x".repeat(20_000) + "')");
    db.close();
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, 1024 + 100));
    expect(() => new SqliteStorage(path)).toThrow(InstanceError);
  });

  it("asks for `tessera instance migrate` on an older schema, and migrates it keeping its data", async () => {
    const path = tempPath();
    const v1 = new SqliteStorage(path);
    await v1.addRun({ runId: "r1", jobName: "j", status: "NOT_STARTED", tags: {}, assetSelection: [], runConfig: {}, createTime: 1 });
    await v1.close();
    const newer = [
      ...SQLITE_MIGRATIONS,
      { version: SQLITE_MIGRATIONS.length + 1, description: "test column", up: (db: BetterSqlite3.Database) => db.exec("ALTER TABLE runs ADD COLUMN note TEXT") },
    ];
    expect(() => new SqliteStorage(path, { migrations: newer })).toThrow(/tessera instance migrate/);
    const old = new SqliteStorage(path, { migrations: newer, allowOldSchema: true });
    await expect(old.getRun("r1")).rejects.toThrow(/migrate/);
    expect(await old.migrate()).toEqual({ from: SQLITE_MIGRATIONS.length, to: SQLITE_MIGRATIONS.length + 1 });
    expect((await old.getRun("r1"))?.runId).toBe("r1");
    await old.close();
  });

  it("refuses a schema newer than this code knows", async () => {
    const path = tempPath();
    await new SqliteStorage(path).close();
    const db = new BetterSqlite3(path);
    db.prepare("UPDATE tessera_meta SET value = '999' WHERE key = 'schema_version'").run();
    db.close();
    expect(() => new SqliteStorage(path)).toThrow(expect.objectContaining({ code: "SCHEMA_TOO_NEW" }));
  });
});
