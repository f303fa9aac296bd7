import { describe, expect, it } from "vitest";
import { AssetCheckResult, AssetCheckSpec, Instance, ManualClock, MaterializeResult, asset } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { evaluateAutomationConditions } from "./index.js";
import { AutomationCondition, InvalidAutomationConditionError } from "../../definitions/index.js";

function scenario(blocking: boolean) {
  let passes = true;
  const a = asset({ name: "A", checkSpecs: [new AssetCheckSpec("valid", { asset: "A", blocking })] }, () => new MaterializeResult({ checkResults: [new AssetCheckResult({ passed: passes })] }));
  const b = asset({ name: "B", deps: [a] }, () => 2);
  const defs = new Definitions({ assets: [a, b] });
  const instance = Instance.ephemeral({ clock: new ManualClock(Date.UTC(2026, 10, 2)) });
  return {
    defs,
    instance,
    evaluate: (condition: AutomationCondition) => evaluateAutomationConditions({ defs, instance, conditions: { B: condition } }),
    runA: async (pass: boolean) => {
      passes = pass;
      await defs.materialize(["A"], { instance, raiseOnError: false });
    },
  };
}

describe("checks conditions", () => {
  it("allDepsBlockingChecksPassed is built from parts as the reference builds it", () => {
    expect(AutomationCondition.allDepsBlockingChecksPassed().describe().split("\n")).toEqual([
      "all_deps_blocking_checks_passed: ALL_DEPS_MATCH",
      "  all_blocking_checks_passed: ALL_CHECKS_MATCH (blocking only)",
      "    OR",
      "      check_passed",
      "      will_be_requested",
    ]);
  });

  it("allDepsBlockingChecksPassed follows the latest evaluation of the dep's blocking check", async () => {
    const s = scenario(true);
    const condition = AutomationCondition.allDepsBlockingChecksPassed();
    // not evaluated yet
    expect((await s.evaluate(condition)).totalRequested).toBe(0);
    await s.runA(true);
    expect((await s.evaluate(condition)).totalRequested).toBe(1);
    await s.runA(false);
    expect((await s.evaluate(condition)).totalRequested).toBe(0);
  });

  it("allDepsBlockingChecksPassed ignores non-blocking checks", async () => {
    const s = scenario(false);
    await s.runA(false);
    expect((await s.evaluate(AutomationCondition.allDepsBlockingChecksPassed())).totalRequested).toBe(1);
  });

  it("anyChecksMatch(checkFailed) is true for the asset whose check failed", async () => {
    const s = scenario(false);
    const failed = AutomationCondition.anyDepsMatch(AutomationCondition.anyChecksMatch(AutomationCondition.checkFailed()));
    await s.runA(true);
    expect((await s.evaluate(failed)).totalRequested).toBe(0);
    await s.runA(false);
    expect((await s.evaluate(failed)).totalRequested).toBe(1);
  });

  it("rejects checkPassed outside a checks condition, naming the fix", async () => {
    const s = scenario(false);
    await expect(s.evaluate(AutomationCondition.checkPassed())).rejects.toThrow(InvalidAutomationConditionError);
    await expect(s.evaluate(AutomationCondition.checkPassed())).rejects.toThrow(/anyChecksMatch/);
  });
});
