import { z } from "zod";
import { describe, expect, it } from "vitest";
import { asset } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { BackfillPolicy, DailyPartitionsDefinition, HourlyPartitionsDefinition, InvalidPartitionKeyRangeError, StaticPartitionsDefinition } from "../partitions/index.js";
import { backfillAssetStatuses, backfillLeaseName, launchBackfill, resumeBackfill, submitBackfill, type BackfillAssetStatus } from "./backfill.js";
import { materialize } from "../code-location/index.js";

const daily = new DailyPartitionsDefinition({ startDate: "2026-11-01", endDate: "2026-11-11" });

describe("partition status", () => {
  it("tells materialized, failed and missing partitions apart, updating from new events only", async () => {
    const instance = Instance.ephemeral();
    const sales = asset({ name: "daily_sales", partitionsDef: daily }, (ctx) => {
      if (ctx.partitionKey === "2026-11-03") throw new Error("export missing");
      return 1;
    });
    for (const day of ["2026-11-01", "2026-11-02", "2026-11-03"]) await materialize([sales], { instance, partitionKey: day, raiseOnError: false });
    let status = await instance.getPartitionStatus("daily_sales", daily);
    expect(status.materialized.getPartitionKeys()).toEqual(["2026-11-01", "2026-11-02"]);
    expect(status.failed.getPartitionKeys()).toEqual(["2026-11-03"]);
    expect(status.inProgress.size).toBe(0);
    expect(status.missing.size).toBe(10 - 3);
    const fixed = asset({ name: "daily_sales", partitionsDef: daily }, () => 2);
    await materialize([fixed], { instance, partitionKey: "2026-11-03" });
    status = await instance.getPartitionStatus("daily_sales", daily);
    expect(status.failed.size).toBe(0);
    expect(status.materialized.size).toBe(3);
    const byPartition = await instance.getStatusByPartition("daily_sales", daily);
    expect(byPartition.get("2026-11-03")).toBe("MATERIALIZED");
    expect(byPartition.get("2026-11-09")).toBe("MISSING");
    // The cache moved its cursor: wiping resets it.
    await instance.wipeAssets(["daily_sales"]);
    expect((await instance.getPartitionStatus("daily_sales", daily)).materialized.size).toBe(0);
  });
});

describe("backfills", () => {
  it("runs one partition per run by default, oldest first, and records the backfill", async () => {
    const instance = Instance.ephemeral();
    const seen: string[] = [];
    const sales = asset({ name: "daily_sales", partitionsDef: daily }, (ctx) => (seen.push(ctx.partitionKey), 1));
    const backfill = await launchBackfill(new Definitions({ assets: [sales] }), { instance, partitionRange: { start: "2026-11-02", end: "2026-11-04" } });
    expect(seen).toEqual(["2026-11-02", "2026-11-03", "2026-11-04"]);
    expect(backfill).toMatchObject({ status: "COMPLETED", materializedPartitions: ["2026-11-02", "2026-11-03", "2026-11-04"], failedPartitions: [] });
    expect(backfill.runIds).toHaveLength(3);
    const runs = await instance.getRuns({ tags: { "tessera/backfill": backfill.backfillId } });
    expect(runs.map((r) => r.backfillId)).toEqual([backfill.backfillId, backfill.backfillId, backfill.backfillId]);
    expect((await instance.getBackfill(backfill.backfillId))?.status).toBe("COMPLETED");
  });

  it("follows BackfillPolicy: one run over the range for singleRun, chunks of n for multiRun", async () => {
    const ranges: string[][] = [];
    const single = asset({ name: "single", partitionsDef: daily, backfillPolicy: BackfillPolicy.singleRun() }, (ctx) => {
      ranges.push([...ctx.partitionKeys]);
      return Object.fromEntries(ctx.partitionKeys.map((k) => [k, k]));
    });
    const instance = Instance.ephemeral();
    const one = await launchBackfill(new Definitions({ assets: [single] }), { instance, allPartitions: true });
    expect(one.runIds).toHaveLength(1);
    expect(ranges).toEqual([daily.getPartitionKeys()]);
    const chunked = asset({ name: "chunked", partitionsDef: daily, backfillPolicy: BackfillPolicy.multiRun(4) }, (ctx) =>
      Object.fromEntries(ctx.partitionKeys.map((k) => [k, 1])),
    );
    const four = await launchBackfill(new Definitions({ assets: [chunked] }), { instance, allPartitions: true });
    expect(four.runIds).toHaveLength(3);
  });

  it("sorts the partitions asked for oldest first and gives each contiguous range its own single run", async () => {
    const instance = Instance.ephemeral();
    const ranges: string[][] = [];
    const policy = BackfillPolicy.singleRun();
    const byRange = (ctx: { partitionKeys: readonly string[] }) => (ranges.push([...ctx.partitionKeys]), Object.fromEntries(ctx.partitionKeys.map((k) => [k, 1])));
    const sales = asset({ name: "daily_sales", partitionsDef: daily, backfillPolicy: policy }, byRange);
    const days = await launchBackfill(new Definitions({ assets: [sales] }), { instance, partitionKeys: ["2026-11-09", "2026-11-03", "2026-11-05", "2026-11-02", "2026-11-03"] });
    expect(days.partitionKeys).toEqual(["2026-11-02", "2026-11-03", "2026-11-05", "2026-11-09"]);
    expect(ranges).toEqual([["2026-11-02", "2026-11-03"], ["2026-11-05"], ["2026-11-09"]]);
    ranges.length = 0;
    const regions = new StaticPartitionsDefinition(["emea", "apac", "amer", "anz"]);
    const byRegion = asset({ name: "by_region", partitionsDef: regions, backfillPolicy: policy }, byRange);
    await launchBackfill(new Definitions({ assets: [byRegion] }), { instance, partitionKeys: ["anz", "apac", "emea"] });
    expect(ranges).toEqual([["emea", "apac"], ["anz"]]);
  });

  it("re-runs only the failed partitions of an earlier backfill, and only missing ones on request", async () => {
    const instance = Instance.ephemeral();
    let broken = true;
    const regions = new StaticPartitionsDefinition(["emea", "apac", "amer"]);
    const sales = asset({ name: "sales", partitionsDef: regions }, (ctx) => {
      if (broken && ctx.partitionKey === "apac") throw new Error("apac export late");
      return 1;
    });
    const defs = new Definitions({ assets: [sales] });
    const first = await launchBackfill(defs, { instance, allPartitions: true });
    expect(first).toMatchObject({ status: "COMPLETED_FAILED", failedPartitions: ["apac"], materializedPartitions: ["emea", "amer"] });
    broken = false;
    const retry = await launchBackfill(defs, { instance, fromFailureOf: first.backfillId });
    expect(retry).toMatchObject({ status: "COMPLETED", partitionKeys: ["apac"], fromFailureOf: first.backfillId });
    await expect(launchBackfill(defs, { instance, missingOnly: true })).rejects.toThrow(/no partitions/);
  });

  it("stops before its next run once canceled", async () => {
    const instance = Instance.ephemeral();
    let backfillId = "";
    const sales = asset({ name: "daily_sales", partitionsDef: daily }, async (ctx) => {
      backfillId = ctx.runTags["tessera/backfill"] as string;
      await instance.cancelBackfill(backfillId);
      return 1;
    });
    const backfill = await launchBackfill(new Definitions({ assets: [sales] }), { instance, allPartitions: true });
    expect(backfill.status).toBe("CANCELED");
    expect(backfill.runIds).toHaveLength(1);
  });

  it("refuses selections without partitions, and unknown partitions", async () => {
    const instance = Instance.ephemeral();
    const plain = asset("plain", () => 1);
    const sales = asset({ name: "daily_sales", partitionsDef: daily }, () => 1);
    await expect(launchBackfill(new Definitions({ assets: [plain] }), { instance, allPartitions: true })).rejects.toThrow(/needs partitioned assets/);
    await expect(launchBackfill(new Definitions({ assets: [sales] }), { instance, partitionKeys: ["2027-01-01"] })).rejects.toThrow(
      /"2027-01-01" .* Valid keys run from "2026-11-01" to "2026-11-10"/,
    );
    await expect(launchBackfill(new Definitions({ assets: [sales] }), { instance, partitionRange: { start: "2026-11-05", end: "2026-11-02" } })).rejects.toThrow(
      InvalidPartitionKeyRangeError,
    );
    expect(await instance.getBackfills()).toEqual([]);
    expect(await instance.getRuns()).toEqual([]);
  });
});

describe("backfills mixing partitionings", () => {
  it("runs an unpartitioned asset once, in its own run, and a daily one per partition, with counts per asset", async () => {
    const instance = Instance.ephemeral();
    const plain = asset("plain", () => 1);
    const sales = asset({ name: "daily_sales", partitionsDef: daily, deps: [plain] }, () => 1);
    const assetsSeen: string[][] = [];
    const backfill = await launchBackfill(new Definitions({ assets: [plain, sales] }), {
      instance,
      selection: "*",
      partitionRange: { start: "2026-11-02", end: "2026-11-03" },
      onRun: (_result, partitions, keys) => assetsSeen.push([...keys, ...partitions]),
    });
    expect(backfill.status).toBe("COMPLETED");
    expect(assetsSeen).toEqual([["plain"], ["daily_sales", "2026-11-02"], ["daily_sales", "2026-11-03"]]);
    expect(backfill.partitionKeys).toEqual(["2026-11-02", "2026-11-03"]);
    expect(backfill.assetPartitions).toEqual({
      plain: { targeted: [""], materialized: [""], failed: [] },
      daily_sales: { targeted: ["2026-11-02", "2026-11-03"], materialized: ["2026-11-02", "2026-11-03"], failed: [] },
    });
    expect(backfillAssetStatuses(backfill)).toEqual([
      { assetKey: "plain", partitioned: false, numTargeted: 1, numMaterialized: 1, numFailed: 0, numInProgress: 0 },
      { assetKey: "daily_sales", partitioned: true, numTargeted: 2, numMaterialized: 2, numFailed: 0, numInProgress: 0 },
    ]);
  });

  it("shows the run in progress per asset, and re-runs only what failed, downstream included", async () => {
    const instance = Instance.ephemeral();
    const hourly = new HourlyPartitionsDefinition({ startDate: "2026-11-01-00:00", endDate: "2026-11-02-00:00" });
    const dailyOne = new DailyPartitionsDefinition({ startDate: "2026-11-01", endDate: "2026-11-02" });
    const seen: (readonly BackfillAssetStatus[])[] = [];
    let broken = true;
    const raw = asset({ name: "raw", partitionsDef: hourly }, async (ctx) => {
      const [running] = await instance.getBackfills({ limit: 1 });
      if (running) seen.push(backfillAssetStatuses(running));
      if (broken && ctx.partitionKey === "2026-11-01-01:00") throw new Error("feed late");
      return 1;
    });
    const rollup = asset({ name: "rollup", partitionsDef: dailyOne, deps: [raw] }, () => 2);
    const defs = new Definitions({ assets: [raw, rollup] });
    const first = await launchBackfill(defs, { instance, allPartitions: true });
    expect(first.status).toBe("COMPLETED_FAILED");
    expect(seen[0]?.[0]).toMatchObject({ assetKey: "raw", numTargeted: 24, numInProgress: 1, numMaterialized: 0 });
    expect(seen[2]?.[0]).toMatchObject({ assetKey: "raw", numInProgress: 1, numMaterialized: 1, numFailed: 1 });
    // The daily partition reads the failed hour: it is failed too, never run.
    expect(backfillAssetStatuses(first)).toEqual([
      { assetKey: "raw", partitioned: true, numTargeted: 24, numMaterialized: 23, numFailed: 1, numInProgress: 0 },
      { assetKey: "rollup", partitioned: true, numTargeted: 1, numMaterialized: 0, numFailed: 1, numInProgress: 0 },
    ]);
    expect(first.runIds).toHaveLength(24);
    broken = false;
    const retry = await launchBackfill(defs, { instance, fromFailureOf: first.backfillId });
    expect(retry.status).toBe("COMPLETED");
    expect(retry.assetPartitions).toEqual({
      raw: { targeted: ["2026-11-01-01:00"], materialized: ["2026-11-01-01:00"], failed: [] },
      rollup: { targeted: ["2026-11-01"], materialized: ["2026-11-01"], failed: [] },
    });
  });

  it("missingOnly keeps each asset's own missing partitions; a resumed mixed backfill goes on from its per-asset progress", async () => {
    const instance = Instance.ephemeral();
    const plain = asset("plain", () => 1);
    const sales = asset({ name: "daily_sales", partitionsDef: daily, deps: [plain] }, () => 1);
    const defs = new Definitions({ assets: [plain, sales] });
    await materialize([plain], { instance });
    await materialize([plain, sales], { instance, partitionKey: "2026-11-01", selection: "daily_sales" });
    const queued = await submitBackfill(defs, { instance, selection: "*", missingOnly: true });
    // plain is materialized: only the daily partitions still missing are targeted.
    expect(Object.keys(queued.assetPartitions ?? {})).toEqual(["daily_sales"]);
    expect(queued.assetPartitions?.daily_sales?.targeted).toHaveLength(9);
    // As if a process ran two partitions and died: the daemon resumes the other seven.
    const progress = queued.assetPartitions?.daily_sales as NonNullable<typeof queued.assetPartitions>[string];
    await instance.storage.updateBackfill({
      ...queued,
      status: "IN_PROGRESS",
      assetPartitions: { daily_sales: { ...progress, materialized: progress.targeted.slice(0, 2) } },
      inProgress: { daily_sales: [progress.targeted[2] as string] },
    });
    const done = await resumeBackfill(defs, { instance, backfillId: queued.backfillId });
    expect(done.status).toBe("COMPLETED");
    expect(done.runIds).toHaveLength(7);
    expect(done.inProgress).toBeUndefined();
    expect(backfillAssetStatuses(done)).toEqual([{ assetKey: "daily_sales", partitioned: true, numTargeted: 9, numMaterialized: 9, numFailed: 0, numInProgress: 0 }]);
  });

  it("refuses partition keys when the selection's roots are partitioned differently, naming them", async () => {
    const instance = Instance.ephemeral();
    const a = asset({ name: "a", partitionsDef: new StaticPartitionsDefinition(["x"]) }, () => 1);
    const b = asset({ name: "b", partitionsDef: daily }, () => 1);
    await expect(launchBackfill(new Definitions({ assets: [a, b] }), { instance, partitionKeys: ["x"] })).rejects.toThrow(/roots "a" .* and "b" .* are partitioned differently; backfill allPartitions/);
    expect(await instance.getBackfills()).toEqual([]);
  });
});

describe("queued and resumed backfills", () => {
  it("launchBackfill holds the backfill's lease while it runs, so nobody resumes it, and releases it at the end", async () => {
    const instance = Instance.ephemeral();
    const holders: (string | undefined)[] = [];
    const letters = new StaticPartitionsDefinition(["a", "b"]);
    const parts = asset({ name: "parts", partitionsDef: letters }, async (ctx) => {
      const [backfill] = await instance.getBackfills({ limit: 1 });
      holders.push((await instance.storage.getLease(backfillLeaseName(backfill?.backfillId as string)))?.holder);
      await expect(resumeBackfill(defs, { instance, backfillId: backfill?.backfillId as string, leaseHolder: "other" })).rejects.toThrow(/is being run by .*resumed only once that process stops renewing it/);
      return ctx.partitionKey;
    });
    const defs = new Definitions({ assets: [parts] });
    const backfill = await launchBackfill(defs, { instance, allPartitions: true });
    expect(backfill.status).toBe("COMPLETED");
    expect(holders).toHaveLength(2);
    expect(holders[0]).toMatch(/^.+:\d+:[0-9a-f]{8}$/);
    expect(await instance.storage.getLease(backfillLeaseName(backfill.backfillId))).toBeUndefined();
  });

  it("submitBackfill records REQUESTED with its run config, and resumeBackfill runs it with that config", async () => {
    const instance = Instance.ephemeral();
    const seen: unknown[] = [];
    const letters = new StaticPartitionsDefinition(["a", "b"]);
    const parts = asset({ name: "parts", partitionsDef: letters, config: z.object({ factor: z.number() }) }, (ctx) => {
      seen.push(ctx.config);
      return 1;
    });
    const defs = new Definitions({ assets: [parts] });
    const queued = await submitBackfill(defs, { instance, partitionKeys: ["b", "a"], runConfig: { ops: { parts: { config: { factor: 3 } } } } });
    expect([queued.status, queued.partitionKeys, queued.runIds]).toEqual(["REQUESTED", ["a", "b"], []]);
    expect(seen).toEqual([]);
    const done = await resumeBackfill(defs, { instance, backfillId: queued.backfillId });
    expect([done.status, done.materializedPartitions]).toEqual(["COMPLETED", ["a", "b"]]);
    expect(seen).toEqual([{ factor: 3 }, { factor: 3 }]);
    // Ended backfills are left as they are.
    expect((await resumeBackfill(defs, { instance, backfillId: queued.backfillId })).runIds).toEqual(done.runIds);
  });

  it("resumeBackfill of an unknown id names the fix", async () => {
    const defs = new Definitions({ assets: [asset({ name: "p", partitionsDef: new StaticPartitionsDefinition(["a"]) }, () => 1)] });
    await expect(resumeBackfill(defs, { instance: Instance.ephemeral(), backfillId: "nope" })).rejects.toThrow(/No backfill with id "nope".*tessera backfill list/);
  });
});
