// The quickstart example, run as its users run it: real CSVs, a real SQLite instance, real files.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Instance, ManualClock, resource, type ExecuteResult } from "@tessera/core";
import { defs } from "../examples/quickstart/defs.js";
import type { CustomerOrder } from "../examples/quickstart/assets/orders.js";
import { REPORT_FILE } from "../examples/quickstart/assets/report.js";
import type { DailyRevenue } from "../examples/quickstart/assets/revenue.js";
import { ReportWriter } from "../examples/quickstart/resources.js";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tessera-quickstart-"));
  dirs.push(dir);
  return dir;
}

/** An instance in a fresh home, with the report written into that home too. */
function freshSetup(): { instance: Instance; outputDir: string; runConfig: { resources: { reports: { config: { outputDir: string } } } } } {
  const home = tempDir();
  const instance = Instance.fromHome({ home });
  const outputDir = join(home, "reports");
  return { instance, outputDir, runConfig: { resources: { reports: { config: { outputDir } } } } };
}

function materializationOf(result: ExecuteResult, key: string) {
  const event = result.getAssetMaterializationEvents().find((e) => e.assetKey?.toString() === key);
  if (!event) throw new Error(`no materialization of ${key}`);
  return event;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("the quickstart pipeline, fully materialized", () => {
  let setup: ReturnType<typeof freshSetup>;
  let result: ExecuteResult;

  beforeAll(async () => {
    setup = freshSetup();
    result = await defs.materialize("*", { instance: setup.instance, runConfig: setup.runConfig });
  });
  afterAll(() => setup.instance.close());

  it("materializes all nine assets in one successful run", () => {
    expect(result.success).toBe(true);
    expect(result.materializedKeys.map(String).sort()).toEqual([
      "clean_orders",
      "customer_orders",
      "daily_revenue",
      "daily_revenue_report",
      "export_orders",
      "home_market_orders",
      "raw_customers",
      "raw_orders",
      "top_customers",
    ]);
  });

  it("runs the data checks after their assets, both passing on the shipped exports", () => {
    expect(result.getAssetCheckEvaluations().map((e) => [`${e.assetKey}:${e.checkName}`, e.passed]).sort()).toEqual([
      ["clean_orders:unique_order_ids", true],
      ["daily_revenue:every_day_has_revenue", true],
    ]);
  });

  it("splits joined orders into the home market and exports in one multi-asset step", () => {
    const home = result.assetValue<CustomerOrder[]>("home_market_orders");
    const abroad = result.assetValue<CustomerOrder[]>("export_orders");
    expect(home.every((o) => o.country === "DE")).toBe(true);
    expect(abroad.some((o) => o.country === "DE")).toBe(false);
    expect(home.length + abroad.length).toBe(31);
    expect(result.allEvents.filter((e) => e.eventType === "STEP_START" && e.stepKey === "orders_by_market")).toHaveLength(1);
  });

  it("ranks the five best customers by revenue with a two-op graph asset", () => {
    const top = result.assetValue<{ customerId: string; revenueCents: number }[]>("top_customers");
    expect(top).toHaveLength(5);
    expect(top.map((c) => c.revenueCents)).toEqual([...top.map((c) => c.revenueCents)].sort((a, b) => b - a));
    const orders = result.assetValue<CustomerOrder[]>("customer_orders");
    const best = top[0] as { customerId: string; revenueCents: number };
    expect(best.revenueCents).toBe(orders.filter((o) => o.customerId === best.customerId).reduce((sum, o) => sum + o.amountCents, 0));
  });

  it("computes revenue per day from the CSV files, in cents", () => {
    const revenue = result.assetValue<DailyRevenue>("daily_revenue");
    expect(revenue.currency).toBe("EUR");
    expect(revenue.days).toEqual([
      { day: "2024-03-01", orders: 5, customers: 5, revenueCents: 141740 },
      { day: "2024-03-02", orders: 6, customers: 6, revenueCents: 26034 },
      { day: "2024-03-03", orders: 5, customers: 5, revenueCents: 29744 },
      { day: "2024-03-04", orders: 6, customers: 6, revenueCents: 43584 },
      { day: "2024-03-05", orders: 9, customers: 9, revenueCents: 43764 },
    ]);
    expect(materializationOf(result, "daily_revenue").metadata?.total_revenue).toEqual({ type: "float", value: 2848.66 });
  });

  it("drops duplicated orders, blank amounts and impossible dates, and counts them in metadata", () => {
    const metadata = materializationOf(result, "clean_orders").metadata ?? {};
    expect(metadata.rows_in).toEqual({ type: "int", value: 40 });
    expect(metadata.rows_out).toEqual({ type: "int", value: 32 });
    expect(metadata.dropped_duplicates).toEqual({ type: "int", value: 3 });
    expect(metadata.dropped_missing_amount).toEqual({ type: "int", value: 3 });
    expect(metadata.dropped_invalid_date).toEqual({ type: "int", value: 2 });
  });

  it("previews clean orders as a table with its schema, amounts parsed from quoted thousands", () => {
    const metadata = materializationOf(result, "clean_orders").metadata ?? {};
    const preview = metadata.preview;
    if (preview?.type !== "table") throw new Error(`preview is ${preview?.type}`);
    expect(preview.value.records).toHaveLength(5);
    expect(preview.value.records[3]).toEqual({ order_id: "1004", customer_id: "C004", order_date: "2024-03-01", amount: 1250 });
    expect(metadata.schema?.type).toBe("table_schema");
  });

  it("joins orders to customers, leaving out and logging the order of an unknown customer", () => {
    const joined = result.assetValue<CustomerOrder[]>("customer_orders");
    expect(joined).toHaveLength(31);
    expect(joined.find((o) => o.customerId === "C002")?.customerName).toBe("Müller, Anna");
    expect(materializationOf(result, "customer_orders").metadata?.unknown_customers).toEqual({ type: "text", value: "C099" });
    const warning = result.allEvents.find((e) => e.eventType === "LOG_MESSAGE" && e.level === "warn");
    expect(warning?.stepKey).toBe("customer_orders");
  });

  it("writes the markdown report and records its path as metadata", async () => {
    const path = join(setup.outputDir, REPORT_FILE);
    expect(materializationOf(result, "daily_revenue_report").metadata?.path).toEqual({ type: "path", value: path });
    const report = readFileSync(path, "utf8");
    expect(report).toContain("| 2024-03-01 | 5 | 5 | 1,417.40 |");
    expect(report).toContain("| **Total** | **31** | | **2,848.66** |");
    expect(report).toContain(result.runId);
    const latest = await setup.instance.getLatestMaterializationEvent("daily_revenue_report");
    expect(latest?.runId).toBe(result.runId);
  });
});

describe("the quickstart pipeline, configured and rerun", () => {
  it("counts only orders of at least minOrderAmount, in the configured currency", async () => {
    const { instance, runConfig, outputDir } = freshSetup();
    const result = await defs.materialize("*", {
      instance,
      runConfig: { ...runConfig, ops: { daily_revenue: { config: { currency: "USD", minOrderAmount: 20 } } } },
    });
    const revenue = result.assetValue<DailyRevenue>("daily_revenue");
    // 12.50 on March 1st falls under the minimum.
    expect(revenue.days[0]).toEqual({ day: "2024-03-01", orders: 4, customers: 4, revenueCents: 140490 });
    expect(readFileSync(join(outputDir, REPORT_FILE), "utf8")).toContain("| Day | Orders | Customers | Revenue (USD) |");
    await instance.close();
  });

  it("rematerializes one asset from the values a previous run stored in the instance's home", async () => {
    const { instance, runConfig } = freshSetup();
    await defs.materialize("*", { instance, runConfig });
    const rerun = await defs.materialize("daily_revenue", {
      instance,
      runConfig: { ops: { daily_revenue: { config: { minOrderAmount: 100 } } } },
    });
    expect(rerun.materializedKeys.map(String)).toEqual(["daily_revenue"]);
    expect(rerun.assetValue<DailyRevenue>("daily_revenue").days.map((d) => d.revenueCents)).toEqual([125000, 15000, 31000, 10240]);
    await instance.close();
  });

  it("retries the report after a failed write, waiting by the run's clock rather than the wall clock", async () => {
    const { instance, outputDir } = freshSetup();
    let attempts = 0;
    const flakyReports = resource({
      setup: () =>
        new (class extends ReportWriter {
          override async write(name: string, content: string): Promise<string> {
            if (attempts++ === 0) throw new Error("report share unavailable");
            return super.write(name, content);
          }
        })(outputDir),
    });
    const clock = new ManualClock(Date.UTC(2024, 2, 6), { autoAdvance: true });
    const result = await defs.materialize("*", { instance, resources: { reports: flakyReports }, clock });
    expect(result.success).toBe(true);
    const retry = result.allEvents.find((e) => e.eventType === "STEP_UP_FOR_RETRY");
    expect(retry?.stepKey).toBe("daily_revenue_report");
    expect(retry?.data?.delaySeconds).toBe(0.5);
    expect(attempts).toBe(2);
    await instance.close();
  });
});

describe("the quickstart's finance_report job", () => {
  it("observes the shop export, recording its hash as the data version the orders were computed from", async () => {
    const setup = freshSetup();
    const result = await defs.getJobDef("finance_report").executeInProcess({ instance: setup.instance, runConfig: setup.runConfig });
    const expected = createHash("sha256").update(readFileSync(new URL("../examples/quickstart/data/orders.csv", import.meta.url))).digest("hex").slice(0, 16);
    expect(result.getAssetObservationEvents()[0]?.tags?.["tessera/data_version"]).toBe(expected);
    expect(materializationOf(result, "raw_orders").tags?.["tessera/input_data_version/shop_export"]).toBe(expected);
    expect(result.run.tags).toMatchObject({ team: "finance" });
    await setup.instance.close();
  });
});
