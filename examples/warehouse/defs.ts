// A warehouse on DuckDB: raw CSV files loaded per day, SQL transformations as assets, a check, and a Python report
// through pipes. `npm run example:warehouse` materializes one day; the database is .tessera/warehouse.duckdb (or in
// $WAREHOUSE_DIR).
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { AssetCheckResult, DailyPartitionsDefinition, Definitions, asset, assetCheck } from "@tessera/core";
import { DuckDBResource, duckdbIOManager } from "@tessera/core/duckdb";
import { pythonHelperPath } from "@tessera/core/pipes";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = process.env.WAREHOUSE_DIR ?? join(process.cwd(), ".tessera");
mkdirSync(outDir, { recursive: true });
// One database for the IO manager and the SQL in assets: both open the same file through DuckDB's instance cache.
const warehouse = new DuckDBResource({ database: join(outDir, "warehouse.duckdb") });
const days = new DailyPartitionsDefinition({ startDate: "2024-01-01", endDate: "2024-01-03" });

/** The day's CSV export, loaded as it is. */
export const rawSales = asset(
  { name: "raw_sales", partitionsDef: days, metadata: { partition_expr: "day" }, resources: { warehouse: DuckDBResource } },
  (ctx) => ctx.resources.warehouse.query("SELECT timezone('UTC', day::TIMESTAMP) AS day, customer, amount::DOUBLE AS amount FROM read_csv($1)", [join(here, "data", `sales-${ctx.partitionKey}.csv`)]),
);

/** Each customer's total for the day: SQL over the table the IO manager wrote. */
export const customerTotals = asset(
  { name: "customer_totals", partitionsDef: days, deps: [rawSales], metadata: { partition_expr: "day" }, resources: { warehouse: DuckDBResource } },
  (ctx) =>
    ctx.resources.warehouse.query(
      "SELECT day, customer, sum(amount) AS total FROM main.raw_sales WHERE day = $1::TIMESTAMPTZ GROUP BY day, customer ORDER BY customer",
      [ctx.partitionTimeWindow.start.toISOString()],
    ),
);

/** The day in one row: orders, customers and revenue, another SQL transformation of the raw table. */
export const dailySummary = asset(
  { name: "daily_summary", partitionsDef: days, deps: [rawSales], metadata: { partition_expr: "day" }, resources: { warehouse: DuckDBResource } },
  (ctx) =>
    ctx.resources.warehouse.query(
      "SELECT day, count(*)::INTEGER AS orders, count(DISTINCT customer)::INTEGER AS customers, sum(amount) AS revenue FROM main.raw_sales WHERE day = $1::TIMESTAMPTZ GROUP BY day",
      [ctx.partitionTimeWindow.start.toISOString()],
    ),
);

/** No customer spends a negative amount in a day. */
export const totalsArePositive = assetCheck({ asset: customerTotals, name: "totals_are_positive" }, (_ctx, { asset }) => {
  const negative = (asset as { total: number }[]).filter((row) => row.total < 0);
  return new AssetCheckResult({ passed: negative.length === 0, metadata: { negative: negative.length } });
});

/** The day's report as markdown, written by report.py (Python, no dependencies) through pipes. */
export const salesReport = asset(
  { name: "sales_report", partitionsDef: days, ins: { customerTotals } },
  async (ctx, { customerTotals }) =>
    ctx.pipes.run("python3", {
      args: [join(here, "report.py")],
      env: { PYTHONPATH: dirname(pythonHelperPath) },
      extras: { totals: (customerTotals as { customer: string; total: number }[]).map(({ customer, total }) => ({ customer, total })), out_dir: outDir },
    }),
);

export const defs = new Definitions({
  assets: [rawSales, customerTotals, dailySummary, salesReport],
  assetChecks: [totalsArePositive],
  resources: { ioManager: duckdbIOManager({ database: warehouse }), warehouse },
});
