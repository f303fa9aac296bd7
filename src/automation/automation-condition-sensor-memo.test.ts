// The sensor's ticks continue the evaluator's memo (its cursor carries tree hashes the evaluator's does not): a
// history of ticks gives the same cursors, run requests and evaluation records as the same ticks evaluated in full.
import { describe, expect, it } from "vitest";
import { AssetKey, AutomationCondition, AutomationConditionSensorDefinition, Instance, ManualClock, asset } from "../index.js";
import { Definitions } from "../code-location/index.js";
import { forgetMemos } from "./condition/incremental.js";
import type { AssetConditionEvaluation } from "./condition/evaluator.js";

const START = Date.UTC(2026, 10, 2, 1, 5);

async function history(remember: boolean): Promise<{ outputs: unknown[]; evaluatedOnce: boolean }> {
  const a = asset({ name: "A" }, () => 1);
  const b = asset({ name: "B", deps: [a], automationCondition: AutomationCondition.eager() }, () => 2);
  const c = asset({ name: "C", deps: [b], automationCondition: AutomationCondition.eager() }, () => 3);
  const d = asset({ name: "D", deps: [a], automationCondition: AutomationCondition.eager() }, () => 4);
  const defs = new Definitions({ assets: [a, b, c, d] });
  const clock = new ManualClock(START);
  const instance = Instance.ephemeral({ clock });
  const sensor = new AutomationConditionSensorDefinition({ name: "auto", target: "*" });
  const outputs: unknown[] = [];
  let cursor: string | undefined;
  let reused = false;
  let lastResults: readonly AssetConditionEvaluation[] = [];
  try {
    for (const step of ["A", "", "B", "A", "", "C"]) {
      if (step) {
        const run = await instance.createRun({ jobName: "__test__", tags: {}, assetSelection: [step], runConfig: {} });
        await instance.storeEvents([{ runId: run.runId, stepKey: step, timestamp: clock.now(), eventType: "ASSET_MATERIALIZATION", assetKey: new AssetKey(step) }]);
      }
      clock.advance(60_000);
      if (!remember) forgetMemos(instance);
      const evaluation = await sensor.evaluate({ defs, instance, evaluationTime: clock.now(), ...(cursor === undefined ? {} : { cursor }) });
      // An evaluation object kept from the previous tick shows that the memo was continued.
      if (outputs.length > 0 && evaluation.result.results.some((r) => lastResults.includes(r))) reused = true;
      lastResults = evaluation.result.results;
      cursor = evaluation.cursor;
      outputs.push({
        cursor: evaluation.cursor,
        runs: evaluation.runRequests.map((r) => ({ keys: r.assetSelection?.map(String), tags: r.tags, runKey: r.runKey })),
        evaluations: evaluation.evaluations,
      });
    }
  } finally {
    await instance.close();
  }
  return { outputs, evaluatedOnce: reused };
}

describe("AutomationConditionSensorDefinition and the evaluator's memo", () => {
  it("continues the memo across its own cursors, with the results of full evaluations", async () => {
    const incremental = await history(true);
    const full = await history(false);
    expect(incremental.outputs).toEqual(full.outputs);
    expect(incremental.evaluatedOnce).toBe(true);
    expect(full.evaluatedOnce).toBe(false);
  });
});
