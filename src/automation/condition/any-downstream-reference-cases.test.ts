// Cases of Dagster's declarative_automation_tests/.../builtins/test_any_downstream_conditions.py, ported to Tessera's
// API. The reference wraps each distinct downstream condition in a node named after its assets ("b, d"); here the
// child is the downstream condition's own result, and its metadata names the assets (`downstreamKeys`).
import { describe, expect, it } from "vitest";
import { Instance, asset } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { evaluateAutomationConditions, type AssetConditionEvaluation } from "./evaluator.js";
import type { ConditionResult } from "./context.js";

function resultOf(results: readonly AssetConditionEvaluation[], key: string): ConditionResult {
  const r = results.find((e) => e.key.toString() === key);
  if (!r) throw new Error(`no result for ${key}`);
  return r.result;
}

const keysOf = (r: ConditionResult | undefined) => r?.metadata?.downstreamKeys;

describe("reference cases: test_any_downstream_conditions.py", () => {
  it("test_basic", async () => {
    const cond1 = AutomationCondition.anyDownstreamConditions();
    const cond2 = AutomationCondition.eager();
    const a = asset({ name: "a", automationCondition: cond1 }, () => 1);
    const b = asset({ name: "b", deps: [a], automationCondition: cond2 }, () => 1);
    const result = await evaluateAutomationConditions({ defs: new Definitions({ assets: [a, b] }), instance: Instance.ephemeral() });
    const aResult = resultOf(result.results, "a");
    expect(aResult.children).toHaveLength(1);
    expect(aResult.children[0]?.condition).toBe(cond2);
    expect(keysOf(aResult.children[0])).toEqual(["b"]);
  });

  it("test_multiple_downstreams: one child per distinct condition, in the order of its sorted assets", async () => {
    const cond1 = AutomationCondition.anyDownstreamConditions();
    const cond2 = AutomationCondition.inProgress();
    const cond3 = AutomationCondition.missing();
    const a = asset({ name: "a", automationCondition: cond1 }, () => 1);
    const left1 = asset({ name: "left1", deps: [a], automationCondition: cond1 }, () => 1);
    const left2 = asset({ name: "left2", deps: [left1], automationCondition: cond1 }, () => 1);
    const b = asset({ name: "b", deps: [left2], automationCondition: cond2 }, () => 1);
    const c = asset({ name: "c", deps: [left2], automationCondition: cond3 }, () => 1);
    const d = asset({ name: "d", deps: [a], automationCondition: cond2 }, () => 1);
    const result = await evaluateAutomationConditions({ defs: new Definitions({ assets: [a, left1, left2, b, c, d] }), instance: Instance.ephemeral() });
    const aResult = resultOf(result.results, "a");
    expect(aResult.children).toHaveLength(2);
    expect(keysOf(aResult.children[0])).toEqual(["b", "d"]);
    expect(aResult.children[0]?.condition).toBe(cond2);
    expect(keysOf(aResult.children[1])).toEqual(["c"]);
    expect(aResult.children[1]?.condition).toBe(cond3);
    // missing() of c, evaluated on a (never materialized).
    expect(result.getNumRequested("a")).toBe(1);
  });

  it("test_multiple_downstreams_nested: a downstream condition holding any_downstream_conditions is evaluated in place", async () => {
    const cond1 = AutomationCondition.anyDownstreamConditions();
    const cond2 = AutomationCondition.anyDownstreamConditions().and(AutomationCondition.inProgress().not());
    const cond3 = AutomationCondition.eager();
    const a = asset({ name: "a", automationCondition: cond1 }, () => 1);
    const b = asset({ name: "b", deps: [a], automationCondition: cond2 }, () => 1);
    const c = asset({ name: "c", deps: [b], automationCondition: cond1 }, () => 1);
    const d = asset({ name: "d", deps: [c], automationCondition: cond3 }, () => 1);
    const result = await evaluateAutomationConditions({ defs: new Definitions({ assets: [a, b, c, d] }), instance: Instance.ephemeral() });
    const aResult = resultOf(result.results, "a");
    expect(aResult.children).toHaveLength(2);
    // b's condition, on a: (d: eager) and not in_progress.
    const res1 = aResult.children[0];
    expect(keysOf(res1)).toEqual(["b"]);
    expect(res1?.condition.kind).toBe("and");
    const nested = res1?.children[0];
    expect(nested?.condition.kind).toBe("any_downstream_conditions");
    expect(nested?.children).toHaveLength(1);
    expect(keysOf(nested?.children[0])).toEqual(["d"]);
    expect(nested?.children[0]?.condition).toBe(cond3);
    expect(res1?.children[1]?.condition.uniqueId).toBe(AutomationCondition.inProgress().not().uniqueId);
    // d's condition, on a.
    expect(keysOf(aResult.children[1])).toEqual(["d"]);
    expect(aResult.children[1]?.condition).toBe(cond3);
    // b's own condition: d's, and not c's (its own kind, being evaluated) nor b's.
    const bResult = resultOf(result.results, "b");
    const bDownstream = bResult.children[0];
    expect(bDownstream?.children.map(keysOf)).toEqual([["d"]]);
  });
});
