// Customer-level views: a multi-asset splitting orders by market, and a graph asset ranking customers.
import { AssetOut, In, MetadataValue, graphAsset, multiAsset, op } from "@tessera/core";
import { z } from "zod";
import { customerOrders, type CustomerOrder } from "./orders.js";

/** Orders of the home market and of every other country, computed together in one pass. */
export const ordersByMarket = multiAsset(
  {
    name: "orders_by_market",
    ins: { customerOrders },
    groupName: "markets",
    outs: {
      home_market_orders: new AssetOut<CustomerOrder[]>({ description: "Orders of customers in the home market (DE)" }),
      export_orders: new AssetOut<CustomerOrder[]>({ description: "Orders of customers abroad" }),
    },
  },
  (ctx, { customerOrders }) => {
    const home = customerOrders.filter((o) => o.country === "DE");
    const abroad = customerOrders.filter((o) => o.country !== "DE");
    ctx.log.info("split orders by market", { home: home.length, abroad: abroad.length });
    return { home_market_orders: home, export_orders: abroad };
  },
);

interface CustomerValue {
  customerId: string;
  customerName: string;
  orders: number;
  revenueCents: number;
}

const sumByCustomer = op({ name: "sum_by_customer", ins: { orders: new In<CustomerOrder[]>() } }, (_ctx, { orders }) => {
  const byCustomer = new Map<string, CustomerValue>();
  for (const order of orders) {
    const value = byCustomer.get(order.customerId) ?? { customerId: order.customerId, customerName: order.customerName, orders: 0, revenueCents: 0 };
    value.orders += 1;
    value.revenueCents += order.amountCents;
    byCustomer.set(order.customerId, value);
  }
  return [...byCustomer.values()];
});

const rankCustomers = op(
  { name: "rank_customers", ins: { values: new In<CustomerValue[]>() }, config: z.object({ top: z.number().int().positive().default(5) }) },
  (ctx, { values }) => [...values].sort((a, b) => b.revenueCents - a.revenueCents || a.customerId.localeCompare(b.customerId)).slice(0, ctx.config.top),
);

/** The best customers by revenue: two ops wired into one asset; `top` is set at ops.top_customers.ops.rank_customers.config. */
export const topCustomers = graphAsset(
  { name: "top_customers", ins: { customerOrders }, groupName: "markets", description: "Customers with the most revenue", metadata: { owner_note: MetadataValue.md("Used by **sales** for the monthly review") } },
  ({ customerOrders }) => rankCustomers({ values: sumByCustomer({ orders: customerOrders }) }),
);
