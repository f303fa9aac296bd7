// Revenue per day, the number the finance team asks for every morning.
import { MaterializeResult, asset } from "@tessera/core";
import { z } from "zod";
import { customerOrders } from "./orders.js";

export interface DayRevenue {
  day: string;
  orders: number;
  customers: number;
  revenueCents: number;
}

export interface DailyRevenue {
  currency: string;
  minOrderAmount: number;
  days: DayRevenue[];
}

export const dailyRevenue = asset(
  {
    name: "daily_revenue",
    ins: { customerOrders },
    description: "Revenue, orders and distinct customers per day, counting orders of at least `minOrderAmount`.",
    config: z.object({
      currency: z.string().length(3).default("EUR"),
      minOrderAmount: z.number().min(0).default(0),
    }),
  },
  async (ctx, { customerOrders }) => {
    const { currency, minOrderAmount } = ctx.config;
    const byDay = new Map<string, { orders: number; customers: Set<string>; revenueCents: number }>();
    for (const order of customerOrders) {
      if (order.amountCents < Math.round(minOrderAmount * 100)) continue;
      const day = byDay.get(order.orderDate) ?? { orders: 0, customers: new Set<string>(), revenueCents: 0 };
      day.orders++;
      day.customers.add(order.customerId);
      day.revenueCents += order.amountCents;
      byDay.set(order.orderDate, day);
    }
    const days = [...byDay.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, d]) => ({ day, orders: d.orders, customers: d.customers.size, revenueCents: d.revenueCents }));
    const totalCents = days.reduce((sum, d) => sum + d.revenueCents, 0);
    return new MaterializeResult({
      value: { currency, minOrderAmount, days },
      metadata: {
        days: days.length,
        orders: days.reduce((sum, d) => sum + d.orders, 0),
        total_revenue: totalCents / 100,
        currency,
      },
    });
  },
);
