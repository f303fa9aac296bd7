// The asset page in real Chromium, against a real `tessera dev` on a small project: an unpartitioned asset with
// numeric metadata, a declared table schema, a check and an automation condition, a daily-partitioned asset without a
// backfill policy and one with a single-run policy. The page is live: nothing in these tests reloads it.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openUi, type UiSession } from "../support/browser.js";
import type { DevProcess } from "../support/dev-process.js";
import { TESSERA_BIN, TempDirs, userProject } from "../support/user-project.js";
import { Instance } from "@tessera/core";

const DEFS = `
import { AssetCheckResult, AutomationCondition, AutomationConditionSensorDefinition, BackfillPolicy, DailyPartitionsDefinition, DefaultSensorStatus, Definitions, MaterializeResult, MetadataValue, asset, assetCheck } from "@tessera/core";

let calls = 0;
const columns = MetadataValue.tableSchema([{ name: "order_id", type: "int", description: "Shop order number" }, { name: "amount", type: "float" }]);
export const orders = asset(
  { name: "orders", groupName: "shop", kinds: ["csv"], owners: ["team:data"], description: "Orders from the shop export", codeVersion: "v1", metadata: { columns, source: "shop export" } },
  async () => new MaterializeResult({ value: 1, metadata: { rows: 10 + (calls++) * 5 } }),
);
const days = new DailyPartitionsDefinition({ startDate: "2024-01-01", endDate: "2024-04-10" });
export const daily = asset({ name: "daily_orders", groupName: "shop", partitionsDef: days, ins: { orders } }, async (ctx) => Object.fromEntries(ctx.partitionKeys.map((day) => [day, { day }])));
export const totals = asset({ name: "daily_totals", groupName: "shop", partitionsDef: days, backfillPolicy: BackfillPolicy.singleRun() }, async (ctx) => Object.fromEntries(ctx.partitionKeys.map((day) => [day, 0])));
export const summary = asset({ name: "summary", automationCondition: AutomationCondition.missing().and(AutomationCondition.inProgress().not()) }, async () => 2);
const ordersNotEmpty = assetCheck({ asset: orders, name: "orders_not_empty", description: "At least one order" }, async () => new AssetCheckResult({ passed: true }));

// Running from the start and evaluating at every daemon iteration, so that two \`daemon --once\` make two ticks.
const automation = new AutomationConditionSensorDefinition({ name: "automation", target: "*", defaultStatus: DefaultSensorStatus.RUNNING, minimumIntervalSeconds: 1 });

export const defs = new Definitions({ assets: [orders, daily, totals, summary], assetChecks: [ordersNotEmpty], sensors: [automation] });
`;

const dirs = new TempDirs();
let home: string;
let defs: string;
let dev: DevProcess;
let browser: Browser;
let ui: UiSession | undefined;
let page: Page;

const tessera = (...args: string[]) => execFileSync(process.execPath, [TESSERA_BIN, ...args], { env: { ...process.env, TESSERA_HOME: home, NO_COLOR: "1" }, encoding: "utf8" });

// Screenshots go to TESSERA_UI_ARTIFACTS when set (CI keeps them), else beside the test's instance.
const shot = (name: string) => page.screenshot({ path: join(process.env["TESSERA_UI_ARTIFACTS"] ?? home, name), fullPage: true });
const live = () => page.getByRole("status", { name: "Live updates" }).textContent();

beforeAll(async () => {
  home = dirs.make("tessera-ui-asset-");
  defs = userProject(dirs, DEFS, "tessera-ui-asset-project-");
  // Two automation ticks, so that the page has a tree per tick and a difference between them: the first requests
  // the missing summary (and runs it), the second does not.
  tessera("daemon", "-m", defs, "--once");
  tessera("daemon", "-m", defs, "--once");
  ui = await openUi(join(defs, ".."), home, ["-m", defs, "--no-daemon"], { width: 1400, height: 1000 });
  ({ dev, browser, page } = ui);
}, 180_000);

afterAll(async () => {
  await ui?.close();
  dirs.removeAll();
});

describe("asset page", () => {
  it("is reached from its key, with the key as heading and the overview", async () => {
    await page.goto(`${dev.url}/#/assets/orders`);
    await expect.poll(() => page.getByRole("heading", { name: "orders", exact: true }).count(), { timeout: 30_000 }).toBe(1);
    const overview = page.getByRole("region", { name: "Overview" });
    await expect.poll(() => overview.textContent()).toContain("Orders from the shop export");
    const text = (await overview.textContent()) ?? "";
    for (const fact of ["shop", "csv", "team:data", "v1"]) expect(text).toContain(fact);
    expect(await page.getByRole("list", { name: "Downstream assets" }).getByRole("link", { name: "daily_orders" }).count()).toBe(1);
    // The table schema the definition declares, before the asset was ever materialized.
    const columns = page.getByRole("region", { name: "Table schema" }).getByRole("table", { name: "Columns" });
    expect(await columns.getByRole("row", { name: /order_id int Shop order number/ }).count()).toBe(1);
    expect(await columns.getByRole("row", { name: /amount float/ }).count()).toBe(1);
    expect(await page.getByRole("table", { name: "Definition metadata" }).getByRole("row", { name: /source shop export/ }).count()).toBe(1);
    await expect.poll(live, { timeout: 30_000 }).toBe("Live");
    await shot("asset-overview.png");
  }, 120_000);

  it("materializes the asset, then plots its numeric metadata over time and opens a point's run", async () => {
    for (let i = 0; i < 2; i++) {
      await page.getByRole("button", { name: "Materialize", exact: true }).click();
      await expect.poll(() => page.getByRole("status").filter({ hasText: /Launched run/ }).count(), { timeout: 30_000 }).toBe(1);
      // The table gains the run's materialization over the subscription: the page is never reloaded. Header + i rows before.
      await expect.poll(() => page.getByRole("table", { name: "Materializations" }).getByRole("row").count(), { timeout: 60_000 }).toBe(i + 2);
    }
    const chart = page.getByRole("img", { name: /^rows over time, 2 points/ });
    await expect.poll(() => chart.count()).toBe(1);
    const checks = page.getByRole("table", { name: "Checks" });
    await expect.poll(() => checks.getByRole("row", { name: /orders_not_empty/ }).textContent()).toContain("PASSED");
    expect(await live()).toBe("Live");
    await shot("asset-page.png");
    const runLinks = await page.getByRole("table", { name: "Materializations" }).getByRole("link").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
    const box = await chart.boundingBox();
    if (!box) throw new Error("the chart has no box");
    await page.mouse.click(box.x + box.width - 20, box.y + box.height / 2);
    await expect.poll(() => page.evaluate(() => window.location.hash)).toMatch(/^#\/runs\//);
    expect(runLinks).toContain(await page.evaluate(() => window.location.hash));
  }, 120_000);

  it("shows the automation condition tree per tick, why, and the difference with the previous tick", async () => {
    await page.goto(`${dev.url}/#/assets/summary`);
    const automation = page.getByRole("region", { name: "Automation" });
    await expect.poll(() => automation.getByRole("region", { name: "Condition tree" }).count(), { timeout: 30_000 }).toBe(1);
    const ticks = automation.getByRole("combobox", { name: "Evaluation tick" });
    expect(await ticks.getByRole("option").count()).toBeGreaterThanOrEqual(2);
    expect(await automation.getByRole("region", { name: "Why" }).textContent()).toMatch(/Not requested because/);
    expect(await automation.getByRole("region", { name: "Changes since the previous tick" }).textContent()).toMatch(/→|new in this tick/);
    const options = await ticks.getByRole("option").allTextContents();
    const first = options.length - 1;
    expect(options[first]).toMatch(/requested 1/);
    await ticks.selectOption(String(first));
    await expect.poll(() => automation.getByRole("region", { name: "Why" }).textContent()).toMatch(/^Requested 1/);
    await shot("asset-automation.png");
  }, 120_000);

  it("shows a new automation tick's evaluation as another process writes it, without a reload", async () => {
    await page.goto(`${dev.url}/#/assets/summary`);
    const ticks = page.getByRole("region", { name: "Automation" }).getByRole("combobox", { name: "Evaluation tick" });
    await expect.poll(() => ticks.getByRole("option").count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    const before = await ticks.getByRole("option").count();
    const navigations: string[] = [];
    page.on("framenavigated", (frame) => navigations.push(frame.url()));
    // What the daemon writes for a tick whose evaluation of the asset changed without a run: the tick and the
    // evaluation, and no event of the asset (so only the schedules' and sensors' stream can tell the page).
    const instance = Instance.fromHome({ home });
    const [latest] = await instance.storage.getAutomationEvaluations("summary", { limit: 1 });
    if (!latest) throw new Error("the daemon stored no evaluation of summary");
    const evaluationId = latest.evaluationId + 1;
    await instance.storage.addAutomationEvaluations([{ ...latest, evaluationId, timestamp: Date.now(), numRequested: 0 }]);
    await instance.storage.addTick({ instigatorName: "automation", instigatorType: "SENSOR", status: "SKIPPED", timestamp: Date.now(), endTimestamp: Date.now(), runIds: [], runKeys: [], evaluationId, requestedCount: 0 });
    await instance.close();
    await expect.poll(() => ticks.getByRole("option").count(), { timeout: 30_000 }).toBe(before + 1);
    expect(navigations).toEqual([]);
  }, 120_000);

  it("draws the partitions bar, opens a partition and materializes it, then a range as a backfill (no backfill policy)", async () => {
    await page.goto(`${dev.url}/#/assets/daily_orders`);
    const bar = page.getByRole("slider", { name: "Partitions health" });
    await expect.poll(() => bar.getAttribute("aria-valuetext"), { timeout: 30_000 }).toMatch(/^100 partitions: 0 materialized, 0 failed, 0 in progress, 100 missing$/);
    const box = await bar.boundingBox();
    if (!box) throw new Error("the bar has no box");
    // The 11th of 100 partitions: 2024-01-11.
    await page.mouse.click(box.x + box.width * 0.105, box.y + box.height / 2);
    const detail = page.getByRole("region", { name: "Partition 2024-01-11" });
    await expect.poll(() => detail.count()).toBe(1);
    expect(await detail.textContent()).toContain("Never materialized");
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe("#/assets/daily_orders?partition=2024-01-11");
    await detail.getByRole("button", { name: "Materialize partition 2024-01-11" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: /Launched run/ }).count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => page.getByRole("status", { name: "Partitions summary" }).textContent(), { timeout: 60_000 }).toBe("100 partitions: 1 materialized, 0 failed, 0 in progress, 99 missing");
    await expect.poll(() => page.getByRole("region", { name: "Partition 2024-01-11" }).textContent(), { timeout: 60_000 }).toMatch(/Latest materialization .* in run/);

    await page.getByRole("button", { name: "Materialize partitions..." }).click();
    const dialog = page.getByRole("dialog", { name: "Materialize partitions" });
    await expect.poll(() => dialog.getByRole("textbox", { name: "First partition" }).inputValue()).toBe("2024-01-01");
    expect(await dialog.getByRole("textbox", { name: "Last partition" }).inputValue()).toBe("2024-04-09");
    await dialog.getByRole("textbox", { name: "First partition" }).fill("2024-02-01");
    await dialog.getByRole("textbox", { name: "Last partition" }).fill("2024-02-03");
    expect(await dialog.textContent()).toContain("A backfill: one run per partition.");
    await dialog.getByRole("button", { name: "Materialize range" }).click();
    const launched = page.getByRole("status").filter({ hasText: /^Launched backfill .* of 2024-02-01 to 2024-02-03/ });
    await expect.poll(() => launched.count(), { timeout: 30_000 }).toBe(1);
    const backfillHref = (await launched.getByRole("link").getAttribute("href")) as string;
    expect(backfillHref).toMatch(/^#\/backfills\/[\w-]+$/);
    // This `tessera dev` runs no daemon: another process's daemon runs the backfill, and the page follows its runs live.
    tessera("daemon", "-m", defs, "--once");
    await expect.poll(() => page.getByRole("status", { name: "Partitions summary" }).textContent(), { timeout: 60_000 }).toBe("100 partitions: 4 materialized, 0 failed, 0 in progress, 96 missing");
    await shot("asset-partitions.png");

    // A partition named in the address opens with the page.
    const shared = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await shared.goto(`${dev.url}/#/assets/daily_orders?partition=2024-02-02`);
    await expect.poll(() => shared.getByRole("region", { name: "Partition 2024-02-02" }).textContent(), { timeout: 30_000 }).toMatch(/Status: materialized.*Latest materialization .* in run/);
    await shared.close();
  }, 180_000);

  it("materializes a range in one run when the asset's backfill policy is a single run", async () => {
    await page.goto(`${dev.url}/#/assets/daily_totals`);
    await expect.poll(() => page.getByRole("status", { name: "Partitions summary" }).textContent(), { timeout: 30_000 }).toBe("100 partitions: 0 materialized, 0 failed, 0 in progress, 100 missing");
    await page.getByRole("button", { name: "Materialize partitions..." }).click();
    const dialog = page.getByRole("dialog", { name: "Materialize partitions" });
    expect(await dialog.textContent()).toContain("One run over the range");
    await expect.poll(() => dialog.getByRole("textbox", { name: "First partition" }).inputValue()).toBe("2024-01-01");
    await dialog.getByRole("textbox", { name: "First partition" }).fill("2024-03-01");
    await dialog.getByRole("textbox", { name: "Last partition" }).fill("2024-03-05");
    await dialog.getByRole("button", { name: "Materialize range" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: /^Launched run/ }).count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => page.getByRole("status", { name: "Partitions summary" }).textContent(), { timeout: 60_000 }).toBe("100 partitions: 5 materialized, 0 failed, 0 in progress, 95 missing");
    // One run wrote the five partitions.
    const runs = await page.getByRole("table", { name: "Materializations" }).getByRole("link").evaluateAll((links) => [...new Set(links.map((a) => a.getAttribute("href")))]);
    expect(runs).toHaveLength(1);
    await shot("asset-single-run-range.png");
  }, 120_000);
});
