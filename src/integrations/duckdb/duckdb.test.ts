import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AssetKey, DailyPartitionsDefinition, Instance, StaticPartitionsDefinition, asset, materialize } from "@tessera/core";
import { DuckDBResource, InvalidTableNameError, InvalidTableRowsError, TableNotFoundError, duckdbIOManager } from "@tessera/core/duckdb";

const dir = mkdtempSync(join(tmpdir(), "tessera-duckdb-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshDatabase = (): string => join(dir, `db${files++}.duckdb`);

const days = new DailyPartitionsDefinition({ startDate: "2024-01-01" });

describe("DuckDBResource", () => {
  it("gives assets SQL on a private in-memory database, one per resource", async () => {
    const memory = new DuckDBResource({ database: ":memory:" });
    const other = new DuckDBResource({ database: ":memory:" });
    await memory.execute("CREATE TABLE numbers AS SELECT range AS n FROM range(5)");
    const top = asset({ name: "top", resources: { duckdb: DuckDBResource } }, async (ctx) => ctx.resources.duckdb.query("SELECT CAST(sum(n) AS INTEGER) AS total FROM numbers"));
    const result = await materialize([top], { resources: { duckdb: memory } });
    expect(result.assetValue("top")).toEqual([{ total: 10 }]);
    await expect(other.query("SELECT * FROM numbers")).rejects.toThrow(/numbers does not exist/);
  });
});

describe("duckdbIOManager", () => {
  it("stores an asset's rows as its table and loads them for a downstream asset", async () => {
    const database = freshDatabase();
    const orders = asset("orders", () => [
      { id: 1, amount: 10.5 },
      { id: 2, amount: 20 },
    ]);
    const total = asset({ name: "total", ins: { orders } }, (_ctx, { orders }) => [
      { total: (orders as { amount: number }[]).reduce((s, o) => s + o.amount, 0) },
    ]);
    const result = await materialize([orders, total], { resources: { ioManager: duckdbIOManager({ database, schema: "shop" }) } });
    expect(result.assetValue("total")).toEqual([{ total: 30.5 }]);
    const db = new DuckDBResource({ database });
    expect(await db.query("SELECT id, amount FROM shop.orders ORDER BY id")).toEqual([
      { id: 1n, amount: 10.5 },
      { id: 2n, amount: 20 },
    ]);
    const metadata = result.getAssetMaterializationEvents().find((e) => e.assetKey?.toString() === "orders")?.metadata;
    expect(metadata?.row_count).toEqual({ type: "int", value: 2 });
    expect(metadata?.table_schema).toEqual({ type: "table_schema", value: { columns: [{ name: "id", type: "BIGINT" }, { name: "amount", type: "DOUBLE" }] } });
  });

  it("maps dates, zoned timestamps, big integers and nulls both ways", async () => {
    const database = freshDatabase();
    const db = new DuckDBResource({ database });
    await db.execute("CREATE TABLE main.days AS SELECT DATE '2024-02-29' AS day");
    const big = 2n ** 100n;
    const typed = asset("typed", () => [
      { ts: new Date("2024-03-31T01:30:00+01:00"), big, n: 9007199254740993n, note: null },
      { ts: new Date("2024-03-31T03:30:00+02:00"), big: -big, n: 1n, note: "x" },
    ]);
    const io = duckdbIOManager({ database: db });
    await materialize([typed], { resources: { ioManager: io } });
    expect(await db.query("SELECT typeof(ts) AS ts, typeof(big) AS big, typeof(note) AS note FROM typed LIMIT 1")).toEqual([
      { ts: "TIMESTAMP WITH TIME ZONE", big: "HUGEINT", note: "VARCHAR" },
    ]);
    const loaded = await io.loadInput({ assetKey: typed.key, name: "t", runId: undefined, metadata: {}, upstreamMetadata: {}, partitionKey: undefined, log: console });
    expect(loaded).toEqual([
      { ts: new Date("2024-03-31T00:30:00Z"), big, n: 9007199254740993n, note: null },
      { ts: new Date("2024-03-31T01:30:00Z"), big: -big, n: 1n, note: "x" },
    ]);
    const day = await io.loadInput({ assetKey: AssetKey.from("days"), name: "d", runId: undefined, metadata: {}, upstreamMetadata: {}, partitionKey: undefined, log: console });
    expect(day).toEqual([{ day: new Date("2024-02-29T00:00:00Z") }]);
  });

  it("replaces only the materialized partition's rows, and loads one partition downstream", async () => {
    const database = freshDatabase();
    const events = asset({ name: "events", partitionsDef: days, metadata: { partition_expr: "day" } }, (ctx) => [
      { day: new Date(`${ctx.partitionKey}T00:00:00Z`), value: ctx.partitionKey === "2024-01-02" ? 2 : 1 },
      { day: new Date(`${ctx.partitionKey}T12:00:00Z`), value: 10 },
    ]);
    const sum = asset({ name: "daily_sum", partitionsDef: days, ins: { events }, metadata: { partition_expr: "day" } }, (_ctx, { events }) => [
      { day: new Date("2024-01-02T00:00:00Z"), sum: (events as { value: number }[]).reduce((s, e) => s + e.value, 0) },
    ]);
    const instance = Instance.ephemeral();
    const resources = { ioManager: duckdbIOManager({ database }) };
    await materialize([events], { instance, resources, partitionKey: "2024-01-01" });
    await materialize([events], { instance, resources, partitionKey: "2024-01-02" });
    const again = await materialize([events, sum], { instance, resources, partitionKey: "2024-01-02" });
    expect(again.assetValue("daily_sum", { partitionKey: "2024-01-02" })).toEqual([{ day: new Date("2024-01-02T00:00:00Z"), sum: 12 }]);
    const db = new DuckDBResource({ database });
    expect(await db.query("SELECT strftime(day, '%Y-%m-%d') AS d, count(*)::INTEGER AS n FROM events GROUP BY d ORDER BY d")).toEqual([
      { d: "2024-01-01", n: 2 },
      { d: "2024-01-02", n: 2 },
    ]);
    await instance.close();
  });

  it("writes static partitions by key, and two runs write different partitions of one table at once", async () => {
    const database = freshDatabase();
    const regions = new StaticPartitionsDefinition(["eu", "us", "apac"]);
    const sales = asset({ name: "sales", partitionsDef: regions, metadata: { partition_expr: "region" } }, (ctx) =>
      Array.from({ length: 100 }, (_, i) => ({ region: ctx.partitionKey, i })),
    );
    const resources = { ioManager: duckdbIOManager({ database }) };
    const results = await Promise.all(["eu", "us", "apac"].map((partitionKey) => materialize([sales], { resources, partitionKey })));
    expect(results.every((r) => r.success)).toBe(true);
    await materialize([sales], { resources, partitionKey: "us" });
    const db = new DuckDBResource({ database });
    expect(await db.query("SELECT region, count(*)::INTEGER AS n FROM sales GROUP BY region ORDER BY region")).toEqual([
      { region: "apac", n: 100 },
      { region: "eu", n: 100 },
      { region: "us", n: 100 },
    ]);
  });

  it("empties an existing table for no rows, and refuses no rows when there is no table to take the columns from", async () => {
    const database = freshDatabase();
    let rows: { x: number }[] = [{ x: 1 }];
    const items = asset("items", () => rows);
    const resources = { ioManager: duckdbIOManager({ database }) };
    await materialize([items], { resources });
    rows = [];
    await materialize([items], { resources });
    expect(await new DuckDBResource({ database }).query("SELECT count(*)::INTEGER AS n FROM items")).toEqual([{ n: 0 }]);
    const empty = asset("empty", () => []);
    const error = await materialize([empty], { resources }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTableRowsError);
    expect(String(error)).toContain('Asset "empty": it returned no rows');
  });

  it("fails a partitioned asset without partition_expr, naming the asset and the fix", async () => {
    const events = asset({ name: "untagged", partitionsDef: days }, () => [{ x: 1 }]);
    const error = await materialize([events], { resources: { ioManager: duckdbIOManager({ database: freshDatabase() }) }, partitionKey: "2024-01-01" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTableRowsError);
    expect(String(error)).toMatch(/"untagged".*partition_expr/);
  });

  it("refuses a key that is no SQL identifier, naming the asset", async () => {
    const bad = asset({ name: "bad-name" }, () => [{ x: 1 }]);
    const error = await materialize([bad], { resources: { ioManager: duckdbIOManager({ database: freshDatabase() }) } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTableNameError);
    expect(String(error)).toContain('Asset "bad-name"');
  });

  it("says which asset's table was dropped when a downstream asset loads it", async () => {
    const database = freshDatabase();
    const up = asset("up", () => [{ x: 1 }]);
    const down = asset({ name: "down", ins: { up } }, (_ctx, { up }) => [{ n: (up as unknown[]).length }]);
    const resources = { ioManager: duckdbIOManager({ database }) };
    const instance = Instance.ephemeral();
    await materialize([up, down], { instance, resources });
    await new DuckDBResource({ database }).execute("DROP TABLE up");
    const error = await materialize([up, down], { instance, resources, selection: ["down"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TableNotFoundError);
    expect(String(error)).toMatch(/Asset "up" has no table main\.up/);
    await instance.close();
  });
});
