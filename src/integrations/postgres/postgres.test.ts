import { afterAll, describe, expect, it } from "vitest";
import { AssetKey, DailyPartitionsDefinition, Instance, StaticPartitionsDefinition, asset, materialize } from "@tessera/core";
import { InvalidTableNameError, PostgresResource, TableNotFoundError, postgresIOManager } from "@tessera/core/postgres";
import { dropSchema, freshSchemaName, postgresForTests } from "../../../test/support/postgres.js";

const server = await postgresForTests();
const schema = freshSchemaName();
const pg = new PostgresResource({ url: server.url });
const io = postgresIOManager({ url: pg, schema });
afterAll(async () => {
  if (!server.reachable) return;
  await pg.close();
  await dropSchema(server.url, schema);
});

describe.skipIf(!server.reachable)("postgresIOManager", () => {
  it("stores rows as a table, records row_count and the table schema, and loads them downstream", async () => {
    const orders = asset("orders", () => [
      { id: 1, amount: 10.5, paid: true },
      { id: 2, amount: 20, paid: false },
    ]);
    const total = asset({ name: "total", ins: { orders } }, (_ctx, { orders }) => [{ total: (orders as { amount: number }[]).reduce((s, o) => s + o.amount, 0) }]);
    const result = await materialize([orders, total], { resources: { ioManager: io } });
    expect(result.assetValue("total")).toEqual([{ total: 30.5 }]);
    expect(await pg.query(`SELECT id, paid FROM ${schema}.orders ORDER BY id`)).toEqual([
      { id: "1", paid: true },
      { id: "2", paid: false },
    ]);
    const metadata = result.getAssetMaterializationEvents().find((e) => e.assetKey?.toString() === "orders")?.metadata;
    expect(metadata?.row_count).toEqual({ type: "int", value: 2 });
    expect(metadata?.table_schema).toEqual({
      type: "table_schema",
      value: { columns: [{ name: "id", type: "bigint" }, { name: "amount", type: "double precision" }, { name: "paid", type: "boolean" }] },
    });
  });

  it("connects from pg pool settings as well as from a URL, for SQL in assets", async () => {
    const url = new URL(server.url);
    const fromSettings = new PostgresResource({ connection: { host: url.hostname, port: Number(url.port || 5432), user: decodeURIComponent(url.username), database: url.pathname.slice(1), ...(url.password ? { password: decodeURIComponent(url.password) } : {}) } });
    const version = asset({ name: "server_version", resources: { pg: PostgresResource } }, async (ctx) => ctx.resources.pg.query<{ ok: number }>("SELECT 1 AS ok"));
    const result = await materialize([version], { resources: { pg: fromSettings } });
    expect(result.assetValue("server_version")).toEqual([{ ok: 1 }]);
    expect(fromSettings.displayName).toBe(`postgres://${decodeURIComponent(url.username)}@${url.hostname}:${Number(url.port || 5432)}/${url.pathname.slice(1)}`);
    await fromSettings.close();
  });

  it("maps dates, zoned timestamps, big integers and nulls both ways", async () => {
    const big = 2n ** 100n;
    const typed = asset("typed", () => [
      { ts: new Date("2024-03-31T01:30:00+01:00"), big, n: 9007199254740993n, note: null },
      { ts: new Date("2024-03-31T03:30:00+02:00"), big: -big, n: 1n, note: "x" },
    ]);
    await materialize([typed], { resources: { ioManager: io } });
    const loaded = await io.loadInput({ assetKey: typed.key, name: "t", runId: undefined, metadata: {}, upstreamMetadata: {}, partitionKey: undefined, log: console });
    expect(loaded).toEqual([
      { ts: new Date("2024-03-31T00:30:00Z"), big, n: 9007199254740993n, note: null },
      { ts: new Date("2024-03-31T01:30:00Z"), big: -big, n: 1n, note: "x" },
    ]);
    await pg.query(`CREATE TABLE ${schema}.days AS SELECT DATE '2024-02-29' AS day, 42::BIGINT AS n`);
    const days = await io.loadInput({ assetKey: AssetKey.from("days"), name: "d", runId: undefined, metadata: {}, upstreamMetadata: {}, partitionKey: undefined, log: console });
    expect(days).toEqual([{ day: new Date("2024-02-29T00:00:00Z"), n: 42 }]);
  });

  it("replaces one time partition's rows and leaves the others, and loads one partition downstream", async () => {
    const daily = new DailyPartitionsDefinition({ startDate: "2024-01-01" });
    const events = asset({ name: "events", partitionsDef: daily, metadata: { partition_expr: "day" } }, (ctx) => [
      { day: new Date(`${ctx.partitionKey}T00:00:00Z`), value: ctx.partitionKey === "2024-01-02" ? 2 : 1 },
      { day: new Date(`${ctx.partitionKey}T12:00:00Z`), value: 10 },
    ]);
    const instance = Instance.ephemeral();
    const resources = { ioManager: io };
    await materialize([events], { instance, resources, partitionKey: "2024-01-01" });
    await materialize([events], { instance, resources, partitionKey: "2024-01-02" });
    await materialize([events], { instance, resources, partitionKey: "2024-01-02" });
    expect(await pg.query(`SELECT to_char(day AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS d, count(*)::INT AS n FROM ${schema}.events GROUP BY d ORDER BY d`)).toEqual([
      { d: "2024-01-01", n: 2 },
      { d: "2024-01-02", n: 2 },
    ]);
    const loaded = await io.loadInput({ assetKey: events.key, name: "e", runId: undefined, metadata: {}, upstreamMetadata: events.getAssetSpec(events.key).metadata, partitionKey: "2024-01-02", hasPartitionKey: true, assetPartitionKeys: ["2024-01-02"], assetPartitionsTimeWindow: daily.timeWindowForPartitionKey("2024-01-02"), log: console });
    expect((loaded as { value: number }[]).map((r) => r.value).sort()).toEqual([10, 2]);
    await instance.close();
  });

  it("lets two runs write different static partitions of one new table at once", async () => {
    const regions = new StaticPartitionsDefinition(["eu", "us", "apac"]);
    const sales = asset({ name: "sales", partitionsDef: regions, metadata: { partition_expr: "region" } }, (ctx) => Array.from({ length: 50 }, (_, i) => ({ region: ctx.partitionKey, i })));
    const results = await Promise.all(["eu", "us", "apac"].map((partitionKey) => materialize([sales], { resources: { ioManager: io }, partitionKey })));
    expect(results.every((r) => r.success)).toBe(true);
    expect(await pg.query(`SELECT region, count(*)::INT AS n FROM ${schema}.sales GROUP BY region ORDER BY region`)).toEqual([
      { region: "apac", n: 50 },
      { region: "eu", n: 50 },
      { region: "us", n: 50 },
    ]);
  });

  it("names the asset whose table was dropped, and refuses a key that is no identifier", async () => {
    const up = asset("up", () => [{ x: 1 }]);
    const down = asset({ name: "down", ins: { up } }, (_ctx, { up }) => up as unknown[]);
    const instance = Instance.ephemeral();
    await materialize([up, down], { instance, resources: { ioManager: io } });
    await pg.query(`DROP TABLE ${schema}.up`);
    const error = await materialize([up, down], { instance, resources: { ioManager: io }, selection: ["down"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TableNotFoundError);
    expect(String(error)).toContain(`Asset "up" has no table ${schema}.up`);
    const bad = asset({ name: "bad-name" }, () => [{ x: 1 }]);
    expect(await materialize([bad], { resources: { ioManager: io } }).catch((e: unknown) => e)).toBeInstanceOf(InvalidTableNameError);
    await instance.close();
  });
});
