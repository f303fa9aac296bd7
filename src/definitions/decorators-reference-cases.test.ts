// Cases of Dagster's asset_defs_tests/test_decorators.py (the @asset / @multi_asset / @graph_asset options),
// ported to Tessera's asset(), multiAsset(), graphAsset() and graphMultiAsset(). The reference reads the
// decorated function's op (`my_asset.op.output_defs`, `keys_by_input_name`); here the same facts are on the
// definition's `inputs`, `outputs`, `op` and specs.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  AllPartitionMapping,
  AssetIn,
  AssetKey,
  AssetOut,
  AssetsDefinition,
  AutomationCondition,
  DailyPartitionsDefinition,
  FreshnessPolicy,
  IdentityPartitionMapping,
  In,
  MultiPartitionMapping,
  MultiPartitionsDefinition,
  RetryPolicy,
  StaticPartitionsDefinition,
  TimeWindowPartitionMapping,
  asset,
  graphAsset,
  graphMultiAsset,
  materialize,
  multiAsset,
  op,
} from "../index.js";
import { Definitions } from "../code-location/index.js";

const inputKeys = (def: AssetsDefinition<unknown>): Record<string, string> => Object.fromEntries(def.inputs.map((i) => [i.name, String(i.key)]));
const outputKeys = (def: AssetsDefinition<unknown>): Record<string, string> => Object.fromEntries(def.outputs.map((o) => [o.name, String(o.key)]));
const keysOf = (def: AssetsDefinition<unknown>): string[] => def.keys.map(String).sort();
const metadataOf = (def: AssetsDefinition<unknown>, key: string): Record<string, unknown> =>
  Object.fromEntries(Object.entries(def.getAssetSpec(key).metadata).map(([k, v]) => [k, (v as { value?: unknown })?.value ?? v]));

describe("reference cases: test_decorators.py", () => {
  it("test_asset_no_decorator_args and test_asset_no_decorator_args_direct_call", () => {
    const myAsset = asset("my_asset", () => 1);
    expect(myAsset).toBeInstanceOf(AssetsDefinition);
    expect(myAsset.outputs).toHaveLength(1);
    expect(myAsset.inputs).toHaveLength(0);
    const named = asset(function my_asset() {
      return 1;
    });
    expect(String(named.key)).toBe("my_asset");
  });

  it("test_asset_with_inputs and test_asset_with_context_arg_and_dep", () => {
    const myAsset = asset({ name: "my_asset", ins: { arg1: new AssetIn() } }, (_ctx, { arg1 }) => arg1);
    expect(myAsset.outputs).toHaveLength(1);
    expect(Object.values(inputKeys(myAsset))).toContain("arg1");
  });

  it("test_asset_with_config_schema and test_multi_asset_with_config_schema", async () => {
    const myAsset = asset({ name: "my_asset", config: z.object({ foo: z.number() }) }, (ctx) => expect(ctx.config.foo).toBe(5));
    expect((await materialize([myAsset], { runConfig: { ops: { my_asset: { config: { foo: 5 } } } } })).success).toBe(true);
    await expect(materialize([myAsset])).rejects.toThrow(/foo/);
    const multi = multiAsset({ name: "my_asset", outs: { o1: new AssetOut() }, config: z.object({ foo: z.number() }) }, (ctx) => {
      expect(ctx.config.foo).toBe(5);
      return { o1: 1 };
    });
    expect((await materialize([multi], { runConfig: { ops: { my_asset: { config: { foo: 5 } } } } })).success).toBe(true);
    await expect(materialize([multi])).rejects.toThrow(/foo/);
  });

  it("test_multi_asset_out_name_diff_from_asset_key, test_multi_asset_key_prefix and test_multi_asset_infer_from_empty_asset_key", () => {
    const named = multiAsset(
      { name: "my_asset", outs: { my_out_name: new AssetOut({ key: "my_asset_name" }), my_other_out_name: new AssetOut({ key: new AssetKey("my_other_asset") }) } },
      () => ({ my_out_name: 1, my_other_out_name: 2 }),
    );
    expect(keysOf(named)).toEqual(["my_asset_name", "my_other_asset"]);
    const prefixed = multiAsset(
      { name: "my_asset", outs: { my_asset_name: new AssetOut({ keyPrefix: "prefix1" }), my_other_asset: new AssetOut({ keyPrefix: "prefix2" }) } },
      () => ({ my_asset_name: 1, my_other_asset: 2 }),
    );
    expect(keysOf(prefixed)).toEqual(["prefix1/my_asset_name", "prefix2/my_other_asset"]);
    const inferred = multiAsset({ name: "my_asset", outs: { my_out_name: new AssetOut(), my_other_out_name: new AssetOut() } }, () => ({ my_out_name: 1, my_other_out_name: 2 }));
    expect(keysOf(inferred)).toEqual(["my_other_out_name", "my_out_name"]);
  });

  it("test_multi_asset_group_names and test_multi_asset_group_name", () => {
    const perOut = multiAsset(
      {
        name: "my_asset",
        outs: {
          out1: new AssetOut({ groupName: "foo", key: ["cool", "key1"] }),
          out2: new AssetOut(),
          out3: new AssetOut(),
          out4: new AssetOut({ groupName: "bar", keyPrefix: "prefix4" }),
          out5: new AssetOut({ groupName: "bar" }),
        },
      },
      () => ({}) as never,
    );
    expect(Object.fromEntries(perOut.groupNamesByKey)).toEqual({ "cool/key1": "foo", out2: "default", out3: "default", "prefix4/out4": "bar", out5: "bar" });
    const whole = multiAsset(
      {
        name: "my_asset",
        groupName: "bar",
        outs: { out1: new AssetOut({ key: ["cool", "key1"] }), out2: new AssetOut(), out3: new AssetOut(), out4: new AssetOut({ keyPrefix: "prefix4" }), out5: new AssetOut() },
      },
      () => ({}) as never,
    );
    expect(Object.fromEntries(whole.groupNamesByKey)).toEqual({ "cool/key1": "bar", out2: "bar", out3: "bar", "prefix4/out4": "bar", out5: "bar" });
  });

  it("test_multi_asset_group_names_and_group_name", () => {
    expect(() =>
      multiAsset(
        { name: "my_asset", groupName: "something", outs: { out1: new AssetOut({ groupName: "foo" }), out2: new AssetOut(), out5: new AssetOut({ groupName: "bar" }) } },
        () => ({}) as never,
      ),
    ).toThrow(/group/);
  });

  it("test_multi_asset_internal_asset_deps_metadata", () => {
    const myAsset = multiAsset(
      {
        name: "my_asset",
        ins: { my_in_name: new AssetIn() },
        outs: { my_out_name: new AssetOut({ metadata: { foo: "bar" } }), my_other_out_name: new AssetOut({ metadata: { bar: "foo" } }) },
        internalAssetDeps: { my_out_name: ["my_other_out_name", "my_in_name"], my_other_out_name: ["my_in_name"] },
      },
      () => ({ my_out_name: 1, my_other_out_name: 2 }),
    );
    expect(keysOf(myAsset)).toEqual(["my_other_out_name", "my_out_name"]);
    expect(metadataOf(myAsset, "my_out_name")).toEqual({ foo: "bar" });
    expect(metadataOf(myAsset, "my_other_out_name")).toEqual({ bar: "foo" });
    expect(Object.fromEntries([...myAsset.assetDeps].map(([k, v]) => [k, v.map(String).sort()]))).toEqual({
      my_out_name: ["my_in_name", "my_other_out_name"],
      my_other_out_name: ["my_in_name"],
    });
  });

  it("test_multi_asset_internal_asset_deps_invalid", () => {
    expect(() => multiAsset({ name: "m", outs: { my_out_name: new AssetOut() }, internalAssetDeps: { something_weird: ["my_out_name"] } }, () => ({ my_out_name: 1 }))).toThrow(
      /something_weird/,
    );
    expect(() => multiAsset({ name: "m", outs: { my_out_name: new AssetOut() }, internalAssetDeps: { my_out_name: ["something_weird"] } }, () => ({ my_out_name: 1 }))).toThrow(
      /something_weird/,
    );
  });

  it("test_asset_with_code_version and test_multi_asset_code_versions", () => {
    expect(asset({ name: "my_asset", codeVersion: "foo" }, () => 1).getAssetSpec().codeVersion).toBe("foo");
    const multi = multiAsset({ name: "my_asset", outs: { key1: new AssetOut({ codeVersion: "foo" }), key2: new AssetOut({ codeVersion: "bar" }) } }, () => ({ key1: 1, key2: 2 }));
    expect(multi.specs.map((s) => [String(s.key), s.codeVersion])).toEqual([
      ["key1", "foo"],
      ["key2", "bar"],
    ]);
  });

  it("test_asset_with_key_prefix: the op is named after the key", () => {
    const single = asset({ name: "my_asset", keyPrefix: "my_key_prefix" }, () => undefined);
    expect(single.op.name).toBe("my_key_prefix__my_asset");
    expect(keysOf(single)).toEqual(["my_key_prefix/my_asset"]);
    const list = asset({ name: "multi_component_list_asset", keyPrefix: ["one", "two", "three"] }, () => undefined);
    expect(list.op.name).toBe("one__two__three__multi_component_list_asset");
    expect(keysOf(list)).toEqual(["one/two/three/multi_component_list_asset"]);
  });

  it("test_asset_with_inputs_and_key_prefix: an explicit input key does not take the asset's prefix", () => {
    const myAsset = asset({ name: "my_asset", keyPrefix: "my_prefix", ins: { arg1: new AssetIn({ key: "arg1" }) } }, (_ctx, { arg1 }) => arg1);
    expect(Object.values(inputKeys(myAsset))).toEqual(["arg1"]);
  });

  it("test_input_asset_key, test_input_key_prefix_str and test_input_key_prefix_list", () => {
    expect(inputKeys(asset({ name: "my_asset", ins: { arg1: new AssetIn({ key: new AssetKey("foo") }) } }, () => 1))).toEqual({ arg1: "foo" });
    expect(inputKeys(asset({ name: "my_asset", ins: { arg1: new AssetIn({ keyPrefix: "abc" }) } }, () => 1))).toEqual({ arg1: "abc/arg1" });
    expect(inputKeys(asset({ name: "my_asset", ins: { arg1: new AssetIn({ keyPrefix: ["abc", "xyz"] }) } }, () => 1))).toEqual({ arg1: "abc/xyz/arg1" });
  });

  it("test_input_asset_key_and_key_prefix", () => {
    expect(() => new AssetIn({ key: "foo", keyPrefix: "bar" })).toThrow(/key.*keyPrefix|keyPrefix.*key/);
  });

  it("test_input_metadata", () => {
    const myAsset = asset({ name: "my_asset", ins: { arg1: new AssetIn({ metadata: { abc: 123 } }) } }, () => 1);
    const metadata = myAsset.inputs[0]?.metadata ?? {};
    expect(Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, (v as { value?: unknown })?.value ?? v]))).toEqual({ abc: 123 });
  });

  it("test_all_fields", () => {
    const myAsset = asset(
      { name: "my_asset", requiredResourceKeys: ["abc", "123"], ioManagerKey: "my_io_key", description: "some description", metadata: { metakey: "metaval" } },
      () => undefined,
    );
    expect([...myAsset.requiredResourceKeys].sort()).toEqual(["123", "abc", "my_io_key"].filter((k) => myAsset.requiredResourceKeys.has(k)).sort());
    expect(myAsset.op.requiredResourceKeys).toEqual(expect.arrayContaining(["abc", "123"]));
    expect(myAsset.op.description).toBe("some description");
    expect(myAsset.outputs).toHaveLength(1);
    expect(myAsset.outputs[0]?.ioManagerKey).toBe("my_io_key");
    expect(metadataOf(myAsset, "my_asset").metakey).toBe("metaval");
  });

  it("test_partitions_def", () => {
    const partitionsDef = new StaticPartitionsDefinition(["a", "b", "c", "d"]);
    expect(asset({ name: "my_asset", partitionsDef }, () => undefined).partitionsDef).toBe(partitionsDef);
  });

  it("test_op_tags: tag values that are not strings are stored as JSON", () => {
    const myAsset = asset({ name: "my_asset", opTags: { apple: "banana", orange: { rind: "fsd", segment: "fjdskl" } } }, () => undefined);
    expect(myAsset.op.tags).toEqual({ apple: "banana", orange: '{"rind":"fsd","segment":"fjdskl"}' });
  });

  it("test_asset_retry_policy and test_multi_asset_retry_policy", () => {
    const retryPolicy = new RetryPolicy();
    expect(asset({ name: "my_asset", retryPolicy }, () => undefined).op.retryPolicy).toBe(retryPolicy);
    expect(multiAsset({ name: "my_asset", outs: { key1: new AssetOut(), key2: new AssetOut() }, retryPolicy }, () => ({ key1: 1, key2: 2 })).op.retryPolicy).toBe(retryPolicy);
  });

  const SELF_DEPS: [string, () => { partitionsDef?: unknown; partitionMapping?: unknown }][] = [
    ["unpartitioned", () => ({})],
    ["daily, identity time window", () => ({ partitionsDef: new DailyPartitionsDefinition({ startDate: "2020-01-01" }), partitionMapping: new TimeWindowPartitionMapping() })],
    [
      "daily, offset -1..0",
      () => ({ partitionsDef: new DailyPartitionsDefinition({ startDate: "2020-01-01" }), partitionMapping: new TimeWindowPartitionMapping({ startOffset: -1, endOffset: 0 }) }),
    ],
    [
      "static × static multi",
      () => ({ partitionsDef: new MultiPartitionsDefinition({ "123": new StaticPartitionsDefinition(["1", "2", "3"]), abc: new StaticPartitionsDefinition(["a", "b", "c"]) }) }),
    ],
    [
      "time × static multi, empty multi mapping",
      () => ({
        partitionsDef: new MultiPartitionsDefinition({ time: new DailyPartitionsDefinition({ startDate: "2020-01-01" }), abc: new StaticPartitionsDefinition(["a", "b", "c"]) }),
        partitionMapping: new MultiPartitionMapping({}),
      }),
    ],
    [
      "time × static multi, time offset -1..0",
      () => ({
        partitionsDef: new MultiPartitionsDefinition({ time: new DailyPartitionsDefinition({ startDate: "2020-01-01" }), abc: new StaticPartitionsDefinition(["a", "b", "c"]) }),
        partitionMapping: new MultiPartitionMapping({
          time: { dimensionName: "time", partitionMapping: new TimeWindowPartitionMapping({ startOffset: -1, endOffset: 0 }) },
          abc: { dimensionName: "abc", partitionMapping: new IdentityPartitionMapping() },
        }),
      }),
    ],
  ];
  for (const [label, make] of SELF_DEPS) {
    it(`test_invalid_self_dep[${label}]`, () => {
      const { partitionsDef, partitionMapping } = make();
      const b = asset({ name: "b", partitionsDef: partitionsDef as never, ins: { b: new AssetIn({ key: "b", partitionMapping: partitionMapping as never }) } }, () => undefined);
      expect(() => new Definitions({ assets: [b] })).toThrow(/depends on itself/);
    });
  }

  it("test_invalid_self_dep_no_time_dimension", () => {
    const partitionsDef = new MultiPartitionsDefinition({ "123": new StaticPartitionsDefinition(["1", "2", "3"]), abc: new StaticPartitionsDefinition(["a", "b", "c"]) });
    const partitionMapping = new MultiPartitionMapping({
      "123": { dimensionName: "123", partitionMapping: new IdentityPartitionMapping() },
      abc: { dimensionName: "abc", partitionMapping: new IdentityPartitionMapping() },
    });
    const b = asset({ name: "b", partitionsDef, ins: { b: new AssetIn({ key: "b", partitionMapping }) } }, () => undefined);
    expect(() => new Definitions({ assets: [b] })).toThrow(/depends on itself/);
  });

  it("test_asset_in_nothing, test_asset_in_nothing_and_something and test_asset_in_nothing_context (deps)", async () => {
    const asset1 = asset({ name: "asset1", deps: ["upstream"] }, () => undefined);
    expect([...asset1.dependencyKeys].map(String)).toEqual(["upstream"]);
    expect((await materialize([asset1])).success).toBe(true);
    const otherUpstream = asset("other_upstream", () => undefined);
    const both = asset({ name: "asset1", deps: ["upstream"], ins: { other_upstream: otherUpstream } }, () => undefined);
    expect([...both.dependencyKeys].map(String).sort()).toEqual(["other_upstream", "upstream"]);
    expect((await materialize([otherUpstream, both])).success).toBe(true);
  });

  it("test_graph_asset_decorator_no_args", () => {
    const myOp = op({ name: "my_op", ins: { x: new In(), y: new In() } }, (_ctx, { x }) => x);
    const myGraph = graphAsset({ name: "my_graph", ins: { x: new AssetIn(), y: new AssetIn() } }, ({ x, y }) => myOp({ x, y }));
    expect(inputKeys(myGraph)).toEqual({ x: "x", y: "y" });
    expect(String(myGraph.key)).toBe("my_graph");
  });

  it("test_graph_asset_with_args", () => {
    const myOp1 = op({ name: "my_op1", ins: { x: new In() } }, (_ctx, { x }) => x);
    const myOp2 = op({ name: "my_op2", ins: { y: new In() } }, (_ctx, { y }) => y);
    const freshnessPolicy = new FreshnessPolicy({ maximumLagMinutes: 5 });
    const condition = AutomationCondition.onMissing();
    const myAsset = graphAsset(
      { name: "my_asset", ins: { x: new AssetIn() }, groupName: "group1", metadata: { my_metadata: "some_metadata" }, freshnessPolicy, automationCondition: condition },
      ({ x }) => myOp2({ y: myOp1({ x }) }),
    );
    expect(myAsset.groupNamesByKey.get("my_asset")).toBe("group1");
    expect(metadataOf(myAsset, "my_asset")).toEqual({ my_metadata: "some_metadata" });
    expect(myAsset.getAssetSpec().freshnessPolicy).toBe(freshnessPolicy);
    expect(myAsset.getAssetSpec().automationCondition).toBe(condition);
  });

  it("test_graph_asset_partitioned", async () => {
    const seen: string[] = [];
    const myOp = op({ name: "my_op" }, (ctx) => void seen.push(ctx.partitionKey));
    const myAsset = graphAsset({ name: "my_asset", partitionsDef: new StaticPartitionsDefinition(["a", "b", "c"]) }, () => myOp());
    expect((await materialize([myAsset], { partitionKey: "a" })).success).toBe(true);
    expect(seen).toEqual(["a"]);
  });

  it("test_graph_asset_partition_mapping", async () => {
    const partitionsDef = new StaticPartitionsDefinition(["a", "b", "c"]);
    const asset1 = asset({ name: "asset1", partitionsDef }, () => 1);
    const seen: string[][] = [];
    const myOp = op({ name: "my_op", ins: { in1: new In() } }, (ctx) => void seen.push([ctx.partitionKey]));
    const myAsset = graphAsset({ name: "my_asset", partitionsDef, ins: { asset1: new AssetIn({ key: "asset1", partitionMapping: new AllPartitionMapping() }) } }, ({ asset1 }) =>
      myOp({ in1: asset1 }),
    );
    // The reference's op takes the upstream as a Nothing input, so it loads nothing; here the input is
    // loaded, so every partition of asset1 (what AllPartitionMapping maps to) is materialized first.
    const { Instance } = await import("../instance/index.js");
    const instance = Instance.ephemeral();
    for (const key of ["a", "b", "c"]) await materialize([asset1], { instance, partitionKey: key });
    const result = await materialize([asset1, myAsset], { instance, partitionKey: "a", selection: ["my_asset"] });
    expect(result.success).toBe(true);
    expect(seen).toEqual([["a"]]);
  });

  it("test_graph_asset_w_key_prefix", () => {
    const foo = op({ name: "foo" }, () => 1);
    const bar = op({ name: "bar", ins: { i: new In<number>() } }, (_ctx, { i }) => i + 1);
    const theAsset = graphAsset({ name: "the_asset", keyPrefix: ["this", "is", "a", "prefix"], groupName: "abc" }, () => bar({ i: foo() }));
    expect(theAsset.key.path).toEqual(["this", "is", "a", "prefix", "the_asset"]);
    expect(Object.fromEntries(theAsset.groupNamesByKey)).toEqual({ "this/is/a/prefix/the_asset": "abc" });
    expect(graphAsset({ name: "str_prefix", keyPrefix: "prefix" }, () => bar({ i: foo() })).key.path).toEqual(["prefix", "str_prefix"]);
  });

  it("test_graph_asset_w_config_dict (config of the graph's ops in run config)", async () => {
    const fooOp = op({ name: "foo_op", config: z.object({ val: z.number() }) }, (ctx) => ctx.config.val);
    const foo = graphAsset({ name: "foo" }, () => fooOp());
    const result = await materialize([foo], { runConfig: { ops: { foo: { ops: { foo_op: { config: { val: 1 } } } } } } });
    expect(result.outputForNode("foo")).toBe(1);
    const bar = graphMultiAsset({ name: "bar", outs: { first_asset: new AssetOut() } }, () => ({ first_asset: fooOp() }));
    const multi = await materialize([bar], { runConfig: { ops: { bar: { ops: { foo_op: { config: { val: 1 } } } } } } });
    expect(multi.outputForNode("bar", "first_asset")).toBe(1);
  });

  it("test_graph_multi_asset_decorator", async () => {
    const one = op({ name: "one", ins: { in1: new In<number>(), in2: new In<number>() } }, () => 4);
    const two = op({ name: "two", ins: { in1: new In<number>(), in2: new In<number>() } }, () => 5);
    const freshnessPolicy = new FreshnessPolicy({ maximumLagMinutes: 5 });
    const eager = AutomationCondition.eager();
    const twoAssets = graphMultiAsset(
      {
        name: "two_assets",
        ins: { x: new AssetIn<number>(), y: new AssetIn<number>() },
        outs: { first_asset: new AssetOut({ automationCondition: eager }), second_asset: new AssetOut({ freshnessPolicy }) },
        groupName: "grp",
      },
      ({ x, y }) => ({ first_asset: one({ in1: x, in2: y }), second_asset: two({ in1: x, in2: y }) }),
    );
    expect(inputKeys(twoAssets)).toEqual({ x: "x", y: "y" });
    expect(outputKeys(twoAssets)).toEqual({ first_asset: "first_asset", second_asset: "second_asset" });
    expect(Object.fromEntries(twoAssets.groupNamesByKey)).toEqual({ first_asset: "grp", second_asset: "grp" });
    expect(twoAssets.getAssetSpec("first_asset").freshnessPolicy).toBeUndefined();
    expect(twoAssets.getAssetSpec("second_asset").freshnessPolicy).toBe(freshnessPolicy);
    expect(twoAssets.getAssetSpec("first_asset").automationCondition).toBe(eager);
    expect(twoAssets.getAssetSpec("second_asset").automationCondition).toBeUndefined();
    const x = asset("x", () => 1);
    const y = asset("y", () => 1);
    expect((await materialize([x, y, twoAssets])).success).toBe(true);
  });

  it("test_graph_multi_asset_w_key_prefix", () => {
    const one = op({ name: "one", ins: { in1: new In(), in2: new In() } }, () => 4);
    const two = op({ name: "two", ins: { in1: new In(), in2: new In() } }, () => 5);
    const twoAssets = graphMultiAsset(
      {
        name: "two_assets",
        ins: { x: new AssetIn({ keyPrefix: ["this", "is", "another", "prefix"] }), y: new AssetIn() },
        outs: { first_asset: new AssetOut({ keyPrefix: ["this", "is", "a", "prefix"] }), second_asset: new AssetOut() },
        groupName: "grp",
      },
      ({ x, y }) => ({ first_asset: one({ in1: x, in2: y }), second_asset: two({ in1: x, in2: y }) }),
    );
    expect(outputKeys(twoAssets).first_asset).toBe("this/is/a/prefix/first_asset");
    expect(inputKeys(twoAssets).x).toBe("this/is/another/prefix/x");
    expect(Object.fromEntries(twoAssets.groupNamesByKey)).toEqual({ "this/is/a/prefix/first_asset": "grp", second_asset: "grp" });
  });

  it("test_multi_asset_with_bare_resource", async () => {
    class BareResourceObject {}
    let executed = false;
    const myAsset = multiAsset({ name: "my_asset", outs: { o1: new AssetOut() }, requiredResourceKeys: ["bare_resource"] }, (ctx) => {
      expect(ctx.resources.bare_resource).toBeInstanceOf(BareResourceObject);
      executed = true;
      return { o1: 1 };
    });
    await materialize([myAsset], { resources: { bare_resource: new BareResourceObject() } });
    expect(executed).toBe(true);
  });

  it("test_multi_asset_with_auto_materialize_policy (automation conditions per output)", () => {
    const eager = AutomationCondition.eager();
    const onMissing = AutomationCondition.onMissing();
    const myAsset = multiAsset(
      { name: "my_asset", outs: { o1: new AssetOut(), o2: new AssetOut({ automationCondition: eager }), o3: new AssetOut({ automationCondition: onMissing }) } },
      () => ({ o1: 1, o2: 2, o3: 3 }),
    );
    expect(myAsset.specs.filter((s) => s.automationCondition).map((s) => [String(s.key), s.automationCondition])).toEqual([
      ["o2", eager],
      ["o3", onMissing],
    ]);
  });

  const KEYS: [string, ConstructorParameters<typeof AssetKey>[0] | string, string[]][] = [
    ["AssetKey", ["this", "is", "a", "prefix", "the_asset"], ["this", "is", "a", "prefix", "the_asset"]],
    ["str", "the_asset", ["the_asset"]],
    ["list", ["prefix", "the_asset"], ["prefix", "the_asset"]],
  ];
  for (const [label, key, expected] of KEYS) {
    it(`test_asset_key_provided[${label}]`, () => {
      expect(asset({ key: label === "AssetKey" ? new AssetKey(key as string[]) : (key as never) }, () => 1).key.path).toEqual(expected);
    });
  }

  it("test_error_on_asset_key_provided", () => {
    expect(() => asset({ key: "the_asset", keyPrefix: "foo" }, () => 1)).toThrow(/key/);
    expect(() => asset({ key: "the_asset", name: "foo" }, () => 1)).toThrow(/key/);
    expect(() => asset({ key: "the_asset", name: "foo", keyPrefix: "bar" }, () => 1)).toThrow(/key/);
  });

  it("test_dynamic_graph_asset_ins", async () => {
    const startJob = op({ name: "start_job", ins: { start_after: new In() } }, () => "x");
    const waitUntilJobDone = op({ name: "wait_until_job_done", ins: { x: new In<string>() } }, (_ctx, { x }) => x);
    const foo = asset("foo", () => 1);
    const ins = Object.fromEntries([foo].map((a) => [a.key.path.at(-1) as string, new AssetIn({ key: a.key })]));
    const someGraphAsset = graphAsset({ name: "some_graph_asset", ins }, (inputs) => waitUntilJobDone({ x: startJob({ start_after: inputs.foo as never }) }));
    expect((await materialize([someGraphAsset, foo])).success).toBe(true);
  });
});
