// The asset and catalog pages in real Chromium against a real `tessera dev` (run from the sources):
// - the partitions health bar of an hourly asset with 100,000 partitions, a third of the first half materialized one
//   partition in three (16,667 separate runs of positions, the worst shape for a bar) and a range failed: the draw
//   itself (the page's "partition-bar-draw" measure, median of redraws at several widths), and from opening the page
//   to the bar drawn (GraphQL and the server's status included);
// - the catalog of 5,000 assets: from opening it to every asset counted, and a scroll to the bottom until the last
//   row is on screen.
// Run: node --import tsx bench/ui-asset.bench.ts   (needs dist/ui: `npx vite build -c ui/vite.config.ts`)
import { AssetKey, Instance, type TesseraEvent } from "../src/index.js";
import { openUi } from "../test/support/browser.js";
import { TempDirs, userProject } from "../test/support/user-project.js";
import { report, type Measurement } from "./harness.js";
import { dirname } from "node:path";

const PARTITIONS = 100_000;
const START = Date.UTC(2014, 0, 1);
const hourKey = (i: number) => {
  const d = new Date(START + i * 3_600_000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCHours())}:00`;
};

const DEFS = `
import { Definitions, HourlyPartitionsDefinition, asset } from "@tessera/core";
const hours = new HourlyPartitionsDefinition({ startDate: "${hourKey(0)}", endDate: "${hourKey(PARTITIONS)}" });
export const hourly = asset({ name: "hourly", partitionsDef: hours }, async () => 1);
const assets = [hourly];
for (let g = 0; g < 50; g++) for (let i = 0; i < 100; i++) {
  if (assets.length === 5000) break;
  assets.push(asset({ name: \`g\${g}_a\${i}\`, groupName: \`group_\${g}\`, kinds: ["table"], owners: [\`team:t\${g % 5}\`] }, async () => i));
}
export const defs = new Definitions({ assets });
`;

async function seed(home: string): Promise<void> {
  const instance = Instance.fromHome({ home });
  const key = new AssetKey(["hourly"]);
  const ok = await instance.createRun({ jobName: "__ASSET_JOB", assetSelection: ["hourly"], runConfig: {}, tags: {} });
  const events: TesseraEvent[] = [];
  for (let i = 0; i < PARTITIONS / 2; i += 3) events.push({ runId: ok.runId, stepKey: "hourly", timestamp: Date.now(), eventType: "ASSET_MATERIALIZATION", assetKey: key, partition: hourKey(i) });
  for (let i = 0; i < events.length; i += 5000) await instance.storeEvents(events.slice(i, i + 5000));
  const failed = await instance.createRun({ jobName: "__ASSET_JOB", assetSelection: ["hourly"], runConfig: {}, tags: {} });
  const failures: TesseraEvent[] = [];
  for (let i = 70_000; i < 71_000; i++) failures.push({ runId: failed.runId, stepKey: "hourly", timestamp: Date.now(), eventType: "ASSET_FAILED_TO_MATERIALIZE", assetKey: key, partition: hourKey(i) });
  await instance.storeEvents(failures);
  await instance.close();
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

export async function run(): Promise<Measurement[]> {
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, "--conditions=tessera-source"].filter(Boolean).join(" ");
  const dirs = new TempDirs();
  const home = dirs.make("tessera-bench-ui-asset-");
  const defs = userProject(dirs, DEFS, "tessera-bench-ui-asset-project-");
  await seed(home);
  const ui = await openUi(dirname(defs), home, ["-m", defs, "--no-daemon", "--no-watch"]);
  const { dev, page } = ui;
  const rows: Measurement[] = [];
  try {
    const opens: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.goto("about:blank");
      const start = performance.now();
      await page.goto(`${dev.url}/#/assets/hourly`);
      await page.waitForFunction((n) => document.querySelector("canvas[data-drawn]")?.getAttribute("data-drawn") === String(n), PARTITIONS, { timeout: 120_000, polling: "raf" });
      opens.push(performance.now() - start);
    }
    const summary = await page.getByRole("status", { name: "Partitions summary" }).textContent();
    for (const width of [1400, 1000, 1800, 1200, 1600, 1400, 1100]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(100);
    }
    const draws = await page.evaluate(() => performance.getEntriesByName("partition-bar-draw").map((e) => e.duration));
    const draw = median(draws);
    rows.push({ name: `partitions bar, ${PARTITIONS.toLocaleString("en")} hourly partitions, draw (median of ${draws.length}; ${summary})`, ms: draw, target: "< 500 ms", pass: draw < 500 });
    const open = median(opens);
    rows.push({ name: "asset page opened → bar drawn (GraphQL + partition status included, median of 5)", ms: open });

    await page.setViewportSize({ width: 1400, height: 900 });
    const loads: number[] = [];
    const scrolls: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.goto("about:blank");
      const start = performance.now();
      await page.goto(`${dev.url}/#/assets`);
      await page.getByRole("status", { name: "Assets shown" }).filter({ hasText: "5000 of 5000 assets" }).waitFor({ timeout: 120_000 });
      await page.getByRole("row").nth(1).waitFor();
      loads.push(performance.now() - start);
      const scrollStart = performance.now();
      await page.locator(".catalog-scroll").evaluate((el) => el.scrollTo(0, el.scrollHeight));
      await page.getByRole("link", { name: "g49_a98", exact: true }).waitFor({ timeout: 30_000 });
      scrolls.push(performance.now() - scrollStart);
    }
    rows.push({ name: "catalog of 5,000 assets opened → all counted and the first rows shown (median of 5)", ms: median(loads) });
    rows.push({ name: "catalog scrolled to the bottom → last row shown (median of 5)", ms: median(scrolls) });
  } finally {
    await ui.close();
    dirs.removeAll();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) report("ui-asset", await run());
