// Small hand-built definitions for the selection tests (not part of the public API).
import { AssetKey } from "../../core/index.js";
import { AssetSpec, AssetsDefinition, DEFAULT_IO_MANAGER_KEY, asset, type AssetSpecAttributes } from "../../definitions/index.js";
import { Definitions } from "../../code-location/index.js";

/** A definition computing several assets in one op that cannot run in part (until multiAsset() lands). */
export function multiAssetOf(name: string, specs: readonly AssetSpec[]): AssetsDefinition {
  return new AssetsDefinition({
    specs,
    op: {
      name,
      compute: () => undefined,
      configSchema: undefined,
      requiredResourceKeys: [],
      resourceClasses: {},
      retryPolicy: undefined,
      tags: {},
      description: undefined,
    },
    inputs: [],
    outputs: specs.map((spec) => ({ name: spec.key.toPythonIdentifier(), key: spec.key, ioManagerKey: DEFAULT_IO_MANAGER_KEY, type: undefined, required: true })),
    resourceDefs: {},
  });
}

/**
 * A shop's pipeline:
 *
 *   raw/orders (external) → orders → order_items → revenue → report → dashboards/exec (external)
 *                           orders ──────────────→ revenue → forecast/daily + forecast/weekly (one op)
 *   raw/customers (external) → customers → churn → report
 *                              customers → marketing/leads → marketing/campaigns
 *   standalone
 */
export function shop(): Definitions {
  const rawOrders = new AssetSpec(["raw", "orders"], { groupName: "raw_data" });
  const rawCustomers = new AssetSpec(["raw", "customers"], { groupName: "raw_data", owners: ["team:crm"], tags: { tier: "gold" } });
  const orders = asset({ name: "orders", deps: [rawOrders], groupName: "sales", tags: { tier: "gold" }, kinds: ["python"], owners: ["team:sales"] }, () => 1);
  const customers = asset({ name: "customers", deps: [rawCustomers], groupName: "sales", kinds: ["python", "postgres"] }, () => 1);
  const orderItems = asset({ name: "order_items", deps: [orders], groupName: "sales", tags: { tier: "" } }, () => 1);
  const revenue = asset(
    { name: "revenue", deps: [orders, orderItems], groupName: "finance", tags: { tier: "gold", pii: "no" }, owners: ["ana@example.com"] },
    () => 1,
  );
  const churn = asset({ name: "churn", deps: [customers], groupName: "finance" }, () => 1);
  const report = asset({ name: "report", deps: [revenue, churn], groupName: "finance", kinds: ["dbt"] }, () => 1);
  const leads = asset({ name: "leads", keyPrefix: "marketing", deps: [customers], groupName: "marketing" }, () => 1);
  const campaigns = asset({ name: "campaigns", keyPrefix: "marketing", deps: [leads], groupName: "marketing", owners: ["team:sales"] }, () => 1);
  const forecast = multiAssetOf("forecast", [
    new AssetSpec(["forecast", "daily"], { deps: [revenue], groupName: "finance" }),
    new AssetSpec(["forecast", "weekly"], { deps: [revenue], groupName: "finance" }),
  ]);
  const standalone = asset("standalone", () => 1);
  const exec = new AssetSpec(["dashboards", "exec"], { deps: [report], groupName: "finance", kinds: ["tableau"] });
  return new Definitions({
    assets: [rawOrders, rawCustomers, orders, customers, orderItems, revenue, churn, report, leads, campaigns, forecast, standalone, exec],
  });
}

export interface RandomAssetPlan {
  external: boolean;
  /** Indices of upstream assets, all lower than this one's. */
  deps: number[];
  group: string;
  tags: Record<string, string>;
  kinds: string[];
  owners: string[];
  /** Assets with the same non-negative bundle id are computed by one op. */
  bundle: number;
}

/** Definitions for a random plan: asset `i` is `a<i>` (or `p/a<i>` for odd `i`). */
export function definitionsOf(plan: readonly RandomAssetPlan[]): Definitions {
  const keyOf = (i: number): AssetKey => (i % 2 === 1 ? new AssetKey(["p", `a${i}`]) : new AssetKey(`a${i}`));
  const attributes = (p: RandomAssetPlan): AssetSpecAttributes => ({
    deps: p.deps.map(keyOf),
    groupName: p.group,
    tags: p.tags,
    kinds: p.kinds,
    owners: p.owners,
  });
  const items: (AssetSpec | AssetsDefinition)[] = [];
  const bundles = new Map<number, AssetSpec[]>();
  plan.forEach((p, i) => {
    const spec = new AssetSpec(keyOf(i), attributes(p));
    if (p.external) items.push(spec);
    else if (p.bundle >= 0) {
      const specs = bundles.get(p.bundle) ?? [];
      if (specs.length === 0) bundles.set(p.bundle, specs);
      specs.push(spec);
    } else {
      const key = keyOf(i);
      items.push(asset({ key: key.path, deps: p.deps.map(keyOf), groupName: p.group, tags: p.tags, kinds: p.kinds, owners: p.owners }, () => i));
    }
  });
  for (const [bundle, specs] of bundles) items.push(multiAssetOf(`bundle_${bundle}`, specs));
  return new Definitions({ assets: items });
}
