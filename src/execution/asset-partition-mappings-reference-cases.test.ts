// Cases of Dagster's partition_mapping_tests/test_asset_partition_mappings.py, ported to Tessera's API.
import { describe, expect, it } from "vitest";
import { Definitions, materialize } from "../code-location/index.js";
import { AssetDep, AssetIn, AssetSpec, asset, multiAsset, type AssetsDefinition, type InputContext, type IOManager, type OutputContext } from "../definitions/index.js";
import { AssetGraph, partitionMappingOf } from "../graph/index.js";
import { Instance } from "../instance/index.js";
import {
  AllPartitionMapping,
  DailyPartitionsDefinition,
  DynamicPartitionsDefinition,
  IdentityPartitionMapping,
  LastPartitionMapping,
  MultiPartitionKey,
  MultiPartitionsDefinition,
  MultiToSingleDimensionPartitionMapping,
  SpecificPartitionsPartitionMapping,
  StaticPartitionsDefinition,
  TimeWindowPartitionMapping,
  WeeklyPartitionsDefinition,
} from "../partitions/index.js";

/** Records the partitions each load is told, by asset. */
class RecordingIOManager implements IOManager {
  readonly loads: { asset: string; partitionKeys: readonly string[] | undefined; partitionKey: string | undefined }[] = [];
  readonly outputs: { asset: string; hasPartitionKey: boolean | undefined; partitionKey: string | undefined }[] = [];
  handleOutput(ctx: OutputContext): void {
    this.outputs.push({ asset: ctx.assetKey.toString(), hasPartitionKey: ctx.hasPartitionKey, partitionKey: ctx.partitionKey });
  }
  loadInput(ctx: InputContext): unknown {
    this.loads.push({ asset: ctx.assetKey.toString(), partitionKeys: ctx.assetPartitionKeys, partitionKey: ctx.partitionKey });
    return undefined;
  }
  // Several upstream partitions are loaded in one call, as the reference's IO managers are.
  loadInputPartitions(ctx: InputContext): unknown {
    return this.loadInput(ctx);
  }
}

const abcd = new StaticPartitionsDefinition(["a", "b", "c", "d"]);
const mappingBetween = (assets: readonly AssetsDefinition<unknown>[], up: string, down: string) => {
  const graph = AssetGraph.of(new Definitions({ assets: [...assets] }));
  return partitionMappingOf(graph, graph.indexOf(down) as number, graph.indexOf(up) as number);
};

describe("reference cases: test_asset_partition_mappings.py", () => {
  async function unpartitionedAfter(mapping: LastPartitionMapping | SpecificPartitionsPartitionMapping | AllPartitionMapping): Promise<RecordingIOManager> {
    const io = new RecordingIOManager();
    const instance = Instance.ephemeral();
    const upstream = asset({ name: "upstream", partitionsDef: abcd }, () => undefined);
    const downstream = asset({ name: "downstream", ins: { upstream: new AssetIn({ partitionMapping: mapping }) } }, (_ctx, { upstream: value }) => {
      expect(value).toBeUndefined();
      return undefined;
    });
    const defs = new Definitions({ assets: [upstream, downstream], resources: { ioManager: io } });
    for (const key of ["a", "b", "c", "d"]) await defs.materialize("upstream", { instance, partitionKey: key });
    io.outputs.length = 0;
    await defs.materialize("downstream", { instance });
    expect(io.outputs).toEqual([{ asset: "downstream", hasPartitionKey: false, partitionKey: undefined }]);
    return io;
  }

  it("test_non_partitioned_depends_on_last_partition", async () => {
    expect((await unpartitionedAfter(new LastPartitionMapping())).loads.map((l) => l.partitionKeys)).toEqual([["d"]]);
  });

  it("test_non_partitioned_depends_on_specific_partitions", async () => {
    const loads = (await unpartitionedAfter(new SpecificPartitionsPartitionMapping(["a", "b"]))).loads;
    expect(loads.map((l) => [...(l.partitionKeys ?? [])].sort())).toEqual([["a", "b"]]);
  });

  it("test_non_partitioned_depends_on_all_partitions", async () => {
    expect((await unpartitionedAfter(new AllPartitionMapping())).loads.map((l) => l.partitionKeys)).toEqual([["a", "b", "c", "d"]]);
  });

  it("test_specific_partitions_partition_mapping_downstream_partitions", () => {
    const xyz = new StaticPartitionsDefinition(["x", "y", "z"]);
    const mapping = new SpecificPartitionsPartitionMapping(["a", "b"]);
    for (const keys of [["a"], ["a", "b"], ["a", "b", "c", "d"]]) {
      expect(mapping.getDownstreamPartitionsForPartitions(abcd.subsetWithPartitionKeys(keys), abcd, xyz).equals(xyz.subsetWithAllPartitions())).toBe(true);
    }
    for (const keys of [["c"], ["c", "d"]]) expect(mapping.getDownstreamPartitionsForPartitions(abcd.subsetWithPartitionKeys(keys), abcd, xyz).isEmpty).toBe(true);
  });

  it("test_partition_keys_in_range", async () => {
    const week = ["2022-09-11", "2022-09-12", "2022-09-13", "2022-09-14", "2022-09-15", "2022-09-16", "2022-09-17"];
    const io = new RecordingIOManager();
    const instance = Instance.ephemeral();
    const outputKeys: string[][] = [];
    const upstream = asset({ name: "upstream", partitionsDef: new DailyPartitionsDefinition({ startDate: "2022-09-11" }) }, (ctx) => {
      outputKeys.push([...ctx.partitionKeys]);
      return undefined;
    });
    let seen: string[] = [];
    const downstream = asset({ name: "downstream", partitionsDef: new WeeklyPartitionsDefinition({ startDate: "2022-09-11" }), ins: { upstream } }, (ctx) => {
      seen = ctx.assetPartitionKeysForInput("upstream");
      return undefined;
    });
    const defs = new Definitions({ assets: [upstream, downstream], resources: { ioManager: io } });
    for (const day of week) await defs.materialize("upstream", { instance, partitionKey: day });
    await defs.materialize("downstream", { instance, partitionKey: "2022-09-11" });
    expect(outputKeys[0]).toEqual(["2022-09-11"]);
    expect(seen).toEqual(week);
    expect(io.loads.map((l) => l.partitionKeys)).toEqual([week]);
  });

  it("test_dependency_resolution_partition_mapping", async () => {
    const daily = new DailyPartitionsDefinition({ startDate: "2020-01-01" });
    const io = new RecordingIOManager();
    const upstream = asset({ name: "upstream", keyPrefix: ["staging"], partitionsDef: daily }, (ctx) => ctx.partitionKey);
    const downstream = asset(
      { name: "downstream", keyPrefix: ["staging"], partitionsDef: daily, ins: { upstream: new AssetIn({ partitionMapping: new TimeWindowPartitionMapping({ startOffset: -1, endOffset: 0 }) }) } },
      () => undefined,
    );
    const instance = Instance.ephemeral();
    const defs = new Definitions({ assets: [upstream, downstream], resources: { ioManager: io } });
    await defs.materialize("staging/upstream", { instance, partitionKey: "2020-01-01" });
    await defs.materialize(undefined, { instance, partitionKey: "2020-01-02" });
    // The reference's load context also carries the run's partition ("2020-01-02") as partition_key; Tessera's
    // InputContext.partitionKey names the one upstream partition being loaded, so a range load has none.
    expect(io.loads).toEqual([{ asset: "staging/upstream", partitionKeys: ["2020-01-01", "2020-01-02"], partitionKey: undefined }]);
  });

  it("test_multipartitions_def_partition_mapping_infer_identity", async () => {
    const composite = new MultiPartitionsDefinition({ abc: new StaticPartitionsDefinition(["a", "b", "c"]), "123": new StaticPartitionsDefinition(["1", "2", "3"]) });
    const upstream = asset({ name: "upstream", partitionsDef: composite }, () => 1);
    const downstream = asset({ name: "downstream", partitionsDef: composite, ins: { upstream } }, (ctx) => {
      expect(ctx.assetPartitionKeysForInput("upstream")).toEqual([...ctx.partitionKeys]);
      return 1;
    });
    expect(mappingBetween([upstream, downstream], "upstream", "downstream")).toBeInstanceOf(IdentityPartitionMapping);
    expect((await materialize([upstream, downstream], { partitionKey: String(new MultiPartitionKey({ abc: "a", "123": "1" })) })).success).toBe(true);
  });

  const abc = new StaticPartitionsDefinition(["a", "b", "c"]);
  const abc123 = new MultiPartitionsDefinition({ abc, "123": new StaticPartitionsDefinition(["1", "2", "3"]) });

  it("test_multipartitions_def_partition_mapping_infer_single_dim_to_multi", async () => {
    const upstream = asset({ name: "upstream", partitionsDef: abc }, () => 1);
    let seen: string[] = [];
    const downstream = asset({ name: "downstream", partitionsDef: abc123, ins: { upstream } }, (ctx) => {
      seen = ctx.assetPartitionKeysForInput("upstream");
      return 1;
    });
    expect(mappingBetween([upstream, downstream], "upstream", "downstream")).toBeInstanceOf(MultiToSingleDimensionPartitionMapping);
    const instance = Instance.ephemeral();
    await materialize([upstream], { instance, partitionKey: "a" });
    await materialize([upstream, downstream], { instance, selection: "downstream", partitionKey: String(new MultiPartitionKey({ abc: "a", "123": "1" })) });
    expect(seen).toEqual(["a"]);
  });

  it("test_multipartitions_def_partition_mapping_infer_multi_to_single_dim", async () => {
    const aKeys = ["1", "2", "3"].map((n) => String(new MultiPartitionKey({ abc: "a", "123": n })));
    const upstream = asset({ name: "upstream", partitionsDef: abc123 }, () => 1);
    let seen: string[] = [];
    const downstream = asset({ name: "downstream", partitionsDef: abc, ins: { upstream } }, (ctx) => {
      seen = ctx.assetPartitionKeysForInput("upstream");
      return 1;
    });
    expect(mappingBetween([upstream, downstream], "upstream", "downstream")).toBeInstanceOf(MultiToSingleDimensionPartitionMapping);
    const instance = Instance.ephemeral();
    for (const key of aKeys) await materialize([upstream], { instance, partitionKey: key });
    await materialize([upstream, downstream], { instance, selection: "downstream", partitionKey: "a" });
    expect([...seen].sort()).toEqual([...aKeys].sort());
  });

  it("test_identity_partition_mapping", () => {
    const xy = new StaticPartitionsDefinition(["x", "y"]);
    const zx = new StaticPartitionsDefinition(["z", "x"]);
    const result = new IdentityPartitionMapping().getUpstreamMappedPartitionsResultForPartitions(zx.subsetWithPartitionKeys(["z", "x"]), zx, xy);
    expect(result.partitionsSubset.getPartitionKeys()).toEqual(["x"]);
    expect(result.requiredButNonexistentSubset.getPartitionKeys()).toEqual(["z"]);
    expect(new IdentityPartitionMapping().getDownstreamPartitionsForPartitions(zx.subsetWithPartitionKeys(["z", "x"]), zx, xy).getPartitionKeys()).toEqual(["x"]);
  });

  const daily0815 = new DailyPartitionsDefinition({ startDate: "2023-08-15" });
  const lag = (days: number) => new TimeWindowPartitionMapping({ startOffset: -days, endOffset: -days });

  it("test_partition_mapping_with_asset_deps", async () => {
    const upstream = asset({ name: "upstream", partitionsDef: daily0815 }, () => undefined);
    const mapping = lag(1);
    const seen: string[][] = [];
    const downstream = asset({ name: "downstream", partitionsDef: daily0815, deps: [new AssetDep(upstream, { partitionMapping: mapping })] }, (ctx) => {
      seen.push(ctx.assetPartitionKeysForInput("upstream"));
      return undefined;
    });
    await materialize([upstream, downstream], { partitionKey: "2023-08-20" });
    expect(seen).toEqual([["2023-08-19"]]);
    expect(downstream.getPartitionMapping("upstream")).toBe(mapping);

    const asset1 = new AssetSpec("asset_1");
    const asset2 = new AssetSpec("asset_2");
    const [m1, m2] = [lag(1), lag(2)];
    const deps = [new AssetDep(asset1, { partitionMapping: m1 }), new AssetDep(asset2, { partitionMapping: m2 })];
    const first = multiAsset({ name: "multi_asset_1", specs: [asset1, asset2], partitionsDef: daily0815 }, () => undefined);
    const second = multiAsset({ name: "multi_asset_2", specs: [new AssetSpec("asset_3", { deps }), new AssetSpec("asset_4", { deps })], partitionsDef: daily0815 }, (ctx) => {
      seen.push(ctx.assetPartitionKeysForInput("asset_1"), ctx.assetPartitionKeysForInput("asset_2"));
    });
    await materialize([first, second], { partitionKey: "2023-08-20" });
    expect(seen.slice(1)).toEqual([["2023-08-19"], ["2023-08-18"]]);
    expect([second.getPartitionMapping("asset_1"), second.getPartitionMapping("asset_2")]).toEqual([m1, m2]);
  });

  it("test_conflicting_mappings_with_asset_deps", () => {
    const upstream = asset({ name: "upstream", partitionsDef: daily0815 }, () => undefined);
    expect(() =>
      asset({ name: "downstream", partitionsDef: daily0815, deps: [new AssetDep(upstream, { partitionMapping: lag(1) }), new AssetDep(upstream, { partitionMapping: lag(2) })] }, () => undefined),
    ).toThrow(/more than once/);
    const asset1 = new AssetSpec("asset_1");
    const asset2 = new AssetSpec("asset_2");
    const asset3 = new AssetSpec("asset_3", { deps: [new AssetDep(asset1, { partitionMapping: lag(1) }), new AssetDep(asset2, { partitionMapping: lag(2) })] });
    const asset4 = new AssetSpec("asset_4", { deps: [new AssetDep(asset1, { partitionMapping: lag(1) }), new AssetDep(asset2, { partitionMapping: lag(3) })] });
    expect(() => multiAsset({ name: "multi_asset_2", specs: [asset3, asset4], partitionsDef: daily0815 }, () => undefined)).toThrow(/Two different partition mappings for "asset_2"/);
  });

  it("test_self_dependent_partition_mapping_with_asset_deps", async () => {
    const seen: string[][] = [];
    const selfDependent = asset({ name: "self_dependent", partitionsDef: daily0815, deps: [new AssetDep("self_dependent", { partitionMapping: lag(1) })] }, (ctx) => {
      seen.push(ctx.assetPartitionKeysForInput("self_dependent"));
      return undefined;
    });
    await materialize([selfDependent], { partitionKey: "2023-08-20" });
    const asset1 = new AssetSpec("asset_1", { deps: [new AssetDep("asset_1", { partitionMapping: lag(1) })] });
    const theMultiAsset = multiAsset({ name: "the_multi_asset", specs: [asset1], partitionsDef: daily0815 }, (ctx) => {
      seen.push(ctx.assetPartitionKeysForInput("asset_1"));
    });
    await materialize([theMultiAsset], { partitionKey: "2023-08-20" });
    expect(seen).toEqual([["2023-08-19"], ["2023-08-19"]]);
  });

  it("test_dynamic_partition_mapping_with_asset_deps", async () => {
    const fruits = new DynamicPartitionsDefinition({ name: "fruits" });
    const seen: [string[], string][] = [];
    const upstream = asset({ name: "upstream", partitionsDef: fruits }, () => undefined);
    const downstream = asset({ name: "downstream", partitionsDef: fruits, deps: [new AssetDep(upstream, { partitionMapping: new SpecificPartitionsPartitionMapping(["apple"]) })] }, (ctx) => {
      seen.push([ctx.assetPartitionKeysForInput("upstream"), ctx.partitionKey]);
      return undefined;
    });
    let instance = Instance.ephemeral();
    await instance.addDynamicPartitions("fruits", ["apple"]);
    await materialize([upstream], { instance, partitionKey: "apple" });
    await instance.addDynamicPartitions("fruits", ["orange"]);
    await materialize([upstream, downstream], { instance, partitionKey: "orange" });

    const asset1 = new AssetSpec("asset_1");
    const asset2 = new AssetSpec("asset_2", { deps: [new AssetDep(asset1, { partitionMapping: new SpecificPartitionsPartitionMapping(["apple"]) })] });
    const first = multiAsset({ name: "asset_1_multi_asset", specs: [asset1], partitionsDef: fruits }, () => undefined);
    const second = multiAsset({ name: "asset_2_multi_asset", specs: [asset2], partitionsDef: fruits }, (ctx) => {
      seen.push([ctx.assetPartitionKeysForInput("asset_1"), ctx.partitionKey]);
    });
    instance = Instance.ephemeral();
    await instance.addDynamicPartitions("fruits", ["apple"]);
    await materialize([first], { instance, partitionKey: "apple" });
    await instance.addDynamicPartitions("fruits", ["orange"]);
    await materialize([first, second], { instance, partitionKey: "orange" });
    expect(seen).toEqual([
      [["apple"], "orange"],
      [["apple"], "orange"],
    ]);
  });

  it("test_last_partition_mapping_get_downstream_partitions", () => {
    const up = new DailyPartitionsDefinition({ startDate: "2023-10-01" });
    const down = new DailyPartitionsDefinition({ startDate: "2023-10-01" });
    const at = { currentTime: new Date("2023-10-05T01:00:00Z") };
    const downstreamOf = (keys: string[]) => new LastPartitionMapping().getDownstreamPartitionsForPartitions(up.subsetWithPartitionKeys(keys), up, down, at);
    expect(downstreamOf(["2023-10-04"]).getPartitionKeys()).toEqual(down.getPartitionKeys(at));
    expect(downstreamOf(["2023-10-03", "2023-10-04"]).getPartitionKeys()).toEqual(down.getPartitionKeys(at));
    expect(downstreamOf(["2023-10-03"]).isEmpty).toBe(true);
  });
});
