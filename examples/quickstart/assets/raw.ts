// Raw assets: the CSV exports as they arrive, every value still text.
import { MaterializeResult, MetadataValue, asset } from "tessera";
import { sourceFiles } from "../resources.js";

export const rawOrders = asset(
  {
    name: "raw_orders",
    groupName: "raw",
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
