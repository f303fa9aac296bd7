// Cases of Dagster's execution_tests/versioning_tests/test_data_versions.py, ported to Tessera's API.
import { describe, expect, it } from "vitest";
import { AssetKey, SystemTags } from "../core/index.js";
import { AssetOut, AssetSpec, MaterializeResult, asset, multiAsset, observableSourceAsset, type AssetsItem } from "../definitions/index.js";
import { DataVersion, observe } from "../index.js";
import { Definitions } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { StaleStatusResolver } from "./stale-status-resolver.js";

/** Materializes `selection` of `assets` and returns each materialized asset's data version and code version. */
async function materializeVersions(assets: AssetsItem[], instance: Instance, selection?: string[]): Promise<Record<string, { data?: string; code?: string }>> {
  const result = await new Definitions({ assets }).materialize(selection, { instance });
  return Object.fromEntries(
    result.getAssetMaterializationEvents().map((e) => [e.assetKey?.toString(), { data: e.tags?.[SystemTags.DATA_VERSION], code: e.tags?.[SystemTags.CODE_VERSION] }]),
  );
}

describe("reference cases: test_data_versions.py", () => {
  it("test_single_asset: an unversioned asset gets a new data version at each materialization", async () => {
    const asset1 = asset("asset1", () => 1);
    const instance = Instance.ephemeral();
    const first = (await materializeVersions([asset1], instance)).asset1;
    const second = (await materializeVersions([asset1], instance)).asset1;
    expect(first?.data).toBeDefined();
    expect(first?.data).not.toBe(second?.data);
  });

  it("test_single_versioned_asset: a code version gives the same data version each time", async () => {
    const asset1 = asset({ name: "asset1", codeVersion: "abc" }, () => 1);
    const instance = Instance.ephemeral();
    const first = (await materializeVersions([asset1], instance)).asset1;
    const second = (await materializeVersions([asset1], instance)).asset1;
    expect(first).toEqual(second);
    expect(first?.code).toBe("abc");
  });

  it("test_source_asset_non_versioned_asset and _versioned_asset (input and deps)", async () => {
    const source1 = new AssetSpec("source1");
    const unversioned = asset({ name: "asset1", deps: [source1] }, () => 1);
    let instance = Instance.ephemeral();
    expect((await materializeVersions([source1, unversioned], instance)).asset1?.data).not.toBe((await materializeVersions([source1, unversioned], instance)).asset1?.data);
    const versioned = asset({ name: "asset1", deps: [source1], codeVersion: "abc" }, () => 1);
    instance = Instance.ephemeral();
    expect((await materializeVersions([source1, versioned], instance)).asset1).toEqual((await materializeVersions([source1, versioned], instance)).asset1);
  });

  it("test_versioned_after_unversioned", async () => {
    const source1 = new AssetSpec("source1");
    const asset1 = asset({ name: "asset1", deps: [source1] }, () => 1);
    const asset2 = asset({ name: "asset2", ins: { asset1 }, codeVersion: "abc" }, () => 2);
    const all = [source1, asset1, asset2];
    const instance = Instance.ephemeral();
    const mat1 = (await materializeVersions(all, instance)).asset2;
    const mat2 = (await materializeVersions(all, instance, ["asset2"])).asset2;
    expect(mat1).toEqual(mat2);
    await materializeVersions(all, instance, ["asset1"]);
    const mat3 = (await materializeVersions(all, instance, ["asset2"])).asset2;
    expect(mat3?.data).not.toBe(mat2?.data);
  });

  it("test_versioned_after_versioned", async () => {
    const source1 = new AssetSpec("source1");
    const asset1 = asset({ name: "asset1", deps: [source1], codeVersion: "abc" }, () => 1);
    const asset2 = asset({ name: "asset2", ins: { asset1 }, codeVersion: "xyz" }, () => 2);
    const all = [source1, asset1, asset2];
    const instance = Instance.ephemeral();
    const mat1 = (await materializeVersions(all, instance)).asset2;
    const mat2 = (await materializeVersions(all, instance)).asset2;
    const mat3 = (await materializeVersions(all, instance, ["asset2"])).asset2;
    expect(mat1).toEqual(mat2);
    expect(mat1).toEqual(mat3);
    expect(mat1?.code).toBe("xyz");
  });

  it("test_unversioned_after_versioned", async () => {
    const source1 = new AssetSpec("source1");
    const asset1 = asset({ name: "asset1", deps: [source1], codeVersion: "abc" }, () => 1);
    const asset2 = asset({ name: "asset2", ins: { asset1 } }, () => 2);
    const all = [source1, asset1, asset2];
    const instance = Instance.ephemeral();
    const mat1 = (await materializeVersions(all, instance)).asset2;
    const mat2 = (await materializeVersions(all, instance, ["asset2"])).asset2;
    expect(mat1?.data).not.toBe(mat2?.data);
  });

  it("test_multiple_code_versions: each output of a multi-asset has its own code version", async () => {
    const alphaBeta = multiAsset({ name: "alpha_beta", outs: { alpha: new AssetOut({ codeVersion: "a" }), beta: new AssetOut({ codeVersion: "b" }) } }, () => ({ alpha: 1, beta: 2 }));
    const mats = await materializeVersions([alphaBeta], Instance.ephemeral());
    expect(mats.alpha?.code).toBe("a");
    expect(mats.beta?.code).toBe("b");
    expect(mats.alpha?.data).not.toBe(mats.beta?.data);
  });

  it("test_set_data_version_inside_op", async () => {
    const asset1 = asset("asset1", () => new MaterializeResult({ value: 1, dataVersion: new DataVersion("foo").value }));
    expect((await materializeVersions([asset1], Instance.ephemeral())).asset1?.data).toBe("foo");
  });

  it("test_stale_status_general (without the stale-dependency propagation, a known gap)", async () => {
    let x = 0;
    const source1 = observableSourceAsset({ name: "source1" }, () => new DataVersion(String(++x)));
    const asset1 = asset({ name: "asset1", deps: [source1], codeVersion: "abc" }, () => 1);
    const asset2 = asset({ name: "asset2", ins: { asset1 }, codeVersion: "xyz" }, () => 2);
    const defs = new Definitions({ assets: [source1, asset1, asset2] });
    const instance = Instance.ephemeral();
    const status = (key: string) => new StaleStatusResolver(instance, defs).getStatus(key);
    expect([await status("source1"), await status("asset1"), await status("asset2")]).toEqual(["FRESH", "MISSING", "MISSING"]);
    await defs.materialize(undefined, { instance });
    expect([await status("asset1"), await status("asset2")]).toEqual(["FRESH", "FRESH"]);
    await observe([source1], { instance });
    expect(await status("asset1")).toBe("STALE");
    const causes = await new StaleStatusResolver(instance, defs).getStaleCauses("asset1");
    expect(causes.map((c) => ({ key: c.key.toString(), category: c.category, reason: c.reason, dependency: c.dependency?.toString() }))).toEqual([
      { key: "asset1", category: "DATA", reason: "has a new dependency data version", dependency: "source1" },
    ]);
    // Not ported: the reference also marks asset2 STALE with the cause "stale dependency" (asset1's causes as
    // children); Tessera does not propagate staleness through an upstream whose data version is unchanged yet
    // (see docs/fidelity.md, "Gaps found").
    // A new code version of asset1.
    await defs.materialize(undefined, { instance });
    const asset1v2 = asset({ name: "asset1", deps: [source1], codeVersion: "def" }, () => 1);
    const defsV2 = new Definitions({ assets: [source1, asset1v2, asset2] });
    expect(await new StaleStatusResolver(instance, defsV2).getStatus("asset1")).toBe("STALE");
    expect((await new StaleStatusResolver(instance, defsV2).getStaleCauses("asset1")).map((c) => [c.key.toString(), c.category, c.reason])).toEqual([["asset1", "CODE", "has a new code version"]]);
  });

  it("test_stale_status_no_code_versions", async () => {
    const asset1 = asset("asset1", () => 1);
    const asset2 = asset({ name: "asset2", ins: { asset1 } }, () => 2);
    const defs = new Definitions({ assets: [asset1, asset2] });
    const instance = Instance.ephemeral();
    const status = (key: string) => new StaleStatusResolver(instance, defs).getStatus(key);
    expect([await status("asset1"), await status("asset2")]).toEqual(["MISSING", "MISSING"]);
    await defs.materialize(undefined, { instance });
    expect([await status("asset1"), await status("asset2")]).toEqual(["FRESH", "FRESH"]);
    await defs.materialize("asset1", { instance });
    expect([await status("asset1"), await status("asset2")]).toEqual(["FRESH", "STALE"]);
    expect((await new StaleStatusResolver(instance, defs).getStaleCauses("asset2")).map((c) => [c.key.toString(), c.category, c.reason, c.dependency?.toString()])).toEqual([
      ["asset2", "DATA", "has a new dependency materialization", "asset1"],
    ]);
    await defs.materialize("asset2", { instance });
    expect([await status("asset1"), await status("asset2")]).toEqual(["FRESH", "FRESH"]);
  });

  it("test_stale_status_redundant_upstream_materialization", async () => {
    const asset1 = asset({ name: "asset1", codeVersion: "abc" }, () => 1);
    const asset2 = asset({ name: "asset2", ins: { asset1 } }, () => 2);
    const defs = new Definitions({ assets: [asset1, asset2] });
    const instance = Instance.ephemeral();
    await defs.materialize(undefined, { instance });
    await defs.materialize("asset1", { instance });
    const resolver = new StaleStatusResolver(instance, defs);
    expect([await resolver.getStatus("asset1"), await resolver.getStatus(AssetKey.from("asset2"))]).toEqual(["FRESH", "FRESH"]);
  });
});
