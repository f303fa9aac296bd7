import { describe, expect, it } from "vitest";
import { DailyPartitionsDefinition, Instance, ManualClock, StaticPartitionsDefinition, asset } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { evaluateAutomationConditions } from "./index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { HOUR, twoAssetsInSequence } from "./test-scenario.js";

describe("partitioned assets", () => {
  it("eager: a daily asset only runs its latest time window, once per parent update", async () => {
    const daily = new DailyPartitionsDefinition({ startDate: "2026-01-01" });
    const s = twoAssetsInSequence({ start: Date.UTC(2026, 10, 3, 1, 5), partitionsDef: daily });
    expect((await s.evaluate()).totalRequested).toBe(0);
    // a historical parent partition: no matter
    await s.run(["A"], "2026-07-05");
    expect((await s.evaluate()).totalRequested).toBe(0);
    // the latest parent partition
    await s.run(["A"], "2026-11-02");
    const requested = await s.evaluate();
    expect(requested.getRequestedPartitions("B")).toEqual(new Set(["2026-11-02"]));
    await s.run(["B"], "2026-11-02");
    expect((await s.evaluate()).totalRequested).toBe(0);
    // a new day: its parent partition is missing
    s.clock.advance(24 * HOUR);
    expect((await s.evaluate()).totalRequested).toBe(0);
    await s.run(["A"], "2026-11-03");
    expect((await s.evaluate()).getRequestedPartitions("B")).toEqual(new Set(["2026-11-03"]));
  });

  it("inLatestTimeWindow(lookback) covers the partitions ending within the lookback of the latest end", async () => {
    const daily = new DailyPartitionsDefinition({ startDate: "2026-01-01" });
    const s = twoAssetsInSequence({ start: Date.UTC(2026, 10, 3, 1, 5), partitionsDef: daily });
    const twoDays = await s.evaluate(AutomationCondition.inLatestTimeWindow(48 * HOUR));
    expect(twoDays.getRequestedPartitions("B")).toEqual(new Set(["2026-11-01", "2026-11-02"]));
    const latest = await s.evaluate(AutomationCondition.inLatestTimeWindow());
    expect(latest.getRequestedPartitions("B")).toEqual(new Set(["2026-11-02"]));
  });

  it("eager: no surprise backfill, then partitions added to a static definition run once", async () => {
    const build = (keys: string[]) => {
      const pd = new StaticPartitionsDefinition(keys);
      return new Definitions({ assets: [asset({ name: "A", partitionsDef: pd }, () => 1), asset({ name: "B", partitionsDef: pd }, () => 2)] });
    };
    const instance = Instance.ephemeral({ clock: new ManualClock(0) });
    const eager = AutomationCondition.eager();
    let result = await evaluateAutomationConditions({ defs: build(["a", "b"]), instance, defaultCondition: eager });
    expect(result.totalRequested).toBe(0);
    result = await evaluateAutomationConditions({ defs: build(["a", "b", "c", "d"]), instance, cursor: result.cursor, defaultCondition: eager });
    expect(result.totalRequested).toBe(4);
    expect(result.getRequestedPartitions("A")).toEqual(new Set(["c", "d"]));
    expect(result.getRequestedPartitions("B")).toEqual(new Set(["c", "d"]));
    // one run per partition key, each with both assets
    expect(result.runRequests.map((r) => [r.partitionKey, r.assetSelection?.map(String)])).toEqual([
      ["c", ["A", "B"]],
      ["d", ["A", "B"]],
    ]);
    result = await evaluateAutomationConditions({ defs: build(["a", "b", "c", "d"]), instance, cursor: result.cursor, defaultCondition: eager });
    expect(result.totalRequested).toBe(0);
  });
});

describe("requests across partitionings", () => {
  it("a daily asset does not count on an unpartitioned parent requested in another run of the same tick", async () => {
    const daily = new DailyPartitionsDefinition({ startDate: "2026-01-01" });
    const a = asset({ name: "A" }, () => 1);
    const b = asset({ name: "B", deps: [a], partitionsDef: daily }, () => 2);
    const defs = new Definitions({ assets: [a, b] });
    const instance = Instance.ephemeral({ clock: new ManualClock(Date.UTC(2026, 10, 3, 1)) });
    // A is missing and requested by its own condition; B's any_deps_missing still sees A missing
    const conditions = { A: AutomationCondition.missing(), B: AutomationCondition.inLatestTimeWindow().and(AutomationCondition.anyDepsMissing()) };
    const result = await evaluateAutomationConditions({ defs, instance, conditions });
    expect(result.getNumRequested("A")).toBe(1);
    expect(result.getRequestedPartitions("B")).toEqual(new Set(["2026-11-02"]));
    expect(result.runRequests.map((r) => [r.partitionKey, r.assetSelection?.map(String)])).toEqual([
      [undefined, ["A"]],
      ["2026-11-02", ["B"]],
    ]);
  });
});
