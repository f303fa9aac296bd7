// Automation of multi-assets as the reference's evaluator treats them (automation_condition_evaluator.py,
// `_handle_execution_set`): a multi-asset that cannot be subset is one execution set, so what one of its assets
// requests, all of them are requested for, in the same run, and later conditions see it (will_be_requested). The
// reference's scenario for it is `three_assets_not_subsettable` (scenario_specs.py); one that can be subset is
// requested asset by asset.
import { describe, expect, it } from "vitest";
import { AssetSpec, Instance, MaterializeResult, StaticPartitionsDefinition, asset, multiAsset, type PartitionsDefinition } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { ticker } from "./test-scenario.js";
import { evaluateAutomationConditions } from "./evaluator.js";

function threeAssets(options: { canSubset?: boolean; conditions: Partial<Record<"A" | "B" | "C", AutomationCondition>>; partitionsDef?: PartitionsDefinition }) {
  const spec = (name: "A" | "B" | "C") => {
    const condition = options.conditions[name];
    return new AssetSpec(name, { ...(condition ? { automationCondition: condition } : {}), ...(options.partitionsDef ? { partitionsDef: options.partitionsDef } : {}) });
  };
  return multiAsset(
    { name: "abc", specs: [spec("A"), spec("B"), spec("C")], canSubset: options.canSubset ?? false, ...(options.partitionsDef ? { partitionsDef: options.partitionsDef } : {}) },
    () => ["A", "B", "C"].map((assetKey) => new MaterializeResult({ assetKey })),
  );
}

const requestedSets = (result: Awaited<ReturnType<typeof evaluateAutomationConditions>>) =>
  result.runRequests.map((r) => ({ assets: (r.assetSelection ?? []).map(String).sort(), partitionKey: r.partitionKey }));

describe("reference cases: multi-asset automation (execution sets)", () => {
  it("three_assets_not_subsettable: one asset's condition requests the whole multi-asset in one run", async () => {
    const defs = new Definitions({ assets: [threeAssets({ conditions: { A: AutomationCondition.missing() } })] });
    const result = await evaluateAutomationConditions({ defs, instance: Instance.ephemeral() });
    expect(requestedSets(result)).toEqual([{ assets: ["A", "B", "C"], partitionKey: undefined }]);
    expect(["A", "B", "C"].map((k) => result.getNumRequested(k))).toEqual([1, 1, 1]);
    expect(result.totalRequested).toBe(3);
  });

  it("three_assets_not_subsettable: siblings whose own condition is false are requested with the one that is true", async () => {
    const notMissing = AutomationCondition.missing().not();
    const defs = new Definitions({ assets: [threeAssets({ conditions: { A: notMissing, B: AutomationCondition.missing(), C: notMissing } })] });
    const result = await evaluateAutomationConditions({ defs, instance: Instance.ephemeral() });
    expect(["A", "B", "C"].map((k) => result.getNumRequested(k))).toEqual([1, 1, 1]);
    // Each keeps its own condition's verdict; only the request is shared.
    expect(result.getResult("A")?.result.trueSubset.isEmpty).toBe(true);
    expect(requestedSets(result)).toEqual([{ assets: ["A", "B", "C"], partitionKey: undefined }]);
  });

  it("a multi-asset that can be subset is requested asset by asset", async () => {
    const defs = new Definitions({ assets: [threeAssets({ canSubset: true, conditions: { A: AutomationCondition.missing() } })] });
    const result = await evaluateAutomationConditions({ defs, instance: Instance.ephemeral() });
    expect(requestedSets(result)).toEqual([{ assets: ["A"], partitionKey: undefined }]);
    expect(result.totalRequested).toBe(1);
  });

  it("partitioned: the siblings are requested for the same partitions", async () => {
    const partitionsDef = new StaticPartitionsDefinition(["1", "2"]);
    const abc = threeAssets({ partitionsDef, conditions: { A: AutomationCondition.missing().not(), B: AutomationCondition.missing().not() } });
    const defs = new Definitions({ assets: [abc] });
    const instance = Instance.ephemeral();
    await defs.materialize(["A", "B", "C"], { instance, partitionKey: "1" });
    const result = await evaluateAutomationConditions({ defs, instance });
    expect(requestedSets(result)).toEqual([{ assets: ["A", "B", "C"], partitionKey: "1" }]);
    expect([...result.getRequestedPartitions("C")]).toEqual(["1"]);
  });

  it("a downstream asset sees the siblings pulled into the request (will_be_requested)", async () => {
    const abc = threeAssets({ conditions: { A: AutomationCondition.missing() } });
    const d = asset({ name: "D", deps: ["C"], automationCondition: AutomationCondition.anyDepsMatch(AutomationCondition.willBeRequested()) }, () => 1);
    const defs = new Definitions({ assets: [abc, d] });
    const result = await evaluateAutomationConditions({ defs, instance: Instance.ephemeral() });
    expect(result.getNumRequested("D")).toBe(1);
    expect(requestedSets(result)).toEqual([{ assets: ["A", "B", "C", "D"], partitionKey: undefined }]);
  });

  it("the siblings' requests reach the cursor: newly_requested at the next evaluation", async () => {
    const notMissing = AutomationCondition.missing().not();
    const defs = new Definitions({ assets: [threeAssets({ conditions: { A: AutomationCondition.missing(), B: notMissing, C: AutomationCondition.newlyRequested() } })] });
    const instance = Instance.ephemeral();
    const tick = ticker(defs, instance);
    let result = await tick();
    expect(result.getNumRequested("C")).toBe(1);
    result = await tick();
    // C was requested (with A) at the previous evaluation.
    expect(result.getResult("C")?.result.trueSubset.isEmpty).toBe(false);
  });
});
