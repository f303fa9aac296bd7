import { describe, expect, it } from "vitest";
import { AssetDep, AssetIn, asset } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import {
  BackfillPolicy,
  DailyPartitionsDefinition,
  IdentityPartitionMapping,
  MultiPartitionMapping,
  MultiPartitionsDefinition,
  StaticPartitionsDefinition,
  TimeWindowPartitionMapping,
} from "../partitions/index.js";
import { launchBackfill } from "./backfill.js";

const daily = new DailyPartitionsDefinition({ startDate: "2026-11-01", endDate: "2026-11-11" });
const previousDay = (allowNonexistentUpstreamPartitions: boolean) =>
  new TimeWindowPartitionMapping({ startOffset: -1, endOffset: -1, allowNonexistentUpstreamPartitions });

/** A running total: each day adds its day number to the previous day's total. */
function runningTotal(seen: { partition: string; prev: unknown }[], allow = true) {
  return asset(
    { name: "total", partitionsDef: daily, ins: { prev: new AssetIn<number | undefined>({ key: "total", partitionMapping: previousDay(allow) }) } },
    (ctx, { prev }) => {
      seen.push({ partition: ctx.partitionKey, prev });
      return (prev ?? 0) + Number(ctx.partitionKey.slice(-2));
    },
  );
}

describe("a self-dependent asset", () => {
  it("loads its previous partition through the IO manager, and nothing for the first one when nonexistent partitions are allowed", async () => {
    const instance = Instance.ephemeral();
    const seen: { partition: string; prev: unknown }[] = [];
    const defs = new Definitions({ assets: [runningTotal(seen)] });
    const first = await defs.materialize(["total"], { instance, partitionKey: "2026-11-01" });
    expect(first.assetValue("total", { partitionKey: "2026-11-01" })).toBe(1);
    const second = await defs.materialize(["total"], { instance, partitionKey: "2026-11-02" });
    expect(second.assetValue("total", { partitionKey: "2026-11-02" })).toBe(3);
    expect(seen).toEqual([
      { partition: "2026-11-01", prev: undefined },
      { partition: "2026-11-02", prev: 1 },
    ]);
  });

  it("gets nothing for its first partition even without allowNonexistentUpstreamPartitions, as the reference clamps offsets to the definition's bounds", async () => {
    const instance = Instance.ephemeral();
    const seen: { partition: string; prev: unknown }[] = [];
    const defs = new Definitions({ assets: [runningTotal(seen, false)] });
    const result = await defs.materialize(["total"], { instance, partitionKey: "2026-11-01" });
    expect(result.assetValue("total", { partitionKey: "2026-11-01" })).toBe(1);
    expect(seen).toEqual([{ partition: "2026-11-01", prev: undefined }]);
  });

  it("fails a later partition whose previous one was never materialized, through the IO manager", async () => {
    const instance = Instance.ephemeral();
    const defs = new Definitions({ assets: [runningTotal([])] });
    const result = await defs.materialize(["total"], { instance, partitionKey: "2026-11-05", raiseOnError: false });
    expect(result.success).toBe(false);
    expect(result.allEvents.find((e) => e.eventType === "STEP_FAILURE")?.message).toMatch(/2026-11-04/);
  });

  it("over two dimensions, reads the previous day of the same region", async () => {
    const multi = new MultiPartitionsDefinition({ date: daily, region: new StaticPartitionsDefinition(["emea", "apac"]) });
    const mapping = new MultiPartitionMapping({
      date: { dimensionName: "date", partitionMapping: previousDay(false) },
      region: { dimensionName: "region", partitionMapping: new IdentityPartitionMapping() },
    });
    const seen: unknown[] = [];
    const byRegion = asset({ name: "by_region", partitionsDef: multi, ins: { prev: new AssetIn({ key: "by_region", partitionMapping: mapping }) } }, (ctx, { prev }) => {
      seen.push([ctx.partitionKey, prev]);
      return ctx.partitionKey;
    });
    const defs = new Definitions({ assets: [byRegion] });
    const instance = Instance.ephemeral();
    for (const key of ["2026-11-01|emea", "2026-11-01|apac", "2026-11-02|emea"]) await defs.materialize(["by_region"], { instance, partitionKey: key });
    expect(seen).toEqual([
      ["2026-11-01|emea", undefined],
      ["2026-11-01|apac", undefined],
      ["2026-11-02|emea", "2026-11-01|emea"],
    ]);
  });

  it("declared as an AssetDep (no value loaded), is materialized", async () => {
    const instance = Instance.ephemeral();
    const marker = asset({ name: "marker", partitionsDef: daily, deps: [new AssetDep("marker", { partitionMapping: previousDay(true) })] }, (ctx) => ctx.partitionKey);
    const result = await new Definitions({ assets: [marker] }).materialize(["marker"], { instance, partitionKey: "2026-11-03" });
    expect(result.assetValue("marker", { partitionKey: "2026-11-03" })).toBe("2026-11-03");
  });
});

describe("backfilling a self-dependent asset", () => {
  it("runs one partition per run, oldest first, each reading the total the previous run stored", async () => {
    const instance = Instance.ephemeral();
    const seen: { partition: string; prev: unknown }[] = [];
    const backfill = await launchBackfill(new Definitions({ assets: [runningTotal(seen)] }), {
      instance,
      partitionKeys: ["2026-11-04", "2026-11-02", "2026-11-01", "2026-11-03"],
    });
    expect(backfill.status).toBe("COMPLETED");
    expect(backfill.runIds).toHaveLength(4);
    expect(seen).toEqual([
      { partition: "2026-11-01", prev: undefined },
      { partition: "2026-11-02", prev: 1 },
      { partition: "2026-11-03", prev: 3 },
      { partition: "2026-11-04", prev: 6 },
    ]);
  });

  it("with multiRun(n), runs chunks of n in order, each chunk reading the partition before it", async () => {
    const instance = Instance.ephemeral();
    const calls: { keys: readonly string[]; prev: unknown }[] = [];
    const chunked = asset(
      {
        name: "total",
        partitionsDef: daily,
        backfillPolicy: BackfillPolicy.multiRun(2),
        ins: { prev: new AssetIn<number | undefined>({ key: "total", partitionMapping: previousDay(true) }) },
      },
      (ctx, { prev }) => {
        calls.push({ keys: ctx.partitionKeys, prev });
        let total = prev ?? 0;
        return Object.fromEntries(ctx.partitionKeys.map((k) => [k, (total += Number(k.slice(-2)))]));
      },
    );
    const backfill = await launchBackfill(new Definitions({ assets: [chunked] }), { instance, partitionRange: { start: "2026-11-01", end: "2026-11-05" } });
    expect(backfill.runIds).toHaveLength(3);
    // The chunk's own partitions are not loaded (they are being written); the one before the chunk is.
    expect(calls).toEqual([
      { keys: ["2026-11-01", "2026-11-02"], prev: undefined },
      { keys: ["2026-11-03", "2026-11-04"], prev: 3 },
      { keys: ["2026-11-05"], prev: 10 },
    ]);
  });

  it("with singleRun(), runs the whole range in one run, as the reference does since it handles the range itself", async () => {
    const instance = Instance.ephemeral();
    const runs: { keys: readonly string[]; prev: unknown }[] = [];
    const single = asset(
      {
        name: "total",
        partitionsDef: daily,
        backfillPolicy: BackfillPolicy.singleRun(),
        ins: { prev: new AssetIn<number | undefined>({ key: "total", partitionMapping: previousDay(true) }) },
      },
      (ctx, { prev }) => {
        runs.push({ keys: ctx.partitionKeys, prev });
        let total = prev ?? 0;
        if (ctx.partitionKeys.length === 1) return total + Number(ctx.partitionKey.slice(-2));
        return Object.fromEntries(ctx.partitionKeys.map((k) => [k, (total += Number(k.slice(-2)))]));
      },
    );
    const defs = new Definitions({ assets: [single] });
    await defs.materialize(["total"], { instance, partitionKey: "2026-11-01" });
    const backfill = await launchBackfill(defs, { instance, partitionRange: { start: "2026-11-02", end: "2026-11-04" } });
    expect(backfill).toMatchObject({ status: "COMPLETED", materializedPartitions: ["2026-11-02", "2026-11-03", "2026-11-04"] });
    expect(backfill.runIds).toHaveLength(1);
    // The run reads the partition before its range from storage (the range's own are being written).
    expect(runs).toEqual([{ keys: ["2026-11-01"], prev: undefined }, { keys: ["2026-11-02", "2026-11-03", "2026-11-04"], prev: 1 }]);
    expect(await defs.loadAssetValue("total", { instance, partitionKey: "2026-11-04" })).toBe(10);
  });
});
