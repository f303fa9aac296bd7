// Where the browser's time goes in a frame of the run log's scroll (100,000 events) or the lineage's fit and pan:
// a Chromium trace of the motion, its top-level tasks summed by name, and the JS functions by self time.
// Run: node --import tsx bench/ui-frames-profile.ts [log|lineage]   (needs dist/ui)
import { dirname } from "node:path";
import type { CDPSession, Page } from "playwright-core";
import { Instance } from "../src/index.js";
import { launchChromium } from "../test/support/browser.js";
import { startDevProcess } from "../test/support/dev-process.js";
import { TempDirs, userProject } from "../test/support/user-project.js";
import { frameLoopScript, lineageDefs, storeLongRun } from "./ui-fixtures.js";

interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  tid: number;
  ts: number;
  cat: string;
  tdur?: number;
  args?: { name?: string; beginData?: { dirtyObjects?: number; totalObjects?: number; elementCount?: number }; elementCount?: number; data?: { clip?: number[]; nodeId?: number } };
}

async function traced(page: Page, action: () => Promise<unknown>): Promise<void> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on("Tracing.dataCollected", (data) => {
    for (const event of data.value) events.push(event as unknown as TraceEvent);
  });
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
  // PROFILE_INVALIDATIONS: which nodes are invalidated for paint, layout and style each frame, and why.
  const categories = `devtools.timeline,disabled-by-default-devtools.timeline${process.env.PROFILE_INVALIDATIONS ? ",disabled-by-default-devtools.timeline.invalidationTracking" : ""}`;
  await cdp.send("Tracing.start", { categories, transferMode: "ReportEvents" });
  await cdp.send("Profiler.start");
  await action();
  const { profile } = (await cdp.send("Profiler.stop")) as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; hitCount?: number }[]; samples: number[]; timeDeltas: number[] } };
  const done = new Promise<void>((resolve) => cdp.once("Tracing.tracingComplete", () => resolve()));
  await cdp.send("Tracing.end");
  await done;
  const byName = new Map<string, { total: number; count: number }>();
  for (const e of events) {
    if (e.ph !== "X" || e.dur === undefined) continue;
    const entry = byName.get(e.name) ?? { total: 0, count: 0 };
    entry.total += e.dur / 1000;
    entry.count++;
    byName.set(e.name, entry);
  }
  const main = events.find((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain")?.tid;
  const tasks = events.filter((e) => e.tid === main && e.ph === "X" && e.name === "RunTask");
  const cpu = tasks.reduce((sum, e) => sum + (e.tdur ?? 0), 0) / 1000;
  const wall = tasks.reduce((sum, e) => sum + (e.dur ?? 0), 0) / 1000;
  console.log(`renderer main thread: ${cpu.toFixed(0)} ms CPU, ${wall.toFixed(0)} ms wall in ${tasks.length} tasks`);
  if (process.env.PROFILE_TIMELINE) {
    const shown = events.filter((e) => e.tid === main && e.ph === "X" && (e.dur ?? 0) > 300).sort((a, b) => a.ts - b.ts);
    const origin = shown[0]?.ts ?? 0;
    for (const e of shown) console.log(`  ${((e.ts - origin) / 1000).toFixed(1).padStart(7)} ${((e.dur ?? 0) / 1000).toFixed(1).padStart(6)} wall ${((e.tdur ?? 0) / 1000).toFixed(1).padStart(6)} cpu  ${e.name}`);
  }
  const cpuByName = new Map<string, number>();
  for (const e of events) if (e.tid === main && e.ph === "X" && e.tdur !== undefined) cpuByName.set(e.name, (cpuByName.get(e.name) ?? 0) + e.tdur / 1000);
  console.log(`main thread CPU by event (nested counted in parents): ${[...cpuByName].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([n, ms]) => `${n} ${ms.toFixed(0)}`).join(", ")}`);
  const layouts = events.filter((e) => e.name === "Layout" && e.ph === "X");
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
  console.log(`layout: mean ${mean(layouts.map((e) => e.args?.beginData?.dirtyObjects ?? 0)).toFixed(0)} dirty of ${mean(layouts.map((e) => e.args?.beginData?.totalObjects ?? 0)).toFixed(0)} objects`);
  const styles = events.filter((e) => e.name === "UpdateLayoutTree" && e.ph === "X");
  console.log(`style: mean ${mean(styles.map((e) => e.args?.elementCount ?? 0)).toFixed(0)} elements`);
  const paints = events.filter((e) => e.name === "Paint" && e.ph === "X").slice(0, 12);
  console.log(`paints: ${paints.map((e) => `${((e.dur ?? 0) / 1000).toFixed(1)}ms[${(e.args?.data?.clip ?? []).join(",")}]`).join(" ")}`);
  if (process.env.PROFILE_INVALIDATIONS) {
    const reasons = new Map<string, number>();
    for (const e of events) {
      if (!e.name.endsWith("InvalidationTracking")) continue;
      const data = (e.args as { data?: { nodeName?: string; reason?: string; invalidationSet?: unknown } } | undefined)?.data;
      const key = `${e.name.replace("InvalidationTracking", "")} ${data?.nodeName ?? "?"}: ${data?.reason ?? ""}`;
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    console.log("invalidations (kind node: reason, count):");
    for (const [key, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${String(n).padStart(6)}  ${key}`);
  }
  console.log("trace events by total ms (nested events counted in their parents too):");
  for (const [name, { total, count }] of [...byName].sort((a, b) => b[1].total - a[1].total).slice(0, 25)) console.log(`  ${total.toFixed(1).padStart(8)} ms  ${String(count).padStart(5)}×  ${name}`);
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const key = `${functionName || "(anonymous)"} ${url.split("/").pop()}:${lineNumber}:${columnNumber}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  console.log("JS self time (ms):");
  for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${ms.toFixed(1).padStart(8)}  ${name}`);
}

// The log's scroll of bench/ui-ops.bench.ts (the log brought on screen first, as there). PROFILE_STEP (px) scrolls by
// a fixed step instead of the jumps of a 200th of the log.
const SCROLL = frameLoopScript({ selector: ".log-scroll", kind: "scroll", steps: 200, scrollStep: Number(process.env.PROFILE_STEP) || undefined });

const which = process.argv[2] ?? "log";
process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, "--conditions=tessera-source"].filter(Boolean).join(" ");
const dirs = new TempDirs();
try {
  if (which === "log") {
    const home = dirs.make("tessera-profile-ui-log-");
    const defs = userProject(dirs, lineageDefs(1, 100), "tessera-profile-ui-log-project-");
    const instance = Instance.fromHome({ home });
    const big = await storeLongRun(instance);
    const [dev, browser] = await Promise.all([startDevProcess(dirname(defs), home, ["-m", defs, "--no-daemon", "--no-watch"]), launchChromium()]);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`${dev.url}/#/runs/${big.runId}`);
      await page.getByRole("status", { name: "Events shown" }).filter({ hasText: `${big.eventCount} events` }).waitFor({ timeout: 300_000 });
      await page.getByRole("cell", { name: "RUN_SUCCESS" }).waitFor({ timeout: 5000 }).catch(async (e: unknown) => {
        console.log(await page.evaluate(() => {
          const s = document.querySelector(".log-scroll") as HTMLElement;
          const rows = [...s.querySelectorAll("[aria-rowindex]")].map((r) => r.getAttribute("aria-rowindex"));
          return `scrollTop ${s.scrollTop} scrollHeight ${s.scrollHeight} clientHeight ${s.clientHeight} rows ${rows[0]} ${rows[1]}..${rows[rows.length - 1]} (${rows.length})`;
        }));
        throw e;
      });
      if (process.env.PROFILE_SHOT) {
        await page.locator(".log-scroll").evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
        await page.locator(".log-scroll").screenshot({ path: `${process.env.PROFILE_SHOT}/log.png` });
      }
      // A style sheet to try before changing the source (e.g. PROFILE_CSS='.log-row { contain: none }').
      if (process.env.PROFILE_CSS) await page.addStyleTag({ content: process.env.PROFILE_CSS });
      if (process.env.PROFILE_HIDE) await page.evaluate((selector) => document.querySelectorAll(selector).forEach((e) => ((e as HTMLElement).style.display = "none")), process.env.PROFILE_HIDE);
      if (!process.env.PROFILE_NOWARM) await page.evaluate(SCROLL);
      await traced(page, async () => {
        const times = (await page.evaluate(SCROLL)) as number[];
        const s = [...times].sort((a, b) => a - b);
        console.log(`scroll frames: median ${s[100]?.toFixed(1)} p95 ${s[190]?.toFixed(1)} max ${s[199]?.toFixed(1)}`);
      });
    } finally {
      await browser.close();
      await dev.stop();
      await instance.close();
    }
  } else {
    const home = dirs.make("tessera-profile-ui-lineage-");
    const defs = userProject(dirs, lineageDefs(50, 100), "tessera-profile-ui-lineage-project-");
    const [dev, browser] = await Promise.all([startDevProcess(dirname(defs), home, ["-m", defs, "--no-daemon", "--no-watch"]), launchChromium()]);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`${dev.url}/#/lineage`);
      await page.getByRole("button", { name: "g0_a0", exact: true }).waitFor({ timeout: 120_000 });
      await page.waitForFunction(() => performance.getEntriesByName("lineage-statuses-received").length > 0, undefined, { timeout: 300_000 });
      // PROFILE_AT=in: the motion up close (as the page opens), without Zoom to fit first.
      const close = process.env.PROFILE_AT === "in";
      if (!close) await traced(page, async () => {
        const ms = await page.evaluate(async () => {
          const button = [...document.querySelectorAll("button")].find((b) => b.textContent === "Zoom to fit") as HTMLButtonElement;
          await new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
          const start = performance.now();
          button.click();
          const clicked = performance.now();
          await new Promise<void>((resolve) => setTimeout(resolve, 0));
          const task = performance.now();
          let raf = 0;
          await new Promise<void>((resolve) => requestAnimationFrame(() => ((raf = performance.now()), setTimeout(resolve, 0))));
          const end = performance.now();
          return `${(end - start).toFixed(1)} (click ${(clicked - start).toFixed(1)}, then a task ${(task - start).toFixed(1)}, rAF ${(raf - start).toFixed(1)})`;
        });
        console.log(`zoom to fit: ${ms} ms`);
        if (process.env.PROFILE_SHOT) await page.screenshot({ path: `${process.env.PROFILE_SHOT}/fit.png` });
      });
      // PROFILE_MOTION=zoom: the fitted overview's wheel zoom instead of its pan.
      const zoom = process.env.PROFILE_MOTION === "zoom";
      await traced(page, async () => {
        const times = (await page.evaluate(frameLoopScript({ selector: ".canvas", kind: zoom ? "zoom" : "pan", steps: 120 }))) as number[];
        console.log(`${close ? "zoomed-in" : "fitted"} ${zoom ? "zoom" : "pan"} frames: ${times.map((t) => t.toFixed(0)).join(" ")}`);
      });
    } finally {
      await browser.close();
      await dev.stop();
    }
  }
} finally {
  dirs.removeAll();
}
