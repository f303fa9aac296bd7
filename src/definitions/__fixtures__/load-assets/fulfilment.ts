// Fixture for load-assets.test.ts: assets downstream of orders.ts, sources, a multi-asset, lists and values that are not assets.
import { AssetIn, AssetOut, SourceAsset, asset, multiAsset, observableSourceAsset } from "../../index.js";
import { orders, type Order } from "./orders.js";

/** Re-exported: the very object orders.ts exports, loaded once. */
export { orders };

export const carrierRates = observableSourceAsset({ name: "carrier_rates" }, () => ({ kind: "data_version" as const, value: "2026-05" }));

export const warehouses = new SourceAsset("warehouses", { description: "Maintained by the logistics team" });

export const splitOrders = multiAsset(
  { name: "split_orders", ins: { orders }, outs: { small_orders: new AssetOut<Order[]>(), large_orders: new AssetOut<Order[]>() } },
  (_ctx, { orders }) => ({ small_orders: orders.filter((o) => o.amount < 20), large_orders: orders.filter((o) => o.amount >= 20) }),
);

/** Depends on a loaded asset, both sources, and an asset no module here defines. */
export const shipments = asset(
  { name: "shipments", ins: { large: new AssetIn<Order[]>({ key: "large_orders" }) }, deps: [carrierRates, warehouses, "customs/rules"] },
  (_ctx, { large }) => large.map((o) => ({ order: o.id, carrier: "post" })),
);

/** Assets in a list are loaded. */
export const reports = [
  asset({ name: "daily_report", deps: [shipments] }, () => "daily"),
  asset({ name: "weekly_report", deps: [shipments] }, () => "weekly"),
];

/** A list holding anything besides assets is not. */
export const mixed = [asset("not_loaded", () => 0), 42];

export const carriers = ["post", "courier"];

export function helper(): number {
  return 1;
}
