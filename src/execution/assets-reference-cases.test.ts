// Cases of Dagster's asset_defs_tests/test_assets.py (an AssetsDefinition's specs: owners, kinds, tags, code
// versions, metadata; multi-assets made of specs; graph-backed subsets; the asset key on the context), ported to
// Tessera's asset(), multiAsset(), graphAsset(), AssetSpec and materialize().
import { describe, expect, it } from "vitest";
import {
  AssetIn,
  AssetKey,
  AssetOut,
  AssetSpec,
  AssetsDefinition,
  MaterializeResult,
  asset,
  graph,
  graphAsset,
  graphMultiAsset,
  materialize,
  multiAsset,
  op,
} from "../index.js";
import type { ExecuteResult } from "./execute-result.js";

const materialized = (result: ExecuteResult): string[] => result.getAssetMaterializationEvents().map((e) => String(e.assetKey));
const specOf = (def: AssetsDefinition<unknown>, key: string): AssetSpec => def.getAssetSpec(key);

describe("reference cases: test_assets.py — spec attributes", () => {
  it("test_asset_owners", () => {
    const myAsset = asset({ name: "my_asset", owners: ["team:team1", "claire@dagsterlabs.com"] }, () => undefined);
    expect(specOf(myAsset, "my_asset").owners).toEqual(["team:team1", "claire@dagsterlabs.com"]);
    expect(specOf(asset({ name: "asset2", owners: [] }, () => undefined), "asset2").owners).toEqual([]);
    expect(specOf(asset({ name: "asset3" }, () => undefined), "asset3").owners).toEqual([]);
  });

  it("test_asset_owner_email_with_long_tld", () => {
    const owners = ["devs@example.software", "jane.doe@acme.international"];
    expect(specOf(asset({ name: "my_asset", owners }, () => undefined), "my_asset").owners).toEqual(owners);
  });

  it("test_invalid_asset_owners", () => {
    expect(() => asset({ name: "my_asset", owners: ["arbitrary string"] }, () => undefined)).toThrow(/Owner "arbitrary string" of .*my_asset.*email address or "team:<name>"/);
    expect(() => asset({ name: "my_asset_2", owners: ["notanemail@com"] }, () => undefined)).toThrow(/Owner "notanemail@com"/);
  });

  it("test_multi_asset_owners", () => {
    const m = multiAsset(
      { name: "my_multi_asset", outs: { out1: new AssetOut({ owners: ["team:team1", "user@dagsterlabs.com"] }), out2: new AssetOut({ owners: ["user2@dagsterlabs.com"] }) } },
      () => ({ out1: 1, out2: 2 }),
    );
    expect(specOf(m, "out1").owners).toEqual(["team:team1", "user@dagsterlabs.com"]);
    expect(specOf(m, "out2").owners).toEqual(["user2@dagsterlabs.com"]);
  });

  it("test_asset_spec_with_code_versions", () => {
    const m = multiAsset({ name: "multi_asset_with_versions", specs: [new AssetSpec("a", { codeVersion: "1" }), new AssetSpec("b", { codeVersion: "2" })] }, () => undefined);
    expect(Object.fromEntries(m.specs.map((s) => [String(s.key), s.codeVersion]))).toEqual({ a: "1", b: "2" });
  });

  it("test_asset_spec_with_metadata", () => {
    const m = multiAsset({ name: "multi_asset_with_metadata", specs: [new AssetSpec("a", { metadata: { foo: "1" } }), new AssetSpec("b", { metadata: { bar: "2" } })] }, () => undefined);
    const plain = (md: Record<string, unknown>) => Object.fromEntries(Object.entries(md).map(([k, v]) => [k, (v as { value?: unknown })?.value ?? v]));
    expect(plain(specOf(m, "a").metadata)).toEqual({ foo: "1" });
    expect(plain(specOf(m, "b").metadata)).toEqual({ bar: "2" });
  });

  it("test_asset_with_tags", () => {
    expect(specOf(asset({ name: "asset1", tags: { a: "b" } }, () => undefined), "asset1").tags).toEqual({ a: "b" });
    expect(() => asset({ name: "asset2", tags: { "a%": "b" } }, () => undefined)).toThrow(/a%/);
  });

  it("test_asset_spec_with_tags", () => {
    const m = multiAsset({ name: "assets", specs: [new AssetSpec("asset1", { tags: { a: "b" } })] }, () => undefined);
    expect(specOf(m, "asset1").tags).toEqual({ a: "b" });
    expect(() => multiAsset({ name: "assets", specs: [new AssetSpec("asset1", { tags: { "a%": "b" } })] }, () => undefined)).toThrow(/a%/);
  });

  it("test_asset_out_with_tags", () => {
    const m = multiAsset({ name: "assets", outs: { asset1: new AssetOut({ tags: { a: "b" } }) } }, () => undefined);
    expect(specOf(m, "asset1").tags).toEqual({ a: "b" });
    expect(() => multiAsset({ name: "assets", outs: { asset1: new AssetOut({ tags: { "a%": "b" } }) } }, () => undefined)).toThrow(/a%/);
  });

  it("test_asset_decorator_with_kinds", () => {
    expect([...specOf(asset({ name: "asset1", kinds: ["python"] }, () => undefined), "asset1").kinds]).toEqual(["python"]);
    const kinds = Array.from({ length: 11 }, (_, i) => `kind_${i}`);
    expect(() => asset({ name: "asset2", kinds }, () => undefined)).toThrow(/asset2.*11 kinds.*at most/);
  });

  it("test_asset_spec_with_kinds", () => {
    const m = multiAsset({ name: "assets", specs: [new AssetSpec("asset1", { kinds: ["python"] })] }, () => undefined);
    expect([...specOf(m, "asset1").kinds]).toEqual(["python"]);
    const kinds = Array.from({ length: 11 }, (_, i) => `kind_${i}`);
    expect(() => multiAsset({ name: "assets2", specs: [new AssetSpec("asset1", { kinds })] }, () => undefined)).toThrow(/11 kinds/);
  });

  it("test_asset_out_with_kinds", () => {
    const m = multiAsset({ name: "assets", outs: { asset1: new AssetOut({ kinds: ["a", "b"] }) } }, () => undefined);
    expect(new Set(specOf(m, "asset1").kinds)).toEqual(new Set(["a", "b"]));
    expect(() => multiAsset({ name: "assets", outs: { asset1: new AssetOut({ kinds: ["a%", "b"] }) } }, () => undefined)).toThrow(/Kind "a%" of .*asset1/);
  });

  it("test_group_name_requirements", () => {
    expect(specOf(asset({ name: "good_name", groupName: "float" }, () => 1), "good_name").groupName).toBe("float");
    expect(() => asset({ name: "bad_name", groupName: "bad*name" }, () => 2)).toThrow(/bad\*name/);
    expect(() => asset({ name: "empty_name", groupName: "" }, () => 3)).toThrow(/groupName/);
  });

  it("test_asset_key_with_prefix", () => {
    expect(new AssetKey("foo").withPrefix("prefix").equals(new AssetKey(["prefix", "foo"]))).toBe(true);
    expect(String(new AssetKey("foo").withPrefix(["prefix_one", "prefix_two"]))).toBe("prefix_one/prefix_two/foo");
  });

  it("test_to_source_assets", () => {
    const myAsset = asset({ name: "my_asset", metadata: { a: "b" }, ioManagerKey: "abc", description: "blablabla" }, () => undefined);
    const [source] = myAsset.toSourceAssets();
    expect(String(source?.key)).toBe("my_asset");
    expect(source?.description).toBe("blablabla");
    expect(source?.ioManagerKey).toBe("abc");
    const m = multiAsset(
      {
        name: "my_multi_asset",
        outs: {
          my_out_name: new AssetOut({ key: "my_asset_name", metadata: { a: "b" }, ioManagerKey: "abc", description: "blablabla" }),
          my_other_out_name: new AssetOut({ key: "my_other_asset", metadata: { c: "d" }, ioManagerKey: "def", description: "ablablabl" }),
        },
      },
      () => ({ my_out_name: 1, my_other_out_name: 2 }),
    );
    expect(m.toSourceAssets().map((s) => [String(s.key), s.ioManagerKey, s.description])).toEqual([
      ["my_asset_name", "abc", "blablabla"],
      ["my_other_asset", "def", "ablablabl"],
    ]);
    expect(m.toSourceAsset("my_other_asset").description).toBe("ablablabl");
  });

  it("test_coerced_asset_keys", () => {
    const a = asset({ name: "asset1", ins: { input1: new AssetIn({ key: ["Asset", "1"] }) } }, () => undefined);
    expect(a.inputs.map((i) => String(i.key))).toEqual(["Asset/1"]);
  });
});
