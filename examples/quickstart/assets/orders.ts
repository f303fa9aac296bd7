// Cleaned and joined orders: what the raw exports mean once validated.
import { MaterializeResult, MetadataValue, asset } from "@tessera/core";
import { rawCustomers, rawOrders } from "./raw.js";

export interface CleanOrder {
  orderId: string;
  customerId: string;
  /** The order's day, `YYYY-MM-DD`. */
  orderDate: string;
  /** Money is counted in cents, so that sums are exact. */
  amountCents: number;
}

export interface CustomerOrder extends CleanOrder {
  customerName: string;
  country: string;
}

const ORDER_COLUMNS = [
  { name: "order_id", type: "string", description: "Order number from the shop system" },
  { name: "customer_id", type: "string" },
  { name: "order_date", type: "date", description: "Day the order was placed" },
  { name: "amount", type: "decimal", description: "Order total in the shop's currency" },
];

export const cleanOrders = asset(
  {
    name: "clean_orders",
    ins: { rawOrders },
    description: "Orders deduplicated by order id, with parsed amounts and dates; rows that cannot be trusted are dropped.",
  },
  async (ctx, { rawOrders }) => {
    const seen = new Set<string>();
    const dropped = { duplicates: 0, missingAmount: 0, invalidAmount: 0, invalidDate: 0 };
    const orders: CleanOrder[] = [];
    for (const row of rawOrders) {
      const orderId = row.order_id.trim();
      if (seen.has(orderId)) {
        dropped.duplicates++;
        continue;
      }
      seen.add(orderId);
      const amount = row.amount.trim().replace(/,/g, "");
      if (amount === "") {
        dropped.missingAmount++;
        continue;
      }
      const amountCents = Math.round(Number(amount) * 100);
      if (!Number.isFinite(amountCents) || amountCents < 0) {
        dropped.invalidAmount++;
        continue;
      }
      const orderDate = row.order_date.trim();
      if (!isIsoDate(orderDate)) {
        dropped.invalidDate++;
        continue;
      }
      orders.push({ orderId, customerId: row.customer_id.trim(), orderDate, amountCents });
    }

    const droppedTotal = rawOrders.length - orders.length;
    if (droppedTotal > 0) {
      ctx.log.info(`Dropped ${droppedTotal} of ${rawOrders.length} rows`, { ...dropped });
    }
    return new MaterializeResult({
      value: orders,
      metadata: {
        rows_in: rawOrders.length,
        rows_out: orders.length,
        dropped: droppedTotal,
        dropped_duplicates: dropped.duplicates,
        dropped_missing_amount: dropped.missingAmount,
        dropped_invalid_amount: dropped.invalidAmount,
        dropped_invalid_date: dropped.invalidDate,
        preview: MetadataValue.table(
          orders.slice(0, 5).map((o) => ({ order_id: o.orderId, customer_id: o.customerId, order_date: o.orderDate, amount: o.amountCents / 100 })),
          ORDER_COLUMNS,
        ),
        schema: MetadataValue.tableSchema(ORDER_COLUMNS),
      },
    });
  },
);

export const customerOrders = asset(
  {
    name: "customer_orders",
    ins: { cleanOrders, rawCustomers },
    description: "Clean orders with their customer's name and country; orders of unknown customers are left out.",
  },
  async (ctx, { cleanOrders, rawCustomers }) => {
    const customers = new Map(rawCustomers.map((c) => [c.customer_id.trim(), c]));
    const joined: CustomerOrder[] = [];
    const unknown = new Set<string>();
    for (const order of cleanOrders) {
      const customer = customers.get(order.customerId);
      if (!customer) {
        unknown.add(order.customerId);
        continue;
      }
      joined.push({ ...order, customerName: customer.name.trim(), country: customer.country.trim() });
    }
    const unmatched = cleanOrders.length - joined.length;
    if (unmatched > 0) {
      ctx.log.warn(`${unmatched} order(s) reference customers missing from the CRM export and were left out`, { customers: [...unknown] });
    }
    return new MaterializeResult({
      value: joined,
      metadata: {
        rows: joined.length,
        unmatched_orders: unmatched,
        unknown_customers: [...unknown].join(", ") || "none",
        countries: new Set(joined.map((o) => o.country)).size,
      },
    });
  },
);

/** True for a real calendar day written `YYYY-MM-DD` (2024-02-30 is not one). */
function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}
