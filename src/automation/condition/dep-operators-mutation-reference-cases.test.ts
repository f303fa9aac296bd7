// Cases of Dagster's declarative_automation_tests/.../builtins/test_dep_operators_mutation_bug_33720.py, ported to
// Tessera's API: `.allow()` on a deps operator must narrow that operator's deps for one evaluation only.
import { describe, expect, it } from "vitest";
import { AssetSelection, AssetSpec, DynamicPartitionsDefinition, Instance, ManualClock, asset } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { evaluateAutomationConditions } from "./evaluator.js";
import { report } from "./test-scenario.js";

describe("reference cases: test_dep_operators_mutation_bug_33720.py", () => {
  it("test_any_deps_match_allow_does_not_corrupt_parent_keys (and, beyond the reference, the external dep's own update)", async () => {
    const scenes = new DynamicPartitionsDefinition({ name: "scenes" });
    const depA = asset({ name: "dep_a", partitionsDef: scenes }, () => 1);
    const depB = new AssetSpec("dep_b", { partitionsDef: scenes });
    const updated = (dep: string) => AutomationCondition.anyDepsMatch(AutomationCondition.newlyUpdated()).allow(AssetSelection.assets(dep));
    const downstream = asset({ name: "downstream", partitionsDef: scenes, deps: ["dep_a", "dep_b"], automationCondition: updated("dep_a").or(updated("dep_b")) }, () => 2);
    const defs = new Definitions({ assets: [depA, depB, downstream] });
    const instance = Instance.ephemeral({ clock: new ManualClock(Date.UTC(2026, 1, 2)) });
    await instance.addDynamicPartitions("scenes", ["scene1"]);
    let cursor: string | undefined;
    const fires = async () => {
      const result = await evaluateAutomationConditions({ defs, instance, ...(cursor === undefined ? {} : { cursor }) });
      cursor = result.cursor;
      return result.getNumRequested("downstream") > 0;
    };
    expect(await fires()).toBe(false);
    await report.materialization(instance, "dep_a", "scene1");
    expect(await fires()).toBe(true);
    await report.materialization(instance, "dep_a", "scene1");
    expect(await fires()).toBe(true);
    expect(await fires()).toBe(false);
    // The external dep, reported materialized, counts through its own allow().
    await report.materialization(instance, "dep_b", "scene1");
    expect(await fires()).toBe(true);
  });
});
