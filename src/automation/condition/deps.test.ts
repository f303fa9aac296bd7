import { describe, expect, it } from "vitest";
import { AssetSelection, Instance, ManualClock, StaticPartitionsDefinition, asset, materialize } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { evaluateAutomationConditions } from "./index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { startRun } from "./test-scenario.js";

function diamond() {
  const a1 = asset({ name: "A1" }, () => 1);
  const a2 = asset({ name: "A2" }, () => 2);
  const c = asset({ name: "C", deps: [a1, a2] }, () => 3);
  const defs = new Definitions({ assets: [a1, a2, c] });
  const instance = Instance.ephemeral({ clock: new ManualClock(Date.UTC(2026, 10, 2)) });
  const cursors = new Map<string, string>();
  return {
    instance,
    async evaluate(name: string, condition: AutomationCondition) {
      const result = await evaluateAutomationConditions({ defs, instance, cursor: cursors.get(name), conditions: { C: condition } });
      cursors.set(name, result.cursor);
      return result.getNumRequested("C");
    },
    run: (selection: string[]) => materialize([a1, a2, c], { instance, selection }),
  };
}

const materialized = AutomationCondition.missing().not();

describe("deps conditions", () => {
  it("anyDepsMatch is true when one dep matches, allDepsMatch when every dep does", async () => {
    const s = diamond();
    const any = AutomationCondition.anyDepsMatch(materialized);
    const all = AutomationCondition.allDepsMatch(materialized);
    expect(await s.evaluate("any", any)).toBe(0);
    await s.run(["A1"]);
    expect(await s.evaluate("any", any)).toBe(1);
    expect(await s.evaluate("all", all)).toBe(0);
    await s.run(["A2"]);
    expect(await s.evaluate("all", all)).toBe(1);
  });

  it("ignore leaves a dep out, allow keeps only the deps selected", async () => {
    const s = diamond();
    await s.run(["A1"]);
    expect(await s.evaluate("all-ignore", AutomationCondition.allDepsMatch(materialized).ignore(AssetSelection.keys("A2")))).toBe(1);
    expect(await s.evaluate("all-allow", AutomationCondition.allDepsMatch(materialized).allow(AssetSelection.keys("A2")))).toBe(0);
    expect(await s.evaluate("any-ignore", AutomationCondition.anyDepsMatch(materialized).ignore(AssetSelection.keys("A1")))).toBe(0);
  });

  it("anyDepsUpdated sees an update since the previous evaluation once", async () => {
    const s = diamond();
    const updated = AutomationCondition.anyDepsUpdated();
    expect(await s.evaluate("u", updated)).toBe(0);
    await s.run(["A2"]);
    expect(await s.evaluate("u", updated)).toBe(1);
    expect(await s.evaluate("u", updated)).toBe(0);
  });

  it("eager ignoring a missing dep runs once the other dep updates", async () => {
    const s = diamond();
    const eager = AutomationCondition.eager().ignore(AssetSelection.keys("A2"));
    expect(await s.evaluate("e", eager)).toBe(0);
    await s.run(["A1"]);
    expect(await s.evaluate("e", eager)).toBe(1);
    expect(await s.evaluate("plain", AutomationCondition.eager())).toBe(0);
  });

  it("anyDepsInProgress is true while a run of a dep has not finished", async () => {
    const s = diamond();
    const inProgress = AutomationCondition.anyDepsInProgress();
    await s.instance.createRun({ jobName: "__ASSET_JOB", tags: {}, assetSelection: ["A1"], runConfig: {}, status: "SUCCESS" });
    expect(await s.evaluate("p", inProgress)).toBe(0);
    await startRun(s.instance, ["A1"]);
    expect(await s.evaluate("p", inProgress)).toBe(1);
  });
});

describe("deps conditions over partitions", () => {
  function partitioned() {
    const two = new StaticPartitionsDefinition(["1", "2"]);
    const a = asset({ name: "A", partitionsDef: two }, () => 1);
    const b = asset({ name: "B", partitionsDef: two }, () => 2);
    const c = asset({ name: "C", deps: [a, b], partitionsDef: two }, () => 3);
    const defs = new Definitions({ assets: [a, b, c] });
    const instance = Instance.ephemeral({ clock: new ManualClock(Date.UTC(2026, 10, 2)) });
    return {
      count: async (condition: AutomationCondition) => (await evaluateAutomationConditions({ defs, instance, conditions: { C: condition } })).getNumRequested("C"),
      run: (key: string, partitionKey: string) => materialize([a, b, c], { instance, selection: [key], partitionKey }),
    };
  }

  it("anyDepsMatch counts a partition with one matching parent, allDepsMatch one with every parent matching", async () => {
    const s = partitioned();
    const any = AutomationCondition.anyDepsMatch(materialized);
    const all = AutomationCondition.allDepsMatch(materialized);
    const steps: [string, string, number, number][] = [
      ["A", "1", 1, 0],
      ["A", "2", 2, 0],
      ["B", "1", 2, 1],
      ["B", "2", 2, 2],
    ];
    expect([await s.count(any), await s.count(all)]).toEqual([0, 0]);
    for (const [key, partition, anyCount, allCount] of steps) {
      await s.run(key, partition);
      expect([await s.count(any), await s.count(all)]).toEqual([anyCount, allCount]);
    }
  });

  it("allow and ignore take selections such as groups", async () => {
    const names = ["A", "B", "C", "D", "E"];
    const parents = names.map((name) => asset({ name, groupName: name < "D" ? "foo" : "bar" }, () => 1));
    const downstream = asset({ name: "downstream", deps: parents }, () => 2);
    const defs = new Definitions({ assets: [...parents, downstream] });
    const instance = Instance.ephemeral({ clock: new ManualClock(Date.UTC(2026, 10, 2)) });
    const count = async (condition: AutomationCondition) =>
      (await evaluateAutomationConditions({ defs, instance, conditions: { downstream: condition } })).getNumRequested("downstream");
    const anyMissing = AutomationCondition.anyDepsMatch(AutomationCondition.missing());
    const include = anyMissing.allow(AssetSelection.keys("A").or(AssetSelection.groups("bar")));
    const exclude = anyMissing.ignore(AssetSelection.keys("A").or(AssetSelection.groups("bar")));
    expect([await count(include), await count(exclude)]).toEqual([1, 1]);
    await materialize([...parents, downstream], { instance, selection: ["A", "B"] });
    expect([await count(include), await count(exclude)]).toEqual([1, 1]);
    await materialize([...parents, downstream], { instance, selection: ["D", "E"] });
    expect([await count(include), await count(exclude)]).toEqual([0, 1]);
    await materialize([...parents, downstream], { instance, selection: ["C"] });
    expect(await count(exclude)).toBe(0);
  });
});
