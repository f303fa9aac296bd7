import { describe, expect, it } from "vitest";
import { DailyPartitionsDefinition } from "../../index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { HOUR, twoAssetsInSequence } from "./test-scenario.js";

const onMissing = AutomationCondition.onMissing();

describe("AutomationCondition.onMissing()", () => {
  it("is built from parts as the reference builds it", () => {
    expect(onMissing.describe().split("\n").slice(0, 9)).toEqual([
      "on_missing: AND",
      "  in_latest_time_window",
      "  missing_since_last_handled: SINCE",
      "    NEWLY_TRUE",
      "      missing",
      "    handled: OR",
      "      newly_requested",
      "      newly_updated",
      "      initial_evaluation",
    ]);
  });

  it("requests B once it goes missing after the condition applies, and not again while requested or after", async () => {
    const s = twoAssetsInSequence({ start: Date.UTC(2026, 10, 2) });
    await s.run(["B"]);
    expect((await s.evaluate(onMissing)).totalRequested).toBe(0);
    // parent materialized: B could run, but it is not missing
    await s.run(["A"]);
    expect((await s.evaluate(onMissing)).totalRequested).toBe(0);
    // B wiped: newly missing
    await s.instance.wipeAssets(["B"]);
    expect((await s.evaluate(onMissing)).getNumRequested("B")).toBe(1);
    // requested, not materialized yet: not again
    expect((await s.evaluate(onMissing)).totalRequested).toBe(0);
    expect((await s.evaluate(onMissing)).totalRequested).toBe(0);
    // parent again: no effect
    await s.run(["A"]);
    expect((await s.evaluate(onMissing)).totalRequested).toBe(0);
    await s.run(["B"]);
    expect((await s.evaluate(onMissing)).totalRequested).toBe(0);
  });

  it("requests each new daily partition once its parent partition exists, only the latest", async () => {
    const daily = new DailyPartitionsDefinition({ startDate: "2026-01-01" });
    const s = twoAssetsInSequence({ start: Date.UTC(2026, 10, 2, 0, 5), partitionsDef: daily });
    // parent has not updated yet
    expect((await s.evaluate(onMissing)).totalRequested).toBe(0);
    s.clock.advance(24 * HOUR);
    // a historical parent partition: no matter
    await s.run(["A"], "2026-07-05");
    expect((await s.evaluate(onMissing)).totalRequested).toBe(0);
    // the latest parent partition: B's latest partition can run
    await s.run(["A"], "2026-11-02");
    const requested = await s.evaluate(onMissing);
    expect(requested.getRequestedPartitions("B")).toEqual(new Set(["2026-11-02"]));
    expect(requested.runRequests.map((r) => [r.partitionKey, r.assetSelection?.map(String)])).toEqual([["2026-11-02", ["B"]]]);
    expect((await s.evaluate(onMissing)).totalRequested).toBe(0);
    // a new partition comes into being; its parent is not there yet
    s.clock.advance(24 * HOUR);
    expect((await s.evaluate(onMissing)).totalRequested).toBe(0);
    await s.run(["A"], "2026-11-03");
    expect((await s.evaluate(onMissing)).getRequestedPartitions("B")).toEqual(new Set(["2026-11-03"]));
    // the parent again: not again
    await s.run(["A"], "2026-11-03");
    expect((await s.evaluate(onMissing)).totalRequested).toBe(0);
  });
});
