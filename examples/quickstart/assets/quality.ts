// Checks of the data the finance team relies on: run after their assets, recorded with every run.
import { AssetCheckResult, AssetCheckSeverity, assetCheck } from "@tessera/core";
import { cleanOrders } from "./orders.js";
import { dailyRevenue } from "./revenue.js";

/** Duplicated order ids would double-count revenue: when this fails, nothing downstream of clean_orders runs. */
export const cleanOrdersHaveUniqueIds = assetCheck(
  { asset: cleanOrders, name: "unique_order_ids", blocking: true, description: "Every order id appears once" },
  (_ctx, { asset }) => {
    const ids = new Set(asset.map((o) => o.orderId));
    return new AssetCheckResult({ passed: ids.size === asset.length, metadata: { orders: asset.length, distinct_ids: ids.size } });
  },
);

/** A day without revenue usually means a missing export, not a quiet day: a warning, not a stop. */
export const everyDayHasRevenue = assetCheck(
  { asset: dailyRevenue, name: "every_day_has_revenue", description: "No day in the report has zero revenue" },
  (_ctx, { asset }) => {
    const empty = asset.days.filter((d) => d.revenueCents === 0).map((d) => d.day);
    return new AssetCheckResult({ passed: empty.length === 0, severity: AssetCheckSeverity.WARN, metadata: { days: asset.days.length, empty_days: empty.join(", ") || "none" } });
  },
);
