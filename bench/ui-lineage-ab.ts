// Two builds of the web UI compared on the lineage of 5,000 assets, interleaved in one browser against one
// `tessera dev` (figures taken minutes apart on a shared machine differ by more than most changes): each round opens
// the lineage with build A, then B, and makes the same motions, zoomed in (as the page opens) and after Zoom to fit.
// Per build and motion: the frames (event → next frame painted) and the renderer main thread's CPU per frame by task
// (from a Chromium trace).
// Run: node --import tsx bench/ui-lineage-ab.ts DIR_A DIR_B [rounds]   (each DIR a copy of dist/ui from a Vite build)
import { loadavg } from "node:os";
import { dirname } from "node:path";
import { launchChromium } from "../test/support/browser.js";
import { startDevProcess } from "../test/support/dev-process.js";
import { TempDirs, userProject } from "../test/support/user-project.js";
import { buildsFromArgs, serveBothBuilds, tracedFrames, type Figures as FiguresOf } from "./ui-ab-support.js";
import { frameLoopScript, lineageDefs, zoomToFitPainted } from "./ui-fixtures.js";

const STEPS = 120;
const KINDS = ["RunTask", "EventDispatch", "UpdateLayoutTree", "Layout", "Paint", "Commit"] as const;
const MOTIONS = ["in-pan", "in-zoom", "fit-pan", "fit-zoom"] as const;

// The motions of bench/ui-ops.bench.ts; their settling (a crisp redraw, React's render) is not one of their frames,
// but its CPU is in the trace.
const MOTION = (kind: "pan" | "zoom") => frameLoopScript({ selector: ".canvas", kind, steps: STEPS, settleMs: 400 });

type Figures = FiguresOf<(typeof KINDS)[number]>;

const { dirA, dirB, rounds } = buildsFromArgs("ui-lineage-ab.ts");
const serve = serveBothBuilds(dirA, dirB);
const dirs = new TempDirs();
const home = dirs.make("tessera-bench-ui-lineage-ab-");
const defs = userProject(dirs, lineageDefs(50, 100), "tessera-bench-ui-lineage-ab-project-");
const [dev, browser] = await Promise.all([startDevProcess(dirname(defs), home, ["-m", defs, "--no-daemon", "--no-watch"]), launchChromium()]);
const results: Record<string, Record<string, Figures[]>> = { A: {}, B: {} };
const fits: Record<string, number[]> = {};
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  for (let round = 0; round < rounds; round++) {
    for (const [name, dir] of [["A", dirA], ["B", dirB]] as const) {
      serve(dir);
      await page.goto("about:blank");
      await page.goto(`${dev.url}/#/lineage`);
      await page.getByRole("button", { name: "g0_a0", exact: true }).waitFor({ timeout: 120_000 });
      await page.waitForFunction(() => performance.getEntriesByName("lineage-statuses-received").length > 0, undefined, { timeout: 300_000 });
      const figures: Record<string, Figures> = {};
      figures["in-pan"] = await tracedFrames(page, MOTION("pan"), STEPS, KINDS);
      figures["in-zoom"] = await tracedFrames(page, MOTION("zoom"), STEPS, KINDS);
      // Zoom to fit timed as bench/ui-ops.bench.ts does: the click to the frame after it painted.
      const fitMs = await zoomToFitPainted(page);
      ((fits as Record<string, number[]>)[name] ??= []).push(fitMs);
      await page.waitForTimeout(500);
      figures["fit-pan"] = await tracedFrames(page, MOTION("pan"), STEPS, KINDS);
      figures["fit-zoom"] = await tracedFrames(page, MOTION("zoom"), STEPS, KINDS);
      const load = loadavg()[0]?.toFixed(1);
      console.log(`round ${round + 1} ${name} Zoom to fit → painted (load ${load}): ${fitMs.toFixed(1)} ms`);
      for (const motion of MOTIONS) {
        const f = figures[motion] as Figures;
        ((results[name] as Record<string, Figures[]>)[motion] ??= []).push(f);
        console.log(`round ${round + 1} ${name} ${motion} (load ${load}): p95 ${f.p95.toFixed(1)} ms, ${f.dropped}/${STEPS} dropped; CPU ms/frame ${KINDS.map((k) => `${k} ${f.cpu[k].toFixed(2)}`).join(", ")}`);
      }
    }
  }
} finally {
  await browser.close();
  await dev.stop();
  dirs.removeAll();
}
for (const motion of MOTIONS) {
  for (const name of ["A", "B"]) {
    const all = results[name]?.[motion] ?? [];
    const mean = (f: (x: Figures) => number) => all.reduce((s, x) => s + f(x), 0) / all.length;
    console.log(`${name} ${motion} mean of ${all.length}: p95 ${mean((x) => x.p95).toFixed(1)} ms, ${mean((x) => x.dropped).toFixed(1)} dropped; CPU ms/frame ${KINDS.map((k) => `${k} ${mean((x) => x.cpu[k]).toFixed(2)}`).join(", ")}`);
  }
}
for (const name of ["A", "B"]) {
  const all = [...(fits[name] ?? [])].sort((a, b) => a - b);
  console.log(`${name} Zoom to fit → painted, median of ${all.length}: ${all[Math.floor(all.length / 2)]?.toFixed(1)} ms (${all.map((t) => t.toFixed(1)).join(", ")})`);
}
