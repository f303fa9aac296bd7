import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { EventRecord } from "../core/index.js";
import { Progress } from "./progress.js";
import { createStyle, stripAnsi } from "./style.js";

let storageId = 0;
const event = (eventType: EventRecord["eventType"], stepKey?: string, extra: Partial<EventRecord> = {}): EventRecord => ({
  storageId: ++storageId,
  runId: "run-1",
  timestamp: 0,
  eventType,
  stepKey,
  ...extra,
});

function capture(columns = 80): { stream: PassThrough & { columns: number }; text: () => string } {
  const stream = Object.assign(new PassThrough(), { columns });
  let text = "";
  stream.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
  return { stream, text: () => text };
}

const plain = createStyle({ isTTY: false }, {});

describe("Progress", () => {
  it("prints one line per step event when not live", () => {
    const out = capture();
    const progress = new Progress({ stream: out.stream, live: false, style: plain, steps: ["a", "b"] });
    progress.onEvent(event("RUN_START"));
    progress.onEvent(event("STEP_START", "a"));
    progress.onEvent(event("STEP_SUCCESS", "a", { durationMs: 12 }));
    progress.onEvent(event("STEP_FAILURE", "b", { durationMs: 3, error: { name: "Error", message: "boom\nmore detail" } }));
    progress.stop();
    expect(out.text()).toBe(
      ["Run run-1 started: 2 steps", "[a] started", "[a] succeeded in 12ms (1/2)", "[b] failed after 3ms (2/2): boom", ""].join("\n"),
    );
  });

  it("keeps a live status line of steps done and running, under the lines of finished steps", () => {
    const out = capture();
    const progress = new Progress({ stream: out.stream, live: true, style: plain, steps: ["a", "b", "c"] });
    progress.onEvent(event("STEP_START", "a"));
    progress.onEvent(event("STEP_START", "b"));
    progress.onEvent(event("STEP_SUCCESS", "a", { durationMs: 5 }));
    const screen = out.text().split("\r\x1b[2K");
    expect(screen).toContain("✓ a 5ms\n");
    expect(screen.at(-1)).toMatch(/^. █{7}░{13} 1\/3 \d+ms running b$/);
    progress.stop();
    expect(out.text().endsWith("\r\x1b[2K")).toBe(true);
  });

  it("cuts the live line to the terminal's width", () => {
    const out = capture(40);
    const progress = new Progress({ stream: out.stream, live: true, style: plain, steps: ["a_step_with_a_long_name", "another_long_step_name"] });
    progress.onEvent(event("STEP_START", "a_step_with_a_long_name"));
    progress.onEvent(event("STEP_START", "another_long_step_name"));
    const last = out.text().split("\r\x1b[2K").at(-1) ?? "";
    progress.stop();
    expect(stripAnsi(last).length).toBe(39);
    expect(last.endsWith("…")).toBe(true);
  });
});
