// test_multipartition_partition_mapping.py::test_multi_partition_mapping_with_asset_deps, ported to Tessera's API.
import { describe, expect, it } from "vitest";
import { materialize } from "../code-location/index.js";
import { AssetDep, AssetSpec, asset, multiAsset } from "../definitions/index.js";
import {
  DailyPartitionsDefinition,
  IdentityPartitionMapping,
  MultiPartitionKey,
  MultiPartitionMapping,
  MultiPartitionsDefinition,
  StaticPartitionsDefinition,
  TimeWindowPartitionMapping,
} from "../partitions/index.js";

const partitionsDef = new MultiPartitionsDefinition({
  "123": new StaticPartitionsDefinition(["1", "2", "3"]),
  time: new DailyPartitionsDefinition({ startDate: "2023-01-01" }),
});
const lagged = (days: number) =>
  new MultiPartitionMapping({
    "123": { dimensionName: "123", partitionMapping: new IdentityPartitionMapping() },
    time: { dimensionName: "time", partitionMapping: new TimeWindowPartitionMapping({ startOffset: -days, endOffset: -days }) },
  });
const runKey = String(new MultiPartitionKey({ "123": "1", time: "2023-08-05" }));
const timeOf = (key: string | undefined) => partitionsDef.getPartitionKeyFromStr(String(key)).keysByDimension["time"];

describe("reference cases: test_multipartition_partition_mapping.py", () => {
  it("test_multi_partition_mapping_with_asset_deps (asset with deps)", async () => {
    const upstream = asset({ name: "upstream", partitionsDef }, () => undefined);
    const mapping = lagged(1);
    const seen: (string | undefined)[] = [];
    const downstream = asset({ name: "downstream", partitionsDef, deps: [new AssetDep(upstream, { partitionMapping: mapping })] }, (ctx) => {
      // A dependency that is not an argument is named by its asset key.
      seen.push(timeOf(ctx.assetPartitionKeysForInput("upstream")[0]), timeOf(ctx.partitionKey));
      return undefined;
    });
    const result = await materialize([upstream, downstream], { partitionKey: runKey });
    expect(result.success).toBe(true);
    expect(seen).toEqual(["2023-08-04", "2023-08-05"]);
    expect(downstream.getPartitionMapping("upstream")).toBe(mapping);
  });

  it("test_multi_partition_mapping_with_asset_deps (multi-asset with specs)", async () => {
    const asset1 = new AssetSpec("asset_1");
    const asset2 = new AssetSpec("asset_2");
    const map1 = lagged(1);
    const map2 = lagged(2);
    const deps = [new AssetDep(asset1, { partitionMapping: map1 }), new AssetDep(asset2, { partitionMapping: map2 })];
    const asset3 = new AssetSpec("asset_3", { deps });
    const asset4 = new AssetSpec("asset_4", { deps });
    const first = multiAsset({ name: "multi_asset_1", specs: [asset1, asset2], partitionsDef }, () => undefined);
    const seen: (string | undefined)[] = [];
    const second = multiAsset({ name: "multi_asset_2", specs: [asset3, asset4], partitionsDef }, (ctx) => {
      seen.push(timeOf(ctx.assetPartitionKeysForInput("asset_1")[0]), timeOf(ctx.assetPartitionKeysForInput("asset_2")[0]), timeOf(ctx.partitionKey));
      return undefined;
    });
    const result = await materialize([first, second], { partitionKey: runKey });
    expect(result.success).toBe(true);
    expect(seen).toEqual(["2023-08-04", "2023-08-03", "2023-08-05"]);
    // A multi-asset of specs whose compute returns nothing materializes each of its specs.
    const materialized = result.getAssetMaterializationEvents().map((e) => String(e.assetKey)).sort();
    expect(materialized).toEqual(["asset_1", "asset_2", "asset_3", "asset_4"]);
  });
});
