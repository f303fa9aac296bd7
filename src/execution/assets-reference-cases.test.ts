// Cases of Dagster's asset_defs_tests/test_assets.py (an AssetsDefinition's specs: owners, kinds, tags, code
// versions, metadata; multi-assets made of specs; graph-backed subsets; the asset key on the context), ported to
// Tessera's asset(), multiAsset(), graphAsset(), AssetSpec and materialize().
import { describe, expect, it } from "vitest";
import {
  AssetCheckResult,
  AssetCheckSpec,
  AssetIn,
  AssetKey,
  AssetOut,
  AssetSpec,
  AssetsDefinition,
  MaterializeResult,
  asset,
  defineAssetJob,
  In,
  graph,
  graphAsset,
  graphMultiAsset,
  materialize,
  multiAsset,
  op,
} from "../index.js";
import type { ExecuteResult } from "./execute-result.js";
import { Instance } from "../instance/index.js";
import { Definitions } from "../code-location/index.js";

const materialized = (result: ExecuteResult): string[] => result.getAssetMaterializationEvents().map((e) => String(e.assetKey));
const stepsRun = (result: ExecuteResult): string[] => [...new Set(result.allEvents.filter((e) => e.eventType === "STEP_START").map((e) => e.stepKey as string))].sort();
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

describe("reference cases: test_assets.py — multi-assets and the context", () => {
  it("test_multi_asset_return_none", async () => {
    // Tessera has no Nothing type: a multi-asset whose outs are all `isRequired: false` may return nothing.
    const optional = multiAsset(
      { name: "my_function", outs: { asset1: new AssetOut({ isRequired: false }), asset2: new AssetOut({ isRequired: false }) }, canSubset: true },
      () => undefined,
    );
    const ok = await materialize([optional]);
    expect(ok.success).toBe(true);
    expect(materialized(ok)).toEqual([]);
    const untyped = multiAsset({ name: "untyped", outs: { asset1: new AssetOut(), asset2: new AssetOut() } }, () => undefined as never);
    const failed = await materialize([untyped], { raiseOnError: false });
    expect(failed.success).toBe(false);
    expect(JSON.stringify(failed.getStepFailureEvents())).toMatch(/untyped/);
  });

  it("test_multi_asset_no_out", async () => {
    const tableA = new AssetSpec("table_A");
    const tableB = new AssetSpec("table_B");
    const basic = multiAsset({ name: "basic", specs: [tableA, tableB] }, () => undefined);
    expect(materialized(await materialize([basic])).sort()).toEqual(["table_A", "table_B"]);

    const tableC = new AssetSpec("table_C", { deps: [tableA, tableB] });
    const basicDeps = multiAsset({ name: "basic_deps", specs: [tableA, tableB, tableC] }, () => undefined);
    expect((await materialize([basicDeps])).success).toBe(true);
    expect(basicDeps.assetDeps.get("table_C")?.map(String).sort()).toEqual(["table_A", "table_B"]);

    const basicSubset = multiAsset({ name: "basic_subset", specs: [tableA, tableB], canSubset: true }, function* (ctx) {
      for (const key of ctx.selectedAssetKeys) yield new MaterializeResult({ assetKey: key });
    });
    expect(materialized(await materialize([basicSubset], { selection: ["table_A"] }))).toEqual(["table_A"]);

    const basicOptional = multiAsset({ name: "basic_optional", specs: [tableA, new AssetSpec("table_B", { skippable: true })] }, function* () {
      yield new MaterializeResult({ assetKey: "table_A" });
    });
    expect(materialized(await materialize([basicOptional]))).toEqual(["table_A"]);

    const metadata = multiAsset({ name: "metadata", specs: [tableA, tableB] }, function* () {
      yield new MaterializeResult({ assetKey: "table_A", metadata: { one: 1 } });
      yield new MaterializeResult({ assetKey: "table_B", metadata: { two: 2 } });
    });
    const mats = (await materialize([metadata])).getAssetMaterializationEvents();
    expect(mats).toHaveLength(2);
    expect(JSON.stringify(mats[0])).toMatch(/"one"/);
    expect(JSON.stringify(mats[1])).toMatch(/"two"/);
  });

  it("test_multi_asset_nodes_out_names", () => {
    const users = multiAsset({ name: "users", specs: [new AssetSpec(["sales", "users"]), new AssetSpec(["marketing", "users"])] }, () => undefined);
    expect(users.outputs.map((o) => o.name).sort()).toEqual(["marketing__users", "sales__users"]);
  });

  it("test_asset_spec_deps", async () => {
    const tableA = asset("table_A", () => undefined);
    const tableB = new AssetSpec("table_B", { deps: [tableA] });
    const tableC = new AssetSpec("table_C", { deps: [tableA, tableB] });
    const depsInSpecs = multiAsset({ name: "deps_in_specs", specs: [tableB, tableC] }, () => undefined);
    const result = await materialize([depsInSpecs, tableA]);
    expect(materialized(result)).toHaveLength(3);
    expect(materialized(result)[0]).toBe("table_A");

    const alsoInput = multiAsset({ name: "also_input", specs: [tableB, tableC], ins: { table_A: new AssetIn() } }, () => undefined);
    const again = await materialize([alsoInput, tableA]);
    expect(materialized(again)[0]).toBe("table_A");
    expect(materialized(again)).toHaveLength(3);

    expect(() => multiAsset({ name: "rogue_input", specs: [tableB, tableC], ins: { table_X: new AssetIn() } }, () => undefined)).toThrow(/table_X.*must be specified as deps on its AssetSpecs/);
    const noDeps = [new AssetSpec("table_B"), new AssetSpec("table_C")];
    expect(() => multiAsset({ name: "no_spec_deps_but_input", specs: noDeps, ins: { table_A: new AssetIn() } }, () => undefined)).toThrow(/table_A/);
    expect(() => multiAsset({ name: "use_deps", specs: noDeps, deps: [tableA] }, () => undefined)).toThrow(/use_deps.*takes specs and deps "table_A" that no spec has; .*deps on its AssetSpec/);
    expect(() => multiAsset({ name: "use_internal_deps", specs: noDeps, internalAssetDeps: { table_C: ["table_B"] } }, () => undefined)).toThrow(/takes specs and internalAssetDeps/);
  });

  it("test_asset_key_on_context", async () => {
    const seen: string[] = [];
    const a = asset({ name: "test_asset_key_on_context" }, (ctx) => void seen.push(String(ctx.assetKey)));
    const b = asset({ name: "test_asset_key_on_context_with_prefix", keyPrefix: ["a_prefix"] }, (ctx) => void seen.push(String(ctx.assetKey)));
    await materialize([a, b]);
    expect(seen.sort()).toEqual(["a_prefix/test_asset_key_on_context_with_prefix", "test_asset_key_on_context"]);
  });

  it("test_multi_asset_asset_key_on_context", async () => {
    const seen: string[] = [];
    const one = multiAsset({ name: "asset_key_context", outs: { my_string_asset: new AssetOut() } }, (ctx) => {
      seen.push(String(ctx.assetKey));
      return { my_string_asset: 1 };
    });
    await materialize([one]);
    const withSpec = multiAsset({ name: "asset_key_context_with_specs", specs: [new AssetSpec("spec1")] }, (ctx) => void seen.push(String(ctx.assetKey)));
    await materialize([withSpec]);
    expect(seen).toEqual(["my_string_asset", "spec1"]);

    const two = multiAsset({ name: "two_assets_key_context", outs: { my_string_asset: new AssetOut(), my_int_asset: new AssetOut() } }, (ctx) => ({ my_string_asset: String(ctx.assetKey), my_int_asset: 12 }));
    await expect(materialize([two])).rejects.toThrow(/assetKey.*two_assets_key_context.*selectedAssetKeys/);
    const twoSpecs = multiAsset({ name: "asset_key_context_with_two_specs", specs: [new AssetSpec("spec2"), new AssetSpec("spec3")] }, (ctx) => void ctx.log.info(String(ctx.assetKey)));
    await expect(materialize([twoSpecs])).rejects.toThrow(/assetKey/);
  });

  it("test_context_assets_def", async () => {
    const seen: string[][] = [];
    const a = asset("a", (ctx) => {
      seen.push(ctx.assetsDef.keys.map(String));
      return 1;
    });
    const b = asset({ name: "b", ins: { a: new AssetIn() } }, (ctx) => {
      seen.push(ctx.assetsDef.keys.map(String));
      return 2;
    });
    await materialize([a, b]);
    expect(seen).toEqual([["a"], ["b"]]);
  });

  it("test_graph_asset_explicit_coercible_key, test_graph_asset_explicit_fully_key and test_graph_asset_cannot_use_key_prefix_name_and_key", () => {
    const myOp = op({ name: "my_op" }, () => 1);
    expect(String(graphAsset({ key: "my_graph_asset" }, () => myOp()).key)).toBe("my_graph_asset");
    expect(String(graphAsset({ key: new AssetKey("my_graph_asset") }, () => myOp()).key)).toBe("my_graph_asset");
    expect(() => graphAsset({ keyPrefix: "a_prefix", key: new AssetKey("my_graph_asset") } as never, () => myOp())).toThrow(/key/);
    expect(() => graphAsset({ name: "a_name", key: new AssetKey("my_graph_asset") } as never, () => myOp())).toThrow(/key/);
    expect(() => graphAsset({ name: "a_name", keyPrefix: "a_prefix", key: new AssetKey("my_graph_asset") } as never, () => myOp())).toThrow(/key/);
  });

  it("test_asset_with_io_manager_key_only", async () => {
    const values: unknown[] = [];
    const theAsset = asset({ name: "the_asset", ioManagerKey: "the_key" }, () => 5);
    await materialize([theAsset], { resources: { the_key: { handleOutput: (_ctx: unknown, v: unknown) => void values.push(v), loadInput: () => undefined } } });
    expect(values).toEqual([5]);
  });
});

describe("reference cases: test_assets.py — graph-backed subsets", () => {
  // The reference's graphs return the same op under aliases (bar_1, bar_2); Tessera names a second call of an op
  // `<op>_2`. A graph-backed asset also keeps a step of its own (`my_graph`), which stores the graph's outputs.
  const foo = op({ name: "foo" }, () => 1);
  const bar = op({ name: "bar", ins: { foo: new In<number>() } }, (_ctx, { foo }) => foo);

  it("test_graph_backed_asset_subset", async () => {
    const myGraph = graphMultiAsset({ name: "my_graph", outs: { one: new AssetOut(), two: new AssetOut() }, canSubset: true }, () => {
      const one = foo();
      return { one: bar({ foo: one }), two: bar({ foo: one }) };
    });
    const instance = Instance.ephemeral();
    const result = await materialize([myGraph], { selection: ["one"], instance });
    expect(materialized(result)).toEqual(["one"]);
    expect((await instance.getRunById(result.runId))?.assetSelection.map(String)).toEqual(["one"]);
    expect(stepsRun(result)).toEqual(["my_graph", "my_graph.bar", "my_graph.foo"]);
  });

  it("test_input_subsetting_graph_backed_asset", async () => {
    const upstream1 = asset("upstream_1", () => 1);
    const upstream2 = asset("upstream_2", () => 1);
    const baz = op({ name: "baz", ins: { up_1: new In<number>(), up_2: new In<number>() } }, (_ctx, { up_1, up_2 }) => up_1 + up_2);
    const myGraph = graphMultiAsset(
      { name: "my_graph", ins: { upstream_1: new AssetIn<number>(), upstream_2: new AssetIn<number>() }, outs: { one: new AssetOut(), two: new AssetOut(), three: new AssetOut() }, canSubset: true },
      ({ upstream_1, upstream_2 }) => ({ one: bar({ foo: upstream_1 }), two: bar({ foo: upstream_2 }), three: baz({ up_1: upstream_1, up_2: upstream_2 }) }),
    );
    const assets = [upstream1, upstream2, myGraph];
    const first = await materialize(assets, { selection: ["one", "upstream_1"] });
    expect(materialized(first).sort()).toEqual(["one", "upstream_1"]);
    expect(stepsRun(first)).toEqual(["my_graph", "my_graph.bar", "upstream_1"]);
    const second = await materialize(assets, { selection: ["two", "upstream_2"] });
    expect(materialized(second).sort()).toEqual(["two", "upstream_2"]);
    expect(stepsRun(second)).toEqual(["my_graph", "my_graph.bar_2", "upstream_2"]);
    const third = await materialize(assets, { selection: ["three", "upstream_1", "upstream_2"] });
    expect(materialized(third).sort()).toEqual(["three", "upstream_1", "upstream_2"]);
    expect(third.assetValue("three")).toBe(2);
    expect(stepsRun(third)).toEqual(["my_graph", "my_graph.baz", "upstream_1", "upstream_2"]);
  });

  it("test_multi_asset_output_unselected_asset", async () => {
    const assets = multiAsset({ name: "assets", outs: { one: new AssetOut(), two: new AssetOut() }, canSubset: true }, () => ({ one: 1, two: 2 }));
    const result = await materialize([assets], { selection: ["one"], raiseOnError: false });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.getStepFailureEvents())).toMatch(/two/);
  });

  it("test_multi_asset_materialize_result_unselected_asset", async () => {
    const assets = multiAsset({ name: "assets", specs: [new AssetSpec("one"), new AssetSpec("two")], canSubset: true }, function* () {
      yield new MaterializeResult({ assetKey: "one" });
      yield new MaterializeResult({ assetKey: "two" });
    });
    const result = await materialize([assets], { selection: ["one"], raiseOnError: false });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.getStepFailureEvents())).toMatch(/two/);
  });

  it("test_multi_asset_materialize_result_unselected_asset_and_nothing", async () => {
    const assets = multiAsset({ name: "assets", outs: { one: new AssetOut(), two: new AssetOut({ isRequired: false }) }, canSubset: true }, () => ({ one: null }));
    expect(materialized(await materialize([assets], { selection: ["one"] }))).toEqual(["one"]);
  });

  it("test_graph_backed_asset_reused", async () => {
    const upstream = asset("upstream", () => 1);
    const fooOp = op({ name: "foo", ins: { upstream: new In<number>() } }, () => 1);
    const graphAssetDef = graph({ name: "graph_asset", inputNames: ["upstream"] }, (inputs) => fooOp({ upstream: inputs.upstream as never }));
    const assetOne = AssetsDefinition.fromGraph(graphAssetDef, { keysByOutputName: { result: "asset_one" } });
    const duplicateOne = AssetsDefinition.fromGraph(graphAssetDef, { keysByOutputName: { result: "duplicate_one" } });
    const oneDownstream = asset({ name: "one_downstream", ins: { asset_one: new AssetIn() } }, (_ctx, { asset_one }) => asset_one);
    const duplicateDownstream = asset({ name: "duplicate_one_downstream", ins: { duplicate_one: new AssetIn() } }, (_ctx, { duplicate_one }) => duplicate_one);
    const instance = Instance.ephemeral();
    const job = new Definitions({ assets: [upstream, assetOne, duplicateOne, oneDownstream, duplicateDownstream], jobs: [defineAssetJob({ name: "yay" })] }).getJobDef("yay");
    await job.executeInProcess({ instance, assetSelection: ["upstream"] });
    const first = await job.executeInProcess({ instance, assetSelection: ["asset_one", "one_downstream"] });
    expect(materialized(first).sort()).toEqual(["asset_one", "one_downstream"]);
    const second = await job.executeInProcess({ instance, assetSelection: ["duplicate_one", "duplicate_one_downstream"] });
    expect(materialized(second).sort()).toEqual(["duplicate_one", "duplicate_one_downstream"]);
    // The two assets run the same graph as steps of their own.
    expect(stepsRun(first).filter((k) => k.endsWith(".foo"))).toHaveLength(1);
    expect(stepsRun(first).filter((k) => k.endsWith(".foo"))).not.toEqual(stepsRun(second).filter((k) => k.endsWith(".foo")));
  });

  it("test_graph_backed_asset_subset (AssetsDefinition.fromGraph with canSubset)", async () => {
    const myGraph = graph({ name: "my_graph" }, () => {
      const one = foo();
      return { one: bar({ foo: one }), two: bar({ foo: one }) };
    });
    const def = AssetsDefinition.fromGraph(myGraph, { canSubset: true });
    expect(def.canSubset).toBe(true);
    const result = await materialize([def], { selection: ["one"] });
    expect(materialized(result)).toEqual(["one"]);
    expect(stepsRun(result)).toEqual(["my_graph", "my_graph.bar", "my_graph.foo"]);
    // Without canSubset, selecting one asset of the graph is refused.
    await expect(materialize([AssetsDefinition.fromGraph(myGraph)], { selection: ["one"] })).rejects.toThrow(/my_graph/);
  });

  it("test_invalid_graph_backed_assets", () => {
    const a = op({ name: "a" }, () => 1);
    const validate = op({ name: "validate", ins: { inp: new In<number>() } }, (_ctx, { inp }) => inp === 1);
    const fooGraph = graph({ name: "foo" }, () => {
      const value = a();
      validate({ inp: value });
      return value;
    });
    expect(() => AssetsDefinition.fromGraph(fooGraph)).toThrow(/Graph "foo" has leaf nodes "validate" whose output no asset of it returns/);
    expect(() => graphAsset({ name: "bar" }, () => fooGraph())).toThrow(/leaf nodes "validate"/);
  });

  it("test_from_graph_w_key_prefix and test_from_op_w_key_prefix", () => {
    const sillyGraph = graph({ name: "silly_graph" }, () => bar({ foo: foo() }));
    const description = "This is a description!";
    const metadata = { test_metadata: "This is some metadata" };
    const common = { keysByOutputName: { result: new AssetKey(["the", "asset"]) }, descriptionsByOutputName: { result: description }, metadataByOutputName: { result: metadata }, groupName: "abc" };
    for (const def of [
      AssetsDefinition.fromGraph(sillyGraph, { ...common, keyPrefix: ["this", "is", "a", "prefix"] }),
      AssetsDefinition.fromOp(foo, { ...common, keyPrefix: ["this", "is", "a", "prefix"] }),
    ]) {
      expect(String(def.key)).toBe("this/is/a/prefix/the/asset");
      const spec = specOf(def, "this/is/a/prefix/the/asset");
      expect(spec.groupName).toBe("abc");
      expect(spec.description).toBe(description);
      expect((spec.metadata["test_metadata"] as { value?: unknown })?.value ?? spec.metadata["test_metadata"]).toBe("This is some metadata");
    }
    expect(String(AssetsDefinition.fromGraph(sillyGraph, { keysByOutputName: { result: new AssetKey(["the", "asset"]) }, keyPrefix: "prefix" }).key)).toBe("prefix/the/asset");
    expect(String(AssetsDefinition.fromOp(foo, { keysByOutputName: { result: new AssetKey(["the", "asset"]) }, keyPrefix: "prefix" }).key)).toBe("prefix/the/asset");
  });

  it("test_retain_metadata_graph (metadata by output name of a graph with several outputs)", () => {
    const twoOuts = graph({ name: "two_outs" }, () => ({ a: foo(), b: foo() }));
    const def = AssetsDefinition.fromGraph(twoOuts, { metadataByOutputName: { a: { foo: "bar", baz: 12.5 } }, descriptionsByOutputName: { b: "the b" } });
    expect(Object.keys(specOf(def, "a").metadata).sort()).toEqual(["baz", "foo"]);
    expect(specOf(def, "b").description).toBe("the b");
  });
});

describe("reference cases: test_assets.py — IO managers and resources", () => {
  const recorder = (events: unknown[]) => ({ handleOutput: (ctx: { stepKey: string }, _v: unknown) => void events.push(`entered for ${ctx.stepKey}`), loadInput: () => undefined });

  it("test_asset_with_io_manager_def and test_asset_with_io_manager_def_plain_old_python_object_iomanager", async () => {
    const events: unknown[] = [];
    const theAsset = asset({ name: "the_asset", ioManagerDef: recorder(events) }, () => undefined);
    expect((await materialize([theAsset])).success).toBe(true);
    expect(events).toEqual(["entered for the_asset"]);
  });

  it("test_asset_both_io_manager_args_provided", () => {
    expect(() => asset({ name: "the_asset", ioManagerKey: "the_key", ioManagerDef: recorder([]) }, () => undefined)).toThrow(/the_asset.*either ioManagerKey or ioManagerDef, not both/);
  });

  it("test_multi_asset_resources_execution", async () => {
    const fooList: unknown[] = [];
    const barList: unknown[] = [];
    const listManager = (list: unknown[]) => ({ handleOutput: (_ctx: unknown, v: unknown) => void list.push(v), loadInput: () => undefined });
    const myAsset = multiAsset(
      {
        name: "my_asset",
        outs: { key1: new AssetOut({ key: "key1", ioManagerKey: "foo" }), key2: new AssetOut({ key: "key2", ioManagerKey: "bar" }) },
        resourceDefs: { foo: listManager(fooList), bar: listManager(barList), baz: "baz" },
      },
      (ctx) => {
        expect(Object.keys(ctx.resources)).toEqual(expect.arrayContaining(["foo", "bar"]));
        return { key1: 1, key2: 2 };
      },
    );
    expect((await materialize([myAsset])).success).toBe(true);
    expect(fooList).toEqual([1]);
    expect(barList).toEqual([2]);
  });
});

describe("reference cases: test_assets.py — checks of a subset", () => {
  it("test_execute_unselected_asset_check", async () => {
    const alwaysYieldsACheck = multiAsset(
      {
        name: "always_yields_b_check",
        specs: [new AssetSpec("a"), new AssetSpec("b")],
        checkSpecs: [new AssetCheckSpec("check1", { asset: "a" }), new AssetCheckSpec("check2", { asset: "b" })],
        canSubset: true,
      },
      function* (ctx) {
        for (const key of ctx.selectedAssetKeys) yield new MaterializeResult({ assetKey: key });
        yield new AssetCheckResult({ checkName: "check1", assetKey: "a", passed: true });
      },
    );
    const result = await materialize([alwaysYieldsACheck], { selection: "b", raiseOnError: false });
    const evals = result.getAssetCheckEvaluations();
    expect({ success: result.success, evals: evals.map((e) => JSON.stringify(e).match(/check\d/)?.[0]) }).toEqual({ success: true, evals: ["check1"] });
  });
});
