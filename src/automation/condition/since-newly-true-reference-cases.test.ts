// Cases of Dagster's declarative_automation_tests/.../builtins/test_since_condition.py and test_newly_true_condition.py,
// ported to Tessera's API. The reference's hard-coded conditions (true while the test puts the asset in a set) are
// `assetMatches(<switch>, not missing)` here: a switch asset is turned on by materializing it and off by wiping it.
import { describe, expect, it } from "vitest";
import { Instance, ManualClock, asset } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AssetSelection } from "../../graph/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { evaluateAutomationConditions } from "./evaluator.js";

const MINUTE = 60_000;

/** Asset A with condition `build(on("T"), on("R"))`; T and R are switches. */
function oneAsset(build: (on: (name: string) => AutomationCondition) => AutomationCondition) {
  const on = (name: string) => AutomationCondition.assetMatches(name, AutomationCondition.missing().not());
  const condition = build(on);
  const switches = ["T", "R"].map((name) => asset(name, () => 1));
  const a = asset({ name: "A", automationCondition: condition }, () => 1);
  const defs = new Definitions({ assets: [...switches, a] });
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const instance = Instance.ephemeral({ clock });
  let cursor: string | undefined;
  return {
    clock,
    async evaluate() {
      const result = await evaluateAutomationConditions({ defs, instance, cursor });
      cursor = result.cursor;
      return result;
    },
    async requested(): Promise<number> {
      return (await this.evaluate()).getNumRequested("A");
    },
    set: (name: string) => defs.materialize([name], { instance }),
    unset: (name: string) => instance.wipeAssets([name]),
  };
}

describe("reference cases: test_since_condition.py", () => {
  it("test_since_condition_unpartitioned", async () => {
    const s = oneAsset((on) => on("T").since(on("R")));
    expect(await s.requested()).toBe(0);
    // The trigger is true, the reset never was.
    await s.set("T");
    expect(await s.requested()).toBe(1);
    await s.unset("T");
    // The reset is true, after the trigger.
    await s.set("R");
    expect(await s.requested()).toBe(0);
    await s.unset("R");
    await s.set("T");
    expect(await s.requested()).toBe(1);
    await s.unset("T");
    expect(await s.requested()).toBe(1);
    await s.set("T");
    expect(await s.requested()).toBe(1);
    await s.unset("T");
    await s.set("R");
    expect(await s.requested()).toBe(0);
    await s.unset("R");
    expect(await s.requested()).toBe(0);
  });

  it("test_since_condition: trigger and reset times in the node's metadata (evaluation ids count from 1 here, from 0 there)", async () => {
    const s = oneAsset((on) => on("T").since(on("R")));
    const step = async (turnOn: string[]) => {
      for (const name of turnOn) await s.set(name);
      s.clock.advance(MINUTE);
      const result = await s.evaluate();
      for (const name of turnOn) await s.unset(name);
      return { requested: result.totalRequested, at: s.clock.now(), metadata: result.getResult("A")?.result.metadata };
    };
    const first = await evaluateFirst();
    async function evaluateFirst() {
      const result = await s.evaluate();
      return { requested: result.totalRequested, metadata: result.getResult("A")?.result.metadata };
    }
    expect(first).toEqual({ requested: 0, metadata: { triggerEvaluationId: null, triggerTimestamp: null, resetEvaluationId: null, resetTimestamp: null } });
    const t1 = await step(["T"]);
    expect(t1.requested).toBe(1);
    expect(t1.metadata).toEqual({ triggerEvaluationId: 2, triggerTimestamp: t1.at, resetEvaluationId: null, resetTimestamp: null });
    const r1 = await step(["R"]);
    expect(r1.requested).toBe(0);
    expect(r1.metadata).toEqual({ triggerEvaluationId: 2, triggerTimestamp: t1.at, resetEvaluationId: 3, resetTimestamp: r1.at });
    const t2 = await step(["T"]);
    expect(t2.requested).toBe(1);
    expect(t2.metadata).toEqual({ triggerEvaluationId: 4, triggerTimestamp: t2.at, resetEvaluationId: 3, resetTimestamp: r1.at });
    const same = await step([]);
    expect(same.requested).toBe(1);
    expect(same.metadata).toEqual(t2.metadata);
    // The trigger again: same result, newer metadata.
    const t3 = await step(["T"]);
    expect(t3.requested).toBe(1);
    expect(t3.metadata).toEqual({ triggerEvaluationId: 6, triggerTimestamp: t3.at, resetEvaluationId: 3, resetTimestamp: r1.at });
    const r2 = await step(["R"]);
    expect(r2.requested).toBe(0);
    expect(r2.metadata).toEqual({ triggerEvaluationId: 6, triggerTimestamp: t3.at, resetEvaluationId: 7, resetTimestamp: r2.at });
    const same2 = await step([]);
    expect(same2.requested).toBe(0);
    expect(same2.metadata).toEqual(r2.metadata);
    // Both at once: the reset wins, both times updated.
    const both = await step(["T", "R"]);
    expect(both.requested).toBe(0);
    expect(both.metadata).toEqual({ triggerEvaluationId: 9, triggerTimestamp: both.at, resetEvaluationId: 9, resetTimestamp: both.at });
  });

  it("test_allow_ignore: allow and ignore reach both sides of a since", () => {
    const selection = AssetSelection.groups("a");
    const a = AutomationCondition.anyDepsUpdated();
    const b = AutomationCondition.anyDepsInProgress();
    const initial = a.since(b);
    expect(initial.allow(selection).uniqueId).toBe(a.allow(selection).since(b.allow(selection)).uniqueId);
    expect(initial.ignore(selection).uniqueId).toBe(a.ignore(selection).since(b.ignore(selection)).uniqueId);
    expect(initial.allow(selection).uniqueId).not.toBe(initial.uniqueId);
  });
});

describe("reference cases: test_newly_true_condition.py", () => {
  it("test_newly_true_condition", async () => {
    const s = oneAsset((on) => on("T").newlyTrue());
    expect(await s.requested()).toBe(0);
    await s.set("T");
    expect(await s.requested()).toBe(1);
    // Still true, no longer newly.
    expect(await s.requested()).toBe(0);
    expect(await s.requested()).toBe(0);
    expect(await s.requested()).toBe(0);
    await s.unset("T");
    expect(await s.requested()).toBe(0);
    expect(await s.requested()).toBe(0);
    await s.set("T");
    expect(await s.requested()).toBe(1);
    expect(await s.requested()).toBe(0);
  });
});
