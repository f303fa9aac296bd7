// asset_checks_tests/test_asset_checks.py::test_can_subset_select_only_check, ported to Tessera's API: selecting
// only a check that a subsettable multi-asset evaluates runs the multi-asset's op with no asset selected.
import { describe, expect, it } from "vitest";
import { AssetCheckResult, AssetCheckSpec, AssetSpec, multiAsset } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { AssetSelection } from "../graph/index.js";

describe("reference cases: asset checks in multi-assets (check only)", () => {
  it("test_can_subset_select_only_check", async () => {
    let seen: { assets: string[]; checks: string[] } | undefined;
    const foo = multiAsset(
      {
        name: "foo",
        canSubset: true,
        specs: [new AssetSpec("asset1"), new AssetSpec("asset2")],
        checkSpecs: [new AssetCheckSpec("check1", { asset: "asset1" }), new AssetCheckSpec("check2", { asset: "asset2" })],
      },
      async function* (ctx) {
        seen = { assets: ctx.selectedAssetKeys.map(String), checks: ctx.selectedAssetCheckKeys.map((c) => `${String(c.assetKey)}:${c.name}`) };
        yield new AssetCheckResult({ assetKey: "asset1", checkName: "check1", passed: true });
      },
    );
    const result = await new Definitions({ assets: [foo] }).materialize(AssetSelection.checks({ assetKey: "asset1", name: "check1" }));
    expect(result.success).toBe(true);
    expect(seen).toEqual({ assets: [], checks: ["asset1:check1"] });
    expect(result.getAssetMaterializationEvents()).toHaveLength(0);
    expect(result.getAssetCheckEvaluations().map((e) => [String(e.assetKey), e.checkName])).toEqual([["asset1", "check1"]]);
  });

  it("a check of a multi-asset that cannot be subset, selected alone, is refused naming the op", async () => {
    const foo = multiAsset(
      { name: "foo", specs: [new AssetSpec("asset1"), new AssetSpec("asset2")], checkSpecs: [new AssetCheckSpec("check1", { asset: "asset1" })] },
      async function* () {
        yield new AssetCheckResult({ assetKey: "asset1", checkName: "check1", passed: true });
      },
    );
    await expect(new Definitions({ assets: [foo] }).materialize(AssetSelection.checks({ assetKey: "asset1", name: "check1" }))).rejects.toThrow(/"foo"/);
  });
});
