import { DateDay, Float64, Int32, Table, Utf8, vectorFromArray } from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { AssetIn, DailyPartitionsDefinition, Instance, MultiPartitionsDefinition, StaticPartitionsDefinition, asset, materialize } from "@tessera/core";
import { PostgresResource, postgresIOManager } from "@tessera/core/postgres";
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

const days = new DailyPartitionsDefinition({ startDate: "2024-01-01", endDate: "2024-01-04" });

describe.skipIf(!server.reachable)("postgresIOManager partitions and Arrow", () => {
  it("loads a range of daily partitions for an unpartitioned downstream asset as one array of rows", async () => {
    const readings = asset({ name: "readings", partitionsDef: days, metadata: { partition_expr: "at" } }, (ctx) => [
      { at: new Date(`${ctx.partitionKey}T23:59:59Z`), value: Number(ctx.partitionKey.slice(-1)) },
    ]);
    const total = asset({ name: "readings_total", ins: { readings } }, (_ctx, { readings }) => [{ sum: (readings as { value: number }[]).reduce((s, r) => s + r.value, 0) }]);
    const instance = Instance.ephemeral();
    for (const partitionKey of ["2024-01-01", "2024-01-02", "2024-01-03"]) await materialize([readings], { instance, resources: { ioManager: io }, partitionKey });
    const result = await materialize([readings, total], { instance, resources: { ioManager: io }, selection: ["readings_total"] });
    expect(result.assetValue("readings_total")).toEqual([{ sum: 6 }]);
    await instance.close();
  });

  it("re-materializes one cell of a date × region partitioning and leaves the others", async () => {
    const grid = new MultiPartitionsDefinition({ date: days, region: new StaticPartitionsDefinition(["eu", "us"]) });
    let version = 1;
    const sales = asset({ name: "grid_sales", partitionsDef: grid, metadata: { partition_expr: { date: "day", region: "region" } } }, (ctx) => {
      const [day, region] = ctx.partitionKey.split("|");
      return [{ day: new Date(`${day}T12:00:00Z`), region, version }];
    });
    const instance = Instance.ephemeral();
    for (const partitionKey of ["2024-01-01|eu", "2024-01-01|us", "2024-01-02|eu"]) await materialize([sales], { instance, resources: { ioManager: io }, partitionKey });
    version = 2;
    await materialize([sales], { instance, resources: { ioManager: io }, partitionKey: "2024-01-01|eu" });
    expect(await pg.query(`SELECT to_char(day AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS d, region, version::INT AS v FROM ${schema}.grid_sales ORDER BY d, region`)).toEqual([
      { d: "2024-01-01", region: "eu", v: 2 },
      { d: "2024-01-01", region: "us", v: 1 },
      { d: "2024-01-02", region: "eu", v: 1 },
    ]);
    await instance.close();
  });

  it("stores an Arrow table (with a DATE column) and loads it back as Arrow for an input that asks", async () => {
    const source = asset("pg_arrow", () =>
      new Table({
        id: vectorFromArray([1, 2], new Int32()),
        amount: vectorFromArray([1.5, null], new Float64()),
        name: vectorFromArray(["a", "b"], new Utf8()),
        day: vectorFromArray([new Date("2024-02-29T00:00:00Z"), null], new DateDay()),
      }),
    );
    let loaded: Table | undefined;
    const down = asset({ name: "pg_arrow_down", ins: { src: new AssetIn({ key: "pg_arrow", metadata: { load_as: "arrow" } }) } }, (_ctx, { src }) => {
      loaded = src as Table;
      return [{ n: loaded.numRows }];
    });
    await materialize([source, down], { resources: { ioManager: io } });
    expect(await pg.query(`SELECT to_char(day, 'YYYY-MM-DD') AS day FROM ${schema}.pg_arrow ORDER BY id`)).toEqual([{ day: "2024-02-29" }, { day: null }]);
    expect(loaded?.schema.fields.map((f) => [f.name, String(f.type)])).toEqual([
      ["id", "Int64"],
      ["amount", "Float64"],
      ["name", "Utf8"],
      ["day", "Date32<DAY>"],
    ]);
    expect(loaded?.toArray().map((r) => r.toJSON())).toEqual([
      { id: 1n, amount: 1.5, name: "a", day: Date.parse("2024-02-29T00:00:00Z") },
      { id: 2n, amount: null, name: "b", day: null },
    ]);
  });
});
