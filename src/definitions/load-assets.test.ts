import { describe, expect, it } from "vitest";
import { CodeLocationError, DuplicateAssetKeyError, InvalidAssetKeyError, InvalidDefinitionError } from "../core/index.js";
import { materialize } from "../code-location/index.js";
import { BackfillPolicy } from "../partitions/index.js";
import { AutomationCondition, FreshnessPolicy } from "./index.js";
import * as current from "./__fixtures__/load-assets/current.js";
import * as finance from "./__fixtures__/load-assets/finance.js";
import * as fulfilment from "./__fixtures__/load-assets/fulfilment.js";
import * as orders from "./__fixtures__/load-assets/orders.js";
import {
  AssetSpec,
  AssetsDefinition,
  SourceAsset,
  asset,
  assetCheck,
  AssetCheckResult,
  loadAssetChecksFromModules,
  loadAssetChecksFromPackageModule,
  loadAssetsFromCurrentModule,
  loadAssetsFromModules,
  loadAssetsFromPackageModule,
  loadAssetsFromPackageName,
  mapAssetSpecs,
  type AssetsItem,
} from "./index.js";
import { Definitions } from "../code-location/index.js";

const packageDir = new URL("./__fixtures__/load-assets/package/", import.meta.url);

const keysOf = (items: readonly AssetsItem[]): string[] => items.flatMap((i) => (i instanceof AssetsDefinition ? i.keys : [i.key]).map(String));
const definitionOf = (items: readonly AssetsItem[], key: string): AssetsDefinition => {
  const found = items.find((i) => i instanceof AssetsDefinition && i.keys.some((k) => k.toString() === key));
  if (!(found instanceof AssetsDefinition)) throw new Error(`no definition of ${key} among ${keysOf(items).join(", ")}`);
  return found;
};
const depsOf = (items: readonly AssetsItem[], key: string): string[] =>
  definitionOf(items, key)
    .getAssetSpec(key)
    .deps.map((d) => d.key.toString());

describe("loadAssetsFromModules", () => {
  it("loads the asset definitions and SourceAssets that modules export, alone or in lists, each object once, by export name", () => {
    const loaded = loadAssetsFromModules([orders, fulfilment]);
    // orders.ts: allOrders (= orders), revenue; fulfilment.ts: carrierRates, reports[0..1], shipments, splitOrders, warehouses.
    expect(keysOf(loaded)).toEqual(["orders", "revenue", "carrier_rates", "daily_report", "weekly_report", "shipments", "small_orders", "large_orders", "warehouses"]);
    expect(loaded[0]).toBe(orders.orders);
    expect(loaded).toContain(fulfilment.warehouses);
  });

  it("leaves out checks, specs, lists with anything else in them, and values that are not assets", () => {
    const loaded = keysOf(loadAssetsFromModules([orders, fulfilment]));
    expect(loaded).not.toContain("raw_orders");
    expect(loaded).not.toContain("not_loaded");
    expect(loadAssetsFromModules([{ ordersHaveIds: orders.ordersHaveIds, helper: fulfilment.helper, carriers: fulfilment.carriers, empty: [] }])).toEqual([]);
  });

  it("loads AssetSpecs as external assets with includeSpecs", () => {
    const loaded = loadAssetsFromModules([orders], { includeSpecs: true });
    expect(keysOf(loaded)).toEqual(["orders", "raw_orders", "revenue"]);
    expect(loaded[1]).toBe(orders.rawOrders);
  });

  it("returns the modules' own objects when no option changes them", () => {
    const loaded = loadAssetsFromModules([fulfilment], { groupName: "default" });
    expect(loaded).toEqual(loadAssetsFromModules([fulfilment]));
    expect(loaded.every((item, i) => item === loadAssetsFromModules([fulfilment])[i])).toBe(true);
  });

  describe("keyPrefix", () => {
    const loaded = loadAssetsFromModules([orders, fulfilment], { keyPrefix: ["shop", "eu"] });

    it("prefixes the key of every loaded computed asset", () => {
      expect(keysOf(loaded)).toEqual([
        "shop/eu/orders",
        "shop/eu/revenue",
        "carrier_rates",
        "shop/eu/daily_report",
        "shop/eu/weekly_report",
        "shop/eu/shipments",
        "shop/eu/small_orders",
        "shop/eu/large_orders",
        "warehouses",
      ]);
    });

    it("rewrites dependencies and inputs between loaded assets so that they still connect", () => {
      expect(depsOf(loaded, "shop/eu/revenue")).toEqual(["shop/eu/orders"]);
      expect(definitionOf(loaded, "shop/eu/revenue").inputs.map((i) => [i.name, i.key.toString()])).toEqual([["orders", "shop/eu/orders"]]);
      expect(depsOf(loaded, "shop/eu/large_orders")).toEqual(["shop/eu/orders"]);
      expect(depsOf(loaded, "shop/eu/daily_report")).toEqual(["shop/eu/shipments"]);
    });

    it("keeps the keys of dependencies on sources and on assets it did not load", () => {
      expect(depsOf(loaded, "shop/eu/orders")).toEqual(["raw_orders"]);
      expect(depsOf(loaded, "shop/eu/shipments")).toEqual(["shop/eu/large_orders", "carrier_rates", "warehouses", "customs/rules"]);
    });

    it("renames a single asset's op after its new key, and keeps a multi-asset's op and output names", () => {
      expect(definitionOf(loaded, "shop/eu/orders").op.name).toBe("shop__eu__orders");
      const split = definitionOf(loaded, "shop/eu/small_orders");
      expect(split.op.name).toBe("split_orders");
      expect(split.outputs.map((o) => [o.name, o.key.toString()])).toEqual([
        ["small_orders", "shop/eu/small_orders"],
        ["large_orders", "shop/eu/large_orders"],
      ]);
    });

    it("moves the checks an asset evaluates to its new key", () => {
      expect(definitionOf(loaded, "shop/eu/revenue").checkSpecs.map((c) => c.id)).toEqual(["shop/eu/revenue:revenue_is_positive"]);
    });

    it("builds copies and leaves the modules' definitions as they were", () => {
      expect(orders.orders.key.toString()).toBe("orders");
      expect(orders.orders.op.name).toBe("orders");
      expect(orders.revenue.inputs[0]?.key.toString()).toBe("orders");
      expect(orders.revenue.checkSpecs[0]?.id).toBe("revenue:revenue_is_positive");
      expect(fulfilment.splitOrders.keys.map(String)).toEqual(["small_orders", "large_orders"]);
      expect(Object.isFrozen(definitionOf(loaded, "shop/eu/orders"))).toBe(true);
    });

    it("takes a string as one key segment", () => {
      expect(keysOf(loadAssetsFromModules([finance], { keyPrefix: "books" }))).toEqual(["books/ledger"]);
    });
  });

  describe("sourceKeyPrefix", () => {
    it("prefixes SourceAssets, observable sources and loaded specs, and the dependencies on them", () => {
      const loaded = loadAssetsFromModules([orders, fulfilment], { keyPrefix: "shop", sourceKeyPrefix: ["vendors"], includeSpecs: true });
      expect(keysOf(loaded)).toContain("vendors/raw_orders");
      expect(keysOf(loaded)).toContain("vendors/carrier_rates");
      expect(keysOf(loaded)).toContain("vendors/warehouses");
      expect(depsOf(loaded, "shop/orders")).toEqual(["vendors/raw_orders"]);
      expect(depsOf(loaded, "shop/shipments")).toEqual(["shop/large_orders", "vendors/carrier_rates", "vendors/warehouses", "customs/rules"]);
      expect(loaded.find((i) => i instanceof SourceAsset)?.options.description).toBe("Maintained by the logistics team");
    });

    it("does not touch computed assets", () => {
      expect(keysOf(loadAssetsFromModules([orders], { sourceKeyPrefix: "vendors" }))).toEqual(["orders", "revenue"]);
    });
  });

  describe("groupName", () => {
    it("puts every loaded asset that has the default group in the group, sources included", () => {
      const loaded = loadAssetsFromModules([orders, fulfilment], { groupName: "shop", includeSpecs: true });
      const groups = loaded.flatMap((i) => (i instanceof SourceAsset ? [i.options.groupName] : i instanceof AssetSpec ? [i.groupName] : [...i.groupNamesByKey.values()]));
      expect(groups).toEqual(new Array(10).fill("shop"));
      expect(orders.orders.getAssetSpec().groupName).toBe("default");
    });

    it("accepts an asset already in that group", () => {
      expect(definitionOf(loadAssetsFromModules([finance], { groupName: "finance" }), "ledger").getAssetSpec().groupName).toBe("finance");
    });

    it("refuses to move an asset out of the group it names, saying which and how to fix it", () => {
      expect(() => loadAssetsFromModules([orders, finance], { groupName: "shop" })).toThrow(InvalidDefinitionError);
      expect(() => loadAssetsFromModules([orders, finance], { groupName: "shop" })).toThrow(
        /Asset "ledger" \(export "ledger" of modules\[1\]\) is in group "finance", but the loader was asked to put the assets it loads in group "shop"\. Remove groupName from one of them/,
      );
    });
  });

  describe("backfillPolicy", () => {
    it("gives every loaded computed asset the policy, replacing its own, and leaves sources without one", () => {
      const policy = BackfillPolicy.multiRun(7);
      const own = asset({ name: "own_policy", backfillPolicy: BackfillPolicy.singleRun() }, () => 1);
      const loaded = loadAssetsFromModules([fulfilment, { own }], { backfillPolicy: policy, includeSpecs: true });
      expect(definitionOf(loaded, "shipments").backfillPolicy).toBe(policy);
      expect(definitionOf(loaded, "large_orders").specs.map((s) => s.backfillPolicy)).toEqual([policy, policy]);
      expect(definitionOf(loaded, "own_policy").backfillPolicy).toBe(policy);
      expect(definitionOf(loaded, "carrier_rates").backfillPolicy).toBeUndefined();
      expect(own.backfillPolicy?.policyType).toBe(BackfillPolicy.singleRun().policyType);
      expect(fulfilment.shipments.backfillPolicy).toBeUndefined();
    });
  });

  describe("automationCondition and freshnessPolicy", () => {
    it("give every loaded computed asset the condition and policy, replacing their own, and leave sources without", () => {
      const condition = AutomationCondition.eager();
      const policy = new FreshnessPolicy({ maximumLagMinutes: 30 });
      const own = asset({ name: "own_policy", automationCondition: AutomationCondition.onMissing(), freshnessPolicy: new FreshnessPolicy({ maximumLagMinutes: 5 }) }, () => 1);
      const loaded = loadAssetsFromModules([fulfilment, { own }], { automationCondition: condition, freshnessPolicy: policy, includeSpecs: true });
      for (const key of ["shipments", "own_policy"]) {
        expect(definitionOf(loaded, key).getAssetSpec(key).automationCondition).toBe(condition);
        expect(definitionOf(loaded, key).getAssetSpec(key).freshnessPolicy).toBe(policy);
      }
      expect(definitionOf(loaded, "carrier_rates").getAssetSpec("carrier_rates").automationCondition).toBeUndefined();
      expect(definitionOf(loaded, "carrier_rates").getAssetSpec("carrier_rates").freshnessPolicy).toBeUndefined();
      expect(own.getAssetSpec("own_policy").freshnessPolicy?.maximumLagMinutes).toBe(5);
    });
  });

  describe("key collisions", () => {
    it("refuses two definitions of one key, naming both exports", () => {
      const again = asset("orders", () => []);
      const error = captured(() => loadAssetsFromModules([orders, { ordersCopy: again }]));
      expect(error).toBeInstanceOf(DuplicateAssetKeyError);
      expect(error.message).toContain('Asset key "orders" is defined more than once (by asset "orders", export "allOrders" of modules[0] and by asset "orders", export "ordersCopy" of modules[1])');
    });

    it("refuses a prefix that makes a computed asset collide with a source, naming both and the fix", () => {
      const module = { orders: asset("orders", () => []), stagedOrders: new SourceAsset(["staging", "orders"]) };
      const error = captured(() => loadAssetsFromModules([module], { keyPrefix: "staging" }));
      expect(error).toBeInstanceOf(DuplicateAssetKeyError);
      expect((error as DuplicateAssetKeyError).assetKey).toBe("staging/orders");
      expect(error.message).toContain(
        'by asset "orders", export "orders" of modules[0], which keyPrefix made "staging/orders" and by SourceAsset "staging/orders", export "stagedOrders" of modules[0] (not prefixed): the loader\'s prefixes made them collide; choose a keyPrefix or sourceKeyPrefix that keeps them apart',
      );
    });

    it("refuses a sourceKeyPrefix that makes a source collide with an asset of another module", () => {
      const error = captured(() => loadAssetsFromModules([{ rawOrders: asset({ key: ["raw", "orders"] }, () => []) }, { orders: new SourceAsset("orders") }], { sourceKeyPrefix: "raw" }));
      expect(error).toBeInstanceOf(DuplicateAssetKeyError);
      expect(error.message).toContain('by SourceAsset "orders", export "orders" of modules[1], which sourceKeyPrefix made "raw/orders"');
    });

    it("takes equal specs exported twice as one external asset, and refuses different specs of one key", () => {
      const loaded = loadAssetsFromModules([{ a: new AssetSpec("feed") }, { b: new AssetSpec("feed") }], { includeSpecs: true, keyPrefix: "x", sourceKeyPrefix: "ext" });
      expect(keysOf(loaded)).toEqual(["ext/feed"]);
      expect(() => loadAssetsFromModules([{ a: new AssetSpec("feed") }, { b: new AssetSpec("feed", { description: "other" }) }], { includeSpecs: true })).toThrow(
        DuplicateAssetKeyError,
      );
    });

    it("refuses, with includeSpecs, a spec of a key that an asset computes", () => {
      expect(() => loadAssetsFromModules([orders, { ordersSpec: new AssetSpec("orders") }], { includeSpecs: true })).toThrow(/by asset "orders", export "allOrders" of modules\[0\] and by AssetSpec "orders"/);
    });
  });

  it("refuses options it does not know, with a suggestion, and a condition or policy of the wrong kind", () => {
    expect(() => loadAssetsFromModules([orders], { keyprefix: "x" } as never)).toThrow(/has no option "keyprefix"; did you mean "keyPrefix"\?/);
    expect(() => loadAssetsFromModules([orders], { automationCondition: {} } as never)).toThrow(/automationCondition of loadAssetsFromModules must be an AutomationCondition/);
    expect(() => loadAssetsFromModules([orders], { freshnessPolicy: { maximumLagMinutes: 5 } } as never)).toThrow(/freshnessPolicy of loadAssetsFromModules must be a FreshnessPolicy/);
  });

  it("refuses a bad prefix or group name before loading anything", () => {
    expect(() => loadAssetsFromModules([orders], { keyPrefix: ["shop", "e u"] })).toThrow(InvalidAssetKeyError);
    expect(() => loadAssetsFromModules([orders], { keyPrefix: 3 } as never)).toThrow(/keyPrefix of loadAssetsFromModules must be a string or an array of strings/);
    expect(() => loadAssetsFromModules([orders], { groupName: "the shop" })).toThrow(/groupName "the shop" of loadAssetsFromModules is invalid/);
    expect(() => loadAssetsFromModules([orders], { backfillPolicy: "single" } as never)).toThrow(/backfillPolicy of loadAssetsFromModules must be BackfillPolicy\.singleRun\(\) or BackfillPolicy\.multiRun\(n\)/);
    expect(() => loadAssetsFromModules(orders as never)).toThrow(/takes a list of modules/);
    expect(() => loadAssetsFromModules([orders, undefined] as never)).toThrow(/modules\[1\] is undefined, not a module/);
  });

  it("skips exports not initialized yet, so that a module can load itself at its top level through its namespace", () => {
    expect(keysOf(current.loadedAtTopLevel)).toEqual(["early"]);
  });

  it("gives assets that, materialized, still pass values along their prefixed dependencies", async () => {
    const assets = loadAssetsFromModules([orders, fulfilment], { keyPrefix: "shop", groupName: "shop" });
    const defs = new Definitions({ assets, assetChecks: loadAssetChecksFromModules([orders], { assetKeyPrefix: "shop" }) });
    const result = await defs.materialize();
    expect(result.success).toBe(true);
    expect(result.assetValue("shop/revenue")).toBe(42);
    expect(result.assetValue("shop/large_orders")).toEqual([{ id: 2, amount: 32 }]);
    expect(result.assetValue("shop/shipments")).toEqual([{ order: 2, carrier: "post" }]);
    expect(result.getAssetCheckEvaluations().map((e) => `${e.assetKey?.toString()}:${e.checkName}=${e.passed}`)).toEqual(
      expect.arrayContaining(["shop/revenue:revenue_is_positive=true", "shop/orders:orders_have_ids=true"]),
    );
  });

  it("lets one module be loaded twice under different prefixes and run side by side", async () => {
    const eu = loadAssetsFromModules([orders], { keyPrefix: "eu" });
    const us = loadAssetsFromModules([orders], { keyPrefix: "us" });
    const result = await materialize([...eu, ...us]);
    expect(result.materializedKeys.map(String).sort()).toEqual(["eu/orders", "eu/revenue", "us/orders", "us/revenue"]);
    expect(new Set(result.getAssetMaterializationEvents().map((e) => e.stepKey))).toEqual(new Set(["eu__orders", "eu__revenue", "us__orders", "us__revenue"]));
  });
});

describe("loadAssetChecksFromModules", () => {
  it("loads the checks built with assetCheck(), each once", () => {
    const checks = loadAssetChecksFromModules([orders, fulfilment, orders]);
    expect(checks).toEqual([orders.ordersHaveIds]);
  });

  it("points the checks at the prefixed assets with assetKeyPrefix, renaming their op after the new target", () => {
    const [check] = loadAssetChecksFromModules([orders], { assetKeyPrefix: ["shop"] });
    expect(check?.spec.id).toBe("shop/orders:orders_have_ids");
    expect(check?.inputs.map((i) => i.key.toString())).toEqual(["shop/orders"]);
    expect(check?.op.name).toBe("shop__orders_orders_have_ids");
    expect(orders.ordersHaveIds.spec.id).toBe("orders:orders_have_ids");
  });

  it("keeps checks of the modules' source assets on their keys", () => {
    const feed = new SourceAsset("feed");
    const feedIsFresh = assetCheck({ asset: feed, name: "feed_is_fresh", additionalDeps: ["orders", "elsewhere"] }, () => new AssetCheckResult({ passed: true }));
    const [ordersCheck, check] = loadAssetChecksFromModules([orders, { feed, feedIsFresh }], { assetKeyPrefix: "shop" });
    expect(ordersCheck?.spec.id).toBe("shop/orders:orders_have_ids");
    expect(check?.spec.id).toBe("feed:feed_is_fresh");
    expect(check?.spec.additionalDeps.map((d) => d.key.toString())).toEqual(["shop/orders", "elsewhere"]);
  });

  it("refuses two checks of one name on one asset, naming both exports", () => {
    const twin = assetCheck({ asset: "orders", name: "orders_have_ids" }, () => new AssetCheckResult({ passed: true }));
    expect(() => loadAssetChecksFromModules([orders, { twin }])).toThrow(
      /Asset check "orders:orders_have_ids" is defined twice, by export "ordersHaveIds" of modules\[0\] and by export "twin" of modules\[1\]/,
    );
  });
});

describe("loadAssetsFromCurrentModule", () => {
  it("loads every asset of the calling module once it has been evaluated", async () => {
    const loaded = await current.loadLater();
    expect(keysOf(loaded)).toEqual(["current/early", "current/late"]);
    expect(depsOf(loaded, "current/late")).toEqual(["current/early"]);
  });

  it("loads this test module's own exports", async () => {
    expect(keysOf(await loadAssetsFromCurrentModule(import.meta))).toEqual(["loader_test_asset"]);
  });

  it("refuses something other than import.meta", async () => {
    await expect(loadAssetsFromCurrentModule({} as ImportMeta)).rejects.toThrow(/takes the calling module's import\.meta/);
  });
});

describe("loadAssetsFromPackageModule", () => {
  it("imports every module below the package directory, skipping tests and __fixtures__ folders", async () => {
    // customers.spec.ts and marketing/__fixtures__/broken.ts throw when imported.
    const loaded = await loadAssetsFromPackageModule(packageDir, { keyPrefix: "crm" });
    expect(keysOf(loaded)).toEqual(["crm/customers", "crm/campaigns"]);
    expect(depsOf(loaded, "crm/campaigns")).toEqual(["crm/customers"]);
  });

  it("finds the package from its index module, import.meta of it, or a path", async () => {
    const index = new URL("index.ts", packageDir);
    for (const location of [index, index.href, { url: index.href }, packageDir.pathname]) {
      expect(keysOf(await loadAssetsFromPackageModule(location))).toEqual(["customers", "campaigns"]);
    }
  });

  it("loads the package's checks with loadAssetChecksFromPackageModule", async () => {
    const checks = await loadAssetChecksFromPackageModule(packageDir, { assetKeyPrefix: "crm" });
    expect(checks.map((c) => c.spec.id)).toEqual(["crm/campaigns:campaigns_are_addressed"]);
  });

  it("says which module failed to import", async () => {
    const error = await loadAssetsFromPackageModule(new URL("marketing/__fixtures__/", packageDir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodeLocationError);
    expect((error as Error).message).toMatch(/Could not import broken\.ts while loading the package at .*: broken\.ts was imported/);
  });

  it("refuses a location that does not exist, and a namespace, which cannot be walked", async () => {
    await expect(loadAssetsFromPackageModule(new URL("missing/", packageDir))).rejects.toThrow(/the package location .*\/package\/missing does not exist/);
    await expect(loadAssetsFromPackageModule(orders as never)).rejects.toThrow(/A module namespace does not know its file/);
  });
});

describe("loadAssetsFromPackageName", () => {
  const from = new URL("marketing/", packageDir);

  it("finds a package by the name in its package.json and loads the directory of its entry module", async () => {
    expect(keysOf(await loadAssetsFromPackageName("crm-assets", { from, groupName: "crm" }))).toEqual(["customers", "campaigns"]);
  });

  it("loads a subpath the package exports", async () => {
    expect(keysOf(await loadAssetsFromPackageName("crm-assets/marketing", { from, keyPrefix: "crm" }))).toEqual(["crm/campaigns"]);
  });

  it("says where it looked for a package it cannot find, and what the package does not export", async () => {
    await expect(loadAssetsFromPackageName("no-such-package", { from })).rejects.toThrow(/no package named "no-such-package" was found from .*\/package\/marketing upwards/);
    await expect(loadAssetsFromPackageName("crm-assets/sales", { from })).rejects.toThrow(/package "crm-assets" \(.*\) does not export "\.\/sales"/);
    await expect(loadAssetsFromPackageName("./assets", { from })).rejects.toThrow(/for a directory use loadAssetsFromPackageModule/);
  });
});

describe("mapAssetSpecs", () => {
  it("maps the specs of loaded assets, keeping their prefixed keys", () => {
    const loaded = loadAssetsFromModules([orders], { keyPrefix: "shop", includeSpecs: true }) as (AssetsDefinition | AssetSpec)[];
    const owned = mapAssetSpecs((spec) => spec.replaceAttributes({ owners: ["team:sales"] }), loaded);
    expect(owned.flatMap((i) => (i instanceof AssetSpec ? [i] : i.specs)).map((s) => `${s.key.toString()}:${s.owners.join()}`)).toEqual([
      "shop/orders:team:sales",
      "raw_orders:team:sales",
      "shop/revenue:team:sales",
    ]);
  });
});

/** Found by loadAssetsFromCurrentModule(import.meta) in this file. */
export const loaderTestAsset = asset("loader_test_asset", () => 1);

function captured(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}
