// Cases of Dagster's declarative_automation_tests/.../builtins/ test_newly_updated_condition.py,
// test_in_progress_condition.py, test_will_be_requested_condition.py, test_latest_time_window_condition.py and
// test_updated_since_cron_condition.py, ported to Tessera's API.
import { describe, expect, it } from "vitest";
import {
  AssetCheckResult,
  DailyPartitionsDefinition,
  DataVersion,
  Instance,
  ManualClock,
  StaticPartitionsDefinition,
  asset,
  assetCheck,
  observableSourceAsset,
  type PartitionsDefinition,
} from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AssetSelection } from "../../graph/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { evaluateAutomationConditions } from "./evaluator.js";
import { HOUR, finishRuns, report, startRun, ticker } from "./test-scenario.js";

const MINUTE = 60_000;
const DAY = 24 * HOUR;
const twoPartitions = new StaticPartitionsDefinition(["1", "2"]);
const daily = new DailyPartitionsDefinition({ startDate: "2013-01-05" });

/** one_asset: A alone with `condition`; `evaluate` continues the cursor. */
function oneAsset(condition: AutomationCondition, options: { partitionsDef?: PartitionsDefinition; start?: number } = {}) {
  const a = asset({ name: "A", ...(options.partitionsDef ? { partitionsDef: options.partitionsDef } : {}) }, () => 1);
  const defs = new Definitions({ assets: [a] });
  const clock = new ManualClock(options.start ?? Date.UTC(2020, 1, 2));
  const instance = Instance.ephemeral({ clock });
  let cursor: string | undefined;
  return {
    defs,
    clock,
    instance,
    async evaluate() {
      const result = await evaluateAutomationConditions({ defs, instance, cursor, conditions: { A: condition } });
      cursor = result.cursor;
      return result;
    },
    async requested(): Promise<number> {
      return (await this.evaluate()).getNumRequested("A");
    },
    run: (partitionKey?: string) => defs.materialize(["A"], { instance, ...(partitionKey === undefined ? {} : { partitionKey }) }),
  };
}

describe("reference cases: test_newly_updated_condition.py", () => {
  it("test_newly_updated_condition", async () => {
    const s = oneAsset(AutomationCondition.newlyUpdated());
    expect(await s.requested()).toBe(0);
    await report.materialization(s.instance, "A");
    expect(await s.requested()).toBe(1);
    expect(await s.requested()).toBe(0);
    expect(await s.requested()).toBe(0);
    // Updated at two evaluations in a row.
    await report.materialization(s.instance, "A");
    expect(await s.requested()).toBe(1);
    await report.materialization(s.instance, "A");
    expect(await s.requested()).toBe(1);
    expect(await s.requested()).toBe(0);
  });

  it("test_newly_updated_condition_data_version: an observation updates an observable source only with a new data version", async () => {
    const source = observableSourceAsset({ name: "A" }, () => new DataVersion("unused"));
    const b = asset({ name: "B", deps: [source] }, () => 1);
    const defs = new Definitions({ assets: [source, b] });
    const instance = Instance.ephemeral({ clock: new ManualClock(Date.UTC(2020, 1, 2)) });
    let cursor: string | undefined;
    const requested = async () => {
      const result = await evaluateAutomationConditions({ defs, instance, cursor, conditions: { B: AutomationCondition.anyDepsMatch(AutomationCondition.newlyUpdated()) } });
      cursor = result.cursor;
      return result.getNumRequested("B");
    };
    expect(await requested()).toBe(0);
    await report.observation(instance, "A", "1");
    expect(await requested()).toBe(1);
    expect(await requested()).toBe(0);
    // The same data version: not an update.
    await report.observation(instance, "A", "1");
    expect(await requested()).toBe(0);
    await report.observation(instance, "A", "2");
    expect(await requested()).toBe(1);
    await report.observation(instance, "A", "3");
    expect(await requested()).toBe(1);
    expect(await requested()).toBe(0);
  });

  it("test_newly_updated_on_asset_check", async () => {
    const a = asset("A", () => 1);
    const fooCheck = assetCheck({ asset: a, name: "foo_check", automationCondition: AutomationCondition.newlyUpdated() }, () => new AssetCheckResult({ passed: true }));
    const defs = new Definitions({ assets: [a], assetChecks: [fooCheck] });
    const instance = Instance.ephemeral();
    const tick = ticker(defs, instance);
    const runCheck = () => defs.materialize(AssetSelection.checks(fooCheck), { instance });
    let result = await tick();
    expect(result.totalRequested).toBe(0);
    await runCheck();
    result = await tick();
    expect(result.totalRequested).toBe(1);
    result = await tick();
    expect(result.totalRequested).toBe(0);
    await runCheck();
    result = await tick();
    expect(result.totalRequested).toBe(1);
    // The asset updated: not the check.
    await report.materialization(instance, "A");
    result = await tick();
    expect(result.totalRequested).toBe(0);
  });
});

describe("reference cases: test_in_progress_condition.py", () => {
  it("test_in_progress_unpartitioned", async () => {
    const s = oneAsset(AutomationCondition.inProgress());
    expect(await s.requested()).toBe(0);
    const run = await startRun(s.instance, ["A"]);
    expect(await s.requested()).toBe(1);
    await finishRuns(s.instance, [run]);
    expect(await s.requested()).toBe(0);
  });

  it("test_in_progress_static_partitioned", async () => {
    const s = oneAsset(AutomationCondition.inProgress(), { partitionsDef: twoPartitions });
    await s.evaluate();
    expect(await s.requested()).toBe(0);
    const one = await startRun(s.instance, ["A"], "1");
    const result = await s.evaluate();
    expect([...result.getRequestedPartitions("A")]).toEqual(["1"]);
    await finishRuns(s.instance, [one]);
    expect(await s.requested()).toBe(0);
    const both = [await startRun(s.instance, ["A"], "1"), await startRun(s.instance, ["A"], "2")];
    expect(await s.requested()).toBe(2);
    await finishRuns(s.instance, both);
    expect(await s.requested()).toBe(0);
  });

  it("test_unpartitioned: no longer in progress once the run materialized the asset", async () => {
    const a = asset({ name: "A", automationCondition: AutomationCondition.inProgress() }, () => 1);
    const b = asset("B", () => 1);
    const defs = new Definitions({ assets: [a, b] });
    const instance = Instance.ephemeral();
    let result = await evaluateAutomationConditions({ defs, instance });
    expect(result.totalRequested).toBe(0);
    const run = await instance.createRun({ jobName: "__ASSET_JOB", tags: {}, assetSelection: ["A", "B"], runConfig: {}, status: "STARTING" });
    const now = instance.clock.now();
    // Planned as it was submitted.
    await instance.storeEvents([
      { runId: run.runId, timestamp: now, eventType: "ASSET_MATERIALIZATION_PLANNED", assetKey: a.key },
      { runId: run.runId, timestamp: now, eventType: "ASSET_MATERIALIZATION_PLANNED", assetKey: b.key },
    ]);
    result = await evaluateAutomationConditions({ defs, instance, cursor: result.cursor });
    expect(result.totalRequested).toBe(1);
    // The run's events up to A's materialization: the run goes on, A is done.
    await instance.storeEvents([
      { runId: run.runId, timestamp: now, eventType: "RUN_START" },
      { runId: run.runId, stepKey: "A", timestamp: now, eventType: "ASSET_MATERIALIZATION", assetKey: a.key },
    ]);
    result = await evaluateAutomationConditions({ defs, instance, cursor: result.cursor });
    expect(result.totalRequested).toBe(0);
  });
});

describe("reference cases: test_will_be_requested_condition.py", () => {
  // The reference sets A's requested partitions directly; here A's own condition requests what it has materialized.
  const requestedWhereMaterialized = AutomationCondition.missing().not();
  function twoAssets(partitions: { a?: PartitionsDefinition; b?: PartitionsDefinition }) {
    const a = asset({ name: "A", ...(partitions.a ? { partitionsDef: partitions.a } : {}) }, () => 1);
    const b = asset({ name: "B", deps: [a], ...(partitions.b ? { partitionsDef: partitions.b } : {}) }, () => 1);
    const defs = new Definitions({ assets: [a, b] });
    const instance = Instance.ephemeral();
    return {
      async evaluate() {
        return evaluateAutomationConditions({ defs, instance, conditions: { A: requestedWhereMaterialized, B: AutomationCondition.anyDepsMatch(AutomationCondition.willBeRequested()) } });
      },
      requestA: (partitionKey?: string) => defs.materialize(["A"], { instance, ...(partitionKey === undefined ? {} : { partitionKey }) }),
    };
  }

  it("test_will_be_requested_unpartitioned", async () => {
    const s = twoAssets({});
    expect((await s.evaluate()).getNumRequested("B")).toBe(0);
    await s.requestA();
    expect((await s.evaluate()).getNumRequested("B")).toBe(1);
  });

  it("test_will_be_requested_static_partitioned", async () => {
    const s = twoAssets({ a: twoPartitions, b: twoPartitions });
    expect((await s.evaluate()).getNumRequested("B")).toBe(0);
    await s.requestA("1");
    expect([...(await s.evaluate()).getRequestedPartitions("B")]).toEqual(["1"]);
    await s.requestA("2");
    expect((await s.evaluate()).getNumRequested("B")).toBe(2);
  });

  it("test_will_be_requested_different_partitions: a dep requested in a run the asset cannot share", async () => {
    const s = twoAssets({ a: twoPartitions });
    expect((await s.evaluate()).getNumRequested("B")).toBe(0);
    await s.requestA("1");
    const result = await s.evaluate();
    expect(result.getNumRequested("A")).toBe(1);
    expect(result.getNumRequested("B")).toBe(0);
    await s.requestA("2");
    expect((await s.evaluate()).getNumRequested("B")).toBe(0);
  });

  it("test_with_observable_source: an observation requested does not count as an update to come", async () => {
    const obs = observableSourceAsset({ name: "obs", automationCondition: AutomationCondition.cronTickPassed("@hourly") }, () => new DataVersion("1"));
    const mat = asset({ name: "mat", deps: [obs], automationCondition: AutomationCondition.anyDepsMatch(AutomationCondition.willBeRequested()) }, () => 1);
    const defs = new Definitions({ assets: [obs, mat] });
    const instance = Instance.ephemeral();
    const tick = ticker(defs, instance);
    let evaluationTime = Date.UTC(2024, 0, 1, 0, 31);
    let result = await tick(evaluationTime);
    expect(result.getNumRequested("obs")).toBe(0);
    expect(result.getNumRequested("mat")).toBe(0);
    evaluationTime += HOUR;
    result = await tick(evaluationTime);
    expect(result.getNumRequested("obs")).toBe(1);
    expect(result.getNumRequested("mat")).toBe(0);
  });
});

describe("reference cases: test_latest_time_window_condition.py", () => {
  const lookback = 3 * DAY;
  it("test_in_latest_time_window_unpartitioned", async () => {
    expect(await oneAsset(AutomationCondition.inLatestTimeWindow()).requested()).toBe(1);
  });

  it("test_in_latest_time_window_unpartitioned_lookback", async () => {
    expect(await oneAsset(AutomationCondition.inLatestTimeWindow(lookback)).requested()).toBe(1);
  });

  it("test_in_latest_time_window_static_partitioned", async () => {
    expect(await oneAsset(AutomationCondition.inLatestTimeWindow(), { partitionsDef: twoPartitions }).requested()).toBe(2);
  });

  it("test_in_latest_time_window_static_partitioned_lookback", async () => {
    expect(await oneAsset(AutomationCondition.inLatestTimeWindow(lookback), { partitionsDef: twoPartitions }).requested()).toBe(2);
  });

  it("test_in_latest_time_window_time_partitioned", async () => {
    const s = oneAsset(AutomationCondition.inLatestTimeWindow(), { partitionsDef: daily, start: Date.UTC(2013, 0, 5) });
    // No partition exists yet.
    expect(await s.requested()).toBe(0);
    s.clock.set(Date.UTC(2020, 1, 2, 1));
    expect([...(await s.evaluate()).getRequestedPartitions("A")]).toEqual(["2020-02-01"]);
    s.clock.advance(5 * DAY);
    expect([...(await s.evaluate()).getRequestedPartitions("A")]).toEqual(["2020-02-06"]);
  });

  it("test_in_latest_time_window_time_partitioned_lookback", async () => {
    const s = oneAsset(AutomationCondition.inLatestTimeWindow(lookback), { partitionsDef: daily, start: Date.UTC(2013, 0, 5) });
    expect(await s.requested()).toBe(0);
    s.clock.set(Date.UTC(2020, 1, 7, 1));
    expect([...(await s.evaluate()).getRequestedPartitions("A")].sort()).toEqual(["2020-02-04", "2020-02-05", "2020-02-06"]);
    s.clock.advance(5 * DAY);
    expect([...(await s.evaluate()).getRequestedPartitions("A")].sort()).toEqual(["2020-02-09", "2020-02-10", "2020-02-11"]);
  });
});

describe("reference cases: test_updated_since_cron_condition.py", () => {
  const updatedSinceCron = AutomationCondition.newlyUpdated().since(AutomationCondition.cronTickPassed("0 * * * *", "UTC"));

  it("test_updated_since_cron_unpartitioned", async () => {
    const s = oneAsset(updatedSinceCron, { start: Date.UTC(2020, 1, 2, 0, 55) });
    expect(await s.requested()).toBe(0);
    // A cron tick passed, no update since.
    s.clock.advance(10 * MINUTE);
    expect(await s.requested()).toBe(0);
    await s.run();
    expect(await s.requested()).toBe(1);
    expect(await s.requested()).toBe(1);
    // A new tick: not updated since it.
    s.clock.advance(HOUR);
    expect(await s.requested()).toBe(0);
  });

  // The reference reports its updates at the wall clock's time, long after the cron ticks of 2020; here each update
  // is reported a minute before the evaluation that sees it, after the tick that evaluation passes.
  it("test_updated_since_cron_update_in_same_eval_as_cron_tick: the update wins over the tick", async () => {
    const a = asset({ name: "A", automationCondition: updatedSinceCron }, () => 1);
    const clock = new ManualClock(Date.UTC(2020, 1, 2, 0, 55));
    const instance = Instance.ephemeral({ clock });
    const defs = new Definitions({ assets: [a] });
    const tick = ticker(defs, instance);
    let evaluationTime = Date.UTC(2020, 1, 2, 0, 55);
    let result = await tick(evaluationTime);
    expect(result.totalRequested).toBe(0);
    evaluationTime += 10 * MINUTE;
    clock.set(evaluationTime - MINUTE);
    await report.materialization(instance, "A");
    result = await tick(evaluationTime);
    expect(result.totalRequested).toBe(1);
    evaluationTime += MINUTE;
    result = await tick(evaluationTime);
    expect(result.totalRequested).toBe(1);
    evaluationTime += HOUR;
    result = await tick(evaluationTime);
    expect(result.totalRequested).toBe(0);
    evaluationTime += MINUTE;
    clock.set(evaluationTime - MINUTE / 2);
    await report.materialization(instance, "A");
    result = await tick(evaluationTime);
    expect(result.totalRequested).toBe(1);
  });

  it("(Tessera) an update before the tick that the same evaluation passes does not count as since the tick", async () => {
    const a = asset({ name: "A", automationCondition: updatedSinceCron }, () => 1);
    const clock = new ManualClock(Date.UTC(2020, 1, 2, 0, 55));
    const instance = Instance.ephemeral({ clock });
    const defs = new Definitions({ assets: [a] });
    const tick = ticker(defs, instance);
    let result = await tick();
    clock.set(Date.UTC(2020, 1, 2, 0, 58));
    await report.materialization(instance, "A");
    clock.set(Date.UTC(2020, 1, 2, 1, 5));
    result = await tick();
    expect(result.totalRequested).toBe(0);
  });

  it("test_updated_since_cron_partitioned_update_in_same_eval_as_cron_tick", async () => {
    const a = asset({ name: "A", automationCondition: updatedSinceCron, partitionsDef: twoPartitions }, () => 1);
    const clock = new ManualClock(Date.UTC(2020, 1, 2, 0, 55));
    const instance = Instance.ephemeral({ clock });
    const defs = new Definitions({ assets: [a] });
    const tick = ticker(defs, instance);
    let evaluationTime = Date.UTC(2020, 1, 2, 0, 55);
    let result = await tick(evaluationTime);
    expect(result.totalRequested).toBe(0);
    evaluationTime += 10 * MINUTE;
    clock.set(evaluationTime - MINUTE);
    await report.materialization(instance, "A", "1");
    result = await tick(evaluationTime);
    expect([...result.getRequestedPartitions("A")]).toEqual(["1"]);
    evaluationTime += MINUTE;
    clock.set(evaluationTime - MINUTE / 2);
    await report.materialization(instance, "A", "2");
    result = await tick(evaluationTime);
    expect(result.totalRequested).toBe(2);
    evaluationTime += HOUR;
    result = await tick(evaluationTime);
    expect(result.totalRequested).toBe(0);
    evaluationTime += HOUR;
    clock.set(evaluationTime - MINUTE);
    await report.materialization(instance, "A", "2");
    result = await tick(evaluationTime);
    expect([...result.getRequestedPartitions("A")]).toEqual(["2"]);
  });

  it("test_updated_since_cron_partitioned", async () => {
    const s = oneAsset(updatedSinceCron, { partitionsDef: twoPartitions, start: Date.UTC(2020, 1, 2, 0, 55) });
    expect(await s.requested()).toBe(0);
    s.clock.advance(10 * MINUTE);
    expect(await s.requested()).toBe(0);
    await s.run("1");
    expect(await s.requested()).toBe(1);
    await s.run("2");
    expect(await s.requested()).toBe(2);
    expect(await s.requested()).toBe(2);
    await s.run("1");
    expect(await s.requested()).toBe(2);
    s.clock.advance(HOUR);
    expect(await s.requested()).toBe(0);
    await s.run("2");
    expect(await s.requested()).toBe(1);
    expect(await s.requested()).toBe(1);
  });
});
