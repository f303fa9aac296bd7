import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidDefinitionError } from "../core/index.js";
import { AssetIn, AssetSpec, asset, defineAssetJob } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import {
  DailyPartitionsDefinition,
  DynamicPartitionsDefinition,
  IncompatiblePartitionMappingError,
  InvalidPartitionKeyRangeError,
  MonthlyPartitionsDefinition,
  PartitionKeyNotFoundError,
  StaticPartitionMapping,
  StaticPartitionsDefinition,
  TimeWindowPartitionMapping,
} from "../partitions/index.js";
import { materialize } from "../code-location/index.js";

const daily = new DailyPartitionsDefinition({ startDate: "2026-11-01" });
const at = (iso: string) => new Date(iso).getTime();

describe("partitioned assets", () => {
  it("materializes one partition, telling the compute its key and time window, and records the partition", async () => {
    const instance = Instance.fromHome({ home: mkdtempSync(join(tmpdir(), "tessera-partitions-")) });
    const seen: unknown[] = [];
    const sales = asset({ name: "daily_sales", partitionsDef: daily }, (ctx) => {
      seen.push([ctx.partitionKey, ctx.partitionTimeWindow.start.toISOString(), ctx.partitionTimeWindow.end.toISOString(), ctx.hasPartitionKey]);
      return [`sales of ${ctx.partitionKey}`];
    });
    const result = await materialize([sales], { instance, partitionKey: "2026-11-03" });
    expect(seen).toEqual([["2026-11-03", "2026-11-03T00:00:00.000Z", "2026-11-04T00:00:00.000Z", true]]);
    expect(result.getAssetMaterializationEvents()[0]?.partition).toBe("2026-11-03");
    expect(result.assetValue("daily_sales", { partitionKey: "2026-11-03" })).toEqual(["sales of 2026-11-03"]);
    expect(result.run.partitionKey).toBe("2026-11-03");
    expect(result.run.tags["tessera/partition"]).toBe("2026-11-03");
    expect([...(await instance.getMaterializedPartitions("daily_sales"))]).toEqual(["2026-11-03"]);
    expect(readdirSync(join(instance.home as string, "storage", "daily_sales"))).toEqual(["2026-11-03"]);
    await instance.close();
  });

  it("loads the upstream partitions its mapping names: the same day, or a window of days by key", async () => {
    const instance = Instance.ephemeral();
    const sales = asset({ name: "daily_sales", partitionsDef: daily }, (ctx) => Number(ctx.partitionKey.slice(-2)));
    const sameDay = asset({ name: "same_day", partitionsDef: daily, ins: { sales } }, (_ctx, { sales }) => sales * 10);
    const twoDays = asset(
      { name: "two_days", partitionsDef: daily, ins: { sales: new AssetIn<Record<string, number>>({ key: "daily_sales", partitionMapping: new TimeWindowPartitionMapping({ startOffset: -1 }) }) } },
      (ctx, { sales }) => ({ keys: ctx.assetPartitionKeysForInput("sales"), sales }),
    );
    const defs = new Definitions({ assets: [sales, sameDay, twoDays] });
    for (const day of ["2026-11-02", "2026-11-03"]) await defs.materialize(["daily_sales"], { instance, partitionKey: day });
    const result = await defs.materialize(["same_day", "two_days"], { instance, partitionKey: "2026-11-03" });
    expect(result.assetValue("same_day", { partitionKey: "2026-11-03" })).toBe(30);
    expect(result.assetValue("two_days", { partitionKey: "2026-11-03" })).toEqual({ keys: ["2026-11-02", "2026-11-03"], sales: { "2026-11-02": 2, "2026-11-03": 3 } });
  });

  it("rejects an unknown partition key with the valid range, before recording a run", async () => {
    const instance = Instance.ephemeral();
    const sales = asset({ name: "daily_sales", partitionsDef: new DailyPartitionsDefinition({ startDate: "2026-11-01", endDate: "2026-11-10" }) }, () => 1);
    await expect(materialize([sales], { instance, partitionKey: "2026-12-01" })).rejects.toThrow(PartitionKeyNotFoundError);
    await expect(materialize([sales], { instance, partitionKey: "2026-12-01" })).rejects.toThrow('It is after the last partition. Valid keys run from "2026-11-01" to "2026-11-09"');
    const regions = asset({ name: "regions", partitionsDef: new StaticPartitionsDefinition(["emea", "apac", "amer"]) }, () => 1);
    await expect(materialize([regions], { instance, partitionKey: "emia" })).rejects.toThrow(/emea/);
    expect(await instance.getRuns()).toEqual([]);
  });

  it("requires a partition key for a partitioned asset, and refuses one when nothing is partitioned", async () => {
    const sales = asset({ name: "daily_sales", partitionsDef: daily }, () => 1);
    await expect(materialize([sales])).rejects.toThrow(/"daily_sales" is partitioned .*--partition/);
    await expect(materialize([asset("plain", () => 1)], { partitionKey: "2026-11-01" })).rejects.toThrow(/no asset in the run is partitioned/);
  });

  it("gives an unpartitioned step no partition key, and says so when asked", async () => {
    const plain = asset("plain", (ctx) => ctx.hasPartitionKey);
    const result = await materialize([plain]);
    expect(result.assetValue("plain")).toBe(false);
    const asking = asset("asking", (ctx) => ctx.partitionKey);
    await expect(materialize([asking])).rejects.toThrow(/not partitioned, so it has no partitionKey/);
  });

  it("validates dynamic partition keys against the instance, and their names when added", async () => {
    const instance = Instance.ephemeral();
    const customers = new DynamicPartitionsDefinition({ name: "customers" });
    const perCustomer = asset({ name: "per_customer", partitionsDef: customers }, (ctx) => ctx.partitionKey.toUpperCase());
    await expect(materialize([perCustomer], { instance, partitionKey: "acme" })).rejects.toThrow(PartitionKeyNotFoundError);
    await instance.addDynamicPartitions("customers", ["acme", "globex"]);
    expect((await materialize([perCustomer], { instance, partitionKey: "acme" })).assetValue("per_customer", { partitionKey: "acme" })).toBe("ACME");
    await expect(instance.addDynamicPartitions("customers", ["bad...key"])).rejects.toThrow(/\.\.\./);
    await expect(instance.addDynamicPartitions("", ["initech"])).rejects.toThrow(/a name is required/);
    expect(await instance.getDynamicPartitions("customers")).toEqual(["acme", "globex"]);
    expect(await instance.getDynamicPartitions("")).toEqual([]);
  });

  it("rejects at definition time a mapping between incompatible partitions, naming both assets", () => {
    const monthly = new MonthlyPartitionsDefinition({ startDate: "2026-01-01" });
    const regions = new StaticPartitionsDefinition(["emea", "apac"]);
    const byMonth = asset({ name: "by_month", partitionsDef: monthly }, () => 1);
    const byRegion = asset(
      { name: "by_region", partitionsDef: regions, ins: { m: new AssetIn({ key: "by_month", partitionMapping: new StaticPartitionMapping({ "2026-01": "emea" }) }) } },
      () => 1,
    );
    expect(() => new Definitions({ assets: [byMonth, byRegion] })).toThrow(IncompatiblePartitionMappingError);
    expect(() => new Definitions({ assets: [byMonth, byRegion] })).toThrow(/by_month.*by_region|by_region.*by_month/);
  });

  it("runs a partitioned job for one partition and rejects a job mixing partitionings", async () => {
    const sales = asset({ name: "daily_sales", partitionsDef: daily }, (ctx) => ctx.partitionKey);
    const report = asset({ name: "daily_report", partitionsDef: daily, ins: { sales } }, (_ctx, { sales }) => `report for ${sales}`);
    const job = defineAssetJob({ name: "daily_job", partitionsDef: daily });
    const defs = new Definitions({ assets: [sales, report], jobs: [job] });
    const result = await defs.getJobDef("daily_job").executeInProcess({ partitionKey: "2026-11-05", clock: { now: () => at("2026-11-20T00:00:00Z"), sleep: async () => undefined } });
    expect(result.assetValue("daily_report", { partitionKey: "2026-11-05" })).toBe("report for 2026-11-05");
    const monthly = asset({ name: "monthly", partitionsDef: new MonthlyPartitionsDefinition({ startDate: "2026-01-01" }) }, () => 1);
    expect(() => new Definitions({ assets: [sales, monthly], jobs: [defineAssetJob({ name: "mixed" })] })).toThrow(/different partitions/);
  });

  it("keeps one partitioning per definition", () => {
    expect(() => asset({ name: "x", partitionsDef: "daily" as never }, () => 1)).toThrow(InvalidDefinitionError);
    expect(new AssetSpec("ext", { partitionsDef: daily }).partitionsDef).toBe(daily);
  });
});

describe("a run over a range of partitions", () => {
  it("gives the step every key of the range and stores one value per partition, written in one batch", async () => {
    const instance = Instance.ephemeral();
    const sales = asset({ name: "daily_sales", partitionsDef: daily }, (ctx) =>
      Object.fromEntries(ctx.partitionKeys.map((key) => [key, Number(key.slice(-2))])),
    );
    const weekly = asset({ name: "sum_of_days", partitionsDef: daily, ins: { sales } }, (ctx, { sales }) => {
      const byDay = sales as unknown as Record<string, number>;
      return Object.fromEntries(ctx.partitionKeys.map((key) => [key, (byDay[key] ?? 0) * 100]));
    });
    const result = await materialize([sales, weekly], { instance, partitionKeyRange: { start: "2026-11-02", end: "2026-11-04" } });
    expect(result.getAssetMaterializationEvents().map((e) => `${e.assetKey}@${e.partition}`)).toEqual([
      "daily_sales@2026-11-02",
      "daily_sales@2026-11-03",
      "daily_sales@2026-11-04",
      "sum_of_days@2026-11-02",
      "sum_of_days@2026-11-03",
      "sum_of_days@2026-11-04",
    ]);
    expect(result.assetValue("sum_of_days", { partitionKey: "2026-11-03" })).toBe(300);
    expect(result.run.tags).toMatchObject({ "tessera/partition_range_start": "2026-11-02", "tessera/partition_range_end": "2026-11-04" });
    // The step's outputs and materializations for the whole range are stored together, with nothing between them.
    const written = result.allEvents.filter((e) => e.stepKey === "daily_sales" && (e.eventType === "HANDLED_OUTPUT" || e.eventType === "ASSET_MATERIALIZATION"));
    expect(written).toHaveLength(6);
    expect(written.map((e) => e.storageId - (written[0]?.storageId ?? 0))).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...(await instance.getMaterializedPartitions("sum_of_days"))]).toEqual(["2026-11-02", "2026-11-03", "2026-11-04"]);
  });

  it("fails a step of a range that does not return a value for each partition, and refuses ranges out of order", async () => {
    const sales = asset({ name: "daily_sales", partitionsDef: daily }, () => ({ "2026-11-02": 1 }));
    await expect(materialize([sales], { partitionKeyRange: { start: "2026-11-02", end: "2026-11-03" } })).rejects.toThrow(/keyed by partition key; missing: 2026-11-03/);
    await expect(materialize([sales], { partitionKeyRange: { start: "2026-11-05", end: "2026-11-02" } })).rejects.toThrow(InvalidPartitionKeyRangeError);
    await expect(materialize([sales], { partitionKeyRange: { start: "2026-11-05", end: "2026-11-02" } })).rejects.toThrow('"2026-11-05"..."2026-11-02"');
    const one = asset({ name: "one", partitionsDef: daily }, (ctx) => ctx.partitionKey);
    await expect(materialize([one], { partitionKeyRange: { start: "2026-11-02", end: "2026-11-03" } })).rejects.toThrow(/no single partitionKey/);
  });
});
