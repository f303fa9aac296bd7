import { describe, expect, it } from "vitest";
import { AssetCheckResult, Instance, ManualClock, asset, assetCheck } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AssetSelection } from "../../graph/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { executeRequestedDefinitions, requestedSelection } from "../../execution/index.js";
import { evaluateAutomationConditions } from "./evaluator.js";

const MINUTE = 60_000;

function scenario(condition: AutomationCondition) {
  let checked = 0;
  let materialized = 0;
  const orders = asset("orders", () => (materialized++, [1, 2]));
  const notEmpty = assetCheck({ asset: orders, name: "not_empty", automationCondition: condition }, (_ctx, { asset }) => (checked++, new AssetCheckResult({ passed: asset.length > 0 })));
  const defs = new Definitions({ assets: [orders], assetChecks: [notEmpty] });
  const clock = new ManualClock(Date.UTC(2026, 1, 2, 0, 55));
  const instance = Instance.ephemeral({ clock });
  let cursor: string | undefined;
  return {
    defs,
    clock,
    instance,
    counts: () => ({ checked, materialized }),
    async evaluate() {
      const result = await evaluateAutomationConditions({ defs, instance, cursor });
      cursor = result.cursor;
      return result;
    },
    materializeOrdersWithoutCheck: () => defs.materialize(AssetSelection.keys("orders").withoutChecks(), { instance }),
    materializeOrdersWithCheck: () => defs.materialize("orders", { instance }),
  };
}

describe("automation conditions of asset checks", () => {
  it("keeps assetCheck's automationCondition on the check's spec", () => {
    const s = scenario(AutomationCondition.eager());
    expect(s.defs.assetChecks[0]?.specs[0]?.automationCondition?.label).toBe("eager");
  });

  it("eager() requests the check alone once its asset updated without it, and running the request runs only the check", async () => {
    const s = scenario(AutomationCondition.eager());
    // The asset is missing: nothing to check.
    expect((await s.evaluate()).runRequests).toEqual([]);
    await s.materializeOrdersWithoutCheck();
    const result = await s.evaluate();
    expect(result.runRequests).toHaveLength(1);
    const request = result.runRequests[0];
    expect(request?.assetSelection).toEqual([]);
    expect(request?.assetCheckKeys?.map((c) => `${c.assetKey.toString()}:${c.name}`)).toEqual(["orders:not_empty"]);
    const run = await executeRequestedDefinitions(s.defs, requestedSelection(request as never), { instance: s.instance });
    expect(run.getAssetCheckEvaluations().map((e) => e.checkName)).toEqual(["not_empty"]);
    expect(run.getAssetMaterializationEvents()).toHaveLength(0);
    expect(s.counts()).toEqual({ checked: 1, materialized: 1 });
    // Handled: not requested again until the asset updates again.
    expect((await s.evaluate()).runRequests).toEqual([]);
    await s.materializeOrdersWithoutCheck();
    expect((await s.evaluate()).runRequests).toHaveLength(1);
  });

  it("eager() does not request a check its asset's run already evaluated", async () => {
    const s = scenario(AutomationCondition.eager());
    await s.evaluate();
    await s.materializeOrdersWithCheck();
    expect((await s.evaluate()).runRequests).toEqual([]);
  });

  it("onCron() requests the check after the cron tick once its asset updated since the tick", async () => {
    const s = scenario(AutomationCondition.onCron("0 * * * *"));
    await s.evaluate();
    s.clock.advance(10 * MINUTE);
    expect((await s.evaluate()).runRequests).toEqual([]);
    await s.materializeOrdersWithoutCheck();
    const result = await s.evaluate();
    expect(result.runRequests.flatMap((r) => r.assetCheckKeys ?? []).map((c) => c.name)).toEqual(["not_empty"]);
    // Once per tick.
    expect((await s.evaluate()).runRequests).toEqual([]);
  });
});
