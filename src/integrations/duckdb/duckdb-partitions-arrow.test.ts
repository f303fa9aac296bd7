import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateDay, Float64, Int32, Table, TimestampMillisecond, Utf8, vectorFromArray } from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { AssetIn, BackfillPolicy, DailyPartitionsDefinition, Definitions, Instance, MultiPartitionsDefinition, StaticPartitionsDefinition, asset, launchBackfill, materialize } from "@tessera/core";
import { DuckDBResource, InvalidTableRowsError, duckdbIOManager } from "@tessera/core/duckdb";

const dir = mkdtempSync(join(tmpdir(), "tessera-duckdb-parts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshDatabase = (): string => join(dir, `db${files++}.duckdb`);

const days = new DailyPartitionsDefinition({ startDate: "2024-01-01", endDate: "2024-01-04" });

describe("duckdbIOManager partitions", () => {
  it("loads every upstream partition an unpartitioned asset reads in one query, as one array of rows", async () => {
    const database = freshDatabase();
    const events = asset({ name: "events", partitionsDef: days, metadata: { partition_expr: "day" } }, (ctx) => [
      { day: new Date(`${ctx.partitionKey}T06:00:00Z`), value: Number(ctx.partitionKey.slice(-1)) },
    ]);
    const total = asset({ name: "total", ins: { events } }, (_ctx, { events }) => [{ n: (events as unknown[]).length, sum: (events as { value: number }[]).reduce((s, e) => s + e.value, 0) }]);
    const io = duckdbIOManager({ database });
    let perPartitionLoads = 0;
    let rangeLoads = 0;
    const counted = {
      handleOutput: (ctx: Parameters<typeof io.handleOutput>[0], value: unknown) => io.handleOutput(ctx, value),
      loadInput: (ctx: Parameters<typeof io.loadInput>[0]) => (perPartitionLoads++, io.loadInput(ctx)),
      loadInputPartitions: (ctx: Parameters<typeof io.loadInputPartitions>[0]) => (rangeLoads++, io.loadInputPartitions(ctx)),
    };
    const instance = Instance.ephemeral();
    for (const partitionKey of ["2024-01-01", "2024-01-02", "2024-01-03"]) await materialize([events], { instance, resources: { ioManager: counted }, partitionKey });
    const result = await materialize([events, total], { instance, resources: { ioManager: counted }, selection: ["total"] });
    expect(result.assetValue("total")).toEqual([{ n: 3, sum: 6 }]);
    expect([rangeLoads, perPartitionLoads]).toEqual([1, 0]);
    await instance.close();
  });

  it("re-materializes one cell of a multi-dimensional partitioning and leaves the other cells", async () => {
    const database = freshDatabase();
    const grid = new MultiPartitionsDefinition({ date: days, region: new StaticPartitionsDefinition(["eu", "us"]) });
    let version = 1;
    const sales = asset({ name: "sales", partitionsDef: grid, metadata: { partition_expr: { date: "day", region: "region" } } }, (ctx) => {
      const [day, region] = ctx.partitionKey.split("|");
      return [
        { day: new Date(`${day}T00:00:00Z`), region, version },
        { day: new Date(`${day}T23:00:00Z`), region, version },
      ];
    });
    const instance = Instance.ephemeral();
    const resources = { ioManager: duckdbIOManager({ database }) };
    for (const partitionKey of ["2024-01-01|eu", "2024-01-01|us", "2024-01-02|eu"]) await materialize([sales], { instance, resources, partitionKey });
    version = 2;
    await materialize([sales], { instance, resources, partitionKey: "2024-01-01|eu" });
    const db = new DuckDBResource({ database });
    expect(await db.query("SELECT strftime(day, '%Y-%m-%d') AS d, region, version::INTEGER AS v, count(*)::INTEGER AS n FROM sales GROUP BY ALL ORDER BY d, region")).toEqual([
      { d: "2024-01-01", region: "eu", v: 2, n: 2 },
      { d: "2024-01-01", region: "us", v: 1, n: 2 },
      { d: "2024-01-02", region: "eu", v: 1, n: 2 },
    ]);
    const one = await instance.close().then(() => duckdbIOManager({ database }).loadInput({ assetKey: sales.key, name: "s", runId: undefined, metadata: {}, upstreamMetadata: sales.getAssetSpec(sales.key).metadata, partitionKey: "2024-01-01|us", hasPartitionKey: true, partitionsDef: grid, log: console }));
    expect((one as { region: string }[]).map((r) => r.region)).toEqual(["us", "us"]);
  });

  it("asks a multi-partitioned asset for one column per dimension, naming them", async () => {
    const grid = new MultiPartitionsDefinition({ date: days, region: new StaticPartitionsDefinition(["eu"]) });
    const bad = asset({ name: "bad_grid", partitionsDef: grid, metadata: { partition_expr: { date: "day" } } }, () => [{ day: new Date(), region: "eu" }]);
    const error = await materialize([bad], { resources: { ioManager: duckdbIOManager({ database: freshDatabase() }) }, partitionKey: "2024-01-01|eu" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTableRowsError);
    expect(String(error)).toMatch(/"bad_grid".*"date" and "region".*missing: region/);
  });

  it("lets two runs write different daily partitions of one table at once", async () => {
    const database = freshDatabase();
    const events = asset({ name: "events", partitionsDef: days, metadata: { partition_expr: "day" } }, (ctx) =>
      Array.from({ length: 200 }, (_, i) => ({ day: new Date(Date.parse(`${ctx.partitionKey}T00:00:00Z`) + i * 60_000), i })),
    );
    const resources = { ioManager: duckdbIOManager({ database }) };
    const results = await Promise.all(["2024-01-01", "2024-01-02", "2024-01-03"].map((partitionKey) => materialize([events], { resources, partitionKey })));
    expect(results.every((r) => r.success)).toBe(true);
    expect(await new DuckDBResource({ database }).query("SELECT strftime(day, '%Y-%m-%d') AS d, count(*)::INTEGER AS n FROM events GROUP BY d ORDER BY d")).toEqual([
      { d: "2024-01-01", n: 200 },
      { d: "2024-01-02", n: 200 },
      { d: "2024-01-03", n: 200 },
    ]);
  });
});

describe("duckdbIOManager with Arrow tables", () => {
  const arrowTable = (): Table =>
    new Table({
      id: vectorFromArray([1, 2, 3], new Int32()),
      amount: vectorFromArray([1.5, 2.5, -1], new Float64()),
      name: vectorFromArray(["a", null, "c"], new Utf8()),
      at: vectorFromArray([new Date("2024-03-31T00:30:00Z"), null, new Date("2024-01-01T00:00:00Z")], new TimestampMillisecond("UTC")),
      day: vectorFromArray([new Date("2024-02-29T00:00:00Z"), new Date("2024-03-01T00:00:00Z"), null], new DateDay()),
    });

  it("stores an Arrow table with its schema's column types and loads it back as Arrow for an input that asks", async () => {
    const database = freshDatabase();
    const source = asset("arrow_source", () => arrowTable());
    const seen: Table[] = [];
    const down = asset({ name: "arrow_down", ins: { src: new AssetIn({ key: "arrow_source", metadata: { load_as: "arrow" } }) } }, (_ctx, { src }) => {
      seen.push(src as Table);
      return [{ rows: (src as Table).numRows }];
    });
    const result = await materialize([source, down], { resources: { ioManager: duckdbIOManager({ database }) } });
    const metadata = result.getAssetMaterializationEvents().find((e) => e.assetKey?.toString() === "arrow_source")?.metadata;
    expect(metadata?.row_count).toEqual({ type: "int", value: 3 });
    expect(metadata?.table_schema).toEqual({
      type: "table_schema",
      value: { columns: [{ name: "id", type: "BIGINT" }, { name: "amount", type: "DOUBLE" }, { name: "name", type: "VARCHAR" }, { name: "at", type: "TIMESTAMP WITH TIME ZONE" }, { name: "day", type: "DATE" }] },
    });
    const loaded = seen[0] as Table;
    expect(loaded).toBeInstanceOf(Table);
    expect(loaded.schema.fields.map((f) => [f.name, String(f.type)])).toEqual([
      ["id", "Int64"],
      ["amount", "Float64"],
      ["name", "Utf8"],
      ["at", "Timestamp<MILLISECOND, UTC>"],
      ["day", "Date32<DAY>"],
    ]);
    expect(loaded.toArray().map((r) => r.toJSON())).toEqual([
      { id: 1n, amount: 1.5, name: "a", at: Date.parse("2024-03-31T00:30:00Z"), day: Date.parse("2024-02-29T00:00:00Z") },
      { id: 2n, amount: 2.5, name: null, at: null, day: Date.parse("2024-03-01T00:00:00Z") },
      { id: 3n, amount: -1, name: "c", at: Date.parse("2024-01-01T00:00:00Z"), day: null },
    ]);
  });

  it("gives every input Arrow tables with loadAs: \"arrow\", and row objects to an input that asks for rows", async () => {
    const database = freshDatabase();
    const rows = asset("plain_rows", () => [{ x: 1 }, { x: 2 }]);
    const kinds: string[] = [];
    const asArrow = asset({ name: "as_arrow", ins: { rows } }, (_ctx, { rows }) => (kinds.push(rows instanceof Table ? "arrow" : "rows"), [{ ok: true }]));
    const asRows = asset({ name: "as_rows", ins: { rows: new AssetIn({ key: "plain_rows", metadata: { load_as: "rows" } }) } }, (_ctx, { rows }) => (kinds.push(Array.isArray(rows) ? "rows" : "arrow"), [{ ok: true }]));
    await materialize([rows, asArrow, asRows], { resources: { ioManager: duckdbIOManager({ database, loadAs: "arrow" }) } });
    expect(kinds.sort()).toEqual(["arrow", "rows"]);
  });
});

describe("duckdbIOManager and single-run backfills", () => {
  it("writes each partition of a range run over its own rows, and a rerun of part of the range leaves the rest", async () => {
    const database = freshDatabase();
    let version = 1;
    const events = asset({ name: "ranged", partitionsDef: days, backfillPolicy: BackfillPolicy.singleRun(), metadata: { partition_expr: "day" } }, (ctx) =>
      Object.fromEntries(ctx.partitionKeys.map((k) => [k, [{ day: new Date(`${k}T08:00:00Z`), version }]])),
    );
    const defs = new Definitions({ assets: [events], resources: { ioManager: duckdbIOManager({ database }) } });
    const instance = Instance.ephemeral();
    await launchBackfill(defs, { instance, partitionRange: { start: "2024-01-01", end: "2024-01-03" } });
    version = 2;
    await launchBackfill(defs, { instance, partitionRange: { start: "2024-01-02", end: "2024-01-03" } });
    expect(await new DuckDBResource({ database }).query("SELECT strftime(day, '%Y-%m-%d') AS d, version::INTEGER AS v FROM ranged ORDER BY d")).toEqual([
      { d: "2024-01-01", v: 1 },
      { d: "2024-01-02", v: 2 },
      { d: "2024-01-03", v: 2 },
    ]);
    await instance.close();
  });
});
