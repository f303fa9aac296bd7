// Cases of Dagster's asset_defs_tests/test_assets.py (`test_unpartitioned_asset_metadata`,
// `test_unpartitioned_multiasset_metadata`) and test_partitioned_assets.py (`test_partitioned_asset_metadata`):
// metadata added from inside a compute with ctx.addAssetMetadata / ctx.addOutputMetadata.
import { describe, expect, it } from "vitest";
import { AssetSpec, InvalidDefinitionError, StaticPartitionsDefinition, asset, materialize, multiAsset } from "../index.js";
import type { ExecuteResult } from "./execute-result.js";

const YAY = { type: "text", value: "yay" };
const metadataOf = (result: ExecuteResult, key: string, partition?: string): Record<string, unknown> | undefined =>
  result.getAssetMaterializationEvents().find((e) => String(e.assetKey) === key && e.partition === partition)?.metadata;

/** Calls that must be refused with an InvalidDefinitionError, named in `refused` when they are. */
function refusals(): { refused: string[]; attempt: (what: string, fn: () => void) => void } {
  const refused: string[] = [];
  const attempt = (what: string, fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      if (error instanceof InvalidDefinitionError) refused.push(what);
      else throw error;
    }
  };
  return { refused, attempt };
}

describe("reference cases: metadata added at run time", () => {
  it("test_unpartitioned_asset_metadata", async () => {
    const failures: unknown[] = [];
    const attempt = (fn: () => void): void => {
      try {
        fn();
        failures.push("no error");
      } catch (error) {
        failures.push(error);
      }
    };
    const unpartitioned = asset("unpartitioned_asset", (ctx) => {
      ctx.addAssetMetadata({ asset_unpartitioned: "yay" });
      ctx.addOutputMetadata({ output_unpartitioned: "yay" });
      ctx.addAssetMetadata({ asset_key_specified: "yay" }, { assetKey: "unpartitioned_asset" });
      ctx.addOutputMetadata({ output_name_specified: "yay" }, ctx.assetsDef.outputForKey(ctx.assetKey).name);
      attempt(() => ctx.addAssetMetadata({ wont_work: "yay" }, { partitionKey: "nonce" }));
      attempt(() => ctx.addAssetMetadata({ wont_work: "yay" }, { assetKey: "nonce" }));
      attempt(() => ctx.addOutputMetadata({ wont_work: "yay" }, "nonce"));
    });
    const result = await materialize([unpartitioned]);
    expect(result.success).toBe(true);
    expect(failures).toHaveLength(3);
    for (const failure of failures) expect(failure).toBeInstanceOf(InvalidDefinitionError);
    expect(String(failures[0])).toMatch(/partition "nonce".*not partitioned/);
    expect(String(failures[1])).toMatch(/"nonce".*unpartitioned_asset/);
    expect(String(failures[2])).toMatch(/output "nonce".*result/);
    expect(result.getAssetMaterializationEvents()).toHaveLength(1);
    expect(metadataOf(result, "unpartitioned_asset")).toEqual({
      asset_unpartitioned: YAY,
      output_unpartitioned: YAY,
      asset_key_specified: YAY,
      output_name_specified: YAY,
    });
  });

  it("test_unpartitioned_multiasset_metadata", async () => {
    const { refused, attempt } = refusals();
    const compute = multiAsset({ name: "compute", specs: [new AssetSpec("a"), new AssetSpec("b")] }, (ctx) => {
      attempt("no asset key", () => ctx.addAssetMetadata({ wont_work: "yay" }));
      attempt("no asset key, a partition", () => ctx.addAssetMetadata({ wont_work: "yay" }, { partitionKey: "nonce" }));
      attempt("wrong asset key", () => ctx.addAssetMetadata({ wont_work: "yay" }, { assetKey: "nonce" }));
      attempt("no output name", () => ctx.addOutputMetadata({ wont_work: "yay" }));
      attempt("wrong output name", () => ctx.addOutputMetadata({ wont_work: "yay" }, "nonce"));
      attempt("a partition of an unpartitioned asset", () => ctx.addAssetMetadata({ wont_work: "yay" }, { assetKey: "a", partitionKey: "nonce" }));
      ctx.addAssetMetadata({ asset_key_specified: "yay" }, { assetKey: "a" });
      ctx.addAssetMetadata({ asset_key_specified: "yay" }, { assetKey: "b" });
      const outputOfA = ctx.assetsDef.outputForKey(new AssetSpec("a").key).name;
      ctx.addOutputMetadata({ output_name_specified: "yay" }, outputOfA);
      ctx.addAssetMetadata({ additional_a_metadata: "yay" }, { assetKey: "a" });
      ctx.addOutputMetadata({ additional_a_output_metadata: "yay" }, outputOfA);
    });
    const result = await materialize([compute]);
    expect(result.success).toBe(true);
    expect(refused).toEqual([
      "no asset key",
      "no asset key, a partition",
      "wrong asset key",
      "no output name",
      "wrong output name",
      "a partition of an unpartitioned asset",
    ]);
    expect(result.getAssetMaterializationEvents()).toHaveLength(2);
    expect(Object.keys(metadataOf(result, "a") ?? {}).sort()).toEqual(["additional_a_metadata", "additional_a_output_metadata", "asset_key_specified", "output_name_specified"]);
    expect(Object.keys(metadataOf(result, "b") ?? {})).toEqual(["asset_key_specified"]);
  });

  it("test_partitioned_asset_metadata: metadata for every partition of the run, or for one", async () => {
    const { refused, attempt } = refusals();
    const partitioned = asset({ name: "partitioned_asset", partitionsDef: new StaticPartitionsDefinition(["a", "b", "c"]) }, (ctx) => {
      ctx.addAssetMetadata({ asset_unpartitioned: "yay" });
      ctx.addOutputMetadata({ output_unpartitioned: "yay" });
      ctx.addAssetMetadata({ asset_key_specified: "yay" }, { assetKey: "partitioned_asset" });
      ctx.addOutputMetadata({ output_name_specified: "yay" }, ctx.assetsDef.outputForKey(ctx.assetKey).name);
      for (const key of ctx.partitionKeys) ctx.addAssetMetadata({ [`partition_key_${key}`]: "yay" }, { partitionKey: key });
      attempt("unknown partition", () => ctx.addAssetMetadata({ wont_work: "yay" }, { partitionKey: "nonce" }));
      attempt("unknown asset", () => ctx.addAssetMetadata({ wont_work: "yay" }, { assetKey: "nonce" }));
      attempt("unknown output", () => ctx.addOutputMetadata({ wont_work: "yay" }, "nonce"));
      // A partition of the asset that this run does not materialize.
      attempt("partition not in the run", () => ctx.addAssetMetadata({ wont_work: "yay" }, { assetKey: "partitioned_asset", partitionKey: "c" }));
      return Object.fromEntries(ctx.partitionKeys.map((key) => [key, key]));
    });
    const result = await materialize([partitioned], { partitionKeyRange: { start: "a", end: "b" } });
    expect(result.success).toBe(true);
    expect(refused).toEqual(["unknown partition", "unknown asset", "unknown output", "partition not in the run"]);
    expect(result.getAssetMaterializationEvents()).toHaveLength(2);
    const shared = { asset_unpartitioned: YAY, output_unpartitioned: YAY, asset_key_specified: YAY, output_name_specified: YAY };
    expect(metadataOf(result, "partitioned_asset", "a")).toEqual({ ...shared, partition_key_a: YAY });
    expect(metadataOf(result, "partitioned_asset", "b")).toEqual({ ...shared, partition_key_b: YAY });
  });
});
