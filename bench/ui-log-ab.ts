// Two builds of the web UI compared on the run log's scroll (100,000 events), interleaved in one browser against one
// `tessera dev`: on a shared machine, figures taken minutes apart differ by more than most changes, so each round opens
// the run page with build A, then B, and scrolls both the same way. Per build: the frames (event → next frame painted)
// and the renderer main thread's CPU per frame by task (from a Chromium trace).
// Run: node --import tsx bench/ui-log-ab.ts DIR_A DIR_B [rounds]   (each DIR a copy of dist/ui from a Vite build)
import { dirname } from "node:path";
import { Instance } from "../src/index.js";
import { launchChromium } from "../test/support/browser.js";
import { startDevProcess } from "../test/support/dev-process.js";
import { TempDirs, userProject } from "../test/support/user-project.js";
import { buildsFromArgs, serveBothBuilds, tracedFrames, type Figures as FiguresOf } from "./ui-ab-support.js";
import { frameLoopScript, lineageDefs, storeLongRun } from "./ui-fixtures.js";

const STEPS = 200;
const KINDS = ["RunTask", "EventDispatch", "UpdateLayoutTree", "Layout", "PrePaint", "Paint", "Layerize", "Commit"] as const;

// The log's scroll of bench/ui-ops.bench.ts. PROFILE_STEP (px) scrolls by a fixed step, as a reader's wheel does,
// instead of the bench's jumps of a 200th of the log.
const SCROLL = frameLoopScript({ selector: ".log-scroll", kind: "scroll", steps: STEPS, scrollStep: Number(process.env.PROFILE_STEP) || undefined });

const { dirA, dirB, rounds } = buildsFromArgs("ui-log-ab.ts");
const serve = serveBothBuilds(dirA, dirB);
const dirs = new TempDirs();
const home = dirs.make("tessera-bench-ui-log-ab-");
const defs = userProject(dirs, lineageDefs(1, 100), "tessera-bench-ui-log-ab-project-");
const instance = Instance.fromHome({ home });
const big = await storeLongRun(instance);
const [dev, browser] = await Promise.all([startDevProcess(dirname(defs), home, ["-m", defs, "--no-daemon", "--no-watch"]), launchChromium()]);
type Figures = FiguresOf<(typeof KINDS)[number]>;
const results: Record<string, Figures[]> = { A: [], B: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  for (let round = 0; round < rounds; round++) {
    for (const [name, dir] of [["A", dirA], ["B", dirB]] as const) {
      serve(dir);
      await page.goto("about:blank");
      const start = performance.now();
      await page.goto(`${dev.url}/#/runs/${big.runId}`);
      await page.getByRole("status", { name: "Events shown" }).filter({ hasText: `${big.eventCount} events` }).waitFor({ timeout: 300_000 });
      await page.getByRole("cell", { name: "RUN_SUCCESS" }).waitFor();
      const opened = performance.now() - start;
      await page.evaluate(SCROLL);
      const figures = await tracedFrames(page, SCROLL, STEPS, KINDS);
      results[name]?.push(figures);
      const load = (await import("node:os")).loadavg()[0]?.toFixed(1);
      console.log(`round ${round + 1} ${name} (load ${load}): opened → every event and the last on screen ${opened.toFixed(0)} ms; scroll p95 ${figures.p95.toFixed(1)} ms, ${figures.dropped}/${STEPS} dropped; CPU ms/frame ${KINDS.map((k) => `${k} ${figures.cpu[k].toFixed(2)}`).join(", ")}`);
    }
  }
} finally {
  await browser.close();
  await dev.stop();
  await instance.close();
  dirs.removeAll();
}
for (const name of ["A", "B"]) {
  const all = results[name] ?? [];
  const mean = (f: (x: Figures) => number) => all.reduce((s, x) => s + f(x), 0) / all.length;
  console.log(`${name} mean of ${all.length}: p95 ${mean((x) => x.p95).toFixed(1)} ms, ${mean((x) => x.dropped).toFixed(1)} dropped; CPU ms/frame ${KINDS.map((k) => `${k} ${mean((x) => x.cpu[k]).toFixed(2)}`).join(", ")}`);
}
