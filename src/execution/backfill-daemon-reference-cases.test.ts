// Asset-backfill cases of Dagster's daemon_tests/test_backfill.py, ported: a backfill submitted for the daemon
// (REQUESTED) and run by resumeBackfill, as `tessera daemon`'s backfills loop does.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { asset } from "../definitions/index.js";
import { AssetDep } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { BackfillPolicy, DailyPartitionsDefinition, HourlyPartitionsDefinition, MultiPartitionsDefinition, StaticPartitionMapping, StaticPartitionsDefinition, TimeWindowPartitionMapping } from "../partitions/index.js";
import { backfillAssetStatuses, launchBackfill, resumeBackfill, submitBackfill } from "./backfill.js";

describe("reference cases: daemon_tests/test_backfill.py", () => {
  it("test_pure_asset_backfill_with_multiple_assets_selected", async () => {
    const instance = Instance.ephemeral();
    const partitionsA = new StaticPartitionsDefinition(["foo_a"]);
    const assetA = asset({ name: "asset_a", partitionsDef: partitionsA }, () => 1);
    const assetB = asset({ name: "asset_b", partitionsDef: new StaticPartitionsDefinition(["foo_b"]), deps: [new AssetDep("asset_a", { partitionMapping: new StaticPartitionMapping({ foo_a: "foo_b" }) })] }, () => 2);
    const assetC = asset({ name: "asset_c", partitionsDef: new StaticPartitionsDefinition(["foo_c"]), deps: [new AssetDep("asset_a", { partitionMapping: new StaticPartitionMapping({ foo_a: "foo_c" }) })] }, () => 3);
    const defs = new Definitions({ assets: [assetA, assetB, assetC] });
    const queued = await submitBackfill(defs, { instance, selection: ["asset_a", "asset_b", "asset_c"], partitionKeys: partitionsA.getPartitionKeys(), tags: { custom_tag_key: "custom_tag_value" } });
    expect(queued.status).toBe("REQUESTED");
    expect(await instance.getRuns()).toEqual([]);
    const done = await resumeBackfill(defs, { instance, backfillId: queued.backfillId });
    expect(done.status).toBe("COMPLETED");
    // asset_a first, alone; then asset_b and asset_c, each in a run of its own partitioning.
    const runs = await Promise.all(done.runIds.map(async (id) => instance.getRunById(id)));
    expect(runs.map((r) => r?.assetSelection)).toEqual([["asset_a"], ["asset_b"], ["asset_c"]]);
    for (const run of runs) {
      expect(run?.status).toBe("SUCCESS");
      expect(run?.tags).toMatchObject({ "tessera/backfill": queued.backfillId, custom_tag_key: "custom_tag_value" });
    }
  });

  it("test_failure_backfill (on assets: the failed asset partitions and those downstream, then from failure)", async () => {
    const instance = Instance.ephemeral();
    let failing = true;
    const letters = new StaticPartitionsDefinition(["one", "two", "three"]);
    const alwaysSucceed = asset({ name: "always_succeed", partitionsDef: letters }, () => 1);
    const conditionallyFail = asset({ name: "conditionally_fail", partitionsDef: letters, deps: [alwaysSucceed] }, () => {
      if (failing) throw new Error("blah");
      return 1;
    });
    const afterFailure = asset({ name: "after_failure", partitionsDef: letters, deps: [conditionallyFail] }, () => 1);
    const defs = new Definitions({ assets: [alwaysSucceed, conditionallyFail, afterFailure] });
    const first = await launchBackfill(defs, { instance, partitionKeys: ["one", "two", "three"] });
    expect(first.status).toBe("COMPLETED_FAILED");
    expect(backfillAssetStatuses(first).map((s) => [s.assetKey, s.numMaterialized, s.numFailed])).toEqual([
      ["always_succeed", 3, 0],
      ["conditionally_fail", 0, 3],
      ["after_failure", 0, 3],
    ]);
    failing = false;
    const retry = await launchBackfill(defs, { instance, fromFailureOf: first.backfillId });
    expect(retry.status).toBe("COMPLETED");
    // The retry runs what failed only, one run per partition: always_succeed is not run again.
    const runs = await Promise.all(retry.runIds.map(async (id) => instance.getRunById(id)));
    expect(runs.map((r) => [r?.partitionKey, r?.assetSelection, r?.status])).toEqual(
      ["one", "two", "three"].map((k) => [k, ["conditionally_fail", "after_failure"], "SUCCESS"]),
    );
    expect(Object.keys(retry.assetPartitions ?? {})).toEqual(["conditionally_fail", "after_failure"]);
  });

  it("test_pure_asset_backfill: one run per partition holding the three assets, then COMPLETED", async () => {
    const instance = Instance.ephemeral();
    const letters = new StaticPartitionsDefinition(["x", "y", "z"]);
    const foo = asset({ name: "foo", partitionsDef: letters }, () => 1);
    const a1 = asset({ name: "a1", partitionsDef: letters, deps: [foo] }, () => 2);
    const bar = asset({ name: "bar", partitionsDef: letters, deps: [a1] }, () => 3);
    const defs = new Definitions({ assets: [foo, a1, bar] });
    const queued = await submitBackfill(defs, { instance, selection: ["foo", "a1", "bar"], partitionKeys: letters.getPartitionKeys(), tags: { custom_tag_key: "custom_tag_value" } });
    expect(queued.status).toBe("REQUESTED");
    expect(await instance.getRuns()).toEqual([]);
    const done = await resumeBackfill(defs, { instance, backfillId: queued.backfillId });
    expect(done.status).toBe("COMPLETED");
    // The reference's backfill_end_timestamp: the record's last update, once it completed.
    expect(done.updateTime).toBeGreaterThanOrEqual(done.createTime);
    const runs = await Promise.all(done.runIds.map(async (id) => instance.getRunById(id)));
    expect(runs.map((r) => [r?.partitionKey, r?.assetSelection, r?.status])).toEqual(["x", "y", "z"].map((k) => [k, ["foo", "a1", "bar"], "SUCCESS"]));
    for (const run of runs) expect(run?.tags).toMatchObject({ "tessera/backfill": queued.backfillId, custom_tag_key: "custom_tag_value" });
    for (const key of ["foo", "a1", "bar"]) expect([...(await instance.getMaterializedPartitions(key))].sort()).toEqual(["x", "y", "z"]);
  });

  it("test_asset_backfill_cancellation: canceled while its first run is in progress, it launches no other run and ends CANCELED", async () => {
    const instance = Instance.ephemeral();
    const partitionsA = new StaticPartitionsDefinition(["foo_a"]);
    // The reference marks the backfill CANCELING once its first run has started; here asset_a's compute does it.
    const assetA = asset({ name: "asset_a", partitionsDef: partitionsA }, async (ctx) => {
      await instance.cancelBackfill(ctx.runTags["tessera/backfill"] as string);
      return 1;
    });
    const assetB = asset({ name: "asset_b", partitionsDef: new StaticPartitionsDefinition(["foo_b"]), deps: [new AssetDep("asset_a", { partitionMapping: new StaticPartitionMapping({ foo_a: "foo_b" }) })] }, () => 2);
    const assetC = asset({ name: "asset_c", partitionsDef: new StaticPartitionsDefinition(["foo_c"]), deps: [new AssetDep("asset_a", { partitionMapping: new StaticPartitionMapping({ foo_a: "foo_c" }) })] }, () => 3);
    const defs = new Definitions({ assets: [assetA, assetB, assetC] });
    const queued = await submitBackfill(defs, { instance, selection: ["asset_a", "asset_b", "asset_c"], partitionKeys: partitionsA.getPartitionKeys() });
    const done = await resumeBackfill(defs, { instance, backfillId: queued.backfillId });
    expect([done.status, (await instance.getBackfill(queued.backfillId))?.status]).toEqual(["CANCELED", "CANCELED"]);
    expect(done.runIds).toHaveLength(1);
    expect((await instance.getRunById(done.runIds[0] as string))?.assetSelection).toEqual(["asset_a"]);
    expect(await instance.getRuns()).toHaveLength(1);
  });

  it("test_asset_backfill_submit_runs_in_chunks (the runs and requested partitions; chunks of submission have no equivalent)", async () => {
    const instance = Instance.ephemeral();
    const daily = new DailyPartitionsDefinition({ startDate: "2023-01-01" });
    const daily1 = asset({ name: "daily_1", partitionsDef: daily }, () => 1);
    const daily2 = asset({ name: "daily_2", partitionsDef: daily, deps: [daily1] }, () => 2);
    const defs = new Definitions({ assets: [daily1, daily2] });
    const targets = daily.getPartitionKeys().slice(0, 5);
    const done = await launchBackfill(defs, { instance, selection: ["daily_1", "daily_2"], partitionKeys: targets });
    expect(done.status).toBe("COMPLETED");
    expect(backfillAssetStatuses(done).map((s) => [s.assetKey, s.numTargeted, s.numMaterialized])).toEqual([
      ["daily_1", 5, 5],
      ["daily_2", 5, 5],
    ]);
    expect(await instance.getRuns()).toHaveLength(targets.length);
  });

  describe("backfill policies (the reference's daily assets from 2023-01-01)", () => {
    const daily = new DailyPartitionsDefinition({ startDate: "2023-01-01" });
    const singleRun = asset({ name: "asset_with_single_run_backfill_policy", partitionsDef: daily, backfillPolicy: BackfillPolicy.singleRun() }, (ctx) =>
      Object.fromEntries(ctx.partitionKeys.map((k) => [k, 1])),
    );
    const multiRun = asset({ name: "asset_with_multi_run_backfill_policy", partitionsDef: daily, backfillPolicy: BackfillPolicy.multiRun() }, () => 1);
    const rangeTags = async (instance: Instance, runIds: readonly string[]): Promise<(string | undefined)[][]> =>
      Promise.all(runIds.map(async (id) => {
        const tags = (await instance.getRunById(id))?.tags ?? {};
        return [tags["tessera/partition_range_start"], tags["tessera/partition_range_end"]];
      }));

    it("test_asset_backfill_with_single_run_backfill_policy and test_asset_backfill_from_asset_graph_subset_with_single_run_backfill_policy: one run over the range", async () => {
      const instance = Instance.ephemeral();
      const partitions = ["2023-01-01", "2023-01-02", "2023-01-03", "2023-01-04", "2023-01-05"];
      const defs = new Definitions({ assets: [singleRun, multiRun] });
      const queued = await submitBackfill(defs, { instance, partitionsByAsset: { asset_with_single_run_backfill_policy: partitions } });
      expect([queued.status, queued.assetSelection]).toEqual(["REQUESTED", ["asset_with_single_run_backfill_policy"]]);
      const done = await resumeBackfill(defs, { instance, backfillId: queued.backfillId });
      expect(done.status).toBe("COMPLETED");
      expect(await rangeTags(instance, done.runIds)).toEqual([["2023-01-01", "2023-01-05"]]);
    });

    it("test_asset_backfill_with_multi_run_backfill_policy: multiRun() runs one partition per run", async () => {
      const instance = Instance.ephemeral();
      const partitions = ["2023-01-01", "2023-01-02", "2023-01-03", "2023-01-04"];
      const defs = new Definitions({ assets: [singleRun, multiRun] });
      const done = await launchBackfill(defs, { instance, selection: ["asset_with_multi_run_backfill_policy"], partitionKeys: partitions });
      expect(done.status).toBe("COMPLETED");
      const runs = await Promise.all(done.runIds.map(async (id) => instance.getRunById(id)));
      expect(runs.map((r) => r?.partitionKey).sort()).toEqual(partitions);
      expect(backfillAssetStatuses(done).map((s) => [s.assetKey, s.numTargeted, s.numMaterialized])).toEqual([["asset_with_multi_run_backfill_policy", 4, 4]]);
    });

    it("test_complex_asset_with_backfill_policy: a single-run asset reading its upstream's range and its own previous day runs after it, in one run", async () => {
      const instance = Instance.ephemeral();
      const partitions = ["2023-01-01", "2023-01-02", "2023-01-03"];
      const complex = asset(
        {
          name: "complex_asset_with_backfill_policy",
          partitionsDef: daily,
          backfillPolicy: BackfillPolicy.singleRun(),
          deps: [singleRun, new AssetDep("complex_asset_with_backfill_policy", { partitionMapping: new TimeWindowPartitionMapping({ startOffset: -1, endOffset: -1 }) })],
        },
        async (ctx) => {
          const statuses = await ctx.instance.getStatusByPartition("asset_with_single_run_backfill_policy", daily);
          for (const key of ctx.partitionKeys) expect(statuses.get(key)).toBe("MATERIALIZED");
          return Object.fromEntries(ctx.partitionKeys.map((k) => [k, 1]));
        },
      );
      const defs = new Definitions({ assets: [singleRun, multiRun, complex] });
      const queued = await submitBackfill(defs, {
        instance,
        partitionsByAsset: { asset_with_single_run_backfill_policy: partitions, complex_asset_with_backfill_policy: partitions },
      });
      expect(queued.assetSelection).toEqual(["asset_with_single_run_backfill_policy", "complex_asset_with_backfill_policy"]);
      const done = await resumeBackfill(defs, { instance, backfillId: queued.backfillId });
      expect(done.status).toBe("COMPLETED");
      const runs = await Promise.all(done.runIds.map(async (id) => instance.getRunById(id)));
      // The reference launches two runs (the upstream's range, then the downstream's); Tessera runs both assets in one
      // run over the range, its step for the downstream after the upstream's (see docs/fidelity.md). Either way the
      // downstream's compute finds every upstream partition MATERIALIZED in the instance.
      expect(runs.map((r) => [r?.assetSelection, r?.status])).toEqual([[["asset_with_single_run_backfill_policy", "complex_asset_with_backfill_policy"], "SUCCESS"]]);
      expect(await rangeTags(instance, done.runIds)).toEqual([["2023-01-01", "2023-01-03"]]);
    });
  });

  describe("definitions changed since the backfill was stored: resuming refuses it, naming what changed, and marks it FAILED", () => {
    const stored = async (instance: Instance, defs: Definitions, partitionKeys: string[]): Promise<string> => (await submitBackfill(defs, { instance, partitionKeys })).backfillId;
    const daily = asset({ name: "time_partitions_def_changes", partitionsDef: new DailyPartitionsDefinition({ startDate: "2023-01-01" }) }, () => 1);

    it("test_raise_error_on_target_static_partition_removed: fine while every targeted key exists, refused once one is gone", async () => {
      const instance = Instance.ephemeral();
      const before = new Definitions({ assets: [asset({ name: "static_partition_removed", partitionsDef: new StaticPartitionsDefinition(["a", "b", "c"]) }, () => 1)] });
      const after = new Definitions({ assets: [asset({ name: "static_partition_removed", partitionsDef: new StaticPartitionsDefinition(["a", "b"]) }, () => 1)] });
      expect((await resumeBackfill(after, { instance, backfillId: await stored(instance, before, ["a"]) })).status).toBe("COMPLETED");
      const removed = await stored(instance, before, ["c"]);
      await expect(resumeBackfill(after, { instance, backfillId: removed })).rejects.toThrow(/Partition key "c" is not a partition/);
      expect(await instance.getBackfill(removed)).toMatchObject({ status: "FAILED", error: expect.stringMatching(/"c"/) });
    });

    it("test_raise_error_on_asset_backfill_partitions_defs_changes: a time partition no longer defined", async () => {
      const instance = Instance.ephemeral();
      const later = asset({ name: "time_partitions_def_changes", partitionsDef: new DailyPartitionsDefinition({ startDate: "2023-01-02" }) }, () => 1);
      const id = await stored(instance, new Definitions({ assets: [daily] }), ["2023-01-01"]);
      await expect(resumeBackfill(new Definitions({ assets: [later] }), { instance, backfillId: id })).rejects.toThrow(/"2023-01-01" is not a partition.*before the first partition/);
      expect((await instance.getBackfill(id))?.status).toBe("FAILED");
    });

    it("test_raise_error_on_partitions_defs_removed: an asset partitioned when stored, unpartitioned now", async () => {
      const instance = Instance.ephemeral();
      const id = await stored(instance, new Definitions({ assets: [daily] }), ["2023-01-01"]);
      const unpartitioned = asset({ name: "time_partitions_def_changes" }, () => 1);
      await expect(resumeBackfill(new Definitions({ assets: [unpartitioned] }), { instance, backfillId: id })).rejects.toThrow(/"time_partitions_def_changes" are not partitioned alike now/);
      expect((await instance.getBackfill(id))?.status).toBe("FAILED");
    });

    it("test_error_code_location: an asset of the backfill no longer defined", async () => {
      const instance = Instance.ephemeral();
      const id = await stored(instance, new Definitions({ assets: [daily] }), ["2023-01-01"]);
      const other = asset({ name: "other", partitionsDef: new DailyPartitionsDefinition({ startDate: "2023-01-01" }) }, () => 1);
      await expect(resumeBackfill(new Definitions({ assets: [other] }), { instance, backfillId: id })).rejects.toThrow(/Asset "time_partitions_def_changes" in backfill .* is not defined/);
      expect((await instance.getBackfill(id))?.status).toBe("FAILED");
    });
  });

  it("test_asset_backfill_from_asset_graph_subset_with_static_and_time_partitions: per-asset partitions of two partitionings, 3 + 5 runs", async () => {
    const instance = Instance.ephemeral();
    const letters = new StaticPartitionsDefinition(["x", "y", "z"]);
    const foo = asset({ name: "foo", partitionsDef: letters }, () => 1);
    const a1 = asset({ name: "a1", partitionsDef: letters, deps: [foo] }, () => 2);
    const bar = asset({ name: "bar", partitionsDef: letters, deps: [a1] }, () => 3);
    const daily = new DailyPartitionsDefinition({ startDate: "2023-01-01" });
    const daily1 = asset({ name: "daily_1", partitionsDef: daily }, () => 1);
    const daily2 = asset({ name: "daily_2", partitionsDef: daily, deps: [daily1] }, () => 2);
    const defs = new Definitions({ assets: [foo, a1, bar, daily1, daily2] });
    const days = daily.getPartitionKeys().slice(0, 5);
    const queued = await submitBackfill(defs, {
      instance,
      partitionsByAsset: { foo: letters.getPartitionKeys(), a1: letters.getPartitionKeys(), bar: letters.getPartitionKeys(), daily_1: days, daily_2: days },
      tags: { custom_tag_key: "custom_tag_value" },
    });
    expect(queued.status).toBe("REQUESTED");
    const done = await resumeBackfill(defs, { instance, backfillId: queued.backfillId });
    expect(done.status).toBe("COMPLETED");
    const runs = await Promise.all(done.runIds.map(async (id) => instance.getRunById(id)));
    expect(runs).toHaveLength(8);
    for (const run of runs) expect(run?.tags).toMatchObject({ "tessera/backfill": queued.backfillId, custom_tag_key: "custom_tag_value" });
    expect(runs.filter((r) => r?.assetSelection.join() === "foo,a1,bar")).toHaveLength(3);
    expect(runs.filter((r) => r?.assetSelection.join() === "daily_1,daily_2")).toHaveLength(5);
  });

  it("test_asset_backfill_with_run_config_simple: the backfill's run config reaches every run (4 hourly runs, then the daily one)", async () => {
    const instance = Instance.ephemeral();
    const seen: unknown[] = [];
    const hourly = asset({ name: "hourly", partitionsDef: new HourlyPartitionsDefinition({ startDate: "2023-10-01-00:00" }), config: z.object({ a: z.number() }) }, (ctx) => {
      seen.push(ctx.config);
      return 1;
    });
    const daily = asset({ name: "daily", partitionsDef: new DailyPartitionsDefinition({ startDate: "2023-10-01" }), deps: [hourly], config: z.object({ b: z.string() }) }, (ctx) => {
      seen.push(ctx.config);
      return 2;
    });
    const defs = new Definitions({ assets: [hourly, daily] });
    const runConfig = { ops: { hourly: { config: { a: 0 } }, daily: { config: { b: "b" } } } };
    const queued = await submitBackfill(defs, {
      instance,
      partitionsByAsset: { hourly: ["2023-11-01-00:00", "2023-11-01-01:00", "2023-11-01-02:00", "2023-11-01-03:00"], daily: ["2023-11-01"] },
      runConfig,
    });
    expect(queued.status).toBe("REQUESTED");
    const done = await resumeBackfill(defs, { instance, backfillId: queued.backfillId });
    expect(done.status).toBe("COMPLETED");
    const runs = await Promise.all(done.runIds.map(async (id) => instance.getRunById(id)));
    expect(runs.map((r) => r?.assetSelection.join())).toEqual(["hourly", "hourly", "hourly", "hourly", "daily"]);
    for (const run of runs) expect([run?.status, run?.runConfig]).toEqual(["SUCCESS", runConfig]);
    expect(seen).toEqual([{ a: 0 }, { a: 0 }, { a: 0 }, { a: 0 }, { b: "b" }]);
  });

  describe("multi-partitioned assets (days from 2023-01-01 × x, y, z)", () => {
    const multi = new MultiPartitionsDefinition({ day: new DailyPartitionsDefinition({ startDate: "2023-01-01" }), name: new StaticPartitionsDefinition(["x", "y", "z"]) });

    it("test_multi_partitioned_asset_backfill: one run per key", async () => {
      const instance = Instance.ephemeral();
      const multiAssetDef = asset({ name: "multi_partitioned_asset", partitionsDef: multi }, () => 1);
      const defs = new Definitions({ assets: [multiAssetDef] });
      const targets = multi.getPartitionKeys().slice(0, 4);
      const queued = await submitBackfill(defs, { instance, selection: ["multi_partitioned_asset"], partitionKeys: targets, tags: { custom_tag_key: "custom_tag_value" } });
      const done = await resumeBackfill(defs, { instance, backfillId: queued.backfillId });
      expect(done.status).toBe("COMPLETED");
      const runs = await Promise.all(done.runIds.map(async (id) => instance.getRunById(id)));
      expect(runs.map((r) => r?.partitionKey).sort()).toEqual([...targets].sort());
      for (const run of runs) expect(run?.tags).toMatchObject({ "tessera/backfill": queued.backfillId, custom_tag_key: "custom_tag_value" });
    });

    it("test_multi_partitioned_asset_with_single_run_bp_backfill: a single-run policy runs one range per day, materializing exactly the keys asked for", async () => {
      const instance = Instance.ephemeral();
      const singleRunMulti = asset({ name: "multi_partitioned_asset_with_single_run_bp", partitionsDef: multi, backfillPolicy: BackfillPolicy.singleRun() }, (ctx) =>
        Object.fromEntries(ctx.partitionKeys.map((k) => [k, 1])),
      );
      const defs = new Definitions({ assets: [singleRunMulti] });
      const targets = ["2023-01-01|x", "2023-01-02|x", "2023-01-01|z", "2023-01-01|y"];
      const done = await launchBackfill(defs, { instance, partitionKeys: targets });
      expect(done.status).toBe("COMPLETED");
      // A run of one key carries it as its partition key (the reference: a range from it to itself).
      const ranges = await Promise.all(done.runIds.map(async (id) => {
        const run = await instance.getRunById(id);
        const tags = run?.tags ?? {};
        return [tags["tessera/partition_range_start"] ?? run?.partitionKey, tags["tessera/partition_range_end"] ?? run?.partitionKey];
      }));
      // A range of multi-partition keys is a box (each dimension from its start to its end key), so the keys go
      // in one range per day, as the reference's ranges per primary key.
      expect(ranges.sort()).toEqual([
        ["2023-01-01|x", "2023-01-01|z"],
        ["2023-01-02|x", "2023-01-02|x"],
      ]);
      expect([...(await instance.getMaterializedPartitions("multi_partitioned_asset_with_single_run_bp"))].sort()).toEqual([...targets].sort());
    });
  });
});
