import { describe, expect, it } from "vitest";
import { AssetKey, InvalidDefinitionError } from "../core/index.js";
import { AssetCheckSpec, AssetIn, AssetOut, AssetSpec, MaterializeResult, asset, multiAsset } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { AssetSelection } from "../graph/index.js";
import { Instance } from "../instance/index.js";
import { materialize } from "../code-location/index.js";

interface Order {
  id: number;
  channel: "online" | "retail";
  amount: number;
}
const orders = asset("orders", (): Order[] => [
  { id: 1, channel: "online", amount: 10 },
  { id: 2, channel: "retail", amount: 20 },
  { id: 3, channel: "online", amount: 5 },
]);

const split = multiAsset(
  { name: "split_orders", ins: { orders }, outs: { online: new AssetOut<Order[]>(), retail: new AssetOut<Order[]>({ keyPrefix: "stores", groupName: "stores" }) } },
  (_ctx, { orders }) => ({ online: orders.filter((o) => o.channel === "online"), retail: orders.filter((o) => o.channel === "retail") }),
);

describe("multiAsset()", () => {
  it("defines one asset per output, keyed by output name under its prefix, all depending on the inputs", () => {
    expect(split.keys.map(String)).toEqual(["online", "stores/retail"]);
    expect(split.getAssetSpec("stores/retail").groupName).toBe("stores");
    expect(split.getAssetSpec("online").deps.map((d) => d.key.toString())).toEqual(["orders"]);
    expect(split.op.name).toBe("split_orders");
    expect(() => split.key).toThrow(/use .keys/);
  });

  it("materializes every output from an object keyed by output name, in one step", async () => {
    const total = asset({ name: "online_total", ins: { online: new AssetIn<Order[]>({ key: "online" }) } }, (_ctx, { online }) =>
      online.reduce((sum, o) => sum + o.amount, 0),
    );
    const result = await materialize([orders, split, total]);
    expect(result.materializedKeys.map(String)).toEqual(["orders", "online", "stores/retail", "online_total"]);
    expect(result.assetValue("online_total")).toBe(15);
    expect(result.outputForNode("split_orders", "retail")).toEqual([{ id: 2, channel: "retail", amount: 20 }]);
    expect(result.allEvents.filter((e) => e.eventType === "STEP_START").map((e) => e.stepKey)).toEqual(["orders", "split_orders", "online_total"]);
  });

  it("takes MaterializeResults naming their assets, from a return or an async generator", async () => {
    const viaResults = multiAsset({ name: "pair", outs: { a: new AssetOut(), b: new AssetOut() } }, () => [
      new MaterializeResult({ assetKey: "a", value: 1 }),
      new MaterializeResult({ assetKey: "b", value: 2, metadata: { note: "b" } }),
    ]);
    const viaGenerator = multiAsset({ name: "streamed", outs: { c: new AssetOut(), d: new AssetOut() } }, async function* () {
      yield new MaterializeResult({ assetKey: "d", value: 4 });
      yield new MaterializeResult({ assetKey: "c", value: 3 });
    });
    const result = await materialize([viaResults, viaGenerator]);
    expect(["a", "b", "c", "d"].map((k) => result.assetValue(k))).toEqual([1, 2, 3, 4]);
  });

  it("builds outputs from specs, each with its own deps", async () => {
    const specs = [new AssetSpec("customers_eu", { deps: ["orders"] }), new AssetSpec("customers_us", { deps: ["orders"], skippable: true })];
    const customers = multiAsset({ name: "customers", specs, deps: ["orders"] }, () => [new MaterializeResult({ assetKey: "customers_eu", value: ["acme"] })]);
    const result = await materialize([orders, customers]);
    expect(result.materializedKeys.map(String)).toEqual(["orders", "customers_eu"]);
    expect(customers.outputs.map((o) => o.name)).toEqual(["customers_eu", "customers_us"]);
  });

  it("restricts each output's upstreams with internalAssetDeps", () => {
    const m = multiAsset(
      { name: "m", ins: { orders }, deps: ["calendar"], outs: { x: new AssetOut(), y: new AssetOut() }, internalAssetDeps: { x: ["orders"], y: ["calendar", "x"] } },
      () => ({ x: 1, y: 2 }),
    );
    expect(m.getAssetSpec("x").deps.map((d) => d.key.toString())).toEqual(["orders"]);
    expect(m.getAssetSpec("y").deps.map((d) => d.key.toString())).toEqual(["calendar", "x"]);
    expect(() => multiAsset({ name: "bad", outs: { x: new AssetOut() }, internalAssetDeps: { x: ["nowhere"] } }, () => ({ x: 1 }))).toThrow(
      /names "nowhere", which is neither an input, a dep nor another output/,
    );
  });

  it("runs only the selected outputs of a subsettable multi-asset, telling the compute which", async () => {
    const seen: string[][] = [];
    const m = multiAsset({ name: "subsettable", canSubset: true, outs: { x: new AssetOut({ isRequired: false }), y: new AssetOut({ isRequired: false }) } }, (ctx) => {
      seen.push([...ctx.selectedOutputNames]);
      return Object.fromEntries(ctx.selectedOutputNames.map((n) => [n, n.toUpperCase()]));
    });
    const result = await materialize([m], { selection: ["y"] });
    expect(seen).toEqual([["y"]]);
    expect(result.materializedKeys.map(String)).toEqual(["y"]);
  });

  it("refuses to run part of a multi-asset that cannot subset, naming the missing siblings", async () => {
    await expect(materialize([orders, split], { selection: ["online"] })).rejects.toThrow(/stores\/retail are computed together with the selected online by op "split_orders"/);
    const defs = new Definitions({ assets: [orders, split] });
    expect(AssetSelection.assets("online").requiredMultiAssetNeighbors().resolve(defs).map(String)).toEqual(["online", "stores/retail"]);
  });

  it("fails a step that returns outputs not among its outs", async () => {
    const m = multiAsset({ name: "m", outs: { x: new AssetOut() } }, () => ({ x: 1, z: 2 }) as { x: number });
    await expect(materialize([m])).rejects.toThrow(/returned output "z", which is not among its outs \(x\)/);
  });

  it("fails a step that yields a result for an unselected or unknown key", async () => {
    const m = multiAsset({ name: "m", canSubset: true, outs: { x: new AssetOut({ isRequired: false }), y: new AssetOut({ isRequired: false }) } }, async function* () {
      yield new MaterializeResult({ assetKey: "x", value: 1 });
    });
    await expect(materialize([m], { selection: ["y"] })).rejects.toThrow(/asset "x", which this run did not select/);
    const n = multiAsset({ name: "n", outs: { x: new AssetOut() } }, () => new MaterializeResult({ assetKey: "elsewhere", value: 1 }));
    await expect(materialize([n])).rejects.toThrow(/"elsewhere", which it does not compute/);
  });

  it("fails when a required output is missing, and skips downstream of an optional one", async () => {
    const m = multiAsset({ name: "m", outs: { x: new AssetOut(), y: new AssetOut() } }, () => ({ x: 1 }) as { x: number; y: number });
    await expect(materialize([m])).rejects.toThrow(/Asset "y" finished without materializing/);
    const optional = multiAsset({ name: "o", outs: { p: new AssetOut(), q: new AssetOut({ isRequired: false }) } }, () => ({ p: 1 }));
    const afterQ = asset({ name: "after_q", ins: { q: new AssetIn({ key: "q" }) } }, () => 1);
    const result = await materialize([optional, afterQ]);
    expect(result.materializedKeys.map(String)).toEqual(["p"]);
    expect(result.getStepSkippedEvents().map((e) => e.stepKey)).toEqual(["after_q"]);
  });

  it("requires exactly one of outs and specs, and a name", () => {
    expect(() => multiAsset({ name: "m" }, () => ({}))).toThrow(InvalidDefinitionError);
    expect(() => multiAsset({ outs: { x: new AssetOut() } }, () => ({ x: 1 }))).toThrow(/needs a name/);
  });

  it("records each output's materialization in the instance", async () => {
    const instance = Instance.ephemeral();
    await materialize([orders, split], { instance });
    expect((await instance.getAssetKeys()).map(String).sort()).toEqual(["online", "orders", "stores/retail"]);
  });
});

describe("AssetsDefinition as seen from elsewhere", () => {
  it("turns its assets into external specs that keep their attributes and IO manager", () => {
    const stored = asset({ name: "stored", ioManagerKey: "lake", groupName: "lake", deps: ["upstream"] }, () => 1);
    const [spec] = stored.toSourceAssets();
    expect(spec?.key.toString()).toBe("stored");
    expect(spec?.groupName).toBe("lake");
    expect(spec?.ioManagerKey).toBe("lake");
    expect(spec?.deps).toEqual([]);
    expect(stored.toSourceAsset().key.toString()).toBe("stored");
    expect(split.toSourceAssets().map((s) => s.key.toString())).toEqual(["online", "stores/retail"]);
  });

  it("AssetOut.fromSpec refuses a spec with deps, naming the spec and the fix; multiAsset({ specs }) keeps such deps", () => {
    const withDeps = new AssetSpec(["crm", "customers_eu"], { deps: ["orders"] });
    let error: unknown;
    try {
      AssetOut.fromSpec(withDeps);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidDefinitionError);
    expect((error as InvalidDefinitionError).message).toMatch(/Cannot build an AssetOut from spec "crm\/customers_eu": it has deps \("orders"\).*Put them on the multi-asset .*multiAsset\(\{ specs: \[spec, \.\.\.\] \}\)/);
    expect((error as InvalidDefinitionError).definition).toBe(`AssetOut.fromSpec(spec "crm/customers_eu")`);
    expect(AssetOut.fromSpec(new AssetSpec("plain")).options.key).toEqual(new AssetSpec("plain").key);
    const m = multiAsset({ name: "from_specs", specs: [withDeps] }, () => ({}));
    expect([...m.assetDeps].map(([k, deps]) => [k, deps.map(String)])).toEqual([["crm/customers_eu", ["orders"]]]);
  });

  it("exposes the reference's properties: keys, deps, descriptions, groups, checks, op, resources", () => {
    const lake = { handleOutput() {}, loadInput() {} };
    const euSpec = new AssetSpec(["crm", "customers_eu"], { groupName: "crm", description: "EU customers", skippable: true });
    const m = multiAsset(
      {
        name: "customers",
        ins: { orders },
        deps: ["calendar"],
        canSubset: true,
        requiredResourceKeys: ["crm_api"],
        resourceDefs: { lake },
        outs: { eu: AssetOut.fromSpec(euSpec, { ioManagerKey: "lake" }), us: new AssetOut({ description: "US customers" }) },
        internalAssetDeps: { us: ["calendar"] },
        checkSpecs: [new AssetCheckSpec("has_rows", { asset: "us" })],
      },
      () => ({}),
    );
    expect(m.keys.map(String)).toEqual(["crm/customers_eu", "us"]);
    expect(m.canSubset).toBe(true);
    expect(split.canSubset).toBe(false);
    expect([...m.assetDeps].map(([k, deps]) => [k, deps.map(String)])).toEqual([["crm/customers_eu", ["orders", "calendar"]], ["us", ["calendar"]]]);
    expect([...m.dependencyKeys].map(String).sort()).toEqual(["calendar", "orders"]);
    expect(Object.fromEntries(m.descriptionsByKey)).toEqual({ "crm/customers_eu": "EU customers", us: "US customers" });
    expect(Object.fromEntries(m.groupNamesByKey)).toEqual({ "crm/customers_eu": "crm", us: "default" });
    expect(m.checkSpecs.map((c) => c.id)).toEqual(["us:has_rows"]);
    expect(m.nodeDef).toBe(m.op);
    expect(m.op.name).toBe("customers");
    expect(m.partitionsDef).toBeUndefined();
    expect([...m.requiredResourceKeys].sort()).toEqual(["crm_api", "ioManager", "lake"]);
    expect(m.resourceDefs.lake).toBe(lake);
    expect(m.outputForKey(AssetKey.from("crm/customers_eu"))).toMatchObject({ name: "eu", ioManagerKey: "lake", required: false });
    expect(() => m.key).toThrow(/has 2 assets \(crm\/customers_eu, us\); use .keys/);
    expect(orders.key.toString()).toBe("orders");
  });

  it("gives the partition mapping of an upstream, undefined for the default, and rejects a non-upstream", () => {
    const mapping = { kind: "identity" };
    const a = asset({ name: "a", ins: { up: new AssetIn({ key: "up", partitionMapping: mapping }) }, deps: ["other"] }, () => 1);
    expect(a.getPartitionMapping("up")).toBe(mapping);
    expect(a.getPartitionMapping("other")).toBeUndefined();
    expect(() => a.getPartitionMapping("nowhere")).toThrow(/not an upstream/);
  });
});
