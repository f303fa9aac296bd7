import { describe, expect, it } from "vitest";
import { DependencyCycleError, DuplicateAssetKeyError, MissingResourceError, UnknownAssetError } from "../core/index.js";
import { SelfDependencyError } from "../graph/index.js";
import { asset } from "./asset.js";
import { AssetIn } from "./asset-dep.js";
import { AssetSpec } from "./asset-spec.js";
import { Definitions } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { DailyPartitionsDefinition, TimeWindowPartitionMapping } from "../partitions/index.js";

describe("Definitions", () => {
  it("holds assets and external specs, by key", () => {
    const raw = new AssetSpec("raw_orders");
    const orders = asset({ name: "orders", ins: { raw: new AssetIn({ key: "raw_orders" }) } }, () => 1);
    const defs = new Definitions({ assets: [raw, orders] });
    expect(defs.assetKeys.map(String)).toEqual(["raw_orders", "orders"]);
    expect(defs.getAssetsDef("orders")).toBe(orders);
    expect(defs.getAllAssetSpecs().map((s) => s.key.toString())).toEqual(["raw_orders", "orders"]);
  });

  it("rejects two definitions of one key, naming the key", () => {
    const first = asset("orders", () => 1);
    const second = asset("orders", () => 2);
    expect(() => new Definitions({ assets: [first, second] })).toThrow(DuplicateAssetKeyError);
    expect(() => new Definitions({ assets: [first, new AssetSpec("orders")] })).toThrow(/"orders" is defined more than once/);
  });

  it("rejects a dependency cycle, naming its path", () => {
    const a = asset({ name: "a", deps: ["c"] }, () => 1);
    const b = asset({ name: "b", deps: ["a"] }, () => 1);
    const c = asset({ name: "c", deps: ["b"] }, () => 1);
    const d = asset({ name: "d", deps: ["a"] }, () => 1);
    try {
      new Definitions({ assets: [d, a, b, c] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DependencyCycleError);
      const cycle = (error as DependencyCycleError).cycle;
      expect(cycle[0]).toBe(cycle[cycle.length - 1]);
      expect(new Set(cycle)).toEqual(new Set(["a", "b", "c"]));
      expect((error as Error).message).toMatch(/a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c/);
    }
  });

  it("rejects an unpartitioned asset that depends on itself, saying how a self-dependency is allowed", () => {
    expect(() => new Definitions({ assets: [asset({ name: "a", deps: ["a"] }, () => 1)] })).toThrow(SelfDependencyError);
    expect(() => new Definitions({ assets: [asset({ name: "a", deps: ["a"] }, () => 1)] })).toThrow(/Asset "a" depends on itself, but it is not partitioned.*TimeWindowPartitionMapping/);
  });

  it("rejects a required resource that is not provided, listing the ones that are", () => {
    const a = asset({ name: "a", requiredResourceKeys: ["warehouse"] }, () => 1);
    expect(() => new Definitions({ assets: [a], resources: { api: {} } })).toThrow(MissingResourceError);
    expect(() => new Definitions({ assets: [a], resources: { api: {} } })).toThrow(/requires resource "warehouse".*available: "api"/);
    expect(() => new Definitions({ assets: [a], resources: { warehouse: {} } })).not.toThrow();
  });

  it("turns a dependency on an undefined key into an external asset", () => {
    const a = asset({ name: "a", deps: ["vendor_feed"] }, () => 1);
    expect(() => new Definitions({ assets: [a] })).not.toThrow();
  });

  it("reports a dependency on a near-miss of a defined key as a typo, with did you mean", () => {
    const orders = asset("orders", () => 1);
    const revenue = asset({ name: "revenue", ins: { orders: new AssetIn({ key: "ordres" }) } }, () => 1);
    expect(() => new Definitions({ assets: [orders, revenue] })).toThrow(UnknownAssetError);
    expect(() => new Definitions({ assets: [orders, revenue] })).toThrow(/Did you mean "orders"\?.*new AssetSpec\("ordres"\)/);
  });

  it("rejects something that is not an asset", () => {
    expect(() => new Definitions({ assets: [{ key: "x" } as never] })).toThrow(/assets\[0\] is not an asset definition/);
  });
});

describe("op names", () => {
  it("rejects two definitions whose ops share a name, since step keys must be unique", async () => {
    const { multiAsset, AssetOut } = await import("./multi-asset.js");
    const keyed = asset({ key: ["a", "b"] }, () => 1);
    const named = multiAsset({ name: "a__b", outs: { c: new AssetOut() } }, () => ({ c: 1 }));
    expect(() => new Definitions({ assets: [keyed, named] })).toThrow(/Op name "a__b" is used by/);
  });
});

describe("an input named by a bare name (the reference's resolve_assets_def_deps)", () => {
  it("resolves to the asset of that name in the same group, under the asset's key prefix", async () => {
    const daily = new DailyPartitionsDefinition({ startDate: "2026-01-01" });
    const orders = asset({ name: "orders", keyPrefix: "shop", partitionsDef: daily }, (ctx) => ctx.partitionKey);
    const previous = asset(
      { name: "previous", keyPrefix: "shop", partitionsDef: daily, ins: { orders: new AssetIn<string>({ partitionMapping: new TimeWindowPartitionMapping({ startOffset: -1, endOffset: -1 }) }) } },
      (_ctx, { orders }) => `after ${orders}`,
    );
    const defs = new Definitions({ assets: [orders, previous] });
    expect(defs.getAssetSpec("shop/previous")?.deps.map((d) => d.key.toString())).toEqual(["shop/orders"]);
    const instance = Instance.ephemeral();
    await defs.materialize("shop/orders", { instance, partitionKey: "2026-01-01" });
    const result = await defs.materialize("shop/previous", { instance, partitionKey: "2026-01-02" });
    expect(result.assetValue("shop/previous", { partitionKey: "2026-01-02" })).toBe("after 2026-01-01");
  });

  it("keeps the bare key (an external asset) when no asset or several in the group have the name", () => {
    const a = asset({ name: "orders", keyPrefix: "eu" }, () => 1);
    const b = asset({ name: "orders", keyPrefix: "us" }, () => 2);
    const total = asset({ name: "total", keyPrefix: "eu", ins: { orders: new AssetIn() } }, () => 3);
    const elsewhere = asset({ name: "orders", keyPrefix: "apac", groupName: "apac" }, () => 4);
    const apac = asset({ name: "apac_total", groupName: "other", ins: { orders: new AssetIn() } }, () => 5);
    const defs = new Definitions({ assets: [a, b, total, elsewhere, apac] });
    expect(defs.getAssetSpec("eu/total")?.deps.map((d) => d.key.toString())).toEqual(["orders"]);
    expect(defs.getAssetSpec("apac_total")?.deps.map((d) => d.key.toString())).toEqual(["orders"]);
  });

  it("leaves a bare key that names an asset alone", () => {
    const bare = asset("orders", () => 1);
    const prefixed = asset({ name: "orders", keyPrefix: "shop" }, () => 2);
    const total = asset({ name: "total", keyPrefix: "shop", ins: { orders: new AssetIn() } }, () => 3);
    const defs = new Definitions({ assets: [bare, prefixed, total] });
    expect(defs.getAssetSpec("shop/total")?.deps.map((d) => d.key.toString())).toEqual(["orders"]);
  });
});
