// Partition columns in the time zone of the partitions, on both table IO managers: a DATE column holds the local day,
// a TIMESTAMP column the wall-clock time, a TIMESTAMPTZ column the instant; days that cross a DST change keep their
// rows (23 and 25 hours), re-materializing one day leaves its neighbours, and Dates read back are the instants written.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateDay, Int32, Table, TimestampMillisecond, vectorFromArray } from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { DailyPartitionsDefinition, HourlyPartitionsDefinition, Instance, asset, materialize, type AssetsDefinition, type IOManager, type PartitionsDefinition } from "@tessera/core";
import { DuckDBResource, InvalidTableRowsError, duckdbIOManager } from "@tessera/core/duckdb";
import { PostgresResource, postgresIOManager } from "@tessera/core/postgres";
import { dropSchema, freshSchemaName, postgresForTests } from "./support/postgres.js";

const dir = mkdtempSync(join(tmpdir(), "tessera-table-zones-"));
const server = await postgresForTests();
const pgSchema = freshSchemaName();
const pg = new PostgresResource({ url: server.url });
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (!server.reachable) return;
  await pg.close();
  await dropSchema(server.url, pgSchema);
});

interface Backend {
  readonly name: string;
  readonly reachable: boolean;
  readonly schema: string;
  io(): IOManager & { loadInput: IOManager["loadInput"] };
  execute(sql: string): Promise<void>;
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** SQL types of the three kinds of time column. */
  readonly types: { readonly date: string; readonly timestamp: string; readonly timestamptz: string };
}

let duckdbFiles = 0;
const duckdbBackend = (): Backend => {
  const db = new DuckDBResource({ database: join(dir, `zones${duckdbFiles++}.duckdb`) });
  return {
    name: "DuckDB",
    reachable: true,
    schema: "main",
    io: () => duckdbIOManager({ database: db }),
    execute: (sql) => db.execute(sql),
    query: (sql) => db.query(sql),
    types: { date: "DATE", timestamp: "TIMESTAMP", timestamptz: "TIMESTAMP WITH TIME ZONE" },
  };
};
const postgresBackend = (): Backend => ({
  name: "PostgreSQL",
  reachable: server.reachable,
  schema: pgSchema,
  io: () => postgresIOManager({ url: pg, schema: pgSchema }),
  execute: async (sql) => {
    await pg.query(`CREATE SCHEMA IF NOT EXISTS ${pgSchema}`);
    await pg.query(sql);
  },
  query: (sql) => pg.query(sql),
  types: { date: "date", timestamp: "timestamp without time zone", timestamptz: "timestamp with time zone" },
});

const HOUR = 3_600_000;

/** Materializes each key of `keys` of `assetDef`, in order, on one instance. */
async function materializeEach(assetDef: AssetsDefinition, io: IOManager, keys: readonly string[]): Promise<void> {
  const instance = Instance.ephemeral();
  for (const partitionKey of keys) {
    const result = await materialize([assetDef], { instance, resources: { ioManager: io }, partitionKey });
    expect(result.success).toBe(true);
  }
  await instance.close();
}

/** What a downstream asset gets for one partition, loaded as an input would be. */
function loadPartition(io: IOManager, assetDef: AssetsDefinition, partitionsDef: PartitionsDefinition, partitionKey: string): Promise<unknown> {
  return Promise.resolve(
    io.loadInput({ assetKey: assetDef.key, name: "x", runId: undefined, metadata: {}, upstreamMetadata: assetDef.getAssetSpec(assetDef.key).metadata, partitionKey, hasPartitionKey: true, partitionsDef, log: console }),
  );
}

for (const backend of [duckdbBackend(), postgresBackend()]) {
  describe.skipIf(!backend.reachable)(`${backend.name} partition columns and time zones`, () => {
    it("keeps the local day of America/New_York in a DATE column, across the day clocks go forward", async () => {
      const table = `${backend.schema}.ny_events`;
      // Quoted names, with spaces and capitals, created by the user: the IO manager writes into the columns it finds.
      await backend.execute(`CREATE TABLE ${table} ("Local Day" ${backend.types.date}, "Wall Clock" ${backend.types.timestamp}, "At" ${backend.types.timestamptz}, "Version" BIGINT)`);
      const days = new DailyPartitionsDefinition({ startDate: "2024-03-01", timezone: "America/New_York" });
      let version = 1;
      // Four rows a day: at local midnight, 04:00 local (08:00Z on the 23-hour day), 12:00 and the last millisecond.
      const events = asset({ name: "ny_events", partitionsDef: days, metadata: { partition_expr: '"Local Day"' } }, (ctx) => {
        const { start, end } = ctx.partitionTimeWindow;
        return [start.getTime(), start.getTime() + 3 * HOUR, start.getTime() + 11 * HOUR, end.getTime() - 1].map((t) => ({ "Local Day": new Date(t), "Wall Clock": new Date(t), At: new Date(t), Version: version }));
      });
      const io = backend.io();
      await materializeEach(events, io, ["2024-03-09", "2024-03-10", "2024-03-11"]);
      version = 2;
      await materializeEach(events, io, ["2024-03-10"]);

      const stored = await backend.query(
        `SELECT CAST("Local Day" AS VARCHAR) AS day, CAST("Wall Clock" AS VARCHAR) AS wall, CAST("Version" AS INTEGER) AS v FROM ${table} WHERE "Local Day" = DATE '2024-03-10' ORDER BY "At"`,
      );
      expect(stored).toEqual([
        { day: "2024-03-10", wall: "2024-03-10 00:00:00", v: 2 },
        // Three hours after midnight on the day clocks skip 02:00 to 03:00: 04:00 on the wall.
        { day: "2024-03-10", wall: "2024-03-10 04:00:00", v: 2 },
        { day: "2024-03-10", wall: "2024-03-10 12:00:00", v: 2 },
        { day: "2024-03-10", wall: expect.stringMatching(/^2024-03-10 23:59:59\.999/) as unknown as string, v: 2 },
      ]);
      expect(await backend.query(`SELECT CAST("Local Day" AS VARCHAR) AS day, CAST(count(*) AS INTEGER) AS n, CAST(max("Version") AS INTEGER) AS v FROM ${table} GROUP BY 1 ORDER BY 1`)).toEqual([
        { day: "2024-03-09", n: 4, v: 1 },
        { day: "2024-03-10", n: 4, v: 2 },
        { day: "2024-03-11", n: 4, v: 1 },
      ]);

      // Read back, the day is the instant the local day starts and the wall-clock time the instant it was.
      const window = days.timeWindowForPartitionKey("2024-03-10");
      const loaded = (await loadPartition(io, events, days, "2024-03-10")) as { "Local Day": Date; "Wall Clock": Date; At: Date }[];
      loaded.sort((a, b) => a.At.getTime() - b.At.getTime());
      expect(loaded.map((r) => r["Local Day"])).toEqual(Array(4).fill(window.start));
      expect(loaded.map((r) => r["Wall Clock"])).toEqual(loaded.map((r) => r.At));
      expect(loaded.map((r) => r.At.toISOString())).toEqual(["2024-03-10T05:00:00.000Z", "2024-03-10T08:00:00.000Z", "2024-03-10T16:00:00.000Z", "2024-03-11T03:59:59.999Z"]);
    });

    it("selects a Europe/Berlin day by wall-clock time in a TIMESTAMP column, across the 25-hour day", async () => {
      const table = `${backend.schema}.berlin_readings`;
      await backend.execute(`CREATE TABLE ${table} ("Wall Clock" ${backend.types.timestamp}, "Version" BIGINT)`);
      const days = new DailyPartitionsDefinition({ startDate: "2024-10-01", timezone: "Europe/Berlin" });
      let version = 1;
      // The first and last minute of the local day, and 02:30 twice (clocks go back from 03:00 to 02:00).
      const readings = asset({ name: "berlin_readings", partitionsDef: days, metadata: { partition_expr: '"Wall Clock"' } }, (ctx) => {
        const { start, end } = ctx.partitionTimeWindow;
        const times = [start.getTime(), end.getTime() - 60_000];
        if (ctx.partitionKey === "2024-10-27") times.push(Date.parse("2024-10-27T00:30:00Z"), Date.parse("2024-10-27T01:30:00Z"));
        return times.map((t) => ({ "Wall Clock": new Date(t), Version: version }));
      });
      const io = backend.io();
      await materializeEach(readings, io, ["2024-10-26", "2024-10-27", "2024-10-28"]);
      version = 2;
      await materializeEach(readings, io, ["2024-10-27"]);
      expect(await backend.query(`SELECT CAST("Wall Clock" AS VARCHAR) AS wall, CAST("Version" AS INTEGER) AS v FROM ${table} ORDER BY "Wall Clock", "Version"`)).toEqual([
        { wall: "2024-10-26 00:00:00", v: 1 },
        { wall: "2024-10-26 23:59:00", v: 1 },
        { wall: "2024-10-27 00:00:00", v: 2 },
        // 00:30Z and 01:30Z are both 02:30 on Berlin's walls.
        { wall: "2024-10-27 02:30:00", v: 2 },
        { wall: "2024-10-27 02:30:00", v: 2 },
        { wall: "2024-10-27 23:59:00", v: 2 },
        { wall: "2024-10-28 00:00:00", v: 1 },
        { wall: "2024-10-28 23:59:00", v: 1 },
      ]);
      const loaded = (await loadPartition(io, readings, days, "2024-10-28")) as { "Wall Clock": Date }[];
      expect(loaded.map((r) => r["Wall Clock"].toISOString()).sort()).toEqual(["2024-10-27T23:00:00.000Z", "2024-10-28T22:59:00.000Z"]);
    });

    it("selects a Europe/Berlin day by instants in a TIMESTAMPTZ column the IO manager created", async () => {
      const days = new DailyPartitionsDefinition({ startDate: "2024-03-01", timezone: "Europe/Berlin" });
      let version = 1;
      // 2024-03-31 is 23 hours long in Berlin: from 2024-03-30T23:00Z to 2024-03-31T22:00Z.
      const sales = asset({ name: "berlin_sales", partitionsDef: days, metadata: { partition_expr: "at" } }, (ctx) => {
        const { start, end } = ctx.partitionTimeWindow;
        return [{ at: start, version }, { at: new Date(end.getTime() - 1), version }];
      });
      const io = backend.io();
      await materializeEach(sales, io, ["2024-03-30", "2024-03-31", "2024-04-01"]);
      version = 2;
      await materializeEach(sales, io, ["2024-03-31"]);
      const loaded = (await loadPartition(io, sales, days, "2024-03-31")) as { at: Date; version: number }[];
      expect(loaded.map((r) => [r.at.toISOString(), r.version]).sort()).toEqual([
        ["2024-03-30T23:00:00.000Z", 2],
        ["2024-03-31T21:59:59.999Z", 2],
      ]);
      expect(await backend.query(`SELECT CAST(count(*) AS INTEGER) AS n, CAST(sum("version") AS INTEGER) AS s FROM ${backend.schema}.berlin_sales`)).toEqual([{ n: 6, s: 8 }]);
    });

    it("writes an Arrow table's days (DateDay) and zoneless timestamps as DATE and TIMESTAMP, as they are", async () => {
      const days = new DailyPartitionsDefinition({ startDate: "2024-03-01", timezone: "America/New_York" });
      let version = 1;
      // Arrow dates are calendar days and zoneless timestamps wall-clock times: no zone moves them.
      const arrowDays = asset({ name: "arrow_days", partitionsDef: days, metadata: { partition_expr: "day" } }, (ctx) => {
        const day = Date.parse(`${ctx.partitionKey}T00:00:00Z`);
        return new Table({
          day: vectorFromArray([new Date(day), new Date(day)], new DateDay()),
          wall: vectorFromArray([new Date(day + 1 * HOUR), new Date(day + 23 * HOUR)], new TimestampMillisecond()),
          version: vectorFromArray([version, version], new Int32()),
        });
      });
      const io = backend.io();
      await materializeEach(arrowDays, io, ["2024-03-09", "2024-03-10", "2024-03-11"]);
      version = 2;
      await materializeEach(arrowDays, io, ["2024-03-10"]);
      expect(await backend.query(`SELECT CAST(day AS VARCHAR) AS day, CAST(wall AS VARCHAR) AS wall, CAST(version AS INTEGER) AS v FROM ${backend.schema}.arrow_days ORDER BY wall`)).toEqual([
        { day: "2024-03-09", wall: "2024-03-09 01:00:00", v: 1 },
        { day: "2024-03-09", wall: "2024-03-09 23:00:00", v: 1 },
        { day: "2024-03-10", wall: "2024-03-10 01:00:00", v: 2 },
        { day: "2024-03-10", wall: "2024-03-10 23:00:00", v: 2 },
        { day: "2024-03-11", wall: "2024-03-11 01:00:00", v: 1 },
        { day: "2024-03-11", wall: "2024-03-11 23:00:00", v: 1 },
      ]);
      expect(await backend.query(`SELECT CAST(data_type AS VARCHAR) AS type FROM information_schema.columns WHERE table_schema = '${backend.schema}' AND table_name = 'arrow_days' ORDER BY ordinal_position`)).toEqual([
        { type: backend.types.date },
        { type: backend.types.timestamp },
        { type: backend.name === "DuckDB" ? "BIGINT" : "bigint" },
      ]);
    });

    it("refuses hourly partitions on a DATE column, naming the asset and the column", async () => {
      const table = `${backend.schema}.hourly_days`;
      await backend.execute(`CREATE TABLE ${table} (day ${backend.types.date}, x BIGINT)`);
      const hours = new HourlyPartitionsDefinition({ startDate: "2024-01-01-00:00", timezone: "Europe/Berlin" });
      const hourly = asset({ name: "hourly_days", partitionsDef: hours, metadata: { partition_expr: "day" } }, (ctx) => [{ day: ctx.partitionTimeWindow.start, x: 1 }]);
      const error = await materialize([hourly], { resources: { ioManager: backend.io() }, partitionKey: "2024-01-01-05:00" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidTableRowsError);
      expect(String(error)).toMatch(/Asset "hourly_days": its partition column "day" is a DATE, but its partitions are not whole days in Europe\/Berlin/);
    });
  });
}
