// The quickstart's code location: `tessera materialize -m examples/quickstart/defs.ts` loads this `defs`.
import { fileURLToPath } from "node:url";
import { Definitions, defineAssetJob } from "tessera";
import { customerOrders, cleanOrders } from "./assets/orders.js";
import { rawCustomers, rawOrders } from "./assets/raw.js";
import { dailyRevenueReport } from "./assets/report.js";
import { dailyRevenue } from "./assets/revenue.js";
import { reports, sourceFiles } from "./resources.js";

/** The finance team's morning refresh: the revenue report and everything it is computed from. */
const financeReport = defineAssetJob({
  name: "finance_report",
  selection: "*daily_revenue_report",
  description: "Rebuild the daily revenue report from the latest exports",
  tags: { team: "finance" },
});

export const defs = new Definitions({
  jobs: [financeReport],
  assets: [rawOrders, rawCustomers, cleanOrders, customerOrders, dailyRevenue, dailyRevenueReport],
  resources: {
    // Paths next to this file, so the example runs from any working directory.
    sourceFiles: sourceFiles.configured({ dataDir: fileURLToPath(new URL("./data/", import.meta.url)) }),
    reports: reports.configured({ outputDir: fileURLToPath(new URL("./output/", import.meta.url)) }),
  },
});
