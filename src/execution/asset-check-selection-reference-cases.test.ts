// Cases of Dagster's definitions_tests/test_asset_check_selection.py: jobs whose selection names asset checks
// (`allAssetChecks`, `checksForAssets`, `checks`, `withoutChecks`, and the operators), run in process.
import { describe, expect, it } from "vitest";
import { AssetCheckResult, AssetCheckSpec, AssetJobDefinition, AssetKey, AssetSelection, Definitions, MaterializeResult, UnknownAssetCheckError, asset, assetCheck, defineAssetJob } from "../index.js";

const asset1 = asset("asset1", () => 1);
const asset2 = asset("asset2", () => 2);
const asset1Check1 = assetCheck({ asset: asset1, name: "asset1_check1" }, () => new AssetCheckResult({ passed: true }));
const asset1Check2 = assetCheck({ asset: asset1, name: "asset1_check2" }, () => new AssetCheckResult({ passed: true }));
const asset2Check1 = assetCheck({ asset: asset2, name: "asset2_check1" }, () => new AssetCheckResult({ passed: true }));

/** Runs the job in Definitions holding both assets and their three checks, as the reference's helper. */
async function runJob(job: AssetJobDefinition): Promise<{ materialized: string[]; checks: string[] }> {
  const defs = new Definitions({ assets: [asset1, asset2], assetChecks: [asset1Check1, asset1Check2, asset2Check1], jobs: [job] });
  const result = await defs.getJobDef(job.name).executeInProcess();
  expect(result.success).toBe(true);
  return summarize(result);
}

function summarize(result: Awaited<ReturnType<ReturnType<Definitions["getJobDef"]>["executeInProcess"]>>): { materialized: string[]; checks: string[] } {
  return {
    materialized: result.getAssetMaterializationEvents().map((e) => String(e.assetKey)).sort(),
    checks: result.getAssetCheckEvaluations().map((e) => `${String(e.assetKey)}:${e.checkName}`).sort(),
  };
}

const ALL_CHECKS = ["asset1:asset1_check1", "asset1:asset1_check2", "asset2:asset2_check1"];

describe("reference cases: test_asset_check_selection.py", () => {
  it("test_job_with_all_checks_no_materializations", async () => {
    expect(await runJob(defineAssetJob({ name: "job1", selection: AssetSelection.allAssetChecks() }))).toEqual({ materialized: [], checks: ALL_CHECKS });
  });

  it("test_job_with_all_checks_for_asset", async () => {
    expect(await runJob(defineAssetJob({ name: "job1", selection: AssetSelection.checksForAssets(asset1) }))).toEqual({
      materialized: [],
      checks: ["asset1:asset1_check1", "asset1:asset1_check2"],
    });
  });

  it("test_checks_for_assets_asset_key_coercibles: a definition, a key and a key string name the same asset", () => {
    const a1 = asset("asset1", () => 1);
    const a2 = asset("asset2", () => 2);
    const defs = new Definitions({
      assets: [a1, a2],
      assetChecks: [
        assetCheck({ asset: a1, name: "asset1_check" }, () => new AssetCheckResult({ passed: true })),
        assetCheck({ asset: a2, name: "asset2_check" }, () => new AssetCheckResult({ passed: true })),
      ],
    });
    for (const target of [a1, new AssetKey("asset1"), "asset1"]) {
      expect(AssetSelection.checksForAssets(target).resolveChecks(defs).map((c) => `${c.assetKey.toString()}:${c.name}`)).toEqual(["asset1:asset1_check"]);
    }
  });

  it("test_job_with_asset_and_all_its_checks: selecting an asset selects its checks", async () => {
    expect(await runJob(defineAssetJob({ name: "job1", selection: AssetSelection.assets(asset1) }))).toEqual({
      materialized: ["asset1"],
      checks: ["asset1:asset1_check1", "asset1:asset1_check2"],
    });
  });

  it("test_job_with_single_check", async () => {
    expect(await runJob(defineAssetJob({ name: "job1", selection: AssetSelection.checks(asset1Check1) }))).toEqual({
      materialized: [],
      checks: ["asset1:asset1_check1"],
    });
  });

  it("test_job_with_all_assets_but_no_checks", async () => {
    expect(await runJob(defineAssetJob({ name: "job1", selection: AssetSelection.all().minus(AssetSelection.allAssetChecks()) }))).toEqual({
      materialized: ["asset1", "asset2"],
      checks: [],
    });
  });

  it("test_job_with_asset_without_its_checks (minus allAssetChecks, and withoutChecks)", async () => {
    const expected = { materialized: ["asset1"], checks: [] };
    expect(await runJob(defineAssetJob({ name: "job1", selection: AssetSelection.assets(asset1).minus(AssetSelection.allAssetChecks()) }))).toEqual(expected);
    expect(await runJob(defineAssetJob({ name: "job1", selection: AssetSelection.assets(asset1).withoutChecks() }))).toEqual(expected);
  });

  it("test_job_with_all_assets_and_all_checks", async () => {
    expect(await runJob(defineAssetJob({ name: "job1", selection: AssetSelection.all() }))).toEqual({ materialized: ["asset1", "asset2"], checks: ALL_CHECKS });
  });

  it("test_job_with_all_assets_and_all_but_one_check", async () => {
    expect(await runJob(defineAssetJob({ name: "job1", selection: AssetSelection.all().minus(AssetSelection.checks(asset1Check1)) }))).toEqual({
      materialized: ["asset1", "asset2"],
      checks: ["asset1:asset1_check2", "asset2:asset2_check1"],
    });
  });

  it("test_include_asset_after_excluding_checks: or-ing an asset back brings its checks back", async () => {
    const selection = AssetSelection.all().minus(AssetSelection.allAssetChecks()).or(AssetSelection.assets(asset1));
    expect(await runJob(defineAssetJob({ name: "job1", selection }))).toEqual({
      materialized: ["asset1", "asset2"],
      checks: ["asset1:asset1_check1", "asset1:asset1_check2"],
    });
  });

  it("test_checks_on_asset: checks declared on the asset run in its step", async () => {
    const assetWithChecks = asset(
      {
        name: "asset_with_checks",
        checkSpecs: [new AssetCheckSpec("check1", { asset: "asset_with_checks" }), new AssetCheckSpec("check2", { asset: "asset_with_checks" })],
      },
      async function* () {
        yield new MaterializeResult({ value: 1 });
        yield new AssetCheckResult({ passed: true, checkName: "check1" });
        yield new AssetCheckResult({ passed: true, checkName: "check2" });
      },
    );
    const job = defineAssetJob({ name: "job2", selection: AssetSelection.all() });
    const result = await new Definitions({ assets: [assetWithChecks], jobs: [job] }).getJobDef("job2").executeInProcess();
    expect(result.success).toBe(true);
    expect(summarize(result)).toEqual({ materialized: ["asset_with_checks"], checks: ["asset_with_checks:check1", "asset_with_checks:check2"] });
  });

  it("test_check_keys_selection: check keys resolve to themselves; an unknown one is an error unless allowMissing", () => {
    const defs = new Definitions({ assets: [asset1, asset2], assetChecks: [asset1Check1, asset1Check2, asset2Check1] });
    const keys = [
      { assetKey: asset1.key, name: "asset1_check1" },
      { assetKey: asset1.key, name: "asset1_check2" },
    ];
    expect(AssetSelection.checks(...keys).resolveChecks(defs).map((c) => `${c.assetKey.toString()}:${c.name}`)).toEqual(["asset1:asset1_check1", "asset1:asset1_check2"]);
    const fake = { assetKey: asset1.key, name: "fake" };
    expect(AssetSelection.checks(fake).resolveChecks(defs, { allowMissing: true })).toEqual([]);
    expect(() => AssetSelection.checks(fake).resolveChecks(defs)).toThrow(UnknownAssetCheckError);
    expect(() => AssetSelection.checks(fake).resolveChecks(defs)).toThrow(/"asset1:fake" was selected, but no definition supplies it/);
    // The reference's allow_missing leaves out unknown asset keys the same way.
    expect(AssetSelection.assets("asset1", "nope").resolve(defs, { allowMissing: true }).map(String)).toEqual(["asset1"]);
    expect(AssetSelection.checksForAssets("nope").resolveChecks(defs, { allowMissing: true })).toEqual([]);
  });
});
