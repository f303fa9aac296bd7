// Raw assets: the CSV exports as they arrive, every value still text.
import { DataVersion, MaterializeResult, MetadataValue, ObserveResult, asset, observableSourceAsset } from "@tessera/core";
import { sourceFiles } from "../resources.js";

/**
 * The shop's nightly export file, which Tessera does not produce: observing it records a data version
 * (the file's hash), so `tessera asset list` shows raw_orders as stale when a new export arrives.
 */
export const shopExport = observableSourceAsset(
  { name: "shop_export", groupName: "raw", description: "orders.csv as the shop system drops it", resources: { sourceFiles }, kinds: ["csv"] },
  async (ctx) => {
    const { sha256, bytes, modified } = await ctx.resources.sourceFiles.fingerprint("orders.csv");
    return new ObserveResult({ dataVersion: new DataVersion(sha256.slice(0, 16)), metadata: { bytes, modified } });
  },
);

export const rawOrders = asset(
  {
    name: "raw_orders",
    groupName: "raw",
    deps: [shopExport],
    description: "Orders exported by the shop system, one row per order line, unvalidated.",
    resources: { sourceFiles },
    kinds: ["csv"],
  },
  async (ctx) => {
    const file = "orders.csv";
    const rows = await ctx.resources.sourceFiles.readCsv(file, ["order_id", "customer_id", "order_date", "amount"]);
    return new MaterializeResult({
      value: rows,
      metadata: { rows: rows.length, source: MetadataValue.path(ctx.resources.sourceFiles.pathOf(file)) },
    });
  },
);

export const rawCustomers = asset(
  {
    name: "raw_customers",
    groupName: "raw",
    description: "Customers exported by the CRM.",
    resources: { sourceFiles },
    kinds: ["csv"],
  },
  async (ctx) => {
    const file = "customers.csv";
    const rows = await ctx.resources.sourceFiles.readCsv(file, ["customer_id", "name", "country", "signup_date"]);
    return new MaterializeResult({
      value: rows,
      metadata: { rows: rows.length, source: MetadataValue.path(ctx.resources.sourceFiles.pathOf(file)) },
    });
  },
);
