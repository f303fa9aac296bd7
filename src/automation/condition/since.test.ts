import { describe, expect, it } from "vitest";
import { AssetSelection } from "../../index.js";
import { InvalidAutomationCursorError, evaluateAutomationConditions } from "./index.js";
import { AutomationCondition } from "../../definitions/index.js";
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

describe("since reports when its trigger and reset were last true", () => {
  it("as evaluation ids and evaluation times, carried by the cursor", async () => {
    const s = twoAssetsInSequence({ start: START });
    const condition = AutomationCondition.anyDepsUpdated().since(AutomationCondition.newlyRequested());
    const metadata = (r: Awaited<ReturnType<typeof s.evaluate>>) => r.getResult("B")?.result.metadata;
    expect(metadata(await s.evaluate(condition))).toEqual({ triggerEvaluationId: null, triggerTimestamp: null, resetEvaluationId: null, resetTimestamp: null });
    await s.run(["A"]);
    s.clock.advance(60_000);
    // evaluation 2: A updated, B requested
    expect(metadata(await s.evaluate(condition))).toEqual({ triggerEvaluationId: 2, triggerTimestamp: START + 60_000, resetEvaluationId: null, resetTimestamp: null });
    s.clock.advance(60_000);
    // evaluation 3: B was newly requested: reset
    const reset = await s.evaluate(condition);
    expect(reset.totalRequested).toBe(0);
    expect(metadata(reset)).toEqual({ triggerEvaluationId: 2, triggerTimestamp: START + 60_000, resetEvaluationId: 3, resetTimestamp: START + 120_000 });
    s.clock.advance(60_000);
    expect(metadata(await s.evaluate(condition))).toEqual({ triggerEvaluationId: 2, triggerTimestamp: START + 60_000, resetEvaluationId: 3, resetTimestamp: START + 120_000 });
  });

  it("allow and ignore distribute over since", () => {
    const selection = AssetSelection.groups("a");
    const a = AutomationCondition.anyDepsUpdated();
    const b = AutomationCondition.anyDepsInProgress();
    expect(a.since(b).allow(selection).uniqueId).toBe(a.allow(selection).since(b.allow(selection)).uniqueId);
    expect(a.since(b).ignore(selection).uniqueId).toBe(a.ignore(selection).since(b.ignore(selection)).uniqueId);
    expect(a.since(b).ignore(selection).uniqueId).not.toBe(a.since(b).uniqueId);
  });
});
