import { describe, expect, it } from "vitest";
import { AutomationCondition, InvalidAutomationCursorError, evaluateAutomationConditions } from "./index.js";
import { twoAssetsInSequence } from "./test-scenario.js";

const START = Date.UTC(2026, 10, 2);

describe("since and newlyTrue across evaluations", () => {
  it("newlyTrue is true only at the evaluation where its operand turns true", async () => {
    const s = twoAssetsInSequence({ start: START });
    const newlyMissing = AutomationCondition.missing().newlyTrue();
    // missing at the first evaluation, which counts as turning true
    expect((await s.evaluate(newlyMissing)).getNumRequested("B")).toBe(1);
    expect((await s.evaluate(newlyMissing)).totalRequested).toBe(0);
    await s.run(["B"]);
    expect((await s.evaluate(newlyMissing)).totalRequested).toBe(0);
    await s.instance.wipeAssets(["B"]);
    expect((await s.evaluate(newlyMissing)).getNumRequested("B")).toBe(1);
    expect((await s.evaluate(newlyMissing)).totalRequested).toBe(0);
  });

  it("since stays true after its trigger until its reset turns true", async () => {
    const s = twoAssetsInSequence({ start: START });
    const depsUpdatedSinceB = AutomationCondition.anyDepsUpdated().since(AutomationCondition.newlyUpdated());
    expect((await s.evaluate(depsUpdatedSinceB)).totalRequested).toBe(0);
    await s.run(["A"]);
    expect((await s.evaluate(depsUpdatedSinceB)).totalRequested).toBe(1);
    // the trigger is no longer true, the since still is
    expect((await s.evaluate(depsUpdatedSinceB)).totalRequested).toBe(1);
    await s.run(["B"]);
    expect((await s.evaluate(depsUpdatedSinceB)).totalRequested).toBe(0);
    expect((await s.evaluate(depsUpdatedSinceB)).totalRequested).toBe(0);
  });

  it("a reset at the same evaluation as the trigger wins", async () => {
    const s = twoAssetsInSequence({ start: START });
    const condition = AutomationCondition.missing().since(AutomationCondition.initialEvaluation());
    expect((await s.evaluate(condition)).totalRequested).toBe(0);
    // the second evaluation is no longer initial: the trigger holds
    expect((await s.evaluate(condition)).totalRequested).toBe(1);
  });

  it("initialEvaluation is true again when the condition changes", async () => {
    const s = twoAssetsInSequence({ start: START });
    const initial = AutomationCondition.initialEvaluation();
    expect((await s.evaluate(initial)).totalRequested).toBe(1);
    expect((await s.evaluate(initial)).totalRequested).toBe(0);
    expect((await s.evaluate(initial.withLabel("renamed"))).totalRequested).toBe(1);
  });

  it("newlyRequested is true at the evaluation after a request", async () => {
    const s = twoAssetsInSequence({ start: START });
    // requested every other evaluation: at the first (initial), then only when not newly requested
    const condition = AutomationCondition.newlyRequested().not();
    expect((await s.evaluate(condition)).totalRequested).toBe(1);
    expect((await s.evaluate(condition)).totalRequested).toBe(0);
    expect((await s.evaluate(condition)).totalRequested).toBe(1);
  });

  it("keeps the state in a plain JSON cursor; without it the history starts over", async () => {
    const s = twoAssetsInSequence({ start: START });
    const result = await s.evaluate(AutomationCondition.eager());
    const cursor = JSON.parse(result.cursor) as { version: number; evaluationTime: number; assets: Record<string, unknown> };
    expect(cursor.version).toBe(1);
    expect(cursor.evaluationTime).toBe(START);
    expect(Object.keys(cursor.assets)).toEqual(["B"]);
    await s.run(["A"]);
    const fresh = await evaluateAutomationConditions({ defs: s.defs, instance: s.instance, conditions: { B: AutomationCondition.eager() } });
    expect(fresh.totalRequested).toBe(0);
    const continued = await evaluateAutomationConditions({ defs: s.defs, instance: s.instance, cursor: result.cursor, conditions: { B: AutomationCondition.eager() } });
    expect(continued.totalRequested).toBe(1);
  });

  it("rejects a cursor it did not write", async () => {
    const s = twoAssetsInSequence({ start: START });
    await expect(evaluateAutomationConditions({ defs: s.defs, instance: s.instance, cursor: "{}", conditions: {} })).rejects.toThrow(InvalidAutomationCursorError);
  });
});
