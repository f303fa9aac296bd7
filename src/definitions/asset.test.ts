import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AssetKey, InvalidDefinitionError } from "../core/index.js";
import { asset } from "./asset.js";
import { AssetDep, AssetIn } from "./asset-dep.js";
import { AssetSpec } from "./asset-spec.js";
import { RetryPolicy } from "./retry-policy.js";

describe("asset()", () => {
  it("takes the key from name and keyPrefix, or from key", () => {
    expect(asset({ name: "orders", keyPrefix: ["warehouse", "raw"] }, () => 1).key.toString()).toBe("warehouse/raw/orders");
    expect(asset({ key: ["lake", "orders"] }, () => 1).key.toString()).toBe("lake/orders");
    expect(asset("orders", () => 1).key.toString()).toBe("orders");
  });

  it("takes the name of a named compute function when no name is given", () => {
    expect(asset(async function daily_revenue() { return 1; }).key.toString()).toBe("daily_revenue");
  });

  it("requires a name when the compute is anonymous", () => {
    expect(() => asset({}, () => 1)).toThrow(/needs a name/);
  });

  it("rejects key together with name or keyPrefix", () => {
    expect(() => asset({ key: "a", name: "b" }, () => 1)).toThrow(/either `key` or `name`/);
  });

  it("names its op after the key's segments joined by __", () => {
    expect(asset({ key: ["a", "b", "c"] }, () => 1).op.name).toBe("a__b__c");
  });

  it("records inputs, deps, metadata, tags, owners, kinds, group and code version on its spec", () => {
    const orders = asset("orders", () => [1]);
    const revenue = asset(
      {
        name: "revenue",
        ins: { orders, fx: new AssetIn({ key: ["raw", "fx"] }) },
        deps: ["calendar", new AssetDep(new AssetSpec("holidays"))],
        metadata: { owner_team: "finance", rows: 3 },
        tags: { domain: "finance" },
        owners: ["team:finance", "ana@example.com"],
        kinds: ["postgres"],
        groupName: "reports",
        codeVersion: "v2",
        description: "Revenue per day",
      },
      (_ctx, { orders }) => orders.length,
    );
    const spec = revenue.getAssetSpec();
    expect(spec.deps.map((d) => d.key.toString())).toEqual(["orders", "raw/fx", "calendar", "holidays"]);
    expect(revenue.inputs.map((i) => [i.name, i.key.toString()])).toEqual([["orders", "orders"], ["fx", "raw/fx"]]);
    expect(spec.metadata.rows).toEqual({ type: "int", value: 3 });
    expect(spec.tags).toEqual({ domain: "finance" });
    expect(spec.owners).toEqual(["team:finance", "ana@example.com"]);
    expect([...spec.kinds]).toEqual(["postgres"]);
    expect(spec.groupName).toBe("reports");
    expect(spec.codeVersion).toBe("v2");
    expect(revenue.descriptionsByKey.get("revenue")).toBe("Revenue per day");
    expect([...revenue.dependencyKeys].map(String).sort()).toEqual(["calendar", "holidays", "orders", "raw/fx"]);
  });

  it("puts an AssetIn's keyPrefix in front of the input name", () => {
    const a = asset({ name: "a", ins: { orders: new AssetIn({ keyPrefix: "raw" }) } }, () => 1);
    expect(a.inputs[0]?.key.toString()).toBe("raw/orders");
  });

  it("defaults the group to \"default\" and the IO manager to ioManager", () => {
    const a = asset("a", () => 1);
    expect(a.getAssetSpec().groupName).toBe("default");
    expect(a.outputs[0]?.ioManagerKey).toBe("ioManager");
    expect([...a.requiredResourceKeys]).toEqual(["ioManager"]);
  });

  it("collects required resource keys from requiredResourceKeys, typed resources and ioManagerKey", () => {
    class Warehouse {}
    const a = asset({ name: "a", requiredResourceKeys: ["api"], resources: { db: Warehouse }, ioManagerKey: "lake_io" }, () => 1);
    expect([...a.requiredResourceKeys].sort()).toEqual(["api", "db", "lake_io"]);
  });

  it("binds an ioManagerDef under a key of its own", () => {
    const io = { handleOutput() {}, loadInput() {} };
    const a = asset({ key: ["x", "y"], ioManagerDef: io }, () => 1);
    expect(a.outputs[0]?.ioManagerKey).toBe("x__y__io_manager");
    expect(a.resourceDefs["x__y__io_manager"]).toBe(io);
  });

  it("puts opTags on its op, structured values as JSON, and not on the asset", () => {
    const a = asset({ name: "a", tags: { domain: "sales" }, opTags: { "tessera/concurrency_key": "warehouse", limits: { cpu: 2 } } }, () => 1);
    expect(a.op.tags).toEqual({ "tessera/concurrency_key": "warehouse", limits: '{"cpu":2}' });
    expect(Object.isFrozen(a.op.tags)).toBe(true);
    expect(a.getAssetSpec().tags).toEqual({ domain: "sales" });
    expect(asset("b", () => 1).op.tags).toEqual({});
  });

  it("marks outputRequired: false as skippable", () => {
    expect(asset({ name: "a", outputRequired: false }, () => undefined).getAssetSpec().skippable).toBe(true);
  });

  it("rejects an upstream named in both ins and deps", () => {
    const up = asset("up", () => 1);
    expect(() => asset({ name: "a", ins: { up }, deps: [up] }, () => 1)).toThrow(/both in ins and deps/);
  });

  it("rejects a config that is not a zod schema and a retry policy that is not a RetryPolicy", () => {
    expect(() => asset({ name: "a", config: { limit: 1 } as unknown as z.ZodType }, () => 1)).toThrow(/zod schema/);
    expect(() => asset({ name: "a", retryPolicy: { maxRetries: 2 } as unknown as RetryPolicy }, () => 1)).toThrow(/new RetryPolicy/);
  });

  it("rejects invalid owners, more than three kinds and bad group names, naming the asset", () => {
    expect(() => asset({ name: "a", owners: ["finance"] }, () => 1)).toThrow(/Owner "finance" of asset "a"/);
    expect(() => asset({ name: "a", kinds: ["a", "b", "c", "d"] }, () => 1)).toThrow(/at most 3/);
    expect(() => asset({ name: "a", groupName: "my group" }, () => 1)).toThrow(InvalidDefinitionError);
  });

  it("rejects invalid key characters in the name", () => {
    expect(() => asset({ name: "daily revenue" }, () => 1)).toThrow(/Invalid asset key/);
  });

  it("is frozen", () => {
    const a = asset("a", () => 1);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.getAssetSpec())).toBe(true);
  });
});

describe("AssetSpec", () => {
  it("merges metadata, tags, owners, deps and kinds into a new spec", () => {
    const spec = new AssetSpec("orders", { metadata: { a: 1 }, tags: { x: "1" }, owners: ["team:a"], deps: ["raw"] });
    const merged = spec.mergeAttributes({ metadata: { b: 2 }, tags: { y: "2" }, owners: ["team:b"], deps: ["calendar"], kinds: ["csv"] });
    expect(Object.keys(merged.metadata)).toEqual(["a", "b"]);
    expect(merged.tags).toEqual({ x: "1", y: "2" });
    expect(merged.owners).toEqual(["team:a", "team:b"]);
    expect(merged.deps.map((d) => d.key.toString())).toEqual(["raw", "calendar"]);
    expect([...merged.kinds]).toEqual(["csv"]);
    expect(Object.keys(spec.metadata)).toEqual(["a"]);
  });

  it("replaces attributes, including the key", () => {
    const spec = new AssetSpec("orders", { description: "old", groupName: "g" });
    const replaced = spec.replaceAttributes({ key: ["raw", "orders"], description: "new" });
    expect(replaced.key.toString()).toBe("raw/orders");
    expect(replaced.description).toBe("new");
    expect(replaced.groupName).toBe("g");
  });

  it("records an IO manager key as metadata with withIoManagerKey", () => {
    const spec = new AssetSpec("orders").withIoManagerKey("lake_io");
    expect(spec.ioManagerKey).toBe("lake_io");
    expect(spec.metadata["tessera/io_manager_key"]).toEqual({ type: "text", value: "lake_io" });
  });

  it("rejects a dependency listed twice", () => {
    expect(() => new AssetSpec("a", { deps: ["b", "b"] })).toThrow(/twice/);
  });
});

describe("mapAssetSpecs", () => {
  it("maps specs and the specs inside asset definitions", async () => {
    const { mapAssetSpecs } = await import("./asset-spec.js");
    const a = asset("a", () => 1);
    const [mappedSpec, mappedDef] = mapAssetSpecs((s) => s.replaceAttributes({ groupName: "sales" }), [new AssetSpec("ext"), a]);
    expect((mappedSpec as AssetSpec).groupName).toBe("sales");
    expect((mappedDef as typeof a).getAssetSpec().groupName).toBe("sales");
    expect((mappedDef as typeof a).key.equals(new AssetKey("a"))).toBe(true);
  });
});
