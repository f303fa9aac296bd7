import { describe, expect, it } from "vitest";
import { AutomationCondition } from "../../definitions/index.js";
import { HOUR, twoAssetsInSequence } from "./test-scenario.js";

const MINUTE = 60_000;
const hourly = AutomationCondition.onCron("0 * * * *");

describe("AutomationCondition.onCron()", () => {
  it("is built from parts as the reference builds it", () => {
    expect(hourly.describe().split("\n")).toEqual([
      "on_cron(0 * * * *, UTC): AND",
      "  in_latest_time_window",
      "  SINCE",
      "    cron_tick_passed(0 * * * *, UTC)",
      "    handled: OR",
      "      newly_requested",
      "      newly_updated",
      "      initial_evaluation",
      "  all_deps_updated_since_cron(0 * * * *, UTC): ALL_DEPS_MATCH",
      "    OR",
      "      SINCE",
      "        newly_updated",
      "        cron_tick_passed(0 * * * *, UTC)",
      "      will_be_requested",
    ]);
  });

  it("requests B after the tick once A has updated since the tick, once per tick", async () => {
    const s = twoAssetsInSequence({ start: Date.UTC(2026, 1, 2, 0, 55) });
    // no tick passed
    expect((await s.evaluate(hourly)).totalRequested).toBe(0);
    // a tick passed; the parent has not updated since
    s.clock.advance(10 * MINUTE);
    expect((await s.evaluate(hourly)).totalRequested).toBe(0);
    // the parent updated: B runs
    await s.run(["A"]);
    expect((await s.evaluate(hourly)).getNumRequested("B")).toBe(1);
    // requested: not again within the same tick, even when the parent updates again
    expect((await s.evaluate(hourly)).totalRequested).toBe(0);
    await s.run(["A"]);
    expect((await s.evaluate(hourly)).totalRequested).toBe(0);
    // the next tick: the parent has not updated since it
    s.clock.advance(HOUR);
    expect((await s.evaluate(hourly)).totalRequested).toBe(0);
    await s.run(["A"]);
    expect((await s.evaluate(hourly)).getNumRequested("B")).toBe(1);
  });

  it("requests A and B in the same tick when A's own cron condition requests it", async () => {
    const s = twoAssetsInSequence({ start: Date.UTC(2026, 1, 2, 0, 55) });
    await s.run(["A", "B"]);
    expect((await s.evaluate(hourly, hourly)).totalRequested).toBe(0);
    s.clock.advance(10 * MINUTE);
    const both = await s.evaluate(hourly, hourly);
    expect(both.totalRequested).toBe(2);
    expect(both.runRequests.map((r) => r.assetSelection?.map(String))).toEqual([["A", "B"]]);
  });

  it("counts ticks in the cron's time zone", async () => {
    const nineInBerlin = AutomationCondition.cronTickPassed("0 9 * * *", "Europe/Berlin");
    const s = twoAssetsInSequence({ start: Date.UTC(2026, 6, 1, 6, 30) });
    await s.evaluate(nineInBerlin);
    s.clock.advance(HOUR); // 07:30 UTC = 09:30 in Berlin (summer time)
    expect((await s.evaluate(nineInBerlin)).getNumRequested("B")).toBe(1);
    s.clock.advance(HOUR);
    expect((await s.evaluate(nineInBerlin)).totalRequested).toBe(0);
  });
});
