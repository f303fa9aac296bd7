// Cases of Dagster's declarative_automation_tests/.../builtins/test_cron_tick_memoization.py, ported to Tessera's API.
// The reference counts calls of its reverse cron iterator; here the count is of the time-zone look-ups that start
// every cron computation (`ZoneOffsets.for`), which nothing else in these evaluations calls.
import { afterEach, describe, expect, it, vi } from "vitest";
import { Instance, ManualClock, asset } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { ZoneOffsets } from "../../partitions/index.js";
import { ticker } from "./test-scenario.js";

const MINUTE = 60_000;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("reference cases: test_cron_tick_memoization.py", () => {
  it("test_cron_tick_passed_shared_across_assets_in_one_tick", async () => {
    const shared = AutomationCondition.cronTickPassed("0 * * * *", "UTC");
    const other = AutomationCondition.cronTickPassed("*/30 * * * *", "UTC");
    const assets = ["A", "B", "C"].map((name) => asset({ name, automationCondition: shared }, () => 1));
    const d = asset({ name: "D", automationCondition: other }, () => 1);
    const defs = new Definitions({ assets: [...assets, d] });
    const instance = Instance.ephemeral({ clock: new ManualClock(Date.UTC(2020, 1, 2, 0, 55)) });
    const tick = ticker(defs, instance);
    // Tessera's first evaluation has no previous one to count ticks from, so it computes no cron tick.
    expect((await tick()).totalRequested).toBe(0);
    const spy = vi.spyOn(ZoneOffsets, "for");
    // An evaluation that crosses both schedules: two (schedule, zone) pairs over four assets, two computations.
    const result = await tick(Date.UTC(2020, 1, 2, 1, 5));
    expect(result.totalRequested).toBe(4);
    expect(spy).toHaveBeenCalledTimes(2);
    // A new evaluation forgets what the last one computed.
    spy.mockClear();
    expect((await tick(Date.UTC(2020, 1, 2, 1, 5) + MINUTE)).totalRequested).toBe(0);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it("test_compute_previous_cron_tick_is_cached_per_view (one computation per schedule and zone in one tick)", async () => {
    const conditions = [
      AutomationCondition.cronTickPassed("0 * * * *", "UTC"),
      AutomationCondition.cronTickPassed("0 * * * *", "UTC"),
      AutomationCondition.cronTickPassed("*/15 * * * *", "UTC"),
      AutomationCondition.cronTickPassed("0 * * * *", "America/Los_Angeles"),
    ];
    const defs = new Definitions({ assets: conditions.map((automationCondition, i) => asset({ name: `a${i}`, automationCondition }, () => 1)) });
    const instance = Instance.ephemeral({ clock: new ManualClock(Date.UTC(2024, 5, 1, 11, 50)) });
    const tick = ticker(defs, instance);
    await tick();
    const spy = vi.spyOn(ZoneOffsets, "for");
    expect((await tick(Date.UTC(2024, 5, 1, 12, 30))).totalRequested).toBe(4);
    expect(spy).toHaveBeenCalledTimes(3);
  });
});
