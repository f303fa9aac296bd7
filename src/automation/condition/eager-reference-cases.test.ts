// Cases of Dagster's declarative_automation_tests/.../builtins/test_eager_condition.py, ported to Tessera's API.
import { describe, expect, it } from "vitest";
import { AssetCheckResult, AssetDep, DailyPartitionsDefinition, Instance, ManualClock, StaticPartitionsDefinition, TimeWindowPartitionMapping, asset, assetCheck } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AssetSelection } from "../../graph/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { evaluateAutomationConditions } from "./evaluator.js";
import { twoAssetsInSequence, ticker } from "./test-scenario.js";

const eager = AutomationCondition.eager();

describe("reference cases: test_eager_condition.py", () => {
  it("test_eager_unpartitioned (up to the failed run, which the scenario helper cannot make)", async () => {
    const s = twoAssetsInSequence({ start: Date.UTC(2020, 1, 2, 0, 5) });
    expect((await s.evaluate(eager)).getNumRequested("B")).toBe(0);
    await s.run(["A"]);
    expect((await s.evaluate(eager)).getNumRequested("B")).toBe(1);
    // Requested, not yet materialized: not again.
    expect((await s.evaluate(eager)).getNumRequested("B")).toBe(0);
    expect((await s.evaluate(eager)).getNumRequested("B")).toBe(0);
    await s.run(["B"]);
    expect((await s.evaluate(eager)).getNumRequested("B")).toBe(0);
    await s.run(["A"]);
    expect((await s.evaluate(eager)).getNumRequested("B")).toBe(1);
  });

  it("test_eager_static_partitioned: no surprise backfill, then the partitions added later are requested once", async () => {
    const defsOf = (keys: string[]) => {
      const pd = new StaticPartitionsDefinition(keys);
      const a = asset({ name: "A", partitionsDef: pd, automationCondition: eager }, () => 1);
      const b = asset({ name: "B", partitionsDef: pd, automationCondition: eager }, () => 1);
      return new Definitions({ assets: [a, b] });
    };
    const instance = Instance.ephemeral();
    let result = await evaluateAutomationConditions({ defs: defsOf(["a", "b"]), instance });
    expect(result.totalRequested).toBe(0);
    result = await evaluateAutomationConditions({ defs: defsOf(["a", "b", "c", "d"]), instance, cursor: result.cursor });
    expect(result.totalRequested).toBe(4);
    expect([...result.getRequestedPartitions("A")].sort()).toEqual(["c", "d"]);
    expect([...result.getRequestedPartitions("B")].sort()).toEqual(["c", "d"]);
    result = await evaluateAutomationConditions({ defs: defsOf(["a", "b", "c", "d"]), instance, cursor: result.cursor });
    expect(result.totalRequested).toBe(0);
  });

  it("test_eager_self_dependency", async () => {
    const root = asset("root", () => 1);
    const a = asset(
      {
        name: "A",
        deps: [root, new AssetDep("A", { partitionMapping: new TimeWindowPartitionMapping({ startOffset: -1, endOffset: -1 }) })],
        automationCondition: eager,
        partitionsDef: new DailyPartitionsDefinition({ startDate: "2024-01-01" }),
      },
      () => 1,
    );
    const defs = new Definitions({ assets: [root, a] });
    const evaluationTime = Date.UTC(2024, 7, 16, 1, 1);
    const instance = Instance.ephemeral({ clock: new ManualClock(evaluationTime) });
    let result = await evaluateAutomationConditions({ defs, instance, evaluationTime });
    expect(result.totalRequested).toBe(0);
    // Now the previous partition of A exists: request.
    await defs.materialize(["root", "A"], { instance, partitionKey: "2024-08-14" });
    result = await evaluateAutomationConditions({ defs, instance, cursor: result.cursor, evaluationTime });
    expect(result.totalRequested).toBe(1);
    expect([...result.getRequestedPartitions("A")]).toEqual(["2024-08-15"]);
    result = await evaluateAutomationConditions({ defs, instance, cursor: result.cursor, evaluationTime });
    expect(result.totalRequested).toBe(0);
    // The previous partition again: requested again.
    await defs.materialize("A", { instance, partitionKey: "2024-08-14" });
    result = await evaluateAutomationConditions({ defs, instance, cursor: result.cursor, evaluationTime });
    expect(result.totalRequested).toBe(1);
    result = await evaluateAutomationConditions({ defs, instance, cursor: result.cursor, evaluationTime });
    expect(result.totalRequested).toBe(0);
  });

  it("test_eager_on_asset_check", async () => {
    const a = asset("A", () => 1);
    const fooCheck = assetCheck({ asset: a, name: "foo_check", automationCondition: eager }, () => new AssetCheckResult({ passed: true }));
    const defs = new Definitions({ assets: [a], assetChecks: [fooCheck] });
    const instance = Instance.ephemeral();
    const tick = ticker(defs, instance);
    const updateA = () => defs.materialize(AssetSelection.keys("A").withoutChecks(), { instance });
    let result = await tick();
    expect(result.totalRequested).toBe(0);
    await updateA();
    result = await tick();
    expect(result.totalRequested).toBe(1);
    result = await tick();
    expect(result.totalRequested).toBe(0);
    await updateA();
    result = await tick();
    expect(result.totalRequested).toBe(1);
    result = await tick();
    expect(result.totalRequested).toBe(0);
  });

  for (const bResult of ["skip", "fail", "materialize"] as const) {
    it(`test_eager_partial_run[${bResult}]`, async () => {
      const root = asset("root", () => 1);
      const a = asset({ name: "A", deps: [root], automationCondition: eager }, () => 1);
      const b = asset({ name: "B", deps: [a], outputRequired: false, automationCondition: eager }, () => {
        if (bResult === "fail") throw new Error("1 / 0");
        return bResult === "materialize" ? 1 : undefined;
      });
      const c = asset({ name: "C", deps: [b], automationCondition: eager }, () => 1);
      const defs = new Definitions({ assets: [root, a, b, c] });
      const instance = Instance.ephemeral();
      const tick = ticker(defs, instance);
      let result = await tick();
      expect(result.totalRequested).toBe(0);
      await defs.materialize("root", { instance });
      result = await tick();
      expect(result.totalRequested).toBe(3);
      result = await tick();
      expect(result.totalRequested).toBe(0);
      // The requested run: A materializes; B and C may not, which does not start them again.
      await defs.materialize(["A", "B", "C"], { instance, raiseOnError: false });
      result = await tick();
      expect(result.totalRequested).toBe(0);
      // A on its own: B and C again.
      await defs.materialize("A", { instance });
      result = await tick();
      expect(result.totalRequested).toBe(2);
    });
  }
});
