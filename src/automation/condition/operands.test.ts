import { describe, expect, it } from "vitest";
import { Instance, ManualClock, StaticPartitionsDefinition, asset, materialize } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { evaluateAutomationConditions } from "./index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { twoAssetsInSequence } from "./test-scenario.js";

const START = Date.UTC(2026, 10, 2);

describe("operands", () => {
  it("executionFailed is true after a failed materialization, until the next success", async () => {
    let fail = true;
    const a = asset({ name: "A" }, () => {
      if (fail) throw new Error("boom");
      return 1;
    });
    const defs = new Definitions({ assets: [a] });
    const instance = Instance.ephemeral({ clock: new ManualClock(START) });
    const evaluate = async () => (await evaluateAutomationConditions({ defs, instance, conditions: { A: AutomationCondition.executionFailed() } })).totalRequested;
    expect(await evaluate()).toBe(0);
    await materialize([a], { instance, raiseOnError: false });
    expect(await evaluate()).toBe(1);
    fail = false;
    await materialize([a], { instance });
    expect(await evaluate()).toBe(0);
  });

  it("eager does not retry B right after B's requested run fails", async () => {
    const s = twoAssetsInSequence({ start: START });
    await s.evaluate();
    await s.run(["A"]);
    expect((await s.evaluate()).getNumRequested("B")).toBe(1);
    await s.instance.createRun({ jobName: "__ASSET_JOB", tags: {}, assetSelection: ["B"], runConfig: {}, status: "FAILURE" });
    expect((await s.evaluate()).totalRequested).toBe(0);
  });

  it("eager requests a chain downstream of an update in the same evaluation (will_be_requested)", async () => {
    const root = asset({ name: "root" }, () => 0);
    const a = asset({ name: "a", deps: [root] }, () => 1);
    const b = asset({ name: "b", deps: [a] }, () => 2);
    const c = asset({ name: "c", deps: [b] }, () => 3);
    const defs = new Definitions({ assets: [root, a, b, c] });
    const instance = Instance.ephemeral({ clock: new ManualClock(START) });
    const eager = AutomationCondition.eager();
    let result = await evaluateAutomationConditions({ defs, instance, conditions: { a: eager, b: eager, c: eager } });
    await materialize([root, a, b, c], { instance });
    result = await evaluateAutomationConditions({ defs, instance, cursor: result.cursor, conditions: { a: eager, b: eager, c: eager } });
    // a, b and c were materialized by the same run as root: nothing to do
    expect(result.totalRequested).toBe(0);
    await materialize([root, a, b, c], { instance, selection: ["root"] });
    result = await evaluateAutomationConditions({ defs, instance, cursor: result.cursor, conditions: { a: eager, b: eager, c: eager } });
    expect(result.totalRequested).toBe(3);
    expect(result.runRequests.map((r) => r.assetSelection?.map(String))).toEqual([["a", "b", "c"]]);
  });

  it("codeVersionChanged is true at the evaluation after the asset's code version changes", async () => {
    const instance = Instance.ephemeral({ clock: new ManualClock(START) });
    const build = (codeVersion: string) => new Definitions({ assets: [asset({ name: "A", codeVersion }, () => 1)] });
    const condition = { A: AutomationCondition.codeVersionChanged() };
    let result = await evaluateAutomationConditions({ defs: build("1"), instance, conditions: condition });
    expect(result.totalRequested).toBe(0);
    result = await evaluateAutomationConditions({ defs: build("2"), instance, cursor: result.cursor, conditions: condition });
    expect(result.totalRequested).toBe(1);
    result = await evaluateAutomationConditions({ defs: build("2"), instance, cursor: result.cursor, conditions: condition });
    expect(result.totalRequested).toBe(0);
  });

  it("backfillInProgress covers the partitions a running backfill has not finished", async () => {
    const letters = new StaticPartitionsDefinition(["a", "b", "c"]);
    const defs = new Definitions({ assets: [asset({ name: "A", partitionsDef: letters }, () => 1)] });
    const instance = Instance.ephemeral({ clock: new ManualClock(START) });
    await instance.storage.addBackfill({
      backfillId: "bf1",
      status: "IN_PROGRESS",
      createTime: START,
      updateTime: START,
      assetSelection: ["A"],
      partitionKeys: ["a", "b"],
      runIds: [],
      materializedPartitions: ["a"],
      failedPartitions: [],
      tags: {},
    });
    const result = await evaluateAutomationConditions({ defs, instance, conditions: { A: AutomationCondition.backfillInProgress() } });
    expect(result.getRequestedPartitions("A")).toEqual(new Set(["b"]));
  });

  it("runInProgress covers the partition of an unfinished run", async () => {
    const letters = new StaticPartitionsDefinition(["a", "b", "c"]);
    const defs = new Definitions({ assets: [asset({ name: "A", partitionsDef: letters }, () => 1)] });
    const instance = Instance.ephemeral({ clock: new ManualClock(START) });
    await instance.createRun({ jobName: "__ASSET_JOB", tags: {}, assetSelection: ["A"], runConfig: {}, status: "STARTED", partitionKey: "c" });
    const result = await evaluateAutomationConditions({ defs, instance, conditions: { A: AutomationCondition.inProgress() } });
    expect(result.getRequestedPartitions("A")).toEqual(new Set(["c"]));
  });

  it("assetMatches evaluates its condition on another asset", async () => {
    const s = twoAssetsInSequence({ start: START });
    const aMissing = AutomationCondition.assetMatches("A", AutomationCondition.missing());
    expect((await s.evaluate(aMissing)).getNumRequested("B")).toBe(1);
    await s.run(["A"]);
    expect((await s.evaluate(aMissing)).getNumRequested("B")).toBe(0);
  });

  it("anyDownstreamConditions is true where a descendant's condition is true on this asset", async () => {
    const s = twoAssetsInSequence({ start: START });
    // A takes B's condition (missing) and runs while A itself is missing
    const result = await s.evaluate(AutomationCondition.missing(), AutomationCondition.anyDownstreamConditions());
    expect(result.getNumRequested("A")).toBe(1);
    expect(result.explain("A")).toContain("ANY_DOWNSTREAM_CONDITIONS → true");
    await s.run(["A"]);
    expect((await s.evaluate(AutomationCondition.missing(), AutomationCondition.anyDownstreamConditions())).getNumRequested("A")).toBe(0);
  });
});
