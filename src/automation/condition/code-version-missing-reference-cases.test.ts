// Cases of Dagster's declarative_automation_tests/.../builtins/ test_code_version_changed_condition.py and
// test_missing_condition.py, ported to Tessera's API.
import { describe, expect, it } from "vitest";
import { Instance, ManualClock, StaticPartitionsDefinition, asset, type PartitionsDefinition } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { evaluateAutomationConditions } from "./evaluator.js";

/** one_asset: A alone with `condition`; each evaluation continues the cursor and may see another code version. */
function oneAsset(condition: AutomationCondition, partitionsDef?: PartitionsDefinition) {
  const instance = Instance.ephemeral({ clock: new ManualClock(Date.UTC(2020, 1, 2)) });
  const defsOf = (codeVersion?: string) =>
    new Definitions({ assets: [asset({ name: "A", ...(codeVersion === undefined ? {} : { codeVersion }), ...(partitionsDef ? { partitionsDef } : {}) }, () => 1)] });
  let defs = defsOf();
  let cursor: string | undefined;
  return {
    withCodeVersion(codeVersion: string) {
      defs = defsOf(codeVersion);
    },
    async trueSize(): Promise<number> {
      const result = await evaluateAutomationConditions({ defs, instance, cursor, conditions: { A: condition } });
      cursor = result.cursor;
      return result.getNumRequested("A");
    },
    run: (partitionKey?: string) => defs.materialize(["A"], { instance, ...(partitionKey === undefined ? {} : { partitionKey }) }),
  };
}

describe("reference cases: test_code_version_changed_condition.py", () => {
  it("test_code_version_changed_condition", async () => {
    const s = oneAsset(AutomationCondition.codeVersionChanged());
    s.withCodeVersion("1");
    expect(await s.trueSize()).toBe(0);
    expect(await s.trueSize()).toBe(0);
    s.withCodeVersion("2");
    expect(await s.trueSize()).toBe(1);
    expect(await s.trueSize()).toBe(0);
    s.withCodeVersion("3");
    expect(await s.trueSize()).toBe(1);
    s.withCodeVersion("2");
    expect(await s.trueSize()).toBe(1);
    expect(await s.trueSize()).toBe(0);
  });
});

describe("reference cases: test_missing_condition.py", () => {
  it("test_missing_unpartitioned", async () => {
    const s = oneAsset(AutomationCondition.missing());
    expect(await s.trueSize()).toBe(1);
    await s.run();
    expect(await s.trueSize()).toBe(0);
  });

  it("test_missing_partitioned", async () => {
    const s = oneAsset(AutomationCondition.missing(), new StaticPartitionsDefinition(["1", "2"]));
    expect(await s.trueSize()).toBe(2);
    await s.run("1");
    expect(await s.trueSize()).toBe(1);
    await s.run("1");
    expect(await s.trueSize()).toBe(1);
    await s.run("2");
    expect(await s.trueSize()).toBe(0);
  });
});
