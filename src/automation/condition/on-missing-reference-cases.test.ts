// Cases of Dagster's declarative_automation_tests/.../builtins/test_on_missing_condition.py, ported to Tessera's API.
import { describe, expect, it } from "vitest";
import { HourlyPartitionsDefinition } from "../../index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { HOUR, report, twoAssetsInSequence } from "./test-scenario.js";

const hourly = new HourlyPartitionsDefinition({ startDate: "2013-01-05-00:00" });
const DAY = 24 * HOUR;

describe("reference cases: test_on_missing_condition.py", () => {
  it("test_on_missing_unpartitioned", async () => {
    const onMissing = AutomationCondition.onMissing();
    const s = twoAssetsInSequence({ start: Date.UTC(2020, 1, 2) });
    // B starts off materialized.
    await report.materialization(s.instance, "B");
    expect((await s.evaluate(onMissing)).getNumRequested("B")).toBe(0);
    // The parent updated: B could run, but it is not missing.
    await s.run(["A"]);
    expect((await s.evaluate(onMissing)).getNumRequested("B")).toBe(0);
    // Wiped: newly missing.
    await s.instance.wipeAssets(["B"]);
    expect((await s.evaluate(onMissing)).getNumRequested("B")).toBe(1);
    // Requested, not materialized yet: not again.
    expect((await s.evaluate(onMissing)).getNumRequested("B")).toBe(0);
    expect((await s.evaluate(onMissing)).getNumRequested("B")).toBe(0);
    await s.run(["A"]);
    expect((await s.evaluate(onMissing)).getNumRequested("B")).toBe(0);
    await s.run(["B"]);
    expect((await s.evaluate(onMissing)).getNumRequested("B")).toBe(0);
    await s.run(["A"]);
    expect((await s.evaluate(onMissing)).getNumRequested("B")).toBe(0);
  });

  it("test_on_missing_hourly_partitioned", async () => {
    const onMissing = AutomationCondition.onMissing();
    const s = twoAssetsInSequence({ start: Date.UTC(2020, 1, 2, 0, 5), partitionsDef: hourly });
    expect((await s.evaluate(onMissing)).getNumRequested("B")).toBe(0);
    s.clock.advance(HOUR);
    // A historical partition of the parent: does not matter.
    await s.run(["A"], "2019-07-05-00:00");
    expect((await s.evaluate(onMissing)).getNumRequested("B")).toBe(0);
    // The latest partition of the parent: now B can run.
    await s.run(["A"], "2020-02-02-00:00");
    let result = await s.evaluate(onMissing);
    expect([...result.getRequestedPartitions("B")]).toEqual(["2020-02-02-00:00"]);
    expect((await s.evaluate(onMissing)).getNumRequested("B")).toBe(0);
    // A new partition, its parent not there yet.
    s.clock.advance(HOUR);
    expect((await s.evaluate(onMissing)).getNumRequested("B")).toBe(0);
    await s.run(["A"], "2020-02-02-01:00");
    result = await s.evaluate(onMissing);
    expect([...result.getRequestedPartitions("B")]).toEqual(["2020-02-02-01:00"]);
    // The parent again: not again.
    await s.run(["A"], "2020-02-02-01:00");
    expect((await s.evaluate(onMissing)).getNumRequested("B")).toBe(0);
  });

  it("test_on_missing_without_time_limit", async () => {
    const condition = AutomationCondition.onMissing().without(AutomationCondition.inLatestTimeWindow());
    const s = twoAssetsInSequence({ start: Date.UTC(2019, 1, 2, 1, 5), partitionsDef: hourly });
    expect((await s.evaluate(condition)).getNumRequested("B")).toBe(0);
    s.clock.advance(365 * DAY);
    // Historical partitions of the parent now matter.
    await s.run(["A"], "2019-07-05-00:00");
    await s.run(["A"], "2019-04-05-00:00");
    const result = await s.evaluate(condition);
    expect([...result.getRequestedPartitions("B")].sort()).toEqual(["2019-04-05-00:00", "2019-07-05-00:00"]);
    expect((await s.evaluate(condition)).getNumRequested("B")).toBe(0);
  });
});
