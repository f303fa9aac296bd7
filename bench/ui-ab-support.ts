// What the A/B benches of two web UI builds share: serving both builds from one `tessera dev` (the served index.html
// picks the build) and timing a scripted motion in the page with the renderer main thread's CPU per frame by task (the
// latter bench/ui-ops.bench.ts uses too).
import { cpSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { uiDirectory } from "../src/api/server/static-ui.js";

export interface Figures<K extends string> {
  /** Each step's time, from the input to the frame after it painted. */
  times: number[];
  p95: number;
  dropped: number;
  cpu: Record<K, number>;
}

/** The two build directories from the command line, or a usage error naming the bench. */
export function buildsFromArgs(bench: string): { dirA: string; dirB: string; rounds: number } {
  const [dirA, dirB, rounds] = process.argv.slice(2);
  if (!dirA || !dirB) throw new Error(`usage: node --import tsx bench/${bench} DIR_A DIR_B [rounds]   (each DIR a copy of dist/ui from a Vite build)`);
  return { dirA, dirB, rounds: Number(rounds ?? 3) };
}

/**
 * Puts both builds' hashed assets side by side where `tessera dev` (started after this, from source) serves the UI;
 * the returned function makes `dir`'s index.html the one served.
 */
export function serveBothBuilds(dirA: string, dirB: string): (dir: string) => void {
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, "--conditions=tessera-source"].filter(Boolean).join(" ");
  const served = uiDirectory();
  rmSync(served, { recursive: true, force: true });
  mkdirSync(join(served, "assets"), { recursive: true });
  for (const dir of [dirA, dirB]) for (const file of readdirSync(join(dir, "assets"))) cpSync(join(dir, "assets", file), join(served, "assets", file));
  return (dir) => cpSync(join(dir, "index.html"), join(served, "index.html"));
}

/**
 * Runs `script` in the page (it returns each of `steps` frame times) under a Chromium trace; a frame is dropped when
 * it took over 1.5 × the median. With UI_AB_THREADS set, also prints each browser thread's CPU per frame (the display
 * compositor, the renderer's compositor and raster workers do a frame's work off the renderer's main thread).
 */
export async function tracedFrames<K extends string>(page: Page, script: string, steps: number, kinds: readonly K[]): Promise<Figures<K>> {
  const cdp = await page.context().newCDPSession(page);
  const events: { name: string; ph: string; pid: number; tid: number; tdur?: number; args?: { name?: string } }[] = [];
  cdp.on("Tracing.dataCollected", (data) => {
    for (const event of data.value) events.push(event as unknown as (typeof events)[number]);
  });
  await cdp.send("Tracing.start", { categories: process.env.UI_AB_THREADS ? "toplevel,devtools.timeline,disabled-by-default-devtools.timeline" : "devtools.timeline,disabled-by-default-devtools.timeline", transferMode: "ReportEvents" });
  const times = (await page.evaluate(script)) as number[];
  const done = new Promise<void>((resolve) => cdp.once("Tracing.tracingComplete", () => resolve()));
  await cdp.send("Tracing.end");
  await done;
  await cdp.detach();
  const main = events.find((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain")?.tid;
  const cpu = Object.fromEntries(kinds.map((k) => [k, 0])) as Record<K, number>;
  for (const e of events) if (e.tid === main && e.ph === "X" && (kinds as readonly string[]).includes(e.name)) cpu[e.name as K] += (e.tdur ?? 0) / 1000 / steps;
  if (process.env.UI_AB_THREADS) {
    const names = new Map<string, string>();
    for (const e of events) if (e.ph === "M" && e.name === "thread_name") names.set(`${e.pid}:${e.tid}`, e.args?.name ?? "?");
    const byThread = new Map<string, number>();
    for (const e of events) {
      // The top-level task of each thread (devtools' "RunTask" nests inside ThreadControllerImpl::RunTask: not counted twice).
      if (e.ph !== "X" || !/^(ThreadControllerImpl::RunTask|ThreadPool_RunTask)$/.test(e.name)) continue;
      const name = (names.get(`${e.pid}:${e.tid}`) ?? "?").replace(/\d+$/, "");
      byThread.set(name, (byThread.get(name) ?? 0) + (e.tdur ?? 0) / 1000 / steps);
    }
    console.log(`  threads ms/frame: ${[...byThread].sort((a, b) => b[1] - a[1]).map(([n, ms]) => `${n} ${ms.toFixed(2)}`).join(", ")}`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(steps / 2)] as number;
  return { times, p95: sorted[Math.floor(steps * 0.95)] as number, dropped: times.filter((t) => t > median * 1.5).length, cpu };
}
