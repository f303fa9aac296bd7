// Cases of Dagster's declarative_automation_tests/.../builtins/test_newly_requested_condition.py and
// test_initial_evaluation_condition.py, ported to Tessera's API.
import { describe, expect, it } from "vitest";
import { DailyPartitionsDefinition, Instance, ManualClock, asset } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { evaluateAutomationConditions } from "./evaluator.js";
import { HOUR } from "./test-scenario.js";

const MINUTE = 60_000;

describe("reference cases: test_newly_requested_condition.py", () => {
  it("test_newly_requested_any_deps_match", async () => {
    const hourly = asset({ name: "hourly", automationCondition: AutomationCondition.cronTickPassed("@hourly") }, () => 1);
    const downstream = asset(
      {
        name: "downstream",
        deps: [hourly],
        partitionsDef: new DailyPartitionsDefinition({ startDate: "2024-01-01" }),
        automationCondition: AutomationCondition.inLatestTimeWindow().and(AutomationCondition.anyDepsMatch(AutomationCondition.newlyRequested().or(AutomationCondition.executionFailed()))),
      },
      () => 1,
    );
    const defs = new Definitions({ assets: [hourly, downstream] });
    const clock = new ManualClock(Date.UTC(2024, 7, 16, 4, 35));
    const instance = Instance.ephemeral({ clock });
    let result = await evaluateAutomationConditions({ defs, instance });
    expect(result.totalRequested).toBe(0);
    clock.advance(30 * MINUTE);
    result = await evaluateAutomationConditions({ defs, instance, cursor: result.cursor });
    expect([result.getNumRequested("hourly"), result.getNumRequested("downstream")]).toEqual([1, 0]);
    clock.advance(MINUTE);
    result = await evaluateAutomationConditions({ defs, instance, cursor: result.cursor });
    expect([result.getNumRequested("hourly"), result.getNumRequested("downstream")]).toEqual([0, 1]);
    clock.advance(MINUTE);
    result = await evaluateAutomationConditions({ defs, instance, cursor: result.cursor });
    expect([result.getNumRequested("hourly"), result.getNumRequested("downstream")]).toEqual([0, 0]);
    clock.advance(HOUR);
    result = await evaluateAutomationConditions({ defs, instance, cursor: result.cursor });
    expect([result.getNumRequested("hourly"), result.getNumRequested("downstream")]).toEqual([1, 0]);
  });
});

describe("reference cases: test_initial_evaluation_condition.py", () => {
  it("test_initial_evaluation_condition_toggle", async () => {
    const defsOf = (hasCondition: boolean) => new Definitions({ assets: [asset({ name: "a", ...(hasCondition ? { automationCondition: AutomationCondition.initialEvaluation() } : {}) }, () => 1)] });
    const instance = Instance.ephemeral();
    let result = await evaluateAutomationConditions({ defs: defsOf(true), instance });
    expect(result.totalRequested).toBe(1);
    result = await evaluateAutomationConditions({ defs: defsOf(true), instance, cursor: result.cursor });
    expect(result.totalRequested).toBe(0);
    result = await evaluateAutomationConditions({ defs: defsOf(false), instance, cursor: result.cursor });
    expect(result.totalRequested).toBe(0);
    result = await evaluateAutomationConditions({ defs: defsOf(true), instance, cursor: result.cursor });
    expect(result.totalRequested).toBe(1);
  });
});
