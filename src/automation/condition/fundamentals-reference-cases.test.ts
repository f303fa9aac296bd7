// Cases of Dagster's declarative_automation_tests/.../fundamentals/test_automation_condition.py, ported to Tessera's
// API. The reference compares conditions by value; here two conditions are equal when their uniqueIds are (the id
// hashes the whole tree: kinds, parameters, labels, selections).
import { describe, expect, it } from "vitest";
import { DailyPartitionsDefinition, Instance, ManualClock, asset, type PartitionsDefinition } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { snapshotDefinitions } from "../../code-location/location-snapshot.js";
import { AssetSelection } from "../../graph/index.js";
import { AutomationCondition, InvalidAutomationConditionError } from "../../definitions/index.js";
import { evaluateAutomationConditions } from "./evaluator.js";

const DAY = 86_400_000;
const idOf = (c: AutomationCondition) => c.uniqueId;
const expectSame = (actual: AutomationCondition, expected: AutomationCondition) => expect(actual.describe()).toBe(expected.describe());

/** one_asset with `missing()`: evaluates A with or without the previous cursor; the root's true subset is requested. */
function oneMissingAsset(clock: ManualClock, partitionsDef?: PartitionsDefinition) {
  const a = asset({ name: "A", automationCondition: AutomationCondition.missing(), ...(partitionsDef ? { partitionsDef } : {}) }, () => 1);
  const defs = new Definitions({ assets: [a] });
  const instance = Instance.ephemeral({ clock });
  let cursor: string | undefined;
  return {
    defs,
    instance,
    async trueSize(fromScratch = false): Promise<number> {
      const result = await evaluateAutomationConditions({ defs, instance, ...(fromScratch ? {} : { cursor }) });
      if (!fromScratch) cursor = result.cursor;
      return result.getNumRequested("A");
    },
  };
}

describe("reference cases: fundamentals/test_automation_condition.py", () => {
  it("test_missing_unpartitioned", async () => {
    const s = oneMissingAsset(new ManualClock(Date.UTC(2020, 1, 2)));
    expect(await s.trueSize()).toBe(1);
    expect(await s.trueSize()).toBe(1);
    await s.defs.materialize(["A"], { instance: s.instance });
    expect(await s.trueSize()).toBe(0);
    expect(await s.trueSize(true)).toBe(0);
  });

  it("test_missing_time_partitioned", async () => {
    const start = Date.UTC(2013, 0, 5);
    const clock = new ManualClock(start + 6 * DAY + 60_000);
    const s = oneMissingAsset(clock, new DailyPartitionsDefinition({ startDate: new Date(start) }));
    expect(await s.trueSize()).toBe(6);
    expect(await s.trueSize()).toBe(6);
    for (const day of [1, 3]) await s.defs.materialize(["A"], { instance: s.instance, partitionKey: new Date(start + day * DAY).toISOString().slice(0, 10) });
    expect(await s.trueSize()).toBe(4);
    expect(await s.trueSize(true)).toBe(4);
  });

  it("test_serialize_definitions_with_asset_condition (the location snapshot carries the condition's label)", () => {
    const condition = AutomationCondition.eager().and(AutomationCondition.newlyUpdated().since(AutomationCondition.cronTickPassed("0 * * * *", "UTC")).not());
    const myAsset = asset({ name: "my_asset", automationCondition: condition }, () => 0);
    const snapshot = snapshotDefinitions(new Definitions({ assets: [myAsset] }));
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(snapshot.assets[0]?.automationConditionLabel).toBe(condition.describeNode());
  });

  it("test_label_automation_condition", () => {
    const notMissing = AutomationCondition.missing().not().withLabel("Not missing");
    const notInProgress = AutomationCondition.inProgress().not().withLabel("Not in progress");
    const both = notMissing.and(notInProgress).withLabel("Blah");
    expect(both.label).toBe("Blah");
    expect(both.describeNode()).toBe("Blah: AND");
    expect(both.children[0]?.label).toBe("Not missing");
    expect(both.children[1]?.label).toBe("Not in progress");
  });

  it("test_without_automation_condition", () => {
    const a = AutomationCondition.inLatestTimeWindow();
    const b = AutomationCondition.anyDepsMatch(AutomationCondition.inProgress());
    const c = AutomationCondition.anyDepsInProgress().not();
    const orig = a.and(b).and(c);
    expectSame(orig.without(a), b.and(c));
    expectSame(orig.without(b), a.and(c));
    expectSame(orig.without(c), a.and(b));
    // Other instances of equal operands match.
    expectSame(orig.without(AutomationCondition.inLatestTimeWindow()), b.and(c));
    expectSame(orig.without(AutomationCondition.anyDepsInProgress().not()), a.and(b));
    // The AND's label stays.
    expectSame(orig.withLabel("my_label").without(a), b.and(c).withLabel("my_label"));
    expect(() => orig.without(AutomationCondition.inProgress())).toThrow(InvalidAutomationConditionError);
    expect(() => orig.without(AutomationCondition.anyDepsMatch(AutomationCondition.inProgress().or(AutomationCondition.missing()))))
      .toThrow(/no operand of AND is ANY_DEPS_MATCH/);
    expect(() => orig.without(AutomationCondition.inLatestTimeWindow(3 * 3_600_000))).toThrow(/no operand/);
    expect(() => orig.without(a).without(b)).toThrow(/fewer than 2 operands/);
  });

  it("test_replace_automation_conditions", () => {
    const a = AutomationCondition.inLatestTimeWindow().withLabel("in_latest_time_window");
    const b = AutomationCondition.anyDepsMatch(AutomationCondition.inProgress());
    const c = AutomationCondition.anyDepsInProgress().not().withLabel("not_any_deps_in_progress");
    const d = AutomationCondition.missing();
    const orig = a.and(b).or(c);
    expectSame(orig.replace(a, d), d.and(b).or(c));
    expectSame(
      orig.replace(AutomationCondition.inProgress(), d),
      a.and(AutomationCondition.anyDepsMatch(d)).or(AutomationCondition.anyDepsMatch(d).withLabel("any_deps_in_progress").not().withLabel("not_any_deps_in_progress")),
    );
    expectSame(orig.replace("not_any_deps_in_progress", d), a.and(b).or(d));
    expectSame(orig.replace("any_deps_in_progress", d), a.and(b).or(d.not().withLabel("not_any_deps_in_progress")));
  });

  it("test_replace_automation_condition_since", () => {
    const a = AutomationCondition.inLatestTimeWindow().withLabel("in_latest_time_window");
    const b = AutomationCondition.anyDepsMatch(AutomationCondition.inProgress());
    const c = AutomationCondition.anyDepsInProgress().not().withLabel("not_any_deps_in_progress");
    const d = AutomationCondition.missing();
    const orig = a.since(b.or(c));
    expectSame(orig.replace(a, d), d.since(b.or(c)));
    expectSame(orig.replace(b, d), a.since(d.or(c)));
    expectSame(orig.replace("not_any_deps_in_progress", d), a.since(b.or(d)));
    expect(idOf(AutomationCondition.eager())).not.toBe(idOf(AutomationCondition.eager().replace("handled", AutomationCondition.newlyUpdated())));
  });

  it("test_replace_automation_condition_with_label", () => {
    const a = AutomationCondition.eager().replace("newly_updated", AutomationCondition.dataVersionChanged()).withLabel("eager_respecting_data_version");
    expect(a.label).toBe("eager_respecting_data_version");
    expect(a.describe()).toContain("data_version_changed");
  });

  for (const method of ["allow", "ignore"] as const) {
    it(`test_filter_automation_condition[${method}]`, () => {
      const a = AutomationCondition.inLatestTimeWindow();
      const b = AutomationCondition.anyDepsMatch(AutomationCondition.inProgress());
      const c = AutomationCondition.anyDepsInProgress().not();
      const orig = a.and(b).or(c);
      const filter = (x: AutomationCondition) => x[method](AssetSelection.keys("A"));
      expectSame(filter(orig), a.and(filter(b)).or(filter(c)));
      // It reaches every deps operator below.
      const complex = orig.and(orig).or(orig);
      const filtered = a.and(filter(b)).or(filter(c));
      expectSame(filter(complex), filtered.and(filtered).or(filtered));
      expect(idOf(filter(orig))).not.toBe(idOf(orig));
    });
  }

  for (const op of ["and", "or"] as const) {
    it(`test_consolidate_automation_conditions[${op}]`, () => {
      const combine = (x: AutomationCondition, y: AutomationCondition) => x[op](y);
      const notMissing = AutomationCondition.missing().not();
      const notInProgress = AutomationCondition.inProgress().not();
      const nmNip = combine(notMissing, notInProgress);
      const latest = AutomationCondition.inLatestTimeWindow();
      const notAnyDepsInProgress = AutomationCondition.anyDepsInProgress().not();
      const latestNadip = combine(latest, notAnyDepsInProgress);
      const operands = (x: AutomationCondition) => {
        expect(x.kind).toBe(op);
        return x.children.map(idOf);
      };
      expect(operands(combine(nmNip, latestNadip))).toEqual([notMissing, notInProgress, latest, notAnyDepsInProgress].map(idOf));
      expect(operands(combine(nmNip, latest))).toEqual([notMissing, notInProgress, latest].map(idOf));
      const second = latestNadip.withLabel("in_latest_time_window_not_any_deps_in_progress");
      expect(operands(combine(nmNip, second))).toEqual([notMissing, notInProgress, second].map(idOf));
      expect(operands(combine(notMissing, latestNadip))).toEqual([notMissing, latest, notAnyDepsInProgress].map(idOf));
      const first = nmNip.withLabel("not_missing_not_in_progress");
      expect(operands(combine(first, latestNadip))).toEqual([first, latest, notAnyDepsInProgress].map(idOf));
      expect(operands(combine(first, second))).toEqual([first, second].map(idOf));
    });
  }
});
