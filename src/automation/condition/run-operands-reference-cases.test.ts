// Cases of Dagster's declarative_automation_tests/.../builtins/ test_data_version_changed.py and
// test_executed_with_tags_condition.py, ported to Tessera's API, with cases of the new-update run tag operands
// (any_new_update_has_run_tags, all_new_updates_have_run_tags) the reference defines beside them.
import { describe, expect, it } from "vitest";
import { AssetKey, SystemTags } from "../../core/index.js";
import { DailyPartitionsDefinition, Instance, ManualClock, StaticPartitionsDefinition, asset, type PartitionsDefinition } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AutomationCondition, InvalidAutomationConditionError } from "../../definitions/index.js";
import { evaluateAutomationConditions } from "./evaluator.js";
import { report } from "./test-scenario.js";

/** A materialization reported outside any asset run, carrying `dataVersion`, as `report_runless_asset_event`. */
async function reportVersion(instance: Instance, key: string, dataVersion: string, partition?: string): Promise<void> {
  const run = await instance.createRun({ jobName: "__runless__", tags: {}, assetSelection: [], runConfig: {} });
  const timestamp = instance.clock.now();
  await instance.storeEvents([
    { runId: run.runId, timestamp, eventType: "ASSET_MATERIALIZATION", assetKey: AssetKey.from(key), tags: { [SystemTags.DATA_VERSION]: dataVersion }, ...(partition === undefined ? {} : { partition }) },
    { runId: run.runId, timestamp, eventType: "RUN_SUCCESS" },
  ]);
}

function oneAsset(condition: AutomationCondition, partitionsDef?: PartitionsDefinition) {
  const a = asset({ name: "A", ...(partitionsDef ? { partitionsDef } : {}) }, () => 1);
  const defs = new Definitions({ assets: [a] });
  const instance = Instance.ephemeral({ clock: new ManualClock(Date.UTC(2025, 5, 1)) });
  let cursor: string | undefined;
  return {
    defs,
    instance,
    async requested(): Promise<number> {
      const result = await evaluateAutomationConditions({ defs, instance, cursor, conditions: { A: condition } });
      cursor = result.cursor;
      return result.totalRequested;
    },
    run: (tags: Record<string, string> = {}, partitionKey?: string) => defs.materialize(["A"], { instance, tags, ...(partitionKey === undefined ? {} : { partitionKey }) }),
  };
}

describe("reference cases: test_data_version_changed.py", () => {
  it.each([
    ["unpartitioned", undefined],
    ["daily", new DailyPartitionsDefinition({ startDate: "2025-01-01" })],
    ["static", new StaticPartitionsDefinition(["0", "1", "2"])],
  ] as const)("test_data_version_changed_condition[%s]", async (_name, partitionsDef) => {
    const s = oneAsset(AutomationCondition.dataVersionChanged(), partitionsDef);
    const partition = partitionsDef ? (partitionsDef.getLastPartitionKey({ currentTime: s.instance.clock.now() }) as string) : undefined;
    expect(await s.requested()).toBe(0);
    await reportVersion(s.instance, "A", "a", partition);
    expect(await s.requested()).toBe(1);
    expect(await s.requested()).toBe(0);
    // The same data version again, twice: not a change.
    await reportVersion(s.instance, "A", "a", partition);
    expect(await s.requested()).toBe(0);
    await reportVersion(s.instance, "A", "a", partition);
    expect(await s.requested()).toBe(0);
    await reportVersion(s.instance, "A", "b", partition);
    expect(await s.requested()).toBe(1);
    await reportVersion(s.instance, "A", "c", partition);
    expect(await s.requested()).toBe(1);
    expect(await s.requested()).toBe(0);
  });
});

describe("reference cases: test_executed_with_tags_condition.py", () => {
  it.each([
    [AutomationCondition.executedWithTags({ tagKeys: ["foo"] }), "executed_with_tags(tag_keys={foo})"],
    [AutomationCondition.executedWithTags({ tagValues: { foo: "bar", baz: "1" } }), "executed_with_tags(tag_values={baz:1,foo:bar})"],
    [AutomationCondition.executedWithTags({ tagKeys: new Set(["b", "a"]), tagValues: { foo: "bar", baz: "1" } }), "executed_with_tags(tag_keys={a,b}, tag_values={baz:1,foo:bar})"],
  ])("test_name: %s", (condition, expected) => {
    expect(condition.describeNode()).toBe(expected);
  });

  it("test_executed_with_tag_keys", async () => {
    const s = oneAsset(AutomationCondition.newlyUpdated().and(AutomationCondition.executedWithTags({ tagKeys: ["target_tag"] })));
    expect(await s.requested()).toBe(0);
    await s.run();
    expect(await s.requested()).toBe(0);
    await s.run({ target_tag: "true" });
    expect(await s.requested()).toBe(1);
    expect(await s.requested()).toBe(0);
    await report.materialization(s.instance, "A");
    expect(await s.requested()).toBe(0);
    await s.run({ target_tag: "true" });
    expect(await s.requested()).toBe(1);
    await s.run({ target_tag: "true", non_target_tag: "false" });
    expect(await s.requested()).toBe(1);
    await s.run({ non_target_tag: "false" });
    expect(await s.requested()).toBe(0);
  });

  it("test_executed_with_tag_values", async () => {
    const s = oneAsset(AutomationCondition.newlyUpdated().and(AutomationCondition.executedWithTags({ tagValues: { target_tag: "a" } })));
    expect(await s.requested()).toBe(0);
    await s.run();
    expect(await s.requested()).toBe(0);
    await s.run({ target_tag: "b" });
    expect(await s.requested()).toBe(0);
    await s.run({ target_tag: "a" });
    expect(await s.requested()).toBe(1);
    expect(await s.requested()).toBe(0);
    await report.materialization(s.instance, "A");
    expect(await s.requested()).toBe(0);
    await s.run({ target_tag: "a" });
    expect(await s.requested()).toBe(1);
    await s.run({ target_tag: "a", non_target_tag: "b" });
    expect(await s.requested()).toBe(1);
    await s.run({ non_target_tag: "b" });
    expect(await s.requested()).toBe(0);
  });

  it("executedWithTags() with no tag asked for is refused, naming the fix", () => {
    expect(() => AutomationCondition.executedWithTags({})).toThrow(InvalidAutomationConditionError);
    expect(() => AutomationCondition.executedWithTags({})).toThrow(/needs tagKeys or tagValues/);
  });
});

describe("new-update run tag operands (run_operands.py: any_new_update_has_run_tags, all_new_updates_have_run_tags)", () => {
  it("any: true when one of the updates since the previous evaluation came from a run with the tags", async () => {
    const s = oneAsset(AutomationCondition.anyNewUpdateHasRunTags({ tagValues: { source: "sync" } }));
    expect(await s.requested()).toBe(0);
    await s.run({ source: "sync" });
    await s.run();
    expect(await s.requested()).toBe(1);
    expect(await s.requested()).toBe(0);
    await s.run();
    expect(await s.requested()).toBe(0);
  });

  it("all: true only when every update since the previous evaluation came from a run with the tags", async () => {
    const s = oneAsset(AutomationCondition.allNewUpdatesHaveRunTags({ tagKeys: ["source"] }));
    expect(await s.requested()).toBe(0);
    await s.run({ source: "sync" });
    await s.run();
    expect(await s.requested()).toBe(0);
    await s.run({ source: "sync" });
    await s.run({ source: "manual" });
    expect(await s.requested()).toBe(1);
    expect(await s.requested()).toBe(0);
  });

  it("partitioned: looks at each partition's own updates", async () => {
    const s = oneAsset(AutomationCondition.anyNewUpdateHasRunTags({ tagKeys: ["source"] }), new StaticPartitionsDefinition(["x", "y"]));
    expect(await s.requested()).toBe(0);
    await s.run({ source: "sync" }, "x");
    await s.run({}, "y");
    const result = await evaluateAutomationConditions({ defs: s.defs, instance: s.instance, conditions: { A: AutomationCondition.anyNewUpdateHasRunTags({ tagKeys: ["source"] }) } });
    expect(result.totalRequested).toBe(0); // no previous evaluation: nothing is new
    expect(await s.requested()).toBe(1);
  });

  it("names and descriptions carry the tags, so the condition's id changes with them", () => {
    const a = AutomationCondition.anyNewUpdateHasRunTags({ tagKeys: ["x"] });
    expect(a.describeNode()).toBe("any_new_update_has_run_tags(tag_keys={x})");
    expect(AutomationCondition.allNewUpdatesHaveRunTags().describeNode()).toBe("all_new_updates_have_run_tags");
    expect(a.uniqueId).not.toBe(AutomationCondition.anyNewUpdateHasRunTags({ tagKeys: ["y"] }).uniqueId);
    expect(AutomationCondition.dataVersionChanged().describeNode()).toBe("data_version_changed");
  });
});
