// test_multi_partitions.py::test_tags_multi_dimensional_partitions, ported to Tessera's API.
import { describe, expect, it } from "vitest";
import { materialize } from "../code-location/index.js";
import { AssetIn, asset, type InputContext, type IOManager, type OutputContext } from "../definitions/index.js";
import { Instance } from "../instance/index.js";
import {
  DailyPartitionsDefinition,
  DynamicPartitionsDefinition,
  IdentityPartitionMapping,
  MultiPartitionKey,
  MultiPartitionMapping,
  MultiPartitionsDefinition,
  StaticPartitionsDefinition,
  TimeWindowPartitionMapping,
} from "../partitions/index.js";

const mk = (keys: Record<string, string>): string => String(new MultiPartitionKey(keys));

describe("reference cases: test_multi_partitions.py", () => {
  it("test_tags_multi_dimensional_partitions", async () => {
    const composite = new MultiPartitionsDefinition({ date: new DailyPartitionsDefinition({ startDate: "2021-05-05" }), abc: new StaticPartitionsDefinition(["a", "b", "c"]) });
    const asset1 = asset({ name: "asset1", partitionsDef: composite }, () => 1);
    const asset2 = asset({ name: "asset2", partitionsDef: composite, ins: { asset1 } }, () => 2);
    const instance = Instance.ephemeral();
    const key = String(new MultiPartitionKey({ abc: "a", date: "2021-06-01" }));
    const result = await materialize([asset1, asset2], { instance, partitionKey: key });
    expect(result.success).toBe(true);
    expect(result.run.tags["tessera/partition/abc"]).toBe("a");
    expect(result.run.tags["tessera/partition/date"]).toBe("2021-06-01");
    const materializations = result.getAssetMaterializationEvents();
    expect(materializations).toHaveLength(2);
    for (const m of materializations) expect(m.partition).toBe(key);
  });

  it("test_dynamic_dimension_in_multipartitioned_asset", async () => {
    const def = new MultiPartitionsDefinition({ static: new StaticPartitionsDefinition(["a", "b", "c"]), dynamic: new DynamicPartitionsDefinition({ name: "dynamic" }) });
    const seen: string[] = [];
    const myAsset = asset({ name: "my_asset", partitionsDef: def }, (ctx) => (seen.push(ctx.partitionKey), 1));
    const asset2 = asset({ name: "asset2", partitionsDef: def, ins: { myAsset: new AssetIn({ key: "my_asset" }) } }, () => 2);
    const instance = Instance.ephemeral();
    await instance.addDynamicPartitions("dynamic", ["1"]);
    expect((await materialize([myAsset, asset2], { instance, partitionKey: "1|a" })).success).toBe(true);
    expect(seen).toEqual([mk({ static: "a", dynamic: "1" })]);
  });

  it("test_io_manager_output_context_with_time_and_dynamic_multipartition", async () => {
    const def = new MultiPartitionsDefinition({ date: new DailyPartitionsDefinition({ startDate: "2020-01-01" }), dynamic: new DynamicPartitionsDefinition({ name: "advertisers" }) });
    const seen: unknown[] = [];
    const io: IOManager = {
      handleOutput(ctx: OutputContext) {
        seen.push(ctx.assetPartitionKeyRange, ctx.assetPartitionsTimeWindow);
      },
      loadInput: () => 1,
    };
    const myAsset = asset({ name: "my_asset", partitionsDef: def, ioManagerKey: "my_io_manager" }, () => 1);
    const instance = Instance.ephemeral();
    await instance.addDynamicPartitions("advertisers", ["advertiser1"]);
    const key = mk({ date: "2020-01-01", dynamic: "advertiser1" });
    expect((await materialize([myAsset], { instance, partitionKey: key, resources: { my_io_manager: io } })).success).toBe(true);
    expect(seen).toEqual([
      { start: key, end: key },
      { start: new Date("2020-01-01T00:00:00Z"), end: new Date("2020-01-02T00:00:00Z") },
    ]);
  });

  it("test_context_partition_time_window", async () => {
    const def = new MultiPartitionsDefinition({ date: new DailyPartitionsDefinition({ startDate: "2020-01-01" }), static: new StaticPartitionsDefinition(["a", "b"]) });
    const windows: unknown[] = [];
    const myAsset = asset({ name: "my_asset", partitionsDef: def }, (ctx) => (windows.push(ctx.partitionTimeWindow), 1));
    await materialize([myAsset], { partitionKey: mk({ date: "2020-01-01", static: "a" }) });
    expect(windows).toEqual([{ start: new Date("2020-01-01T00:00:00Z"), end: new Date("2020-01-02T00:00:00Z") }]);
  });

  it("test_context_invalid_partition_time_window", async () => {
    const def = new MultiPartitionsDefinition({ static2: new StaticPartitionsDefinition(["a", "b"]), static: new StaticPartitionsDefinition(["a", "b"]) });
    const myAsset = asset({ name: "my_asset", partitionsDef: def }, (ctx) => ctx.partitionTimeWindow);
    const result = await materialize([myAsset], { partitionKey: mk({ static2: "b", static: "a" }), raiseOnError: false });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.getStepFailureEvents())).toMatch(/no time window/);
  });

  it("test_multipartitions_self_dependency", async () => {
    const def = new MultiPartitionsDefinition({ time: new DailyPartitionsDefinition({ startDate: "2020-01-01" }), abc: new StaticPartitionsDefinition(["a", "b", "c"]) });
    const mapping = new MultiPartitionMapping({
      time: { dimensionName: "time", partitionMapping: new TimeWindowPartitionMapping({ startOffset: -1, endOffset: -1 }) },
      abc: { dimensionName: "abc", partitionMapping: new IdentityPartitionMapping() },
    });
    const first = mk({ time: "2020-01-01", abc: "a" });
    const second = mk({ time: "2020-01-02", abc: "a" });
    const loads: unknown[] = [];
    const values = new Map<string, unknown>();
    const io: IOManager = {
      handleOutput: (ctx: OutputContext, value: unknown) => void values.set(String(ctx.partitionKey), value),
      loadInput: (ctx: InputContext) => (loads.push([ctx.assetKey.toString(), ctx.assetPartitionKeys, ctx.assetPartitionKeyRange]), values.get(String(ctx.partitionKey))),
    };
    const inputs: unknown[] = [];
    const a = asset({ name: "a", partitionsDef: def, ins: { a: new AssetIn({ key: "a", partitionMapping: mapping }) } }, (_ctx, { a: previous }) => (inputs.push(previous), 1));
    const instance = Instance.ephemeral();
    await materialize([a], { instance, partitionKey: first, resources: { ioManager: io } });
    await materialize([a], { instance, partitionKey: second, resources: { ioManager: io } });
    // The first partition has no previous one: the input is absent, and (unlike the reference) the IO manager is not asked.
    expect(inputs).toEqual([undefined, 1]);
    expect(loads).toEqual([["a", [first], { start: first, end: first }]]);
  });
});
