// The lineage and run pages in real Chromium against a real `tessera dev` (run from the sources):
// - lineage of 5,000 assets (50 groups of 100, chains inside a group, every group fed by the one before): from opening
//   the page to the first asset button named by its key; frame times while panning and zooming (a pointer or wheel
//   event dispatched, then the next frame painted); zoom to fit (click to the frame after), and the overview's canvas
//   draw;
// - lineage of 20,000 assets (200 groups) opened with every group collapsed (#/lineage?collapsed=all): to the last
//   group's box;
// - a run event on screen: from an event written to the instance (another process, as a run's would be) to its row
//   in the open run page's log;
// - a run of 100,000 events (100 steps of 1,000): from opening its page to every event counted and the last on
//   screen, frame times while scrolling its log, and the page's JS heap after a garbage collection.
// Run: node --import tsx bench/ui-ops.bench.ts   (needs dist/ui: `npx vite build -c ui/vite.config.ts`)
import { dirname } from "node:path";
import type { Page } from "playwright-core";
import { Instance, type TesseraEvent } from "../src/index.js";
import { launchChromium } from "../test/support/browser.js";
import { startDevProcess } from "../test/support/dev-process.js";
import { TempDirs, userProject } from "../test/support/user-project.js";
import { frameLoopScript, lineageDefs, storeLongRun, zoomToFitPainted, type FrameLoop } from "./ui-fixtures.js";
import { report, type Measurement } from "./harness.js";
import { tracedFrames } from "./ui-ab-support.js";

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const median = (values: number[]) => sorted(values)[Math.floor(values.length / 2)] as number;
const p95 = (values: number[]) => sorted(values)[Math.min(values.length - 1, Math.floor(values.length * 0.95))] as number;

/**
 * Per step: an input event dispatched in the page, then the time until the frame after it is painted. Also the CPU time
 * of the renderer's main thread over the steps (from a Chromium trace), which a loaded machine inflates far less than
 * the frame times: kept on the array as `cpuPerFrame`.
 */
async function frameTimes(page: Page, selector: string, kind: FrameLoop["kind"], steps: number): Promise<number[] & { cpuPerFrame?: number }> {
  const { times, cpu } = await tracedFrames(page, frameLoopScript({ selector, kind, steps }), steps, ["RunTask"] as const);
  return Object.assign(times, { cpuPerFrame: cpu.RunTask });
}

/** The idle page's frames in this run: the floor every motion is judged against. */
interface Floor {
  median: number;
  p95: number;
}

/** A frame is dropped when its interval is over half again the idle page's median (so at least one vsync was missed). */
const droppedOver = (floor: Floor) => floor.median * 1.5;

const describeFrames = (times: number[] & { cpuPerFrame?: number }, floor: Floor) => {
  const dropped = times.filter((t) => t > droppedOver(floor)).length;
  const cpu = times.cpuPerFrame === undefined ? "" : `, renderer main thread CPU ${times.cpuPerFrame.toFixed(1)} ms a frame`;
  return {
    dropped,
    text: `median frame ${median(times).toFixed(1)} ms, p95 ${p95(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms, ${dropped} of ${times.length} frames dropped (over ${droppedOver(floor).toFixed(1)} ms)${cpu}`,
  };
};

/**
 * A motion passes when it is as smooth as the idle page measured in the same run: its p95 within 1 ms of the idle p95,
 * and at most 1% of its frames dropped. (An absolute "p95 < 16.7 ms" fails the idle page itself: a frame measured from
 * an event to the next paint is one vsync interval plus the timer's latency.)
 */
const frames = (name: string, times: number[], floor: Floor): Measurement => {
  const p = p95(times);
  const { dropped, text } = describeFrames(times, floor);
  return {
    name: `${name}: ${text}; idle p95 ${floor.p95.toFixed(1)} ms`,
    ms: p,
    target: `p95 ≤ idle p95 + 1 ms (${(floor.p95 + 1).toFixed(1)}), ≤ 1% of frames dropped`,
    pass: p <= floor.p95 + 1 && dropped <= times.length * 0.01,
  };
};

/** The same loop with no event: what a frame costs on this machine now, whatever the page does. */
async function idleFloor(page: Page, rows: Measurement[], where: string): Promise<Floor> {
  const times = await frameTimes(page, "body", "idle", 240);
  const floor = { median: median(times), p95: p95(times) };
  rows.push({ name: `idle ${where} (no event: the floor of this run, under this load): ${describeFrames(times, floor).text}`, ms: floor.p95 });
  return floor;
}

async function lineage(dirs: TempDirs, rows: Measurement[]): Promise<void> {
  const home = dirs.make("tessera-bench-ui-ops-");
  const defs = userProject(dirs, lineageDefs(50, 100), "tessera-bench-ui-ops-project-");
  const big = userProject(dirs, lineageDefs(200, 100), "tessera-bench-ui-ops-big-");
  const [dev, browser] = await Promise.all([startDevProcess(dirname(defs), home, ["-m", defs, "--no-daemon", "--no-watch"]), launchChromium()]);
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const opens: number[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      await page.goto("about:blank");
      const start = performance.now();
      await page.goto(`${dev.url}/#/lineage`);
      await page.getByRole("button", { name: "g0_a0", exact: true }).waitFor({ timeout: 120_000 });
      if (i > 0) opens.push(performance.now() - start);
      // The statuses follow; the next open waits for them, so that each starts on an idle server.
      await page.waitForFunction(() => performance.getEntriesByName("lineage-statuses-received").length > 0, undefined, { timeout: 300_000 });
      if (i > 0) statuses.push(performance.now() - start);
    }
    const marks = await page.evaluate(() => performance.getEntriesByType("mark").map((m) => `${m.name} ${m.startTime.toFixed(0)}`).join(", "));
    console.log(`last open, ms from navigation: ${marks}`);
    const open = median(opens);
    rows.push({ name: "lineage of 5,000 assets: opened → first asset named on screen, layout from the browser's cache (median of 5, after one warm-up)", ms: open, target: "< 1500 ms", pass: open < 1500 });
    const colds: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.evaluate(() => localStorage.clear());
      await page.goto("about:blank");
      const start = performance.now();
      await page.goto(`${dev.url}/#/lineage`);
      await page.getByRole("button", { name: "g0_a0", exact: true }).waitFor({ timeout: 120_000 });
      colds.push(performance.now() - start);
      await page.waitForFunction(() => performance.getEntriesByName("lineage-statuses-received").length > 0, undefined, { timeout: 300_000 });
    }
    const cold = median(colds);
    rows.push({ name: "lineage of 5,000 assets: opened → first asset named on screen, laid out in the worker (no cached layout, median of 3)", ms: cold, target: "< 1500 ms", pass: cold < 1500 });
    console.log(rows[rows.length - 1]?.name, rows[rows.length - 1]?.ms);
    rows.push({ name: "lineage of 5,000 assets: opened → statuses received (staleness, checks, runs; median of 5)", ms: median(statuses) });
    const floor = await idleFloor(page, rows, "lineage page");
    rows.push(frames("lineage of 5,000 assets, zoomed in, pan", await frameTimes(page, ".canvas", "pan", 120), floor));
    console.log(rows[rows.length - 1]?.name, rows[rows.length - 1]?.ms);
    rows.push(frames("lineage of 5,000 assets, zoom in and out around the readable scale", await frameTimes(page, ".canvas", "zoom", 120), floor));
    const fits: number[] = [];
    for (let i = 0; i < 7; i++) {
      // From the view the page opens with (zoomed in at the start of the graph).
      await page.reload();
      await page.getByRole("button", { name: "g0_a0", exact: true }).waitFor({ timeout: 120_000 });
      fits.push(await zoomToFitPainted(page));
    }
    const fit = median(fits);
    const fitFrames = fits.map((t) => Math.max(1, Math.round(t / floor.median)));
    rows.push({ name: `lineage of 5,000 assets: Zoom to fit → whole graph painted (overview canvas, median of 7: ${fits.map((t) => t.toFixed(1)).join(", ")} ms, frames ${fitFrames.join(", ")})`, ms: fit, target: "< 16.7 ms", pass: fit < 16.7 });
    console.log(rows[rows.length - 1]?.name, rows[rows.length - 1]?.ms);
    rows.push(frames("lineage of 5,000 assets, fitted (overview canvas), pan", await frameTimes(page, ".canvas", "pan", 120), floor));
    console.log(rows[rows.length - 1]?.name, rows[rows.length - 1]?.ms);
    rows.push(frames("lineage of 5,000 assets, fitted (overview canvas), zoom", await frameTimes(page, ".canvas", "zoom", 120), floor));
    const draws = await page.evaluate(() => performance.getEntriesByName("lineage-overview-draw").map((e) => e.duration));
    rows.push({ name: `lineage overview canvas draw of 5,000 assets (median of ${draws.length})`, ms: median(draws) });
  } finally {
    await dev.stop();
  }
  const bigHome = dirs.make("tessera-bench-ui-ops-big-home-");
  const bigDev = await startDevProcess(dirname(big), bigHome, ["-m", big, "--no-daemon", "--no-watch"]);
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const opens: number[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      await page.goto("about:blank");
      const start = performance.now();
      await page.goto(`${bigDev.url}/#/lineage?collapsed=all`);
      await page.getByRole("button", { name: "Expand group group_199" }).waitFor({ timeout: 120_000 });
      if (i > 0) opens.push(performance.now() - start);
      await page.waitForFunction(() => performance.getEntriesByName("lineage-statuses-received").length > 0, undefined, { timeout: 300_000 });
      if (i > 0) statuses.push(performance.now() - start);
    }
    const marks = await page.evaluate(() => performance.getEntriesByType("mark").map((m) => `${m.name} ${m.startTime.toFixed(0)}`).join(", "));
    console.log(`20,000 collapsed, last open, ms from navigation: ${marks}`);
    rows.push({ name: "lineage of 20,000 assets: opened → statuses received (median of 3)", ms: median(statuses) });
    const open = median(opens);
    rows.push({ name: "lineage of 20,000 assets, groups collapsed: opened → every group's box on screen (median of 3, after one warm-up)", ms: open, target: "< 3000 ms", pass: open < 3000 });
  } finally {
    await browser.close();
    await bigDev.stop();
  }
}

async function runs(dirs: TempDirs, rows: Measurement[]): Promise<void> {
  const home = dirs.make("tessera-bench-ui-ops-runs-");
  const defs = userProject(dirs, lineageDefs(1, 100), "tessera-bench-ui-ops-runs-project-");
  const instance = Instance.fromHome({ home });
  const big = await storeLongRun(instance);
  const live = await instance.createRun({ jobName: "__ASSET_JOB", assetSelection: ["g0_a0"], runConfig: {}, tags: {} });
  await instance.storeEvents([{ runId: live.runId, timestamp: Date.now(), eventType: "RUN_START", message: "Started run.", stepKeys: ["g0_a0"] } as TesseraEvent]);

  const [dev, browser] = await Promise.all([startDevProcess(dirname(defs), home, ["-m", defs, "--no-daemon", "--no-watch"]), launchChromium()]);
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${dev.url}/#/runs/${live.runId}`);
    await page.getByRole("cell", { name: "RUN_START" }).waitFor({ timeout: 60_000 });
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const text = `bench event ${i} ${Date.now()}`;
      const start = performance.now();
      await instance.storeEvents([{ runId: live.runId, stepKey: "g0_a0", timestamp: Date.now(), eventType: "LOG_MESSAGE", level: "info", message: text }]);
      await page.waitForFunction((t) => document.body.innerText.includes(t), text, { polling: "raf", timeout: 30_000 });
      latencies.push(performance.now() - start);
    }
    const latency = median(latencies);
    rows.push({ name: `a run event written → its row on screen (median of 10, max ${Math.max(...latencies).toFixed(0)} ms)`, ms: latency, target: "< 1000 ms", pass: latency < 1000 });

    const loads: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.goto("about:blank");
      const start = performance.now();
      await page.goto(`${dev.url}/#/runs/${big.runId}`);
      await page.getByRole("status", { name: "Events shown" }).filter({ hasText: `${big.eventCount} events` }).waitFor({ timeout: 300_000 });
      await page.getByRole("cell", { name: "RUN_SUCCESS" }).waitFor();
      loads.push(performance.now() - start);
    }
    rows.push({ name: `run of ${big.eventCount.toLocaleString("en")} events: opened → every event read and the last on screen (median of 3)`, ms: median(loads) });
    console.log(rows[rows.length - 1]?.name, rows[rows.length - 1]?.ms);
    const floor = await idleFloor(page, rows, "run page (100,002 events loaded)");
    rows.push(frames(`run of ${big.eventCount.toLocaleString("en")} events, log scrolled top to bottom`, await frameTimes(page, ".log-scroll", "scroll", 200), floor));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("HeapProfiler.collectGarbage");
    const heap = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number; totalSize: number };
    const mb = heap.usedSize / 1024 / 1024;
    rows.push({ name: `run of ${big.eventCount.toLocaleString("en")} events: JS heap after GC`, ms: 0, figure: `${mb.toFixed(0)} MB used, ${(heap.totalSize / 1024 / 1024).toFixed(0)} MB allocated`, target: "< 300 MB", pass: mb < 300 });
    const rendered = await page.locator(".log-scroll [role=row][aria-rowindex]:not([aria-rowindex='1'])").count();
    rows.push({ name: `run of ${big.eventCount.toLocaleString("en")} events: log rows in the DOM`, ms: 0, figure: `${rendered} rows` });
  } finally {
    await browser.close();
    await dev.stop();
    await instance.close();
  }
}

export async function run(): Promise<Measurement[]> {
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, "--conditions=tessera-source"].filter(Boolean).join(" ");
  const dirs = new TempDirs();
  const rows: Measurement[] = [];
  try {
    if (process.env.UI_OPS_BENCH !== "runs") await lineage(dirs, rows);
    if (process.env.UI_OPS_BENCH !== "lineage") await runs(dirs, rows);
  } finally {
    dirs.removeAll();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) report("ui-ops", await run());
