// Cases of Dagster's declarative_automation_tests/.../builtins/test_newly_requested_condition.py and
// test_initial_evaluation_condition.py, ported to Tessera's API.
import { describe, expect, it } from "vitest";
import { DailyPartitionsDefinition, Instance, ManualClock, StaticPartitionsDefinition, asset, type PartitionsDefinition } from "../../index.js";
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

describe("reference cases: test_initial_evaluation_condition.py, partitions definition changes", () => {
  const defsOf = (partitionsDef?: PartitionsDefinition) =>
    new Definitions({ assets: [asset({ name: "a", ...(partitionsDef ? { partitionsDef } : {}), automationCondition: AutomationCondition.initialEvaluation() }, () => 1)] });

  it("test_update_on_partitions_def_change", async () => {
    const unpartitioned = defsOf();
    const staticPartitioned = defsOf(new StaticPartitionsDefinition(["a", "b"]));
    const instance = Instance.ephemeral();
    let result = await evaluateAutomationConditions({ defs: unpartitioned, instance });
    expect(result.totalRequested).toBe(1);
    result = await evaluateAutomationConditions({ defs: unpartitioned, instance, cursor: result.cursor });
    expect(result.totalRequested).toBe(0);
    result = await evaluateAutomationConditions({ defs: unpartitioned, instance, cursor: result.cursor });
    expect(result.totalRequested).toBe(0);
    // The partitions definition changes.
    result = await evaluateAutomationConditions({ defs: staticPartitioned, instance, cursor: result.cursor });
    expect(result.totalRequested).toBe(2);
    result = await evaluateAutomationConditions({ defs: staticPartitioned, instance, cursor: result.cursor });
    expect(result.totalRequested).toBe(0);
    // And back.
    result = await evaluateAutomationConditions({ defs: unpartitioned, instance, cursor: result.cursor });
    expect(result.totalRequested).toBe(1);
  });

  // Beyond the reference test, what its code does: the kind of partitioning is compared (time windows against keys),
  // not the definition's details.
  it("a time-window definition replacing a static one counts as a change; keys added to a static one do not", async () => {
    const clock = new ManualClock(Date.UTC(2024, 0, 3, 12));
    const instance = Instance.ephemeral({ clock });
    let result = await evaluateAutomationConditions({ defs: defsOf(new StaticPartitionsDefinition(["a", "b"])), instance });
    expect(result.totalRequested).toBe(2);
    result = await evaluateAutomationConditions({ defs: defsOf(new StaticPartitionsDefinition(["a", "b", "c"])), instance, cursor: result.cursor });
    expect(result.totalRequested).toBe(0);
    result = await evaluateAutomationConditions({ defs: defsOf(new DailyPartitionsDefinition({ startDate: "2024-01-01" })), instance, cursor: result.cursor });
    expect(result.totalRequested).toBe(2);
    result = await evaluateAutomationConditions({ defs: defsOf(new DailyPartitionsDefinition({ startDate: "2023-12-31" })), instance, cursor: result.cursor });
    expect(result.totalRequested).toBe(0);
  });

  it("a cursor written before entries carried their partitioning reads as unchanged (no request after an upgrade)", async () => {
    const instance = Instance.ephemeral();
    const partitioned = defsOf(new StaticPartitionsDefinition(["a", "b"]));
    let result = await evaluateAutomationConditions({ defs: partitioned, instance });
    expect(result.totalRequested).toBe(2);
    const parsed = JSON.parse(result.cursor) as { partitioning?: boolean; assets: Record<string, { partitioning?: string }> };
    expect(parsed.partitioning).toBe(true);
    expect(parsed.assets["a"]?.partitioning).toBe("keys");
    delete parsed.partitioning;
    for (const entry of Object.values(parsed.assets)) delete entry.partitioning;
    const old = JSON.stringify(parsed);
    result = await evaluateAutomationConditions({ defs: partitioned, instance, cursor: old });
    expect(result.totalRequested).toBe(0);
    // Also when the definition changed meanwhile: an old cursor cannot tell, and requests nothing.
    result = await evaluateAutomationConditions({ defs: defsOf(), instance, cursor: old });
    expect(result.totalRequested).toBe(0);
    // The cursor it returns carries the partitioning again.
    result = await evaluateAutomationConditions({ defs: partitioned, instance, cursor: result.cursor });
    expect(result.totalRequested).toBe(2);
  });
});
