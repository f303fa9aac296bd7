// Cases of Dagster's definitions_tests/test_blocking_asset_checks.py, ported to Tessera's API: the reference's
// build_asset_with_blocking_check(asset, checks) is written here as blocking assetCheck()s of the asset.
import { describe, expect, it } from "vitest";
import { AssetCheckResult, AssetIn, asset, assetCheck } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";

const upstreamAsset = asset("upstream_asset", () => "foo");
const myAsset = asset({ name: "my_asset", deps: [upstreamAsset] }, () => undefined);
const passCheck = assetCheck({ asset: myAsset, name: "pass_check", blocking: true }, () => new AssetCheckResult({ passed: true, checkName: "pass_check" }));
const failCheckIfTagged = assetCheck(
  { asset: myAsset, name: "fail_check_if_tagged", blocking: true },
  (ctx) => new AssetCheckResult({ passed: ctx.runTags.fail_check === undefined, checkName: "fail_check_if_tagged" }),
);
const downstreamAsset = asset({ name: "downstream_asset", deps: [myAsset] }, () => undefined);

const myAssetWithManagedInput = asset({ name: "my_asset_with_managed_input", ins: { upstreamAsset } }, (_ctx, { upstreamAsset }) => {
  expect(upstreamAsset).toBe("foo");
  return "bar";
});
const failCheckIfTagged2 = assetCheck({ asset: myAssetWithManagedInput, name: "fail_check_if_tagged_2", blocking: true }, (ctx, { asset }) => {
  expect(asset).toBe("bar");
  return new AssetCheckResult({ passed: ctx.runTags.fail_check === undefined, checkName: "fail_check_if_tagged_2" });
});
const downstreamAsset2 = asset({ name: "downstream_asset_2", ins: { input_asset: new AssetIn({ key: "my_asset_with_managed_input" }) } }, (_ctx, { input_asset }) => {
  expect(input_asset).toBe("bar");
});

const run = (defs: Definitions, tags?: Record<string, string>) => defs.materialize(undefined, { raiseOnError: false, ...(tags ? { tags } : {}) });
const byName = (evaluations: readonly { checkName?: string; passed?: boolean; assetKey?: { toString(): string } }[]) =>
  Object.fromEntries(evaluations.map((e) => [e.checkName, { passed: e.passed, assetKey: e.assetKey?.toString() }]));

describe("reference cases: test_blocking_asset_checks.py", () => {
  const defs = new Definitions({ assets: [upstreamAsset, myAsset, downstreamAsset], assetChecks: [passCheck, failCheckIfTagged] });
  const withInputs = new Definitions({ assets: [upstreamAsset, myAssetWithManagedInput, downstreamAsset2], assetChecks: [failCheckIfTagged2] });

  it("test_check_pass", async () => {
    const result = await run(defs);
    expect(result.success).toBe(true);
    expect(byName(result.getAssetCheckEvaluations())).toEqual({
      pass_check: { passed: true, assetKey: "my_asset" },
      fail_check_if_tagged: { passed: true, assetKey: "my_asset" },
    });
    expect(result.getAssetMaterializationEvents().map((e) => e.assetKey?.toString())).toEqual(["upstream_asset", "my_asset", "downstream_asset"]);
  });

  it("test_check_fail_and_block", async () => {
    const result = await run(defs, { fail_check: "true" });
    expect(result.success).toBe(false);
    expect(byName(result.getAssetCheckEvaluations())).toEqual({
      pass_check: { passed: true, assetKey: "my_asset" },
      fail_check_if_tagged: { passed: false, assetKey: "my_asset" },
    });
    expect(result.getAssetMaterializationEvents().map((e) => e.assetKey?.toString())).toEqual(["upstream_asset", "my_asset"]);
  });

  it("test_check_pass_with_inputs", async () => {
    const result = await run(withInputs);
    expect(result.success).toBe(true);
    expect(byName(result.getAssetCheckEvaluations())).toEqual({ fail_check_if_tagged_2: { passed: true, assetKey: "my_asset_with_managed_input" } });
    expect(result.getAssetMaterializationEvents().map((e) => e.assetKey?.toString())).toEqual(["upstream_asset", "my_asset_with_managed_input", "downstream_asset_2"]);
  });

  it("test_check_fail_and_block_with_inputs", async () => {
    const result = await run(withInputs, { fail_check: "true" });
    expect(result.success).toBe(false);
    expect(byName(result.getAssetCheckEvaluations())).toEqual({ fail_check_if_tagged_2: { passed: false, assetKey: "my_asset_with_managed_input" } });
    expect(result.getAssetMaterializationEvents().map((e) => e.assetKey?.toString())).toEqual(["upstream_asset", "my_asset_with_managed_input"]);
  });
});
