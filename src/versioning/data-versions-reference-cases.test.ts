// Cases of Dagster's execution_tests/versioning_tests/test_data_versions.py, ported to Tessera's API.
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AssetKey, SystemTags } from "../core/index.js";
import { AssetOut, AssetSpec, MaterializeResult, asset, multiAsset, observableSourceAsset, type AssetsItem } from "../definitions/index.js";
import { DataVersion, observe } from "../index.js";
import { Definitions } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { provenanceOf } from "./data-version.js";
import { StaleStatusResolver } from "./stale-status-resolver.js";
import type { StaleCause } from "./stale-status.js";

interface PlainCause {
  key: string;
  category: string;
  reason: string;
  dependency?: string;
  children?: PlainCause[];
}
/** Causes as plain data, to compare with the reference's StaleCause lists. */
function plainCauses(causes: readonly StaleCause[]): PlainCause[] {
  return causes.map((c) => ({
    key: c.key.toString(),
    category: c.category,
    reason: c.reason,
    ...(c.dependency ? { dependency: c.dependency.toString() } : {}),
    ...(c.children ? { children: plainCauses(c.children) } : {}),
  }));
}

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

  it("test_stale_status_general (the newest test: staleness does not pass through an unchanged upstream)", async () => {
    let x = 0;
    const source1 = observableSourceAsset({ name: "source1" }, () => new DataVersion(String(++x)));
    const asset1 = asset({ name: "asset1", deps: [source1], codeVersion: "abc" }, () => 1);
    const asset2 = asset({ name: "asset2", ins: { asset1 }, codeVersion: "xyz" }, () => 2);
    const defs = new Definitions({ assets: [source1, asset1, asset2] });
    const instance = Instance.ephemeral();
    const status = (key: string, d: Definitions = defs) => new StaleStatusResolver(instance, d).getStatus(key);
    const causes = async (key: string, d: Definitions = defs) => plainCauses(await new StaleStatusResolver(instance, d).getStaleCauses(key));
    expect([await status("source1"), await status("asset1"), await status("asset2")]).toEqual(["FRESH", "MISSING", "MISSING"]);
    expect([await causes("source1"), await causes("asset1"), await causes("asset2")]).toEqual([[], [], []]);
    await defs.materialize(undefined, { instance });
    expect([await status("asset1"), await status("asset2")]).toEqual(["FRESH", "FRESH"]);
    await observe([source1], { instance });
    expect(await status("asset1")).toBe("STALE");
    expect(await causes("asset1")).toEqual([
      { key: "asset1", category: "DATA", reason: "has a new dependency data version", dependency: "source1", children: [{ key: "source1", category: "DATA", reason: "has a new data version" }] },
    ]);
    expect(await status("asset2")).toBe("FRESH");
    await defs.materialize(undefined, { instance });

    const asset1v2 = asset({ name: "asset1", deps: [source1], codeVersion: "def" }, () => 1);
    const defsV2 = new Definitions({ assets: [source1, asset1v2, asset2] });
    expect(await status("asset1", defsV2)).toBe("STALE");
    expect(await causes("asset1", defsV2)).toEqual([{ key: "asset1", category: "CODE", reason: "has a new code version" }]);
    expect(await status("asset2", defsV2)).toBe("FRESH");

    const asset3 = asset("asset3", () => 3);
    const asset2v2 = asset({ name: "asset2", deps: [asset3], codeVersion: "xyz" }, () => 2);
    const defsV3 = new Definitions({ assets: [source1, asset1v2, asset2v2, asset3] });
    expect(await status("asset2", defsV3)).toBe("STALE");
    expect(await causes("asset2", defsV3)).toEqual([
      { key: "asset2", category: "DEPENDENCIES", reason: "removed dependency on asset1", dependency: "asset1" },
      { key: "asset2", category: "DEPENDENCIES", reason: "has a new dependency on asset3", dependency: "asset3" },
    ]);
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

  it("test_multi_asset: a subsettable multi-asset records the version its own earlier output got in this run", async () => {
    const start = asset("start", () => 1);
    const abc = multiAsset(
      {
        name: "abc_",
        canSubset: true,
        ins: { start },
        outs: { a: new AssetOut({ isRequired: false }), b: new AssetOut({ isRequired: false }), c: new AssetOut({ isRequired: false }) },
        internalAssetDeps: { a: ["start"], b: ["a"], c: ["a"] },
      },
      (ctx, { start: s }) => {
        const a = typeof s === "number" ? s + 1 : 1;
        const values: Record<string, number> = { a, b: a + 1, c: a + 2 };
        return Object.fromEntries([...ctx.selectedOutputNames].sort().map((name) => [name, values[name]]));
      },
    );
    const defs = new Definitions({ assets: [start, abc] });
    const instance = Instance.ephemeral();
    const versionsOf = async (selection?: string[]) => {
      const result = await defs.materialize(selection, { instance });
      return Object.fromEntries(result.getAssetMaterializationEvents().map((e) => [e.assetKey?.toString(), e.tags ?? {}]));
    };
    const first = await versionsOf();
    const second = await versionsOf(["a", "b", "c"]);
    const inputA = "tessera/input_data_version/a";
    expect(second.b?.[inputA]).toBe(second.a?.[SystemTags.DATA_VERSION]);
    expect(second.b?.[inputA]).not.toBe(first.a?.[SystemTags.DATA_VERSION]);
  });

  it("test_stale_status_manually_versioned: a user-given data version makes the downstream stale, and fresh again when it comes back", async () => {
    const valued = { config: z.object({ value: z.number() }) };
    const asset1 = asset({ name: "asset1", ...valued }, (ctx) => new MaterializeResult({ value: ctx.config.value, dataVersion: String(ctx.config.value) }));
    const asset2 = asset({ name: "asset2", ins: { asset1 }, ...valued }, (ctx, { asset1: upstream }) => {
      const value = ctx.config.value + (upstream as number);
      return new MaterializeResult({ value, dataVersion: String(value) });
    });
    const defs = new Definitions({ assets: [asset1, asset2] });
    const instance = Instance.ephemeral();
    const statuses = async () => {
      const resolver = new StaleStatusResolver(instance, defs);
      return [await resolver.getStatus("asset1"), await resolver.getStatus("asset2")];
    };
    expect(await statuses()).toEqual(["MISSING", "MISSING"]);
    await defs.materialize(undefined, { instance, runConfig: { ops: { asset1: { config: { value: 1 } }, asset2: { config: { value: 1 } } } } });
    expect(await statuses()).toEqual(["FRESH", "FRESH"]);
    await defs.materialize(["asset1"], { instance, runConfig: { ops: { asset1: { config: { value: 2 } } } } });
    expect(await statuses()).toEqual(["FRESH", "STALE"]);
    expect(plainCauses(await new StaleStatusResolver(instance, defs).getStaleCauses("asset2"))).toEqual([
      { key: "asset2", category: "DATA", reason: "has a new dependency data version", dependency: "asset1", children: [{ key: "asset1", category: "DATA", reason: "has a new data version" }] },
    ]);
    await defs.materialize(["asset1"], { instance, runConfig: { ops: { asset1: { config: { value: 1 } } } } });
    expect(await statuses()).toEqual(["FRESH", "FRESH"]);
  });

  it("test_stale_status_non_transitive_root_causes", async () => {
    let x = 0;
    const source1 = observableSourceAsset({ name: "source1" }, () => new DataVersion(String(++x)));
    const asset1 = asset({ name: "asset1", deps: [source1], codeVersion: "1" }, () => 1);
    const asset2 = asset({ name: "asset2", deps: [asset1], codeVersion: "1" }, () => 2);
    const asset3 = asset({ name: "asset3", deps: [asset2], codeVersion: "1" }, () => 3);
    const instance = Instance.ephemeral();
    let defs = new Definitions({ assets: [source1, asset1, asset2, asset3] });
    const look = async (key: string) => {
      const resolver = new StaleStatusResolver(instance, defs);
      return { status: await resolver.getStatus(key), roots: plainCauses(await resolver.getStaleRootCauses(key)) };
    };
    expect((await look("asset1")).roots).toEqual([]);
    expect((await look("asset2")).roots).toEqual([]);
    await defs.materialize(undefined, { instance });

    const asset1v2 = asset({ name: "asset1", deps: [source1], codeVersion: "2" }, () => 1);
    defs = new Definitions({ assets: [source1, asset1v2, asset2, asset3] });
    const code = { key: "asset1", category: "CODE", reason: "has a new code version" };
    expect(await look("asset1")).toEqual({ status: "STALE", roots: [code] });
    expect(await look("asset2")).toEqual({ status: "FRESH", roots: [] });
    expect(await look("asset3")).toEqual({ status: "FRESH", roots: [] });

    await observe([source1], { instance });
    expect(await look("asset1")).toEqual({ status: "STALE", roots: [code, { key: "source1", category: "DATA", reason: "has a new data version" }] });
    expect(await look("asset2")).toEqual({ status: "FRESH", roots: [] });
    expect(await look("asset3")).toEqual({ status: "FRESH", roots: [] });

    await defs.materialize(["asset1"], { instance });
    expect((await look("asset1")).status).toBe("FRESH");
    expect(await look("asset2")).toEqual({ status: "STALE", roots: [{ key: "asset1", category: "DATA", reason: "has a new data version" }] });
    expect(await look("asset3")).toEqual({ status: "FRESH", roots: [] });
  });

  it("test_no_provenance_stale_status: a materialization recorded without provenance is FRESH", async () => {
    const bar = new AssetSpec("bar");
    const foo = asset({ name: "foo", deps: [bar] }, () => 1);
    const instance = Instance.ephemeral();
    const run = await instance.createRun({ jobName: "__reported__", tags: {}, assetSelection: [], runConfig: {} });
    await instance.storeEvents([{ runId: run.runId, timestamp: Date.now(), eventType: "ASSET_MATERIALIZATION", assetKey: AssetKey.from("foo") }]);
    const resolver = new StaleStatusResolver(instance, new Definitions({ assets: [foo, bar] }));
    expect(await resolver.getStatus("foo")).toBe("FRESH");
    expect(await resolver.getStaleRootCauses("foo")).toEqual([]);
  });

  it("test_get_data_provenance_inside_op (read through ctx.instance: Tessera's context has no getAssetProvenance)", async () => {
    const asset1 = asset("asset1", () => new MaterializeResult({ value: 1, dataVersion: "foo" }));
    let seen: string | undefined;
    const asset2 = asset({ name: "asset2", ins: { asset1 } }, async (ctx) => {
      seen = provenanceOf(await ctx.instance.getLatestMaterializationEvent("asset2"))?.inputDataVersions.get("asset1");
      return 2;
    });
    const defs = new Definitions({ assets: [asset1, asset2] });
    const instance = Instance.ephemeral();
    const mats = await materializeVersions([asset1, asset2], instance);
    expect(mats.asset1?.data).toBe("foo");
    await defs.materialize(["asset2"], { instance });
    expect(seen).toBe("foo");
  });

  it("test_fan_in: a run over 100 versioned upstreams and their downstream reads the asset records once at most", async () => {
    const upstreams = Array.from({ length: 100 }, (_, i) => asset({ name: `upstream_asset_${i}`, codeVersion: "abc" }, () => i));
    const downstream = asset(
      { name: "downstream_asset", codeVersion: "abc", ins: Object.fromEntries(upstreams.map((u, i) => [`input_${i}`, u])) },
      (_ctx, inputs) => Object.values(inputs),
    );
    const all = [...upstreams, downstream];
    const instance = Instance.ephemeral();
    await materializeVersions(all, instance);
    const reads = vi.spyOn(instance, "getAssetRecords");
    const mats = await materializeVersions(all, instance);
    expect(mats.downstream_asset?.code).toBe("abc");
    expect(reads.mock.calls.length).toBeLessThanOrEqual(1);
  });
});
