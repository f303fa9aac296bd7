// Fixture for load-assets.test.ts: a shop's orders, an external spec, a check inside an asset and one beside it.
import { AssetCheckResult, AssetCheckSpec, AssetSpec, MaterializeResult, asset, assetCheck } from "../../index.js";

export interface Order {
  id: number;
  amount: number;
}

/** External: loaded only with includeSpecs. */
export const rawOrders = new AssetSpec("raw_orders", { description: "Orders exported by the shop" });

export const orders = asset({ name: "orders", deps: [rawOrders] }, (): Order[] => [
  { id: 1, amount: 10 },
  { id: 2, amount: 32 },
]);

export const revenue = asset(
  { name: "revenue", ins: { orders }, checkSpecs: [new AssetCheckSpec("revenue_is_positive", { asset: "revenue" })] },
  (_ctx, { orders }) => {
    const total = orders.reduce((sum, o) => sum + o.amount, 0);
    return new MaterializeResult({ value: total, checkResults: [new AssetCheckResult({ passed: total > 0 })] });
  },
);

export const ordersHaveIds = assetCheck({ asset: orders, name: "orders_have_ids" }, (_ctx, { asset }) => new AssetCheckResult({ passed: asset.every((o) => o.id > 0) }));

/** The same definition under a second name: loaded once. */
export { orders as allOrders };
