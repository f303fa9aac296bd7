// Cases of Dagster's declarative_automation_tests/.../builtins/test_event_timestamps.py, ported to Tessera's API.
// The reference reports its materializations at the wall clock's time (years after the 2020 evaluation times, so
// after every cron tick); here the clock is advanced past the tick before a materialization that must come after it.
// Its hard-coded conditions are `assetMatches(<switch>, not missing)`, a switch turned on by materializing it.
import { describe, expect, it } from "vitest";
import { Instance, ManualClock, StaticPartitionsDefinition, asset } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { report, ticker } from "./test-scenario.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const hourlyTick = () => AutomationCondition.cronTickPassed("0 * * * *", "UTC");
const START = Date.UTC(2020, 1, 2, 0, 55);

function setup(defs: Definitions) {
  const clock = new ManualClock(START);
  const instance = Instance.ephemeral({ clock });
  return { clock, instance, tick: ticker(defs, instance) };
}

describe("reference cases: test_event_timestamps.py", () => {
  it("test_cron_tick_passed_returns_timestamp", async () => {
    const a = asset({ name: "A", automationCondition: hourlyTick() }, () => 1);
    const { clock, tick } = setup(new Definitions({ assets: [a] }));
    expect((await tick()).totalRequested).toBe(0);
    clock.advance(10 * MINUTE);
    expect((await tick()).totalRequested).toBe(1);
  });

  it("test_newly_updated_returns_timestamp_unpartitioned", async () => {
    const a = asset({ name: "A", automationCondition: AutomationCondition.newlyUpdated() }, () => 1);
    const { clock, instance, tick } = setup(new Definitions({ assets: [a] }));
    expect((await tick()).totalRequested).toBe(0);
    await report.materialization(instance, "A");
    clock.advance(5 * MINUTE);
    expect((await tick()).totalRequested).toBe(1);
  });

  it("test_since_condition_timestamp_resolution_unpartitioned", async () => {
    const a = asset({ name: "A", automationCondition: AutomationCondition.newlyUpdated().since(hourlyTick()) }, () => 1);
    const { clock, instance, tick } = setup(new Definitions({ assets: [a] }));
    expect((await tick()).totalRequested).toBe(0);
    // The tick at 01:00 and a materialization at 01:05 are both new at this evaluation: the later one, the trigger, wins.
    clock.advance(10 * MINUTE);
    await report.materialization(instance, "A");
    expect((await tick()).totalRequested).toBe(1);
    // The next tick with no new materialization resets it.
    clock.advance(HOUR);
    expect((await tick()).totalRequested).toBe(0);
  });

  it("test_since_condition_timestamp_resolution_unpartitioned (a materialization before the tick loses to it)", async () => {
    const a = asset({ name: "A", automationCondition: AutomationCondition.newlyUpdated().since(hourlyTick()) }, () => 1);
    const { clock, instance, tick } = setup(new Definitions({ assets: [a] }));
    expect((await tick()).totalRequested).toBe(0);
    await report.materialization(instance, "A");
    clock.advance(10 * MINUTE);
    expect((await tick()).totalRequested).toBe(0);
  });

  it("test_since_condition_timestamp_resolution_partitioned", async () => {
    const partitionsDef = new StaticPartitionsDefinition(["1", "2"]);
    const a = asset({ name: "A", partitionsDef, automationCondition: AutomationCondition.newlyUpdated().since(hourlyTick()) }, () => 1);
    const { clock, instance, tick } = setup(new Definitions({ assets: [a] }));
    expect((await tick()).totalRequested).toBe(0);
    clock.advance(10 * MINUTE);
    await report.materialization(instance, "A", "1");
    const result = await tick();
    expect(result.totalRequested).toBe(1);
    expect([...result.getRequestedPartitions("A")]).toEqual(["1"]);
  });

  it("test_many_partitions_uses_tick_timestamp (Tessera reads every partition's time; no threshold)", async () => {
    const partitionsDef = new StaticPartitionsDefinition(["1", "2", "3"]);
    const a = asset({ name: "A", partitionsDef, automationCondition: AutomationCondition.newlyUpdated().since(hourlyTick()) }, () => 1);
    const { clock, instance, tick } = setup(new Definitions({ assets: [a] }));
    expect((await tick()).totalRequested).toBe(0);
    clock.advance(10 * MINUTE);
    for (const pk of ["1", "2", "3"]) await report.materialization(instance, "A", pk);
    expect((await tick()).totalRequested).toBe(3);
  });

  it("test_since_condition_fallback_without_timestamps", async () => {
    const on = (name: string) => AutomationCondition.assetMatches(name, AutomationCondition.missing().not());
    const switches = ["T", "R"].map((name) => asset(name, () => 1));
    const a = asset({ name: "a", automationCondition: on("T").since(on("R")) }, () => 1);
    const defs = new Definitions({ assets: [...switches, a] });
    const clock = new ManualClock(Date.UTC(2024, 0, 1));
    const instance = Instance.ephemeral({ clock });
    const tick = ticker(defs, instance);
    expect((await tick()).getNumRequested("a")).toBe(0);
    // Both become true at one evaluation and neither tells when: the reset wins.
    await defs.materialize(["T", "R"], { instance });
    clock.advance(MINUTE);
    expect((await tick()).getNumRequested("a")).toBe(0);
  });

  it("test_any_deps_match_propagates_timing_metadata", async () => {
    const a = asset({ name: "A" }, () => 1);
    const b = asset({ name: "B", deps: [a], automationCondition: AutomationCondition.anyDepsMatch(AutomationCondition.newlyUpdated()) }, () => 1);
    const { clock, instance, tick } = setup(new Definitions({ assets: [a, b] }));
    expect((await tick()).totalRequested).toBe(0);
    await report.materialization(instance, "A");
    clock.advance(5 * MINUTE);
    expect((await tick()).totalRequested).toBe(1);
  });

  it("test_since_any_deps_updated_uses_timestamps", async () => {
    const a = asset({ name: "A" }, () => 1);
    const condition = AutomationCondition.anyDepsMatch(AutomationCondition.newlyUpdated()).since(hourlyTick());
    const b = asset({ name: "B", deps: [a], automationCondition: condition }, () => 1);
    const { clock, instance, tick } = setup(new Definitions({ assets: [a, b] }));
    expect((await tick()).totalRequested).toBe(0);
    clock.advance(10 * MINUTE);
    await report.materialization(instance, "A");
    expect((await tick()).totalRequested).toBe(1);
    clock.advance(HOUR);
    expect((await tick()).totalRequested).toBe(0);
  });

  it("test_since_any_deps_updated_uses_timestamps (a dep updated before the tick loses to it)", async () => {
    const a = asset({ name: "A" }, () => 1);
    const condition = AutomationCondition.anyDepsMatch(AutomationCondition.newlyUpdated()).since(hourlyTick());
    const b = asset({ name: "B", deps: [a], automationCondition: condition }, () => 1);
    const { clock, instance, tick } = setup(new Definitions({ assets: [a, b] }));
    expect((await tick()).totalRequested).toBe(0);
    await report.materialization(instance, "A");
    clock.advance(10 * MINUTE);
    expect((await tick()).totalRequested).toBe(0);
  });

  it("test_since_any_deps_updated_uses_timestamps (partitioned: each partition weighs its own dep partition's time)", async () => {
    const partitionsDef = new StaticPartitionsDefinition(["1", "2"]);
    const a = asset({ name: "A", partitionsDef }, () => 1);
    const condition = AutomationCondition.anyDepsMatch(AutomationCondition.newlyUpdated()).since(hourlyTick());
    const b = asset({ name: "B", deps: [a], partitionsDef, automationCondition: condition }, () => 1);
    const { clock, instance, tick } = setup(new Definitions({ assets: [a, b] }));
    expect((await tick()).totalRequested).toBe(0);
    // A/2 updates before the 01:00 tick, A/1 after it; both are new at the 01:05 evaluation.
    await report.materialization(instance, "A", "2");
    clock.advance(10 * MINUTE);
    await report.materialization(instance, "A", "1");
    const result = await tick();
    expect([...result.getRequestedPartitions("B")]).toEqual(["1"]);
  });
});
