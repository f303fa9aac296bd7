// Cases of Dagster's declarative_automation_tests/.../builtins/test_check_condition.py, ported to Tessera's API.
// The reference's hard-coded condition on checks (true for the checks a test puts in a set) is checkPassed() here:
// a check is put in the set by reporting an evaluation of it that passed.
import { describe, expect, it } from "vitest";
import { AssetCheckResult, AssetCheckSpec, Instance, MaterializeResult, StaticPartitionsDefinition, asset, assetCheck } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AssetSelection, AutomationConditionReferenceError } from "../../graph/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { evaluateAutomationConditions } from "./evaluator.js";
import { report, ticker } from "./test-scenario.js";

const twoPartitions = new StaticPartitionsDefinition(["1", "2"]);

describe("reference cases: test_check_condition.py", () => {
  for (const isAny of [true, false]) {
    for (const blockingOnly of [true, false]) {
      it(`test_check_operators_partitioned[is_any=${isAny}, blocking_only=${blockingOnly}]`, async () => {
        const inner = AutomationCondition.checkPassed();
        const condition = isAny ? AutomationCondition.anyChecksMatch(inner, { blockingOnly }) : AutomationCondition.allChecksMatch(inner, { blockingOnly });
        // one_asset_two_checks: a1 blocking, a2 not.
        const a = asset(
          { name: "A", partitionsDef: twoPartitions, checkSpecs: [new AssetCheckSpec("a1", { asset: "A", blocking: true }), new AssetCheckSpec("a2", { asset: "A" })] },
          () => new MaterializeResult({ checkResults: [] }),
        );
        const defs = new Definitions({ assets: [a] });
        const instance = Instance.ephemeral();
        let cursor: string | undefined;
        const requested = async () => {
          const result = await evaluateAutomationConditions({ defs, instance, cursor, conditions: { A: condition } });
          cursor = result.cursor;
          return result.getNumRequested("A");
        };
        expect(await requested()).toBe(0);
        await report.checkEvaluation(instance, "A", "a1", true);
        expect(await requested()).toBe(isAny ? 2 : blockingOnly ? 2 : 0);
        await report.checkEvaluation(instance, "A", "a2", true);
        expect(await requested()).toBe(2);
      });
    }
  }

  it("test_any_checks_match_basic", async () => {
    // Always true.
    const always = AutomationCondition.cronTickPassed("* * * * *").or(AutomationCondition.cronTickPassed("* * * * *").not());
    const condition = AutomationCondition.anyDepsMatch(AutomationCondition.anyChecksMatch(always));
    // downstream_of_check: A → C, B → D, a check on A.
    const a = asset("A", () => 1);
    const b = asset("B", () => 1);
    const c = asset({ name: "C", deps: [a] }, () => 1);
    const d = asset({ name: "D", deps: [b] }, () => 1);
    const check = assetCheck({ asset: a, name: "check" }, () => new AssetCheckResult({ passed: true }));
    const defs = new Definitions({ assets: [a, b, c, d], assetChecks: [check] });
    const instance = Instance.ephemeral();
    // C has a dep with a check; D has none.
    const result = await evaluateAutomationConditions({ defs, instance, conditions: { C: condition, D: condition } });
    expect(result.getNumRequested("C")).toBe(1);
    expect(result.getNumRequested("D")).toBe(0);
  });

  for (const realCheck of [true, false]) {
    it(`test_all_deps_blocking_checks_passed_condition[real_check=${realCheck}]`, async () => {
      const a = asset("A", () => 1);
      const b = asset({ name: "B", deps: [a], automationCondition: AutomationCondition.allDepsBlockingChecksPassed() }, () => 1);
      const passedIfTagged = (name: string, checked: typeof a | typeof b, blocking: boolean) =>
        assetCheck({ asset: checked, name, blocking }, (ctx) => new AssetCheckResult({ passed: ctx.runTags.passed !== undefined }));
      const blocking1 = passedIfTagged("blocking1", a, true);
      const blocking2 = passedIfTagged("blocking2", a, true);
      const nonblocking1 = passedIfTagged("nonblocking1", a, false);
      const blocking3 = passedIfTagged("blocking3", b, true);
      const defs = new Definitions({ assets: [a, b], assetChecks: [blocking1, blocking2, blocking3, nonblocking1] });
      const instance = Instance.ephemeral();
      const tick = ticker(defs, instance);
      const emit = async (check: typeof blocking1, passed: boolean) => {
        const spec = check.specs[0] as AssetCheckSpec;
        if (realCheck) await defs.materialize(AssetSelection.checks(check), { instance, raiseOnError: false, ...(passed ? { tags: { passed: "" } } : {}) });
        else await report.checkEvaluation(instance, spec.assetKey.toString(), spec.name, passed);
      };
      let result = await tick();
      expect(result.totalRequested).toBe(0);
      await emit(blocking1, true);
      result = await tick();
      expect(result.totalRequested).toBe(0);
      await emit(blocking2, true);
      result = await tick();
      expect(result.totalRequested).toBe(1);
      // Not on a dep.
      await emit(blocking3, false);
      result = await tick();
      expect(result.totalRequested).toBe(1);
      // Not blocking.
      await emit(nonblocking1, false);
      result = await tick();
      expect(result.totalRequested).toBe(1);
      // A again: its blocking checks have not run since.
      await report.materialization(instance, "A");
      result = await tick();
      expect(result.totalRequested).toBe(0);
      await emit(blocking1, true);
      await emit(blocking2, false);
      result = await tick();
      expect(result.totalRequested).toBe(0);
      await emit(blocking2, true);
      result = await tick();
      expect(result.totalRequested).toBe(1);
    });
  }

  it("test_blocking_checks_with_eager", async () => {
    const cond = AutomationCondition.eager().and(AutomationCondition.allDepsBlockingChecksPassed());
    const root = asset("root", () => 1);
    const a = asset(
      { name: "A", deps: [root], automationCondition: cond, checkSpecs: [new AssetCheckSpec("x", { asset: "A", blocking: true })] },
      () => new MaterializeResult({ checkResults: [new AssetCheckResult({ passed: true })] }),
    );
    const b = asset({ name: "B", deps: [a], automationCondition: cond }, () => 1);
    const defs = new Definitions({ assets: [root, a, b] });
    const instance = Instance.ephemeral();
    const tick = ticker(defs, instance);
    let result = await tick();
    expect(result.totalRequested).toBe(0);
    // root updated: A and B in one run.
    await report.materialization(instance, "root");
    result = await tick();
    expect(result.totalRequested).toBe(2);
    result = await tick();
    expect(result.totalRequested).toBe(0);
    // A updated without its check: not B.
    await report.materialization(instance, "A");
    result = await tick();
    expect(result.totalRequested).toBe(0);
    // A with its check: B.
    await defs.materialize(["A"], { instance });
    result = await tick();
    expect(result.totalRequested).toBe(1);
    result = await tick();
    expect(result.totalRequested).toBe(0);
  });

  const checkSelection = { assetKey: "A", name: "allow_check" };
  const ignoredCheck = { assetKey: "A", name: "ignore_check" };
  for (const [variant, condition] of [
    ["allow", AutomationCondition.anyDepsMatch(AutomationCondition.anyChecksMatch(AutomationCondition.checkFailed()).allow(AssetSelection.checks(checkSelection)))],
    ["ignore", AutomationCondition.anyDepsMatch(AutomationCondition.anyChecksMatch(AutomationCondition.checkFailed()).ignore(AssetSelection.checks(ignoredCheck)))],
  ] as const) {
    it(`test_check_selection[${variant}]`, async () => {
      const a = asset("A", () => 1);
      const passedIfTagged = (name: string) => assetCheck({ asset: a, name }, (ctx) => new AssetCheckResult({ passed: ctx.runTags.passed !== undefined }));
      const ignoreCheck = passedIfTagged("ignore_check");
      const allowCheck = passedIfTagged("allow_check");
      const b = asset({ name: "B", deps: [a], automationCondition: condition }, () => 1);
      const defs = new Definitions({ assets: [a, b], assetChecks: [ignoreCheck, allowCheck] });
      const instance = Instance.ephemeral();
      const tick = ticker(defs, instance);
      let result = await tick();
      expect(result.totalRequested).toBe(0);
      // ignore_check fails: left out.
      await defs.materialize(AssetSelection.checks(ignoreCheck), { instance, raiseOnError: false });
      result = await tick();
      expect(result.totalRequested).toBe(0);
      await defs.materialize(AssetSelection.checks(allowCheck), { instance, raiseOnError: false });
      result = await tick();
      expect(result.totalRequested).toBe(1);
      await defs.materialize(AssetSelection.checks(allowCheck), { instance, tags: { passed: "" } });
      result = await tick();
      expect(result.totalRequested).toBe(0);
    });
  }

  // Deliberate difference: the reference requests nothing; Tessera refuses a condition naming a check that does not
  // exist, with an error naming the asset and the check.
  it("test_any_check_invalid_selection: refused with a typed error naming the check", () => {
    const myAsset = asset(
      { name: "my_asset", automationCondition: AutomationCondition.anyChecksMatch(AutomationCondition.missing()).allow(AssetSelection.checks({ assetKey: "does_not_exist", name: "xyz" })) },
      () => 1,
    );
    expect(() => new Definitions({ assets: [myAsset] })).toThrow(AutomationConditionReferenceError);
    expect(() => new Definitions({ assets: [myAsset] })).toThrow(/my_asset.*does_not_exist:xyz/s);
  });
});

describe("reference cases: test_check_passed_failed_conditions.py", () => {
  for (const passed of [true, false]) {
    it(`test_check_result_conditions[passed=${passed}]: a check's own condition on its latest result`, async () => {
      const a = asset("A", () => 1);
      const condition = passed ? AutomationCondition.checkPassed() : AutomationCondition.checkFailed();
      const fooCheck = assetCheck({ asset: a, name: "foo_check", automationCondition: condition }, () => new AssetCheckResult({ passed }));
      const defs = new Definitions({ assets: [a], assetChecks: [fooCheck] });
      const instance = Instance.ephemeral();
      const tick = ticker(defs, instance);
      const runCheck = () => defs.materialize(AssetSelection.checks(fooCheck), { instance, raiseOnError: false });
      let result = await tick();
      expect(result.totalRequested).toBe(0);
      await runCheck();
      result = await tick();
      expect(result.totalRequested).toBe(1);
      result = await tick();
      expect(result.totalRequested).toBe(1);
      result = await tick();
      expect(result.totalRequested).toBe(1);
      // The asset updated: the check's result no longer stands.
      await report.materialization(instance, "A");
      result = await tick();
      expect(result.totalRequested).toBe(0);
      result = await tick();
      expect(result.totalRequested).toBe(0);
      await runCheck();
      result = await tick();
      expect(result.totalRequested).toBe(1);
    });
  }
});
