// Cases of Dagster's asset check tests on multi-assets (asset_checks_tests/test_asset_checks.py: checks declared in
// `check_specs` of a multi-asset, blocking checks, subsetting), ported to Tessera's API.
import { describe, expect, it } from "vitest";
import { AssetCheckResult, AssetCheckSpec, AssetSpec, MaterializeResult, asset, multiAsset } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { AssetSelection } from "../graph/index.js";

const keysOf = (events: readonly { assetKey?: { toString(): string } }[]) => events.map((e) => e.assetKey?.toString());
const checksOf = (events: readonly { assetKey?: { toString(): string }; checkName?: string; passed?: boolean }[]) =>
  events.map((e) => ({ asset: e.assetKey?.toString(), check: e.checkName, passed: e.passed }));

describe("reference cases: asset checks in multi-assets", () => {
  it("test_multi_asset_with_check", async () => {
    const asset1And2 = multiAsset(
      { name: "asset_1_and_2", specs: [new AssetSpec(["asset1", "one"]), new AssetSpec(["asset2", "two"])], checkSpecs: [new AssetCheckSpec("check1", { asset: ["asset1", "one"], description: "desc" })] },
      () => [
        new MaterializeResult({ assetKey: ["asset1", "one"], checkResults: [new AssetCheckResult({ checkName: "check1", passed: true, metadata: { foo: "bar" } })] }),
        new MaterializeResult({ assetKey: ["asset2", "two"] }),
      ],
    );
    const result = await new Definitions({ assets: [asset1And2] }).materialize();
    expect(result.success).toBe(true);
    expect(result.getAssetMaterializationEvents()).toHaveLength(2);
    const evaluations = result.getAssetCheckEvaluations();
    expect(checksOf(evaluations)).toEqual([{ asset: "asset1/one", check: "check1", passed: true }]);
    expect(JSON.stringify(evaluations[0]?.metadata)).toContain("bar");
  });

  it("test_multi_asset_blocking_check_skips_downstream: both assets materialize, the run fails, the downstream of the checked asset does not run", async () => {
    const asset1And2 = multiAsset(
      {
        name: "asset_1_and_2",
        specs: [new AssetSpec(["asset1", "one"]), new AssetSpec(["asset2", "two"])],
        checkSpecs: [
          new AssetCheckSpec("check1", { asset: ["asset1", "one"], blocking: true }),
          new AssetCheckSpec("check2", { asset: ["asset1", "one"], blocking: true }),
          new AssetCheckSpec("check3", { asset: ["asset1", "one"], blocking: false }),
        ],
      },
      () => [
        new MaterializeResult({
          assetKey: ["asset1", "one"],
          checkResults: ["check1", "check2", "check3"].map((checkName) => new AssetCheckResult({ checkName, passed: false })),
        }),
        new MaterializeResult({ assetKey: ["asset2", "two"] }),
      ],
    );
    const asset3 = asset({ name: "asset3", deps: [["asset1", "one"]] }, () => undefined);
    const asset4 = asset({ name: "asset4", deps: [["asset2", "two"]] }, () => undefined);
    const result = await new Definitions({ assets: [asset1And2, asset3, asset4] }).materialize(undefined, { raiseOnError: false });
    expect(result.success).toBe(false);
    expect(keysOf(result.getAssetMaterializationEvents())).toEqual(["asset1/one", "asset2/two"]);
    expect(checksOf(result.getAssetCheckEvaluations())).toEqual([
      { asset: "asset1/one", check: "check1", passed: false },
      { asset: "asset1/one", check: "check2", passed: false },
      { asset: "asset1/one", check: "check3", passed: false },
    ]);
  });

  it("test_multi_asset_with_check_subset: a check runs only when its asset is selected", async () => {
    const asset1And2 = multiAsset(
      { name: "asset_1_and_2", specs: [new AssetSpec("asset1"), new AssetSpec("asset2")], checkSpecs: [new AssetCheckSpec("check1", { asset: "asset1" })], canSubset: true },
      (ctx) => {
        const selected = ctx.selectedAssetKeys.map(String);
        const out: MaterializeResult[] = [];
        if (selected.includes("asset1")) out.push(new MaterializeResult({ assetKey: "asset1", checkResults: [new AssetCheckResult({ checkName: "check1", passed: true })] }));
        if (selected.includes("asset2")) out.push(new MaterializeResult({ assetKey: "asset2" }));
        return out;
      },
    );
    const defs = new Definitions({ assets: [asset1And2] });
    let result = await defs.materialize();
    expect(result.getAssetMaterializationEvents()).toHaveLength(2);
    expect(checksOf(result.getAssetCheckEvaluations())).toEqual([{ asset: "asset1", check: "check1", passed: true }]);
    result = await defs.materialize(["asset1"]);
    expect(result.getAssetMaterializationEvents()).toHaveLength(1);
    expect(checksOf(result.getAssetCheckEvaluations())).toEqual([{ asset: "asset1", check: "check1", passed: true }]);
    result = await defs.materialize(["asset2"]);
    expect(result.getAssetMaterializationEvents()).toHaveLength(1);
    expect(result.getAssetCheckEvaluations()).toEqual([]);
  });

  it("test_can_subset_select_only_asset: an asset selected without its checks", async () => {
    let seen: string[] = [];
    const foo = multiAsset(
      {
        name: "foo",
        canSubset: true,
        specs: [new AssetSpec("asset1"), new AssetSpec("asset2")],
        checkSpecs: [new AssetCheckSpec("check1", { asset: "asset1" }), new AssetCheckSpec("check2", { asset: "asset2" })],
      },
      (ctx) => {
        seen = ctx.selectedAssetKeys.map(String);
        return new MaterializeResult({ assetKey: "asset1" });
      },
    );
    const result = await new Definitions({ assets: [foo] }).materialize(AssetSelection.keys("asset1").minus(AssetSelection.checksForAssets(foo)));
    expect(seen).toEqual(["asset1"]);
    expect(result.getAssetMaterializationEvents()).toHaveLength(1);
    expect(result.getAssetCheckEvaluations()).toHaveLength(0);
  });

  const subsettable = (compute: (selected: string[]) => MaterializeResult[]) =>
    multiAsset(
      {
        name: "foo",
        canSubset: true,
        specs: [new AssetSpec("asset1"), new AssetSpec("asset2")],
        checkSpecs: [new AssetCheckSpec("check1", { asset: "asset1" }), new AssetCheckSpec("check2", { asset: "asset2" })],
      },
      (ctx) => compute(ctx.selectedAssetKeys.map(String)),
    );

  it("test_can_subset: selecting an asset selects its checks, not the others'", async () => {
    let seen: string[] = [];
    const foo = subsettable((selected) => {
      seen = selected;
      return [new MaterializeResult({ assetKey: "asset1", checkResults: [new AssetCheckResult({ assetKey: "asset1", checkName: "check1", passed: true })] })];
    });
    const result = await new Definitions({ assets: [foo] }).materialize(["asset1"]);
    expect(seen).toEqual(["asset1"]);
    expect(result.getAssetMaterializationEvents()).toHaveLength(1);
    expect(checksOf(result.getAssetCheckEvaluations())).toEqual([{ asset: "asset1", check: "check1", passed: true }]);
  });
});

describe("reference cases: selecting only a check of a multi-asset", () => {
  const twoChecks = (compute: Parameters<typeof multiAsset>[1], canSubset = true) =>
    multiAsset(
      {
        name: "foo",
        canSubset,
        specs: [new AssetSpec("asset1"), new AssetSpec("asset2")],
        checkSpecs: [new AssetCheckSpec("check1", { asset: "asset1" }), new AssetCheckSpec("check2", { asset: "asset2" })],
      },
      compute,
    );

  it("test_can_subset_select_only_check: the op runs with no asset and that one check selected", async () => {
    let seen: { assets: string[]; checks: string[] } | undefined;
    const foo = twoChecks(async function* (ctx) {
      seen = { assets: ctx.selectedAssetKeys.map(String), checks: ctx.selectedAssetCheckKeys.map((c) => `${c.assetKey.toString()}:${c.name}`) };
      yield new AssetCheckResult({ assetKey: "asset1", checkName: "check1", passed: true });
    });
    const result = await new Definitions({ assets: [foo] }).materialize(AssetSelection.checks({ assetKey: "asset1", name: "check1" }));
    expect(result.success).toBe(true);
    expect(seen).toEqual({ assets: [], checks: ["asset1:check1"] });
    expect(result.getAssetMaterializationEvents()).toHaveLength(0);
    expect(checksOf(result.getAssetCheckEvaluations())).toEqual([{ asset: "asset1", check: "check1", passed: true }]);
  });

  it("a check-only step that reports a result for a check not selected records it too (test_execute_unselected_asset_check)", async () => {
    const foo = twoChecks(async function* () {
      yield new AssetCheckResult({ assetKey: "asset1", checkName: "check1", passed: true });
      yield new AssetCheckResult({ assetKey: "asset2", checkName: "check2", passed: true });
    });
    const result = await new Definitions({ assets: [foo] }).materialize(AssetSelection.checks({ assetKey: "asset1", name: "check1" }), { raiseOnError: false });
    expect(result.success).toBe(true);
    expect(checksOf(result.getAssetCheckEvaluations())).toEqual([
      { asset: "asset1", check: "check1", passed: true },
      { asset: "asset2", check: "check2", passed: true },
    ]);
  });

  it("selected assets see their checks in selectedAssetCheckKeys", async () => {
    let checks: string[] = [];
    const foo = twoChecks((ctx) => {
      checks = ctx.selectedAssetCheckKeys.map((c) => `${c.assetKey.toString()}:${c.name}`);
      return [new MaterializeResult({ assetKey: "asset1", checkResults: [new AssetCheckResult({ checkName: "check1", passed: true })] })];
    });
    await new Definitions({ assets: [foo] }).materialize(["asset1"]);
    expect(checks).toEqual(["asset1:check1"]);
  });

  it("a check of a multi-asset that cannot be subset is refused alone, naming the op and the fix", async () => {
    const foo = twoChecks(() => undefined, false);
    await expect(new Definitions({ assets: [foo] }).materialize(AssetSelection.checks({ assetKey: "asset1", name: "check1" }))).rejects.toThrow(/foo.*cannot run in part/);
  });
});
