// What the browser benches and profiles open: a lineage of `groups × perGroup` assets, and a run of 100 steps with
// 1,000 events each, written straight to the instance; and how they move it and time its frames, the same in each.
import type { Page } from "playwright-core";
import { Instance, type TesseraEvent } from "../src/index.js";

export interface FrameLoop {
  /** The element the inputs go to (and, for "scroll", that scrolls). */
  readonly selector: string;
  /** A step of a pointer drag, of a wheel zoom in and out, a jump of the log by a `steps`-th of its height, or nothing. */
  readonly kind: "pan" | "zoom" | "scroll" | "idle";
  readonly steps: number;
  /** For "scroll": a fixed step in px (as a reader's wheel scrolls) instead of the jumps. */
  readonly scrollStep?: number | undefined;
  /** Waited after the last step, inside whatever measures the loop (a motion's settling: a crisp redraw, a render). */
  readonly settleMs?: number | undefined;
}

/**
 * The page-side loop every frames bench and profile times, as an expression that evaluates to the frame times: per step
 * one input, then the time until the frame after it is painted. Passed as text: the bundler's helpers for named
 * functions do not exist in the page.
 */
export function frameLoopScript(loop: FrameLoop): string {
  return `(async ({ selector, kind, steps, scrollStep, settleMs }) => {
  const target = document.querySelector(selector);
  // The log sits below the run's steps: on screen, as a reader scrolling it has it.
  if (kind === "scroll") target.scrollIntoView({ block: "nearest" });
  const box = target.getBoundingClientRect();
  const cx = box.left + box.width / 2;
  const cy = box.top + box.height / 2;
  const painted = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const times = [];
  if (kind === "pan") target.dispatchEvent(new PointerEvent("pointerdown", { clientX: cx, clientY: cy, bubbles: true, pointerId: 1 }));
  await painted();
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    if (kind === "pan") target.dispatchEvent(new PointerEvent("pointermove", { clientX: cx - (i % 40) * 12, clientY: cy - (i % 40) * 6, bubbles: true, pointerId: 1 }));
    else if (kind === "zoom") target.dispatchEvent(new WheelEvent("wheel", { deltaY: i % 20 < 10 ? 60 : -60, clientX: cx, clientY: cy, bubbles: true, cancelable: true }));
    else if (kind === "scroll") target.scrollTop = scrollStep ? i * scrollStep : (target.scrollHeight * i) / steps;
    await painted();
    times.push(performance.now() - start);
  }
  if (kind === "pan") target.dispatchEvent(new PointerEvent("pointerup", { clientX: cx, clientY: cy, bubbles: true, pointerId: 1 }));
  if (settleMs) await new Promise((resolve) => setTimeout(resolve, settleMs));
  return times;
})(${JSON.stringify({ scrollStep: 0, settleMs: 0, ...loop })})`;
}

/** Clicks the lineage's "Zoom to fit" in the page and returns the ms from the click to the frame after it painted. */
export function zoomToFitPainted(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const button = [...document.querySelectorAll("button")].find((b) => b.textContent === "Zoom to fit") as HTMLButtonElement;
    const start = performance.now();
    button.click();
    await new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    return performance.now() - start;
  });
}

/** A code location of `groups` groups of `perGroup` assets: chains inside a group, every group fed by the one before. */
export const lineageDefs = (groups: number, perGroup: number) => `
import { Definitions, asset } from "@tessera/core";
const assets = [];
for (let g = 0; g < ${groups}; g++) for (let i = 0; i < ${perGroup}; i++) {
  const deps = [];
  if (i > 0) deps.push(assets[assets.length - 1]);
  if (i >= 10) deps.push(assets[assets.length - 10]);
  if (g > 0 && i === 0) deps.push(assets[assets.length - ${perGroup}]);
  assets.push(asset({ name: \`g\${g}_a\${i}\`, groupName: \`group_\${g}\`, deps }, async () => i));
}
export const defs = new Definitions({ assets });
`;

/** Stores a finished run of the 100 assets of `lineageDefs(1, 100)`, each step with 1,000 events; 100,002 in all. */
export async function storeLongRun(instance: Instance): Promise<{ runId: string; eventCount: number }> {
  const steps = Array.from({ length: 100 }, (_, i) => `g0_a${i}`);
  const { runId } = await instance.createRun({ jobName: "__ASSET_JOB", assetSelection: steps, runConfig: {}, tags: {} });
  const events: TesseraEvent[] = [{ runId, timestamp: Date.now(), eventType: "RUN_START", message: "Started run.", stepKeys: steps } as TesseraEvent];
  for (const stepKey of steps) {
    events.push({ runId, stepKey, timestamp: Date.now(), eventType: "STEP_START", message: `Started step ${stepKey}.` });
    for (let i = 0; i < 998; i++) events.push({ runId, stepKey, timestamp: Date.now(), eventType: "LOG_MESSAGE", level: "info", message: `${stepKey}: loaded batch ${i} of 998 (${i * 1000} rows)` });
    events.push({ runId, stepKey, timestamp: Date.now(), eventType: "STEP_SUCCESS", message: `Finished step ${stepKey}.` });
  }
  events.push({ runId, timestamp: Date.now(), eventType: "RUN_SUCCESS", message: "Finished run successfully." });
  for (let i = 0; i < events.length; i += 5000) await instance.storeEvents(events.slice(i, i + 5000));
  return { runId, eventCount: events.length };
}
