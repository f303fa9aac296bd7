// The quickstart's code location: `tessera materialize -m examples/quickstart/defs.ts` loads this `defs`.
import { fileURLToPath } from "node:url";
import { Definitions, defineAssetJob } from "@tessera/core";
import { customerOrders, cleanOrders } from "./assets/orders.js";
import { ordersByMarket, topCustomers } from "./assets/customers.js";
import { cleanOrdersHaveUniqueIds, everyDayHasRevenue } from "./assets/quality.js";
import { rawCustomers, rawOrders, shopExport } from "./assets/raw.js";
import { dailyRevenueReport } from "./assets/report.js";
import { dailyRevenue } from "./assets/revenue.js";
import { morningReport, newShopExport } from "./automation.js";
import { reports, sourceFiles } from "./resources.js";

const dataDir = fileURLToPath(new URL("./data/", import.meta.url));

/** The finance team's morning refresh: the revenue report and everything it is computed from. */
const financeReport = defineAssetJob({
  name: "finance_report",
  // Everything upstream of the report, and an observation of the shop export it starts from.
  selection: "+key:daily_revenue_report or key:shop_export",
  description: "Rebuild the daily revenue report from the latest exports",
  tags: { team: "finance" },
});

export const defs = new Definitions({
  jobs: [financeReport],
  schedules: [morningReport(financeReport)],
  sensors: [newShopExport(financeReport, dataDir)],
  assets: [shopExport, rawOrders, rawCustomers, cleanOrders, customerOrders, dailyRevenue, dailyRevenueReport, ordersByMarket, topCustomers],
  assetChecks: [cleanOrdersHaveUniqueIds, everyDayHasRevenue],
  resources: {
    // Paths next to this file, so the example runs from any working directory.
    sourceFiles: sourceFiles.configured({ dataDir }),
    reports: reports.configured({ outputDir: fileURLToPath(new URL("./output/", import.meta.url)) }),
  },
});
