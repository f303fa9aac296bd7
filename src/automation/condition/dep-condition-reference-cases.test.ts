// Cases of Dagster's declarative_automation_tests/.../builtins/test_dep_condition.py, ported to Tessera's API.
// The reference's hard-coded inner condition (true for the (asset, partition) pairs of a set the test fills) is
// `not missing` here: a pair is added to the set by materializing it.
import { describe, expect, it } from "vitest";
import { Instance, ManualClock, StaticPartitionsDefinition, asset, type PartitionsDefinition } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AssetSelection } from "../../graph/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { evaluateAutomationConditions } from "./evaluator.js";

const twoPartitions = new StaticPartitionsDefinition(["1", "2"]);
const isTrue = AutomationCondition.missing().not();

/** one_asset_depends_on_two: A, B → C; `evaluate` evaluates C's condition only, continuing the cursor. */
function oneAssetDependsOnTwo(condition: AutomationCondition, partitionsDef?: PartitionsDefinition) {
  const p = partitionsDef ? { partitionsDef } : {};
  const a = asset({ name: "A", ...p }, () => 1);
  const b = asset({ name: "B", ...p }, () => 1);
  const c = asset({ name: "C", deps: [a, b], ...p }, () => 1);
  const defs = new Definitions({ assets: [a, b, c] });
  const instance = Instance.ephemeral({ clock: new ManualClock(Date.UTC(2020, 1, 2)) });
  let cursor: string | undefined;
  return {
    async evaluate(): Promise<number> {
      const result = await evaluateAutomationConditions({ defs, instance, cursor, conditions: { C: condition } });
      cursor = result.cursor;
      return result.getNumRequested("C");
    },
    /** Materializes `A1`-style pairs (asset letter, partition) or bare keys. */
    async run(...pairs: string[]): Promise<void> {
      for (const pair of pairs) await defs.materialize([pair.slice(0, 1)], { instance, ...(pair.length > 1 ? { partitionKey: pair.slice(1) } : {}) });
    },
  };
}

describe("reference cases: test_dep_condition.py", () => {
  for (const isAny of [true, false]) {
    const depsMatch = (inner: AutomationCondition) => (isAny ? AutomationCondition.anyDepsMatch(inner) : AutomationCondition.allDepsMatch(inner));

    it(`test_dep_missing_unpartitioned[is_any=${isAny}]`, async () => {
      const s = oneAssetDependsOnTwo(depsMatch(isTrue));
      expect(await s.evaluate()).toBe(0);
      await s.run("A");
      expect(await s.evaluate()).toBe(isAny ? 1 : 0);
      await s.run("B");
      expect(await s.evaluate()).toBe(1);
    });

    it(`test_dep_missing_partitioned[is_any=${isAny}]`, async () => {
      const s = oneAssetDependsOnTwo(depsMatch(isTrue), twoPartitions);
      expect(await s.evaluate()).toBe(0);
      await s.run("A1");
      expect(await s.evaluate()).toBe(isAny ? 1 : 0);
      await s.run("A2");
      expect(await s.evaluate()).toBe(isAny ? 2 : 0);
      await s.run("B1");
      expect(await s.evaluate()).toBe(isAny ? 2 : 1);
      await s.run("B2");
      expect(await s.evaluate()).toBe(2);
    });

    for (const isInclude of [true, false]) {
      const cases: [number, string[], number][] = [
        [2, ["A1"], 1],
        [2, ["A1", "A2"], 0],
        [2, ["A1", "B2"], 1],
        [2, ["B1", "B2"], 2],
      ];
      for (const [initial, materialized, final] of cases) {
        it(`test_dep_missing_partitioned_selections[is_any=${isAny}, is_include=${isInclude}, ${materialized.join("+")}]`, async () => {
          const base = depsMatch(AutomationCondition.missing());
          const condition = isInclude ? base.allow(AssetSelection.keys("A")) : base.ignore(AssetSelection.keys("B"));
          const s = oneAssetDependsOnTwo(condition, twoPartitions);
          expect(await s.evaluate()).toBe(initial);
          await s.run(...materialized);
          expect(await s.evaluate()).toBe(final);
        });
      }
    }
  }

  /** complex_scenario_spec: A, B, C in group foo, D, E in group bar, all upstream of `downstream`. */
  function complexScenario(condition: AutomationCondition) {
    const foo = ["A", "B", "C"].map((name) => asset({ name, groupName: "foo" }, () => 1));
    const bar = ["D", "E"].map((name) => asset({ name, groupName: "bar" }, () => 1));
    const downstream = asset({ name: "downstream", deps: [...foo, ...bar] }, () => 1);
    const defs = new Definitions({ assets: [...foo, ...bar, downstream] });
    const instance = Instance.ephemeral({ clock: new ManualClock(Date.UTC(2020, 1, 2)) });
    let cursor: string | undefined;
    return {
      async evaluate(): Promise<number> {
        const result = await evaluateAutomationConditions({ defs, instance, cursor, conditions: { downstream: condition } });
        cursor = result.cursor;
        return result.getNumRequested("downstream");
      },
      run: (keys: string[]) => defs.materialize(keys, { instance }),
    };
  }

  it("test_dep_missing_complex_include", async () => {
    const s = complexScenario(AutomationCondition.anyDepsMatch(AutomationCondition.missing()).allow(AssetSelection.keys("A").or(AssetSelection.groups("bar"))));
    expect(await s.evaluate()).toBe(1);
    await s.run(["A"]);
    expect(await s.evaluate()).toBe(1);
    await s.run(["D", "E"]);
    expect(await s.evaluate()).toBe(0);
  });

  it("test_dep_missing_complex_exclude", async () => {
    const s = complexScenario(AutomationCondition.anyDepsMatch(AutomationCondition.missing()).ignore(AssetSelection.keys("A").or(AssetSelection.groups("bar"))));
    expect(await s.evaluate()).toBe(1);
    await s.run(["B"]);
    expect(await s.evaluate()).toBe(1);
    await s.run(["C"]);
    expect(await s.evaluate()).toBe(0);
  });
});
