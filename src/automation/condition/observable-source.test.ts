import { describe, expect, it } from "vitest";
import { DataVersion, Instance, ManualClock, observableSourceAsset } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { executeRequestedDefinitions } from "../../execution/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { evaluateAutomationConditions } from "./evaluator.js";

const MINUTE = 60_000;

describe("automation conditions on observable source assets", () => {
  it("takes automationCondition on observableSourceAsset, and onCron() requests an observation on each cron tick", async () => {
    let observed = 0;
    const feed = observableSourceAsset({ name: "vendor_feed", automationCondition: AutomationCondition.onCron("0 * * * *") }, () => new DataVersion(`v${++observed}`));
    expect(feed.specs[0]?.automationCondition?.label).toBe("on_cron(0 * * * *, UTC)");
    const defs = new Definitions({ assets: [feed] });
    const clock = new ManualClock(Date.UTC(2026, 1, 2, 0, 55));
    const instance = Instance.ephemeral({ clock });
    let result = await evaluateAutomationConditions({ defs, instance });
    expect(result.totalRequested).toBe(0);
    clock.advance(10 * MINUTE);
    result = await evaluateAutomationConditions({ defs, instance, cursor: result.cursor });
    expect(result.getNumRequested("vendor_feed")).toBe(1);
    expect(result.runRequests.map((r) => r.assetSelection?.map(String))).toEqual([["vendor_feed"]]);
    // Executing the request observes the source, as the daemon does.
    const run = await executeRequestedDefinitions(defs, ["vendor_feed"], { instance });
    expect(run.getAssetObservationEvents()).toHaveLength(1);
    expect(observed).toBe(1);
    // Handled for this tick; requested again at the next one.
    result = await evaluateAutomationConditions({ defs, instance, cursor: result.cursor });
    expect(result.totalRequested).toBe(0);
    clock.advance(60 * MINUTE);
    result = await evaluateAutomationConditions({ defs, instance, cursor: result.cursor });
    expect(result.getNumRequested("vendor_feed")).toBe(1);
  });

  it("never requests an external asset that has no observe function", async () => {
    const { AssetSpec } = await import("../../index.js");
    const external = new AssetSpec("lake", { automationCondition: AutomationCondition.onCron("0 * * * *") });
    const defs = new Definitions({ assets: [external] });
    const clock = new ManualClock(Date.UTC(2026, 1, 2, 0, 55));
    const instance = Instance.ephemeral({ clock });
    let result = await evaluateAutomationConditions({ defs, instance });
    clock.advance(10 * MINUTE);
    result = await evaluateAutomationConditions({ defs, instance, cursor: result.cursor });
    expect(result.totalRequested).toBe(0);
  });

  it("a partitioned source: an observed partition is not missing, and is newly updated when its data version changed", async () => {
    const { DataVersionsByPartition, StaticPartitionsDefinition } = await import("../../index.js");
    let versions: Record<string, string> = { x: "1", y: "1" };
    const feed = observableSourceAsset({ name: "feed", partitionsDef: new StaticPartitionsDefinition(["x", "y", "z"]) }, () => new DataVersionsByPartition(versions));
    const defs = new Definitions({ assets: [feed] });
    const instance = Instance.ephemeral({ clock: new ManualClock(Date.UTC(2026, 1, 2)) });
    const conditions = { feed: AutomationCondition.missing().or(AutomationCondition.newlyUpdated()) };
    const missingOrUpdated = async (cursor?: string) => {
      const result = await evaluateAutomationConditions({ defs, instance, conditions, ...(cursor === undefined ? {} : { cursor }) });
      return { cursor: result.cursor, keys: [...result.getRequestedPartitions("feed")].sort() };
    };
    let step = await missingOrUpdated();
    expect(step.keys).toEqual(["x", "y", "z"]);
    await executeRequestedDefinitions(defs, ["feed"], { instance, partitionKey: "x" });
    // x and y observed (new), z still missing
    step = await missingOrUpdated(step.cursor);
    expect(step.keys).toEqual(["x", "y", "z"]);
    versions = { x: "1", y: "2" };
    await executeRequestedDefinitions(defs, ["feed"], { instance, partitionKey: "x" });
    // x observed with the same version: not an update; y changed
    step = await missingOrUpdated(step.cursor);
    expect(step.keys).toEqual(["y", "z"]);
    step = await missingOrUpdated(step.cursor);
    expect(step.keys).toEqual(["z"]);
  });

  it("a partitioned external asset without observe function: reported materializations count for missing() and newlyUpdated()", async () => {
    const { AssetSpec, StaticPartitionsDefinition } = await import("../../index.js");
    const { report } = await import("./test-scenario.js");
    const lake = new AssetSpec("lake", { partitionsDef: new StaticPartitionsDefinition(["x", "y"]) });
    const defs = new Definitions({ assets: [lake] });
    const instance = Instance.ephemeral({ clock: new ManualClock(Date.UTC(2026, 1, 2)) });
    const evaluate = async (condition: AutomationCondition, cursor?: string) => {
      const result = await evaluateAutomationConditions({ defs, instance, conditions: { lake: condition }, ...(cursor === undefined ? {} : { cursor }) });
      // An external asset is never requested: read its condition's true subset.
      const own = result.results.find((r) => r.key.toString() === "lake");
      return { cursor: result.cursor, keys: [...(own?.result.trueSubset.partitionKeys() ?? [])].sort() };
    };
    const first = await evaluate(AutomationCondition.newlyUpdated());
    await report.materialization(instance, "lake", "x");
    expect((await evaluate(AutomationCondition.newlyUpdated(), first.cursor)).keys).toEqual(["x"]);
    expect((await evaluate(AutomationCondition.missing())).keys).toEqual(["y"]);
  });
});
