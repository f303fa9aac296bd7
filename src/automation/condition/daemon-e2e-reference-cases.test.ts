// Cases of Dagster's declarative_automation_tests/daemon_tests/test_e2e.py, ported to Tessera's API: the daemon ticks
// the automation condition sensors of one code location, with time moved by hand; each case looks at what the latest
// tick of each sensor launched, as the reference's `_get_runs_for_latest_ticks` / `_get_backfills_for_latest_ticks`.
import { afterEach, describe, expect, it } from "vitest";
import {
  AssetCheckResult,
  AssetCheckSpec,
  AutomationCondition,
  AutomationConditionSensorDefinition,
  DataVersion,
  DataVersionsByPartition,
  AssetSelection,
  AssetSpec,
  DailyPartitionsDefinition,
  DynamicPartitionsDefinition,
  HourlyPartitionsDefinition,
  Instance,
  ManualClock,
  MaterializeResult,
  StaticPartitionsDefinition,
  asset,
  assetCheck,
  multiAsset,
  observableSourceAsset,
  type AssetCheckKeyLike,
  type PartitionsDefinition,
} from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AutomationTags } from "../../definitions/index.js";
import type { BackfillRecord, RunRecord } from "../../storage/index.js";
import { Daemon, setInstigatorStatus } from "../daemon/index.js";
import { report } from "./test-scenario.js";

const CHECK_SELECTION_TAG = "tessera/asset_check_selection";
const open: Daemon[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
});

/**
 * One code location under a daemon, every automation sensor started (the reference's `_setup_instance`). `tick()`
 * runs one iteration at the clock's time and waits for the runs it launched, as the reference's synchronous run
 * launcher does; `latest()` reads what the newest tick of each automation sensor launched.
 */
async function location(defs: Definitions, start: number, shared?: { instance: Instance; clock: ManualClock; name: string }) {
  const clock = shared?.clock ?? new ManualClock(start);
  const instance = shared?.instance ?? Instance.ephemeral({ clock });
  // Daemons of several code locations on one instance each hold a lease of their own.
  const daemon = new Daemon({ instance, defs, clock, holder: "e2e", leaseTtlMs: 3_600_000 * 24, intervalMs: 5_000, ...(shared ? { leaseName: `daemon:${shared.name}` } : {}) });
  open.push(daemon);
  for (const s of daemon.automationSensors) await setInstigatorStatus(instance, defs, "sensor", s.name, "RUNNING");
  const latestTicks = async () => {
    const ticks = [];
    for (const s of daemon.automationSensors) {
      const [tick] = await instance.storage.getTicks(s.name);
      if (tick) ticks.push(tick);
    }
    return ticks;
  };
  return {
    instance,
    clock,
    daemon,
    async tick(): Promise<void> {
      await daemon.runIteration();
      await daemon.waitForRuns();
    },
    /** The evaluation id of each automation sensor's newest tick. */
    async evaluationIds(): Promise<number[]> {
      return (await latestTicks()).map((t) => t.evaluationId ?? 0);
    },
    /** Runs of the newest ticks, sorted by their assets then their checks, as the reference sorts them. */
    async runs(): Promise<RunRecord[]> {
      const runs: RunRecord[] = [];
      for (const t of await latestTicks()) for (const id of t.runIds) runs.push((await instance.getRunById(id)) as RunRecord);
      const sortKey = (r: RunRecord) => `${[...r.assetSelection].sort().join(",")}|${checksOf(r).join(",")}`;
      return runs.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
    },
    /** Backfills launched by the newest ticks (matched by the run key the tick recorded). */
    async backfills(): Promise<BackfillRecord[]> {
      const keys = new Set((await latestTicks()).flatMap((t) => t.runKeys));
      return (await instance.getBackfills()).filter((b) => keys.has(b.tags[AutomationTags.RUN_KEY] ?? ""));
    },
  };
}

/** The checks a run executes, as `asset:name` sorted. */
function checksOf(run: RunRecord): string[] {
  const tag = run.tags[CHECK_SELECTION_TAG];
  return tag ? tag.split(",").sort() : [];
}

const check = (key: AssetCheckKeyLike & { assetKey: string; name: string }) => `${key.assetKey}:${key.name}`;

/** raw_files → processed_files (eager), as the reference's check definitions files share. */
function rawAndProcessed() {
  const raw = asset({ name: "raw_files" }, () => 1);
  const processed = asset({ name: "processed_files", deps: [raw], automationCondition: AutomationCondition.eager() }, () => 2);
  return { raw, processed };
}
const anyDepNewlyUpdated = () => AutomationCondition.anyDepsMatch(AutomationCondition.newlyUpdated().or(AutomationCondition.willBeRequested()));
const passing = () => new AssetCheckResult({ passed: true });

describe("reference cases: daemon_tests/test_e2e.py", () => {
  it("test_checks_and_assets_in_same_run (check_after_parent_updated)", async () => {
    const { raw, processed } = rawAndProcessed();
    const rowCount = assetCheck({ asset: processed, name: "row_count", automationCondition: anyDepNewlyUpdated() }, passing);
    const loc = await location(new Definitions({ assets: [raw, processed], assetChecks: [rowCount] }), Date.UTC(2024, 7, 16, 1, 35));
    await loc.tick();
    // nothing yet: the parent has not updated
    expect(await loc.evaluationIds()).toEqual([1]);
    expect(await loc.runs()).toEqual([]);

    loc.clock.advance(30_000);
    await report.materialization(loc.instance, "processed_files");
    await loc.tick();
    // only the check is requested
    expect(await loc.evaluationIds()).toEqual([2]);
    let runs = await loc.runs();
    expect(runs.map((r) => [r.assetSelection, checksOf(r)])).toEqual([[[], [check({ assetKey: "processed_files", name: "row_count" })]]]);

    loc.clock.advance(30_000);
    await report.materialization(loc.instance, "raw_files");
    await loc.tick();
    // one run of the asset and its check
    expect(await loc.evaluationIds()).toEqual([3]);
    runs = await loc.runs();
    expect(runs.map((r) => [r.assetSelection, checksOf(r)])).toEqual([[["processed_files"], ["processed_files:row_count"]]]);
  });

  /**
   * The reference's newest cases run each twice, with a feature gate that decides which checks ride along in an
   * asset's run ("gate on": the requested checks and the checks without a condition; "gate off": the requested
   * checks, or every check when none was requested). Tessera has one rule: an asset's run executes every check of
   * the asset (selecting an asset selects its checks), so each case says which side it matches.
   */
  async function checksRidingAlong(checks: (processed: ReturnType<typeof rawAndProcessed>["processed"]) => ReturnType<typeof assetCheck>[], extra: ReturnType<typeof asset>[] = []) {
    const { raw, processed } = rawAndProcessed();
    const loc = await location(new Definitions({ assets: [raw, processed, ...extra], assetChecks: checks(processed) }), Date.UTC(2024, 7, 16, 1, 35));
    await loc.tick();
    expect(await loc.runs()).toEqual([]);
    loc.clock.advance(30_000);
    await report.materialization(loc.instance, "raw_files");
    await loc.tick();
    const runs = await loc.runs();
    expect(runs.map((r) => r.assetSelection)).toEqual([["processed_files"]]);
    return checksOf(runs[0] as RunRecord);
  }

  it("test_no_da_checks_falls_back_to_none_selection (check_without_condition; the reference's None: every check of the asset)", async () => {
    const checks = await checksRidingAlong((processed) => [assetCheck({ asset: processed, name: "row_count" }, passing), assetCheck({ asset: processed, name: "non_null" }, passing)]);
    expect(checks).toEqual(["processed_files:non_null", "processed_files:row_count"]);
  });

  it("test_requested_conditioned_check_selection (check_subset_with_unconditioned_sibling; as the reference with the gate on)", async () => {
    const checks = await checksRidingAlong((processed) => [
      assetCheck({ asset: processed, name: "row_count", automationCondition: anyDepNewlyUpdated() }, passing),
      assetCheck({ asset: processed, name: "non_null" }, passing),
    ]);
    expect(checks).toEqual(["processed_files:non_null", "processed_files:row_count"]);
  });

  it("test_unconditioned_default_check_selection (check_conditioned_sibling_not_firing; as the reference with the gate off: every check, yearly_check included)", async () => {
    const checks = await checksRidingAlong((processed) => [
      assetCheck({ asset: processed, name: "yearly_check", automationCondition: AutomationCondition.onCron("0 0 1 1 *") }, passing),
      assetCheck({ asset: processed, name: "non_null" }, passing),
    ]);
    expect(checks).toEqual(["processed_files:non_null", "processed_files:yearly_check"]);
  });

  it("test_check_on_other_asset_not_included (check_on_other_asset_excluded)", async () => {
    const other = asset({ name: "other_asset" }, () => 3);
    const checks = await checksRidingAlong(
      (processed) => [
        assetCheck({ asset: processed, name: "row_count", automationCondition: anyDepNewlyUpdated() }, passing),
        assetCheck({ asset: processed, name: "non_null" }, passing),
        assetCheck({ asset: other, name: "other_check" }, passing),
      ],
      [other],
    );
    expect(checks).toEqual(["processed_files:non_null", "processed_files:row_count"]);
  });

  it("test_default_condition (default_condition: the sensor's defaultCondition covers the asset without one)", async () => {
    const eagerAsset = asset({ name: "eager_asset", automationCondition: AutomationCondition.missing().newlyTrue() }, () => 1);
    const every5 = asset({ name: "every_5_minutes_asset" }, () => 2);
    const sensor = new AutomationConditionSensorDefinition({ name: "all_assets", target: "*", defaultCondition: AutomationCondition.cronTickPassed("*/5 * * * *") });
    const loc = await location(new Definitions({ assets: [eagerAsset, every5], sensors: [sensor] }), Date.UTC(2024, 7, 16, 4));
    await loc.tick();
    expect((await loc.runs()).map((r) => r.assetSelection)).toEqual([["eager_asset"]]);
    loc.clock.advance(60_000);
    await loc.tick();
    // passed a cron tick
    expect((await loc.runs()).map((r) => r.assetSelection)).toEqual([["every_5_minutes_asset"]]);
  });

  it("test_backfill_creation_dynamic (backfill_dynamic_user_code; missing() stands for the custom all-partitions condition)", async () => {
    const a = asset({ name: "A", partitionsDef: new DynamicPartitionsDefinition({ name: "dynamic1" }), automationCondition: AutomationCondition.missing() }, () => 1);
    const sensor = new AutomationConditionSensorDefinition({ name: "the_sensor", target: "*" });
    const loc = await location(new Definitions({ assets: [a], sensors: [sensor] }), Date.UTC(2024, 7, 16, 1, 35));
    await loc.instance.addDynamicPartitions("dynamic1", ["a", "b", "c"]);
    await loc.tick();
    const backfills = await loc.backfills();
    expect(backfills.map((b) => [b.assetSelection, [...b.partitionKeys].sort()])).toEqual([[["A"], ["a", "b", "c"]]]);
    // the backfill's runs are not the tick's
    expect(await loc.runs()).toEqual([]);
  });

  it("test_backfill_with_runs_and_checks (backfill_with_runs_and_checks)", async () => {
    const xyz = new StaticPartitionsDefinition(["x", "y", "z"]);
    const tuv = new StaticPartitionsDefinition(["t", "u", "v"]);
    const condition = AutomationCondition.missing().and(AutomationCondition.inProgress().not());
    const withInside = (name: string) => ({ checkSpecs: [new AssetCheckSpec("inside", { asset: name })] });
    const ok = () => new MaterializeResult({ checkResults: [new AssetCheckResult({ passed: true })] });
    const backfillA = asset({ name: "backfillA", automationCondition: condition, ...withInside("backfillA") }, ok);
    const backfillB = asset({ name: "backfillB", deps: [backfillA], partitionsDef: tuv, automationCondition: condition, ...withInside("backfillB") }, ok);
    const backfillC = asset({ name: "backfillC", deps: [backfillA], partitionsDef: xyz, automationCondition: condition }, () => 1);
    const run1 = asset({ name: "run1", automationCondition: condition, ...withInside("run1") }, ok);
    const run2 = asset({ name: "run2", partitionsDef: xyz, automationCondition: condition, ...withInside("run2") }, ok);
    // Checks of their own, without a condition: the reference never runs them; Tessera runs them in their asset's run.
    const outside = [backfillA, backfillB, run1, run2].map((target) => assetCheck({ asset: target, name: "outside" }, passing));
    const sensor = new AutomationConditionSensorDefinition({ name: "the_sensor", target: "*" });
    const loc = await location(new Definitions({ assets: [backfillA, backfillB, backfillC, run1, run2], assetChecks: outside, sensors: [sensor] }), Date.UTC(2024, 7, 16, 1, 35));
    await report.materialization(loc.instance, "run2", "x");
    await report.materialization(loc.instance, "run2", "y");
    await loc.tick();
    // one backfill for the part of the graph that needs several partitions
    const backfills = await loc.backfills();
    expect(backfills).toHaveLength(1);
    const targeted = Object.entries((backfills[0] as BackfillRecord).assetPartitions ?? {}).map(([key, p]) => [key, p.targeted.length]);
    expect(targeted.sort()).toEqual([
      ["backfillA", 1],
      ["backfillB", 3],
      ["backfillC", 3],
    ]);
    // two runs of their own
    const runs = await loc.runs();
    expect(runs.map((r) => [r.assetSelection, r.partitionKey])).toEqual([
      [["run1"], undefined],
      [["run2"], "z"],
    ]);
    // The reference: only each asset's "inside" check (see the deliberate differences in docs/fidelity.md).
    expect(runs.map(checksOf)).toEqual([
      ["run1:inside", "run1:outside"],
      ["run2:inside", "run2:outside"],
    ]);
    loc.clock.advance(30_000);
    await loc.tick();
    expect(await loc.backfills()).toEqual([]);
    expect(await loc.runs()).toEqual([]);
  });

  it("test_observable_source_asset (hourly_observable; the run completes before the next tick, as in the reference before its runs became asynchronous)", async () => {
    const obs = observableSourceAsset({ name: "obs", automationCondition: AutomationCondition.onCron("@hourly") }, () => new DataVersion("42"));
    const mat = asset({ name: "mat", deps: [obs], automationCondition: AutomationCondition.eager() }, () => 1);
    const loc = await location(new Definitions({ assets: [obs, mat] }), Date.UTC(2024, 7, 16, 1, 35));
    await loc.tick();
    expect(await loc.runs()).toEqual([]);
    loc.clock.advance(3_600_000);
    await loc.tick();
    expect((await loc.runs()).map((r) => r.assetSelection)).toEqual([["obs"]]);
    loc.clock.advance(60_000);
    await loc.tick();
    expect((await loc.runs()).map((r) => r.assetSelection)).toEqual([["mat"]]);
    loc.clock.advance(60_000);
    await loc.tick();
    expect(await loc.runs()).toEqual([]);
  });

  it("test_observable_source_asset_is_not_backfilled (hourly_observable_with_partitions)", async () => {
    const xyz = new StaticPartitionsDefinition(["x", "y", "z"]);
    const obs = observableSourceAsset(
      { name: "obs", partitionsDef: xyz, automationCondition: AutomationCondition.onCron("@hourly") },
      () => new DataVersionsByPartition({ x: "42", y: "43", z: "44" }),
    );
    const mat = asset({ name: "mat", deps: [obs], partitionsDef: xyz, automationCondition: AutomationCondition.eager() }, () => 1);
    const loc = await location(new Definitions({ assets: [obs, mat] }), Date.UTC(2024, 7, 16, 1, 35));
    await loc.tick();
    expect(await loc.runs()).toEqual([]);
    expect(await loc.backfills()).toEqual([]);
    loc.clock.advance(3_600_000);
    await loc.tick();
    const runs = await loc.runs();
    expect(runs.map((r) => [r.assetSelection, r.partitionKey])).toEqual([
      [["obs"], "x"],
      [["obs"], "y"],
      [["obs"], "z"],
    ]);
    expect(await loc.backfills()).toEqual([]);
    loc.clock.advance(60_000);
    await loc.tick();
    const backfills = await loc.backfills();
    expect(backfills.map((b) => b.assetSelection)).toEqual([["mat"]]);
    loc.clock.advance(60_000);
    await loc.tick();
    expect(await loc.runs()).toEqual([]);
    expect(await loc.backfills()).toEqual([]);
  });

  it("test_dynamic_partitions (dynamic_partitions_on_missing)", async () => {
    const a = asset({ name: "A", partitionsDef: new DynamicPartitionsDefinition({ name: "dynamic" }), automationCondition: AutomationCondition.onMissing() }, () => 1);
    const loc = await location(new Definitions({ assets: [a] }), Date.UTC(2024, 7, 16, 1, 35));
    await loc.tick();
    expect(await loc.runs()).toEqual([]);
    await loc.instance.addDynamicPartitions("dynamic", ["a", "b", "c"]);
    await report.materialization(loc.instance, "A", "a");
    await report.materialization(loc.instance, "A", "b");
    loc.clock.advance(3_600_000);
    await loc.tick();
    expect((await loc.runs()).map((r) => [r.assetSelection, r.partitionKey])).toEqual([[["A"], "c"]]);
    loc.clock.advance(60_000);
    await loc.tick();
    expect(await loc.runs()).toEqual([]);
    // a new partition
    loc.clock.advance(60_000);
    await loc.instance.addDynamicPartitions("dynamic", ["d"]);
    await loc.tick();
    expect(await loc.runs()).toHaveLength(1);
    // deleting the partition just added causes no error
    loc.clock.advance(60_000);
    await loc.instance.deleteDynamicPartition("dynamic", "d");
    await loc.tick();
    expect(await loc.runs()).toEqual([]);
    const [last] = await loc.instance.storage.getTicks(loc.daemon.automationSensors[0]?.name as string);
    expect(last?.status).toBe("SKIPPED");
  });

  it("test_non_subsettable_check (check_not_subsettable): each run carries its assets' checks; the multi-asset runs whole", async () => {
    const unpartitioned = asset(
      { name: "unpartitioned", checkSpecs: [new AssetCheckSpec("row_count", { asset: "unpartitioned" })], automationCondition: AutomationCondition.missing() },
      () => new MaterializeResult({ checkResults: [new AssetCheckResult({ passed: true })] }),
    );
    const staticAsset = asset(
      {
        name: "static",
        checkSpecs: [new AssetCheckSpec("c1", { asset: "static" }), new AssetCheckSpec("c2", { asset: "static" })],
        automationCondition: AutomationCondition.missing(),
        partitionsDef: new StaticPartitionsDefinition(["a"]),
      },
      () => new MaterializeResult({ checkResults: [new AssetCheckResult({ passed: true, checkName: "c1" }), new AssetCheckResult({ passed: true, checkName: "c2" })] }),
    );
    const daily = new DailyPartitionsDefinition({ startDate: "2024-01-01" });
    const timeAssets = multiAsset(
      {
        name: "time_assets",
        specs: [
          new AssetSpec("a", { partitionsDef: daily }),
          new AssetSpec("b", { deps: ["a"], partitionsDef: daily }),
          new AssetSpec("c", { deps: ["b"], partitionsDef: daily, automationCondition: AutomationCondition.missing().and(AutomationCondition.inLatestTimeWindow()) }),
          new AssetSpec("d", { deps: ["a", "c"], partitionsDef: daily }),
        ],
        checkSpecs: [new AssetCheckSpec("1", { asset: "a" }), new AssetCheckSpec("2", { asset: "a" }), new AssetCheckSpec("3", { asset: "d" })],
        partitionsDef: daily,
      },
      () => [
        new MaterializeResult({ assetKey: "a", checkResults: [new AssetCheckResult({ passed: true, assetKey: "a", checkName: "1" }), new AssetCheckResult({ passed: true, assetKey: "a", checkName: "2" })] }),
        new MaterializeResult({ assetKey: "b" }),
        new MaterializeResult({ assetKey: "c" }),
        new MaterializeResult({ assetKey: "d", checkResults: [new AssetCheckResult({ passed: true, assetKey: "d", checkName: "3" })] }),
      ],
    );
    const loc = await location(new Definitions({ assets: [unpartitioned, staticAsset, timeAssets] }), Date.UTC(2024, 7, 17, 1, 35));
    await loc.tick();
    const runs = await loc.runs();
    expect(runs.map((r) => [r.assetSelection, r.partitionKey, checksOf(r)])).toEqual([
      [["a", "b", "c", "d"], "2024-08-16", ["a:1", "a:2", "d:3"]],
      [["static"], "a", ["static:c1", "static:c2"]],
      [["unpartitioned"], undefined, ["unpartitioned:row_count"]],
    ]);
    expect(runs.map((r) => r.status)).toEqual(["SUCCESS", "SUCCESS", "SUCCESS"]);
  });

  it("test_500_eager_assets_user_code (500_eager_assets: layers of hourly then daily assets, all eager): two ticks, no run, each tick SKIPPED", async () => {
    // The reference builds its graph with a seeded random generator (dagster_test's large_graph); here each asset of
    // a layer depends on the first `deps` assets of the layer above, in the same proportions of layers and partitionings.
    const hourly = new HourlyPartitionsDefinition({ startDate: "2020-01-01-00:00" });
    const daily = new DailyPartitionsDefinition({ startDate: "2020-01-01" });
    const layers: [number, number, PartitionsDefinition][] = [
      [50, 0, hourly],
      [100, 2, hourly],
      [100, 4, hourly],
      [100, 4, daily],
      [100, 2, daily],
      [50, 2, daily],
    ];
    const assets: ReturnType<typeof asset>[] = [];
    let above: ReturnType<typeof asset>[] = [];
    layers.forEach(([count, deps, partitionsDef], layer) => {
      const here = Array.from({ length: count }, (_, i) =>
        asset({ name: `perf_test_${layer}_${i}`, deps: above.slice(0, deps).map((_, d) => above[(i + d) % above.length] as ReturnType<typeof asset>), partitionsDef, automationCondition: AutomationCondition.eager() }, () => 1),
      );
      assets.push(...here);
      above = here;
    });
    expect(assets).toHaveLength(500);
    const sensor = new AutomationConditionSensorDefinition({ name: "the_sensor", target: "*" });
    const loc = await location(new Definitions({ assets, sensors: [sensor] }), Date.UTC(2024, 7, 16, 1, 30));
    for (let i = 0; i < 2; i++) {
      await loc.tick();
      expect(await loc.runs()).toEqual([]);
      expect(await loc.backfills()).toEqual([]);
      const ticks = await loc.instance.storage.getTicks("the_sensor");
      expect(ticks.map((t) => t.status)).toEqual(Array.from({ length: i + 1 }, () => "SKIPPED"));
      loc.clock.advance(60_000);
    }
  });

  it("test_cross_location_checks (check_on_other_location beside check_after_parent_updated; two code locations, one daemon each)", async () => {
    // Location 1: raw_files → processed_files (eager) and its row_count check. Location 2: the no_nulls check on
    // processed_files, an asset of location 1 (an AssetSpec there). check_on_other_location.py is not among the
    // stored reference files; its check is given the same condition as row_count, which is what the test's
    // comments describe (requested with the asset's update, waiting for the materialization of another location).
    const { raw, processed } = rawAndProcessed();
    const rowCount = assetCheck({ asset: processed, name: "row_count", automationCondition: anyDepNewlyUpdated() }, passing);
    const external = new AssetSpec("processed_files");
    const noNulls = assetCheck({ asset: external, name: "no_nulls", automationCondition: anyDepNewlyUpdated() }, passing);
    const clock = new ManualClock(Date.UTC(2024, 7, 16, 1, 35));
    const instance = Instance.ephemeral({ clock });
    // Sensor names are unique per instance in Tessera (the reference tells two default sensors apart by their location).
    const loc1 = await location(new Definitions({ assets: [raw, processed], assetChecks: [rowCount], sensors: [new AutomationConditionSensorDefinition({ name: "loc1", target: "*" })] }), 0, { instance, clock, name: "loc1" });
    const loc2 = await location(new Definitions({ assets: [external], assetChecks: [noNulls], sensors: [new AutomationConditionSensorDefinition({ name: "loc2", target: AssetSelection.all({ includeSources: true }) })] }), 0, { instance, clock, name: "loc2" });
    const tick = async () => {
      await loc1.tick();
      await loc2.tick();
    };
    const runs = async () => [...(await loc1.runs()), ...(await loc2.runs())].map((r) => [r.assetSelection, checksOf(r)]);
    await tick();
    expect(await runs()).toEqual([]);

    clock.advance(30_000);
    await report.materialization(instance, "processed_files");
    await tick();
    // both checks, one run in each location
    expect(await runs()).toEqual([
      [[], ["processed_files:row_count"]],
      [[], ["processed_files:no_nulls"]],
    ]);

    clock.advance(30_000);
    await report.materialization(instance, "raw_files");
    await tick();
    // processed_files with row_count in location 1; location 2 ticks after location 1's run ended, so no_nulls sees
    // the new materialization at once (the reference's "fired early" order)
    expect(await runs()).toEqual([
      [["processed_files"], ["processed_files:row_count"]],
      [[], ["processed_files:no_nulls"]],
    ]);

    clock.advance(30_000);
    await tick();
    // row_count again (its condition is loose: the materialization just made is a new update of its dep)
    expect(await runs()).toEqual([[[], ["processed_files:row_count"]]]);
  });

  /** processed_files in location 1 (with `checks`), and in location 2 only an unconditioned check on it. */
  async function checkInOtherLocation(withRowCount: boolean) {
    const { raw, processed } = rawAndProcessed();
    const own = withRowCount ? [assetCheck({ asset: processed, name: "row_count", automationCondition: anyDepNewlyUpdated() }, passing)] : [];
    const external = new AssetSpec("processed_files");
    const other = assetCheck({ asset: external, name: "external_not_null" }, passing);
    const clock = new ManualClock(Date.UTC(2024, 7, 16, 1, 35));
    const instance = Instance.ephemeral({ clock });
    const loc1 = await location(new Definitions({ assets: [raw, processed], assetChecks: own }), 0, { instance, clock, name: "loc1" });
    const loc2 = await location(new Definitions({ assets: [external], assetChecks: [other] }), 0, { instance, clock, name: "loc2" });
    // location 2 has no condition at all: no automation sensor there
    expect(loc2.daemon.automationSensors).toEqual([]);
    await loc1.tick();
    await loc2.tick();
    expect(await loc1.runs()).toEqual([]);
    clock.advance(30_000);
    await report.materialization(instance, "raw_files");
    await loc1.tick();
    await loc2.tick();
    return (await loc1.runs()).map((r) => [r.assetSelection, checksOf(r)]);
  }

  it("test_unconditioned_check_in_other_location_not_pulled_into_asset_run (cross_location_unconditioned_check_asset / _check)", async () => {
    expect(await checkInOtherLocation(false)).toEqual([[["processed_files"], []]]);
  });

  it("test_cross_location_check_excluded_from_ride_along (cross_location_da_check_asset / _other)", async () => {
    expect(await checkInOtherLocation(true)).toEqual([[["processed_files"], ["processed_files:row_count"]]]);
  });

  it("test_toggle_user_code (simple_user_code / simple_non_user_code; here: a new daemon over the same instance each time, the sensor's cursor carried on)", async () => {
    // Tessera evaluates every sensor in the daemon's process; what the case checks — the cursor survives the switch
    // of evaluator — is a daemon replaced by another. simple_defs.py is not stored; root → downstream (eager) is
    // what the test's assertions describe.
    const root = asset({ name: "root" }, () => 1);
    const downstream = asset({ name: "downstream", deps: [root], automationCondition: AutomationCondition.eager() }, () => 2);
    const defs = new Definitions({ assets: [root, downstream], sensors: [new AutomationConditionSensorDefinition({ name: "the_sensor", target: "*" })] });
    const clock = new ManualClock(Date.UTC(2024, 7, 16, 1, 35));
    const instance = Instance.ephemeral({ clock });
    for (const round of [1, 2, 3]) {
      const loc = await location(defs, 0, { instance, clock, name: `round${round}` });
      clock.advance(35_000);
      await loc.tick();
      expect(await loc.runs()).toEqual([]);
      clock.advance(35_000);
      await report.materialization(instance, "root");
      await loc.tick();
      expect((await loc.runs()).map((r) => r.assetSelection)).toEqual([["downstream"]]);
      clock.advance(35_000);
      await loc.tick();
      expect(await loc.runs()).toEqual([]);
      await loc.daemon.close();
    }
  });
});
