import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AssetKey, UnknownAssetError, type AssetKeyLike } from "../core/index.js";
import { AssetSpec, MaterializeResult, asset, type AssetsItem } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { materialize } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { StaleStatusResolver } from "./stale-status-resolver.js";

const defsOf = (...assets: AssetsItem[]): Definitions => new Definitions({ assets });

/** Records an observation of an external asset with the given data version, as an observe function would. */
async function observeVersion(instance: Instance, key: AssetKeyLike, version: string): Promise<void> {
  const run = await instance.createRun({ jobName: "__observe__", tags: {}, assetSelection: [], runConfig: {} });
  await instance.storeEvents([
    { runId: run.runId, timestamp: Date.now(), eventType: "ASSET_OBSERVATION", assetKey: AssetKey.from(key), tags: { "tessera/data_version": version } },
  ]);
}

const statusOf = (instance: Instance, defs: Definitions, key: AssetKeyLike) => new StaleStatusResolver(instance, defs).getStatus(key);
const causesOf = (instance: Instance, defs: Definitions, key: AssetKeyLike) => new StaleStatusResolver(instance, defs).getStaleCauses(key);
const k = (key: string) => AssetKey.from(key);

describe("StaleStatusResolver: statuses", () => {
  const source1 = new AssetSpec("source1");
  const asset1 = asset({ name: "asset1", deps: [source1], codeVersion: "abc" }, () => 1);
  const asset2 = asset({ name: "asset2", ins: { asset1 }, codeVersion: "xyz" }, () => 2);
  const defs = defsOf(source1, asset1, asset2);

  it("reports MISSING without causes before anything is materialized, and an external asset as FRESH", async () => {
    const resolver = new StaleStatusResolver(Instance.ephemeral(), defs);
    expect(await resolver.getStatus("asset1")).toBe("MISSING");
    expect(await resolver.getStatus("asset2")).toBe("MISSING");
    expect(await resolver.getStatus("source1")).toBe("FRESH");
    expect(await resolver.getStaleCauses("asset1")).toEqual([]);
    expect(await resolver.getStaleCauses("source1")).toEqual([]);
  });

  it("reports FRESH after everything is materialized", async () => {
    const instance = Instance.ephemeral();
    await defs.materialize(undefined, { instance });
    expect(await statusOf(instance, defs, "asset1")).toBe("FRESH");
    expect(await statusOf(instance, defs, "asset2")).toBe("FRESH");
    expect(await causesOf(instance, defs, "asset2")).toEqual([]);
  });

  it("reports MISSING again after the asset is wiped", async () => {
    const instance = Instance.ephemeral();
    await defs.materialize(undefined, { instance });
    await instance.wipeAssets(["asset2"]);
    expect(await statusOf(instance, defs, "asset2")).toBe("MISSING");
    expect(await statusOf(instance, defs, "asset1")).toBe("FRESH");
  });

  it("throws UnknownAssetError with near matches for a key outside the definitions", async () => {
    const resolver = new StaleStatusResolver(Instance.ephemeral(), defs);
    await expect(resolver.getStatus("asset3")).rejects.toThrow(UnknownAssetError);
    await expect(resolver.getStaleCauses(["nope", "at", "all"])).rejects.toThrow(/"nope\/at\/all" in the staleness query is not defined/);
  });

  it("accepts every form of key", async () => {
    const nested = asset({ name: "orders", keyPrefix: ["raw"] }, () => 1);
    const instance = Instance.ephemeral();
    const nestedDefs = defsOf(nested);
    await nestedDefs.materialize(undefined, { instance });
    const resolver = new StaleStatusResolver(instance, nestedDefs);
    expect(await resolver.getStatus("raw/orders")).toBe("FRESH");
    expect(await resolver.getStatus(["raw", "orders"])).toBe("FRESH");
    expect(await resolver.getStatus(new AssetKey(["raw", "orders"]))).toBe("FRESH");
  });
});

describe("StaleStatusResolver: CODE", () => {
  it("makes an asset with a new code version STALE, and leaves its downstream FRESH", async () => {
    const instance = Instance.ephemeral();
    const asset1 = asset({ name: "asset1", codeVersion: "abc" }, () => 1);
    const asset2 = asset({ name: "asset2", ins: { asset1 }, codeVersion: "xyz" }, () => 2);
    await materialize([asset1, asset2], { instance });

    const asset1v2 = asset({ name: "asset1", codeVersion: "def" }, () => 1);
    const defs = defsOf(asset1v2, asset2);
    expect(await statusOf(instance, defs, "asset1")).toBe("STALE");
    expect(await causesOf(instance, defs, "asset1")).toEqual([{ key: k("asset1"), category: "CODE", reason: "has a new code version" }]);
    expect(await statusOf(instance, defs, "asset2")).toBe("FRESH");
  });

  it("never reports CODE for an asset without a code version (each run stands in for one)", async () => {
    const instance = Instance.ephemeral();
    const a = asset("a", () => 1);
    await materialize([a], { instance });
    await materialize([a], { instance });
    expect(await statusOf(instance, defsOf(a), "a")).toBe("FRESH");
  });

  it("reports CODE when a code version is added to an asset that had none", async () => {
    const instance = Instance.ephemeral();
    await materialize([asset("a", () => 1)], { instance });
    const versioned = asset({ name: "a", codeVersion: "1" }, () => 1);
    expect(await causesOf(instance, defsOf(versioned), "a")).toEqual([{ key: k("a"), category: "CODE", reason: "has a new code version" }]);
  });
});

describe("StaleStatusResolver: DATA", () => {
  it("makes an asset STALE when an observed upstream has a new data version, and not its downstream", async () => {
    const instance = Instance.ephemeral();
    const source1 = new AssetSpec("source1");
    const asset1 = asset({ name: "asset1", deps: [source1], codeVersion: "abc" }, () => 1);
    const asset2 = asset({ name: "asset2", ins: { asset1 }, codeVersion: "xyz" }, () => 2);
    const defs = defsOf(source1, asset1, asset2);
    await defs.materialize(undefined, { instance });
    await observeVersion(instance, "source1", "1");

    const resolver = new StaleStatusResolver(instance, defs);
    expect(await resolver.getStatus("source1")).toBe("FRESH");
    expect(await resolver.getStatus("asset1")).toBe("STALE");
    expect(await resolver.getStaleCauses("asset1")).toEqual([
      {
        key: k("asset1"),
        category: "DATA",
        reason: "has a new dependency data version",
        dependency: k("source1"),
        children: [{ key: k("source1"), category: "DATA", reason: "has a new data version" }],
      },
    ]);
    expect(await resolver.getStatus("asset2")).toBe("FRESH");
  });

  it("says 'materialization' rather than 'data version' for an upstream without a code version, and is FRESH once rematerialized", async () => {
    const instance = Instance.ephemeral();
    const asset1 = asset("asset1", () => 1);
    const asset2 = asset({ name: "asset2", ins: { asset1 } }, () => 2);
    const defs = defsOf(asset1, asset2);
    await defs.materialize(undefined, { instance });
    expect(await statusOf(instance, defs, "asset2")).toBe("FRESH");

    await defs.materialize(["asset1"], { instance });
    expect(await statusOf(instance, defs, "asset1")).toBe("FRESH");
    expect(await statusOf(instance, defs, "asset2")).toBe("STALE");
    expect(await causesOf(instance, defs, "asset2")).toEqual([
      {
        key: k("asset2"),
        category: "DATA",
        reason: "has a new dependency materialization",
        dependency: k("asset1"),
        children: [{ key: k("asset1"), category: "DATA", reason: "has a new materialization" }],
      },
    ]);

    await defs.materialize(["asset2"], { instance });
    expect(await statusOf(instance, defs, "asset2")).toBe("FRESH");
  });

  it("keeps the downstream FRESH when a versioned upstream is rematerialized to the same data version", async () => {
    const instance = Instance.ephemeral();
    const asset1 = asset({ name: "asset1", codeVersion: "abc" }, () => 1);
    const asset2 = asset({ name: "asset2", ins: { asset1 } }, () => 2);
    const defs = defsOf(asset1, asset2);
    await defs.materialize(undefined, { instance });
    await defs.materialize(["asset1"], { instance });
    expect(await statusOf(instance, defs, "asset1")).toBe("FRESH");
    expect(await statusOf(instance, defs, "asset2")).toBe("FRESH");
  });

  it("follows user-given data versions: a new one makes the downstream STALE, the old one again makes it FRESH", async () => {
    const instance = Instance.ephemeral();
    const config = z.object({ value: z.number() });
    const asset1 = asset({ name: "asset1", config }, (ctx) => new MaterializeResult({ value: ctx.config.value, dataVersion: String(ctx.config.value) }));
    const asset2 = asset({ name: "asset2", ins: { asset1 }, config }, (ctx, { asset1 }) => {
      const value = ctx.config.value + asset1;
      return new MaterializeResult({ value, dataVersion: String(value) });
    });
    const defs = defsOf(asset1, asset2);
    const withValue = (value: number) => ({ ops: { asset1: { config: { value } }, asset2: { config: { value } } } });
    await defs.materialize(undefined, { instance, runConfig: withValue(1) });
    expect(await statusOf(instance, defs, "asset2")).toBe("FRESH");

    await defs.materialize(["asset1"], { instance, runConfig: { ops: { asset1: { config: { value: 2 } } } } });
    expect(await statusOf(instance, defs, "asset1")).toBe("FRESH");
    expect(await statusOf(instance, defs, "asset2")).toBe("STALE");
    // asset1 has no code version, but its version was given, so the cause speaks of data versions.
    expect(await causesOf(instance, defs, "asset2")).toEqual([
      {
        key: k("asset2"),
        category: "DATA",
        reason: "has a new dependency data version",
        dependency: k("asset1"),
        children: [{ key: k("asset1"), category: "DATA", reason: "has a new data version" }],
      },
    ]);

    await defs.materialize(["asset1"], { instance, runConfig: { ops: { asset1: { config: { value: 1 } } } } });
    expect(await statusOf(instance, defs, "asset2")).toBe("FRESH");
  });

  it("keeps the downstream FRESH when an upstream with a new code version gives the same data version", async () => {
    const instance = Instance.ephemeral();
    const asset1 = asset({ name: "asset1", codeVersion: "1" }, () => new MaterializeResult({ value: 1, dataVersion: "2026-01" }));
    const asset2 = asset({ name: "asset2", ins: { asset1 }, codeVersion: "1" }, () => 2);
    await materialize([asset1, asset2], { instance });
    const asset1v2 = asset({ name: "asset1", codeVersion: "2" }, () => new MaterializeResult({ value: 1, dataVersion: "2026-01" }));
    const defs = defsOf(asset1v2, asset2);
    expect(await statusOf(instance, defs, "asset1")).toBe("STALE");
    await defs.materialize(["asset1"], { instance });
    expect(await statusOf(instance, defs, "asset1")).toBe("FRESH");
    expect(await statusOf(instance, defs, "asset2")).toBe("FRESH");
  });

  it("stops at a stale asset: its downstream turns STALE only once it is rematerialized with a new data version", async () => {
    const instance = Instance.ephemeral();
    const a = asset({ name: "a", codeVersion: "1" }, () => 1);
    const b = asset({ name: "b", ins: { a }, codeVersion: "1" }, () => 2);
    const c = asset({ name: "c", ins: { b }, codeVersion: "1" }, () => 3);
    await materialize([a, b, c], { instance });

    const a2 = asset({ name: "a", codeVersion: "2" }, () => 1);
    const defs = defsOf(a2, b, c);
    await defs.materialize(["a"], { instance });
    let statuses = await new StaleStatusResolver(instance, defs).getStatuses();
    expect(Object.fromEntries(statuses)).toEqual({ a: "FRESH", b: "STALE", c: "FRESH" });

    await defs.materialize(["b"], { instance });
    statuses = await new StaleStatusResolver(instance, defs).getStatuses();
    expect(Object.fromEntries(statuses)).toEqual({ a: "FRESH", b: "FRESH", c: "STALE" });
  });

  it("compares the recorded version of a non-argument dep like that of an input", async () => {
    const instance = Instance.ephemeral();
    const upstream = asset("upstream", () => 1);
    const downstream = asset({ name: "downstream", deps: [upstream] }, () => 2);
    const defs = defsOf(upstream, downstream);
    await defs.materialize(undefined, { instance });
    await defs.materialize(["upstream"], { instance });
    expect(await causesOf(instance, defs, "downstream")).toMatchObject([{ category: "DATA", dependency: k("upstream") }]);
  });

  it("lists one DATA cause per changed upstream, ordered by key", async () => {
    const instance = Instance.ephemeral();
    const zeta = asset("zeta", () => 1);
    const alpha = asset("alpha", () => 1);
    const steady = asset({ name: "steady", codeVersion: "1" }, () => 1);
    const sink = asset({ name: "sink", ins: { zeta, alpha, steady }, codeVersion: "1" }, () => 1);
    const defs = defsOf(zeta, alpha, steady, sink);
    await defs.materialize(undefined, { instance });
    await defs.materialize(["zeta", "alpha", "steady"], { instance });
    const causes = await causesOf(instance, defs, "sink");
    expect(causes.map((c) => [c.category, c.dependency?.toString()])).toEqual([
      ["DATA", "alpha"],
      ["DATA", "zeta"],
    ]);
  });
});

describe("StaleStatusResolver: DEPENDENCIES", () => {
  it("reports removed and added dependencies, ordered by the dependency's key", async () => {
    const instance = Instance.ephemeral();
    const asset1 = asset({ name: "asset1", codeVersion: "abc" }, () => 1);
    const asset2 = asset({ name: "asset2", ins: { asset1 }, codeVersion: "xyz" }, () => 2);
    await materialize([asset1, asset2], { instance });

    const asset3 = asset("asset3", () => 3);
    const asset2v2 = asset({ name: "asset2", ins: { asset3 }, codeVersion: "xyz" }, () => 2);
    const defs = defsOf(asset1, asset2v2, asset3);
    expect(await statusOf(instance, defs, "asset2")).toBe("STALE");
    expect(await causesOf(instance, defs, "asset2")).toEqual([
      { key: k("asset2"), category: "DEPENDENCIES", reason: "removed dependency on asset1", dependency: k("asset1") },
      { key: k("asset2"), category: "DEPENDENCIES", reason: "has a new dependency on asset3", dependency: k("asset3") },
    ]);
  });

  it("puts a CODE cause before dependency causes", async () => {
    const instance = Instance.ephemeral();
    const a = asset("a", () => 1);
    const b = asset({ name: "b", codeVersion: "1" }, () => 1);
    await materialize([a, b], { instance });
    const b2 = asset({ name: "b", codeVersion: "2", deps: [a] }, () => 1);
    expect((await causesOf(instance, defsOf(a, b2), "b")).map((c) => c.category)).toEqual(["CODE", "DEPENDENCIES"]);
  });
});

describe("StaleStatusResolver: external assets", () => {
  it("treats an external asset never observed as version INITIAL, and an observed one by its observation", async () => {
    const instance = Instance.ephemeral();
    const vendor = new AssetSpec("vendor");
    const table = asset({ name: "table", deps: [vendor] }, () => 1);
    const defs = defsOf(vendor, table);
    const resolver = new StaleStatusResolver(instance, defs);
    expect(await resolver.getCurrentDataVersion("vendor")).toBe("INITIAL");
    expect(await resolver.getCurrentDataVersion("table")).toBe("NULL");

    await observeVersion(instance, "vendor", "v7");
    const later = new StaleStatusResolver(instance, defs);
    expect(await later.getCurrentDataVersion("vendor")).toBe("v7");
    expect(await later.getStatus("vendor")).toBe("FRESH");
  });

  it("makes the downstream FRESH after materializing with the observed version, STALE after a new observation", async () => {
    const instance = Instance.ephemeral();
    const vendor = new AssetSpec("vendor");
    const table = asset({ name: "table", deps: [vendor], codeVersion: "1" }, () => 1);
    const defs = defsOf(vendor, table);
    await observeVersion(instance, "vendor", "v1");
    await defs.materialize(undefined, { instance });
    expect(await statusOf(instance, defs, "table")).toBe("FRESH");
    await observeVersion(instance, "vendor", "v1");
    expect(await statusOf(instance, defs, "table")).toBe("FRESH");
    await observeVersion(instance, "vendor", "v2");
    expect(await statusOf(instance, defs, "table")).toBe("STALE");
  });

  it("counts an upstream key not declared anywhere as an external asset", async () => {
    const instance = Instance.ephemeral();
    const table = asset({ name: "table", deps: ["elsewhere/feed"] }, () => 1);
    const defs = defsOf(table);
    await defs.materialize(undefined, { instance });
    expect(await statusOf(instance, defs, "elsewhere/feed")).toBe("FRESH");
    expect(await statusOf(instance, defs, "table")).toBe("FRESH");
  });

  it("does not count an external upstream (INITIAL) that became a never-materialized asset (NULL) as a change", async () => {
    const instance = Instance.ephemeral();
    const feed = new AssetSpec("feed");
    const table = asset({ name: "table", deps: [feed], codeVersion: "1" }, () => 1);
    await materialize([feed, table], { instance });
    const computedFeed = asset("feed", () => 1);
    const defs = defsOf(computedFeed, table);
    expect(await statusOf(instance, defs, "feed")).toBe("MISSING");
    expect(await statusOf(instance, defs, "table")).toBe("FRESH");
  });
});

describe("StaleStatusResolver: root causes", () => {
  it("reaches from a DATA cause to the upstream's change, and does not see past a FRESH asset", async () => {
    const instance = Instance.ephemeral();
    const source1 = new AssetSpec("source1");
    const asset1 = asset({ name: "asset1", deps: [source1], codeVersion: "1" }, () => 1);
    const asset2 = asset({ name: "asset2", ins: { asset1 }, codeVersion: "1" }, () => 2);
    const asset3 = asset({ name: "asset3", ins: { asset2 }, codeVersion: "1" }, () => 3);
    await materialize([source1, asset1, asset2, asset3], { instance });

    const asset1v2 = asset({ name: "asset1", deps: [source1], codeVersion: "2" }, () => 1);
    const defs = defsOf(source1, asset1v2, asset2, asset3);
    let resolver = new StaleStatusResolver(instance, defs);
    expect(await resolver.getStaleRootCauses("asset1")).toEqual([{ key: k("asset1"), category: "CODE", reason: "has a new code version" }]);
    expect(await resolver.getStaleRootCauses("asset2")).toEqual([]);

    await observeVersion(instance, "source1", "2");
    resolver = new StaleStatusResolver(instance, defs);
    expect(await resolver.getStaleRootCauses("asset1")).toEqual([
      { key: k("asset1"), category: "CODE", reason: "has a new code version" },
      { key: k("source1"), category: "DATA", reason: "has a new data version" },
    ]);
    expect(await resolver.getStatus("asset2")).toBe("FRESH");

    await defs.materialize(["asset1"], { instance });
    resolver = new StaleStatusResolver(instance, defs);
    expect(await resolver.getStatus("asset1")).toBe("FRESH");
    expect(await resolver.getStaleRootCauses("asset2")).toEqual([{ key: k("asset1"), category: "DATA", reason: "has a new data version" }]);
    expect(await resolver.getStatus("asset3")).toBe("FRESH");
  });
});

describe("StaleStatusResolver: materializations without provenance", () => {
  async function storeBareMaterialization(instance: Instance, key: string, timestamp: number): Promise<void> {
    const run = await instance.createRun({ jobName: "__legacy__", tags: {}, assetSelection: [], runConfig: {} });
    await instance.storeEvents([{ runId: run.runId, timestamp, eventType: "ASSET_MATERIALIZATION", assetKey: k(key) }]);
  }

  it("is FRESH when the upstream is external, its version unknowable", async () => {
    const instance = Instance.ephemeral();
    const bar = new AssetSpec("bar");
    const foo = asset({ name: "foo", deps: [bar], codeVersion: "1" }, () => 1);
    await storeBareMaterialization(instance, "foo", 1_000);
    const resolver = new StaleStatusResolver(instance, defsOf(bar, foo));
    expect(await resolver.getStatus("foo")).toBe("FRESH");
    expect(await resolver.getStaleRootCauses("foo")).toEqual([]);
    expect(await resolver.getCurrentDataVersion("foo")).toBe("INITIAL");
  });

  it("compares materialization times with computed upstreams: never materialized, or materialized later", async () => {
    const instance = Instance.ephemeral();
    const up = asset("up", () => 1);
    const down = asset({ name: "down", ins: { up } }, () => 1);
    const defs = defsOf(up, down);
    await storeBareMaterialization(instance, "down", 1_000);
    expect(await causesOf(instance, defs, "down")).toEqual([{ key: k("down"), category: "DATA", reason: "has a new input", dependency: k("up") }]);

    await storeBareMaterialization(instance, "up", 500);
    expect(await statusOf(instance, defs, "down")).toBe("FRESH");

    await storeBareMaterialization(instance, "up", 2_000);
    expect(await causesOf(instance, defs, "down")).toEqual([
      {
        key: k("down"),
        category: "DATA",
        reason: "has a new dependency materialization",
        dependency: k("up"),
        children: [{ key: k("up"), category: "DATA", reason: "has a new materialization" }],
      },
    ]);
  });
});

describe("StaleStatusResolver: reading the instance", () => {
  it("computes every status with one read of the asset index", async () => {
    const instance = Instance.ephemeral();
    const roots = Array.from({ length: 20 }, (_, i) => asset({ name: `up_${i}`, codeVersion: "1" }, () => i));
    const fanIn = asset({ name: "fan_in", deps: roots, codeVersion: "1" }, () => 0);
    const defs = defsOf(...roots, fanIn);
    await defs.materialize(undefined, { instance });

    const reads = vi.spyOn(instance, "getAssetRecords");
    const resolver = new StaleStatusResolver(instance, defs);
    const statuses = await resolver.getStatuses();
    expect(statuses.size).toBe(21);
    expect([...statuses.values()].every((s) => s === "FRESH")).toBe(true);
    expect(await resolver.getStaleCauses("fan_in")).toEqual([]);
    expect(await resolver.getStatus("up_3")).toBe("FRESH");
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it("reads only the asset and its parents for one status, then only what is new", async () => {
    const instance = Instance.ephemeral();
    const a = asset("a", () => 1);
    const b = asset({ name: "b", ins: { a } }, () => 1);
    const c = asset({ name: "c", ins: { b } }, () => 1);
    const defs = defsOf(a, b, c);
    await defs.materialize(undefined, { instance });

    const reads = vi.spyOn(instance, "getAssetRecords");
    const resolver = new StaleStatusResolver(instance, defs);
    await Promise.all([resolver.getStatus("b"), resolver.getStatus("b")]);
    expect(reads.mock.calls.map(([keys]) => keys?.map(String))).toEqual([["b", "a"]]);
    await resolver.getStatus("c");
    expect(reads.mock.calls.map(([keys]) => keys?.map(String))).toEqual([["b", "a"], ["c"]]);
  });

  it("reads nothing when given the asset records the caller already read", async () => {
    const instance = Instance.ephemeral();
    const a = asset({ name: "a", codeVersion: "1" }, () => 1);
    const b = asset({ name: "b", ins: { a }, codeVersion: "1" }, () => 1);
    const never = asset("never", () => 1);
    await materialize([a, b, never], { instance, selection: ["a", "b"] });
    const defs = defsOf(asset({ name: "a", codeVersion: "2" }, () => 1), b, never);
    const assetRecords = await instance.getAssetRecords();

    const reads = vi.spyOn(instance, "getAssetRecords");
    const resolver = new StaleStatusResolver(instance, defs, { assetRecords });
    expect(Object.fromEntries(await resolver.getStatuses())).toEqual({ a: "STALE", b: "FRESH", never: "MISSING" });
    expect(await resolver.getStaleCauses("a")).toMatchObject([{ category: "CODE" }]);
    expect(reads).not.toHaveBeenCalled();
  });

  it("answers from its snapshot: a new resolver sees later events", async () => {
    const instance = Instance.ephemeral();
    const a = asset("a", () => 1);
    const defs = defsOf(a);
    const resolver = new StaleStatusResolver(instance, defs);
    expect(await resolver.getStatus("a")).toBe("MISSING");
    await defs.materialize(undefined, { instance });
    expect(await resolver.getStatus("a")).toBe("MISSING");
    expect(await new StaleStatusResolver(instance, defs).getStatus("a")).toBe("FRESH");
  });
});
