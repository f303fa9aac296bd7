// Cases of Dagster's declarative_automation_tests/.../builtins/test_on_cron_condition.py, ported to Tessera's API.
import { describe, expect, it } from "vitest";
import { AssetCheckResult, DataVersion, DynamicPartitionsDefinition, HourlyPartitionsDefinition, Instance, ManualClock, asset, assetCheck, observableSourceAsset } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AssetSelection } from "../../graph/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { evaluateAutomationConditions } from "./evaluator.js";
import { report, twoAssetsInSequence, ticker } from "./test-scenario.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const hourly = AutomationCondition.onCron("0 * * * *");

describe("reference cases: test_on_cron_condition.py", () => {
  it("test_on_cron_unpartitioned", async () => {
    const s = twoAssetsInSequence({ start: Date.UTC(2020, 1, 2, 0, 55) });
    expect((await s.evaluate(hourly)).getNumRequested("B")).toBe(0);
    s.clock.advance(10 * MINUTE);
    expect((await s.evaluate(hourly)).getNumRequested("B")).toBe(0);
    await s.run(["A"]);
    expect((await s.evaluate(hourly)).getNumRequested("B")).toBe(1);
    await s.run(["B"]);
    expect((await s.evaluate(hourly)).getNumRequested("B")).toBe(0);
    await s.run(["A"]);
    expect((await s.evaluate(hourly)).getNumRequested("B")).toBe(0);
    s.clock.advance(HOUR);
    expect((await s.evaluate(hourly)).getNumRequested("B")).toBe(0);
    await s.run(["A"]);
    expect((await s.evaluate(hourly)).getNumRequested("B")).toBe(1);
  });

  it("test_on_cron_hourly_partitioned", async () => {
    const s = twoAssetsInSequence({ start: Date.UTC(2020, 1, 2, 0, 55), partitionsDef: new HourlyPartitionsDefinition({ startDate: "2019-01-01-00:00" }) });
    expect((await s.evaluate(hourly)).getNumRequested("B")).toBe(0);
    s.clock.advance(10 * MINUTE);
    expect((await s.evaluate(hourly)).getNumRequested("B")).toBe(0);
    await s.run(["A"], "2019-07-05-00:00");
    expect((await s.evaluate(hourly)).getNumRequested("B")).toBe(0);
    await s.run(["A"], "2020-02-02-00:00");
    const requested = await s.evaluate(hourly);
    expect([...requested.getRequestedPartitions("B")]).toEqual(["2020-02-02-00:00"]);
    await s.run(["B"], "2020-02-02-00:00");
    expect((await s.evaluate(hourly)).getNumRequested("B")).toBe(0);
    s.clock.advance(HOUR);
    expect((await s.evaluate(hourly)).getNumRequested("B")).toBe(0);
    await s.run(["A"], "2020-02-02-00:00");
    expect((await s.evaluate(hourly)).getNumRequested("B")).toBe(0);
    await s.run(["A"], "2020-02-02-01:00");
    expect((await s.evaluate(hourly)).getNumRequested("B")).toBe(1);
  });

  it("test_on_cron_on_asset_check", async () => {
    const a = asset("A", () => 1);
    const fooCheck = assetCheck({ asset: a, name: "foo_check", automationCondition: AutomationCondition.onCron("@hourly") }, () => new AssetCheckResult({ passed: true }));
    const defs = new Definitions({ assets: [a], assetChecks: [fooCheck] });
    const clock = new ManualClock(Date.UTC(2024, 7, 16, 4, 35));
    const instance = Instance.ephemeral({ clock });
    const updateA = () => defs.materialize(AssetSelection.keys("A").withoutChecks(), { instance });
    const evaluate = async (cursor?: string) => evaluateAutomationConditions({ defs, instance, evaluationTime: clock.now(), ...(cursor ? { cursor } : {}) });
    let result = await evaluate();
    expect(result.totalRequested).toBe(0);
    clock.advance(30 * MINUTE);
    result = await evaluate(result.cursor);
    expect(result.totalRequested).toBe(0);
    clock.advance(MINUTE);
    await updateA();
    result = await evaluate(result.cursor);
    expect(result.totalRequested).toBe(1);
    clock.advance(MINUTE);
    result = await evaluate(result.cursor);
    expect(result.totalRequested).toBe(0);
    clock.advance(MINUTE);
    await updateA();
    result = await evaluate(result.cursor);
    expect(result.totalRequested).toBe(0);
    clock.advance(HOUR);
    result = await evaluate(result.cursor);
    expect(result.totalRequested).toBe(0);
    clock.advance(MINUTE);
    await updateA();
    result = await evaluate(result.cursor);
    expect(result.totalRequested).toBe(1);
  });

  it("test_on_cron_on_observable_source: the source is observed at the tick, its downstream once a new data version shows", async () => {
    const obs = observableSourceAsset({ name: "obs", automationCondition: AutomationCondition.onCron("@hourly") }, () => new DataVersion("1"));
    const mat = asset({ name: "mat", deps: [obs], automationCondition: AutomationCondition.onCron("@hourly") }, () => 1);
    const defs = new Definitions({ assets: [obs, mat] });
    const clock = new ManualClock(Date.UTC(2024, 7, 16, 4, 35));
    const instance = Instance.ephemeral({ clock });
    const evaluate = async (cursor?: string) => evaluateAutomationConditions({ defs, instance, evaluationTime: clock.now(), ...(cursor ? { cursor } : {}) });
    let result = await evaluate();
    expect(result.totalRequested).toBe(0);
    // The tick: only the source, as its observation may not bring a new data version.
    clock.advance(30 * MINUTE);
    result = await evaluate(result.cursor);
    expect(result.totalRequested).toBe(1);
    expect(result.getNumRequested("obs")).toBe(1);
    clock.advance(MINUTE);
    result = await evaluate(result.cursor);
    expect(result.totalRequested).toBe(0);
    // A new data version: the downstream asset.
    await report.observation(instance, "obs", "blah");
    result = await evaluate(result.cursor);
    expect(result.totalRequested).toBe(1);
    expect(result.getNumRequested("mat")).toBe(1);
    clock.advance(MINUTE);
    result = await evaluate(result.cursor);
    expect(result.totalRequested).toBe(0);
    clock.advance(HOUR);
    result = await evaluate(result.cursor);
    expect(result.totalRequested).toBe(1);
    expect(result.getNumRequested("obs")).toBe(1);
    // The same data version: not the downstream asset.
    await report.observation(instance, "obs", "blah");
    result = await evaluate(result.cursor);
    expect(result.totalRequested).toBe(0);
  });

  // The reference reports its updates at the wall clock's time, after the 2020 ticks; here a minute after the tick.
  it("test_on_cron_parent_updated_in_same_evaluation_as_cron_tick", async () => {
    const a = asset("A", () => 1);
    const b = asset({ name: "B", deps: [a], automationCondition: hourly }, () => 1);
    const defs = new Definitions({ assets: [a, b] });
    const clock = new ManualClock(Date.UTC(2020, 1, 2, 0, 55));
    const instance = Instance.ephemeral({ clock });
    const tick = ticker(defs, instance);
    let result = await tick();
    expect(result.totalRequested).toBe(0);
    clock.set(Date.UTC(2020, 1, 2, 1, 4));
    await report.materialization(instance, "A");
    clock.advance(MINUTE);
    result = await tick();
    expect(result.totalRequested).toBe(1);
    await report.materialization(instance, "B");
    clock.advance(MINUTE);
    result = await tick();
    expect(result.totalRequested).toBe(0);
    clock.advance(HOUR);
    result = await tick();
    expect(result.totalRequested).toBe(0);
    await report.materialization(instance, "A");
    clock.advance(MINUTE);
    result = await tick();
    expect(result.totalRequested).toBe(1);
  });

  it("test_on_cron_multi_dep_one_updated_in_same_evaluation_as_cron_tick", async () => {
    const a = asset("A", () => 1);
    const b = asset("B", () => 1);
    const c = asset({ name: "C", deps: [a, b], automationCondition: hourly }, () => 1);
    const defs = new Definitions({ assets: [a, b, c] });
    const clock = new ManualClock(Date.UTC(2020, 1, 2, 0, 55));
    const instance = Instance.ephemeral({ clock });
    const tick = ticker(defs, instance);
    let result = await tick();
    expect(result.totalRequested).toBe(0);
    clock.set(Date.UTC(2020, 1, 2, 1, 4));
    await report.materialization(instance, "A");
    clock.advance(MINUTE);
    // A updated after the tick, B not yet.
    result = await tick();
    expect(result.totalRequested).toBe(0);
    await report.materialization(instance, "B");
    clock.advance(MINUTE);
    result = await tick();
    expect(result.totalRequested).toBe(1);
  });

  it("test_on_cron_with_dynamic_partitions: a deleted partition is no error", async () => {
    const a = asset({ name: "A", partitionsDef: new DynamicPartitionsDefinition({ name: "some_def" }), automationCondition: AutomationCondition.onCron("@hourly") }, () => 1);
    const defs = new Definitions({ assets: [a] });
    const clock = new ManualClock(Date.UTC(2024, 7, 16, 4, 35));
    const instance = Instance.ephemeral({ clock });
    const tick = ticker(defs, instance);
    await instance.addDynamicPartitions("some_def", ["a", "b", "c"]);
    let result = await tick();
    expect(result.totalRequested).toBe(0);
    clock.advance(HOUR);
    result = await tick();
    expect(result.totalRequested).toBe(3);
    clock.advance(MINUTE);
    await instance.deleteDynamicPartition("some_def", "c");
    result = await tick();
    expect(result.totalRequested).toBe(0);
  });

  it("test_asset_order_change_doesnt_reset_cursor_state", async () => {
    const a = asset("A", () => 1);
    const b = asset("B", () => 1);
    const c = asset("C", () => 1);
    const condition = AutomationCondition.allDepsUpdatedSinceCron("* * * * *", "UTC");
    const before = asset({ key: ["downstream"], deps: [b, c], automationCondition: condition }, () => 1);
    const after = asset({ key: ["downstream"], deps: [a, b, c], automationCondition: condition }, () => 1);
    const defsBefore = new Definitions({ assets: [b, c, before] });
    const defsAfter = new Definitions({ assets: [a, b, c, after] });
    const clock = new ManualClock(Date.UTC(2024, 7, 16, 4, 35, 30));
    const instance = Instance.ephemeral({ clock });
    let result = await evaluateAutomationConditions({ defs: defsBefore, instance, evaluationTime: clock.now() });
    expect(result.totalRequested).toBe(0);
    clock.advance(MINUTE);
    result = await evaluateAutomationConditions({ defs: defsBefore, instance, evaluationTime: clock.now() });
    expect(result.totalRequested).toBe(0);
    await defsBefore.materialize("B", { instance });
    result = await evaluateAutomationConditions({ defs: defsBefore, instance, cursor: result.cursor, evaluationTime: clock.now() });
    expect(result.totalRequested).toBe(0);
    await defsAfter.materialize("A", { instance });
    await defsAfter.materialize("C", { instance });
    result = await evaluateAutomationConditions({ defs: defsAfter, instance, cursor: result.cursor, evaluationTime: clock.now() });
    expect(result.totalRequested).toBe(1);
  });

  it("test_invalid_schedules", () => {
    for (const schedule of ["0 0 * * *", "0 */5 * * *", "@daily", "@hourly", "*/15 * * * 1-6"]) expect(() => AutomationCondition.onCron(schedule)).not.toThrow();
    for (const schedule of ["* /15 * * * 1-6", "totally-invalid"]) expect(() => AutomationCondition.onCron(schedule)).toThrow(/cron/i);
  });
});
