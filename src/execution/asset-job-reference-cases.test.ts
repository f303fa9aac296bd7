// Cases of Dagster's asset_defs_tests/test_asset_job.py (the first part: jobs of single assets, forks, joins,
// keys, deps and graph-backed assets), ported to Tessera's API; create_test_asset_job is materialize() here.
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AssetIn, AssetKey, AssetsDefinition, In, asset, graph, materialize, op } from "../index.js";

describe("reference cases: test_asset_job.py", () => {
  it("test_single_asset_job", async () => {
    const asset1 = asset("asset1", (ctx) => {
      expect(ctx.assetKey.equals(new AssetKey(["asset1"]))).toBe(true);
      return 1;
    });
    expect((await materialize([asset1])).success).toBe(true);
  });

  it("test_two_asset_job", async () => {
    const asset1 = asset("asset1", () => 1);
    const asset2 = asset({ name: "asset2", ins: { asset1 } }, (_ctx, { asset1 }) => expect(asset1).toBe(1));
    expect((await materialize([asset1, asset2])).success).toBe(true);
  });

  it("test_single_asset_job_with_config", async () => {
    const asset1 = asset({ name: "asset1", config: z.object({ foo: z.string() }) }, (ctx) => ctx.config.foo);
    const result = await materialize([asset1], { runConfig: { ops: { asset1: { config: { foo: "bar" } } } } });
    expect(result.success).toBe(true);
    expect(result.assetValue("asset1")).toBe("bar");
  });

  it("test_fork and test_join", async () => {
    const asset1 = asset("asset1", () => 1);
    const asset2 = asset({ name: "asset2", ins: { asset1 } }, (_ctx, { asset1 }) => expect(asset1).toBe(1));
    const asset3 = asset({ name: "asset3", ins: { asset1 } }, (_ctx, { asset1 }) => expect(asset1).toBe(1));
    expect((await materialize([asset1, asset2, asset3])).success).toBe(true);
    const two = asset("asset2", () => 2);
    const joined = asset({ name: "asset3", ins: { asset1, asset2: two } }, (_ctx, { asset1, asset2 }) => asset1 + asset2);
    const result = await materialize([asset1, two, joined]);
    expect(result.getAssetMaterializationEvents().filter((e) => e.stepKey === "asset3").map((e) => e.assetKey?.toString())).toEqual(["asset3"]);
  });

  it("test_asset_key_output, test_asset_key_matches_input_name and test_asset_key_and_inferred", async () => {
    const asset1 = asset("asset1", () => 1);
    const asset2 = asset({ name: "asset2", ins: { hello: new AssetIn<number>({ key: "asset1" }) } }, (_ctx, { hello }) => hello);
    expect((await materialize([asset1, asset2])).outputForNode("asset2")).toBe(1);
    const foo = asset("asset_foo", () => "foo");
    const bar = asset("asset_bar", () => "bar");
    const last = asset({ name: "last_asset", ins: { asset_bar: new AssetIn<string>({ key: "asset_foo" }) } }, (_ctx, { asset_bar }) => asset_bar);
    expect((await materialize([foo, bar, last])).outputForNode("last_asset")).toBe("foo");
    const two = asset("asset_foo", () => 2);
    const five = asset("asset_bar", () => 5);
    const baz = asset({ name: "asset_baz", ins: { foo: new AssetIn<number>({ key: "asset_foo" }), asset_bar: five } }, (_ctx, { foo, asset_bar }) => foo + asset_bar);
    expect((await materialize([two, five, baz])).outputForNode("asset_baz")).toBe(7);
  });

  it("test_asset_key_for_asset_with_key_prefix_str", async () => {
    const foo = asset({ name: "asset_foo", keyPrefix: "hello" }, () => "foo");
    const success = asset({ name: "success_asset", ins: { foo: new AssetIn<string>({ key: ["hello", "asset_foo"] }) } }, (_ctx, { foo }) => foo);
    const result = await materialize([foo, success]);
    expect(result.outputForNode("success_asset")).toBe("foo");
    expect(result.getAssetMaterializationEvents().find((e) => e.stepKey === "hello__asset_foo")?.assetKey?.toString()).toBe("hello/asset_foo");
  });

  it("test_deps and test_deps_as_str", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "tessera-deps-")), "marker");
    const foo = asset("foo", () => void writeFileSync(path, "yup"));
    const bar = asset({ name: "bar", deps: [new AssetKey("foo")] }, () => expect(existsSync(path)).toBe(true));
    expect((await materialize([foo, bar])).success).toBe(true);
    const byString = asset({ name: "bar", deps: ["foo"] }, () => undefined);
    expect([...byString.dependencyKeys].map(String)).toContain("foo");
  });

  it("test_basic_graph_asset: each op of the graph is a step; the asset's value is the last op's", async () => {
    const returnOne = op({ name: "return_one" }, () => 1);
    const addOne = op({ name: "add_one", ins: { in1: new In<number>() } }, (_ctx, { in1 }) => in1 + 1);
    const createCoolThing = graph({ name: "create_cool_thing" }, () => addOne({ in1: addOne({ in1: returnOne() }) }));
    const coolThing = AssetsDefinition.fromGraph(createCoolThing, { keysByOutputName: { result: "cool_thing" } });
    const result = await materialize([coolThing]);
    expect(result.assetValue("cool_thing")).toBe(3);
    expect(result.allEvents.filter((e) => e.eventType === "STEP_SUCCESS").map((e) => e.stepKey)).toEqual(["cool_thing.return_one", "cool_thing.add_one", "cool_thing.add_one_2", "cool_thing"]);
  });

  it("test_input_mapped_graph_asset", async () => {
    const a = asset("a", () => "a");
    const b = asset("b", () => "b");
    const doubleString = op({ name: "double_string", ins: { s: new In<string>() } }, (_ctx, { s }) => s + s);
    const combineStrings = op({ name: "combine_strings", ins: { s1: new In<string>(), s2: new In<string>() } }, (_ctx, { s1, s2 }) => s1 + s2);
    const createCoolThing = graph({ name: "create_cool_thing", inputNames: ["a", "b"] }, ({ a, b }) =>
      combineStrings({ s1: doubleString({ s: doubleString({ s: a as never }) }), s2: doubleString({ s: b as never }) }),
    );
    const coolThing = AssetsDefinition.fromGraph(createCoolThing, { keysByInputName: { a: "a", b: "b" }, keysByOutputName: { result: "cool_thing" } });
    const result = await materialize([a, b, coolThing]);
    expect(result.success).toBe(true);
    expect(result.assetValue("cool_thing")).toBe("aaaabb");
    expect(result.getAssetMaterializationEvents().filter((e) => e.assetKey?.toString() === "cool_thing")).toHaveLength(1);
  });
});
