// Cases of Dagster's declarative_automation_tests/.../builtins/test_code_version_outdated_condition.py, ported to
// Tessera's API.
import { describe, expect, it } from "vitest";
import { AssetKey, SystemTags } from "../../core/index.js";
import { Instance, ManualClock, StaticPartitionsDefinition, asset, type PartitionsDefinition } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { evaluateAutomationConditions } from "./evaluator.js";

const MINUTE = 60_000;

/** A materialization reported outside any run, with the provenance tags given, as `report_runless_asset_event`. */
async function reportMaterialization(instance: Instance, key: string, codeVersion: string, dataVersion: string, partition?: string): Promise<void> {
  const run = await instance.createRun({ jobName: "__runless__", tags: {}, assetSelection: [], runConfig: {} });
  const timestamp = instance.clock.now();
  await instance.storeEvents([
    {
      runId: run.runId,
      timestamp,
      eventType: "ASSET_MATERIALIZATION",
      assetKey: AssetKey.from(key),
      tags: { [SystemTags.CODE_VERSION]: codeVersion, [SystemTags.DATA_VERSION]: dataVersion },
      ...(partition === undefined ? {} : { partition }),
    },
    { runId: run.runId, timestamp, eventType: "RUN_SUCCESS" },
  ]);
}

function scenario(name: string, partitionsDef?: PartitionsDefinition) {
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const instance = Instance.ephemeral({ clock });
  const condition = AutomationCondition.codeVersionOutdated();
  let cursor: string | undefined;
  return {
    instance,
    async requested(codeVersion: string): Promise<number> {
      const defs = new Definitions({ assets: [asset({ name, codeVersion, automationCondition: condition, ...(partitionsDef ? { partitionsDef } : {}) }, () => 1)] });
      const result = await evaluateAutomationConditions({ defs, instance, cursor });
      cursor = result.cursor;
      clock.advance(MINUTE);
      return result.totalRequested;
    },
  };
}

describe("reference cases: test_code_version_outdated_condition.py", () => {
  it("test_code_version_outdated_condition_tracks_latest_materialization_provenance", async () => {
    const s = scenario("A");
    await reportMaterialization(s.instance, "A", "old", "data-version-old");
    expect(await s.requested("old")).toBe(0);
    expect(await s.requested("new")).toBe(1);
    await reportMaterialization(s.instance, "A", "old", "data-version-old-2");
    expect(await s.requested("new")).toBe(1);
    await reportMaterialization(s.instance, "A", "new", "data-version-new");
    expect(await s.requested("new")).toBe(0);
  });

  it("test_code_version_outdated_condition_is_false_without_prior_provenance", async () => {
    expect(await scenario("asset_without_materialization").requested("new")).toBe(0);
  });

  it("test_code_version_outdated_condition_partitioned_per_partition", async () => {
    const s = scenario("partitioned_asset", new StaticPartitionsDefinition(["1", "2"]));
    for (const p of ["1", "2"]) await reportMaterialization(s.instance, "partitioned_asset", "old", `old-${p}`, p);
    expect(await s.requested("old")).toBe(0);
    expect(await s.requested("new")).toBe(2);
    await reportMaterialization(s.instance, "partitioned_asset", "new", "new-1", "1");
    expect(await s.requested("new")).toBe(1);
  });

  it("is named after the reference's operand", () => {
    expect(AutomationCondition.codeVersionOutdated().describeNode()).toBe("code_version_outdated");
  });
});
