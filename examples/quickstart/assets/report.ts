// The daily revenue report: a markdown file for the finance team.
import { Backoff, MaterializeResult, MetadataValue, RetryPolicy, asset } from "@tessera/core";
import { reports } from "../resources.js";
import { dailyRevenue, type DailyRevenue } from "./revenue.js";

export const REPORT_FILE = "daily_revenue.md";

export const dailyRevenueReport = asset(
  {
    name: "daily_revenue_report",
    ins: { dailyRevenue },
    resources: { reports },
    description: "Markdown report of daily revenue, written where the finance team reads it.",
    // The report share is a network drive that drops writes now and then.
    retryPolicy: new RetryPolicy({ maxRetries: 2, delay: 0.5, backoff: Backoff.EXPONENTIAL }),
    kinds: ["markdown"],
  },
  async (ctx, { dailyRevenue }) => {
    const markdown = renderReport(dailyRevenue, ctx.runId);
    const path = await ctx.resources.reports.write(REPORT_FILE, markdown);
    return new MaterializeResult({
      metadata: { path: MetadataValue.path(path), days: dailyRevenue.days.length, report: MetadataValue.md(markdown) },
    });
  },
);

export function renderReport(revenue: DailyRevenue, runId: string): string {
  const money = (cents: number): string =>
    (cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const totalOrders = revenue.days.reduce((sum, d) => sum + d.orders, 0);
  const totalCents = revenue.days.reduce((sum, d) => sum + d.revenueCents, 0);
  return [
    "# Daily revenue",
    "",
    `Currency: ${revenue.currency}. Orders of at least ${revenue.minOrderAmount} ${revenue.currency}. Run \`${runId}\`.`,
    "",
    `| Day | Orders | Customers | Revenue (${revenue.currency}) |`,
    "|---|---:|---:|---:|",
    ...revenue.days.map((d) => `| ${d.day} | ${d.orders} | ${d.customers} | ${money(d.revenueCents)} |`),
    `| **Total** | **${totalOrders}** | | **${money(totalCents)}** |`,
    "",
  ].join("\n");
}
