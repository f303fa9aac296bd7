import { describe, expect, it } from "vitest";
import { StepTracker, retriesOf } from "./steps.js";

const event = (eventType: string, stepKey: string | null, timestamp: number, stepKeys?: string[]) => ({ eventType, stepKey, timestamp, stepKeys: stepKeys ?? null });

describe("run steps", () => {
  it("keeps each attempt of a retried step, from events given in batches", () => {
    const tracker = new StepTracker();
    tracker.add([event("RUN_START", null, 0, ["a", "b"]), event("STEP_START", "a", 10), event("STEP_UP_FOR_RETRY", "a", 20)]);
    let [a, b] = tracker.spans();
    expect(a?.state).toBe("retrying");
    expect(b?.state).toBe("queued");
    tracker.add([event("STEP_RESTARTED", "a", 30), event("STEP_START", "a", 31), event("STEP_SUCCESS", "a", 40), event("STEP_START", "b", 41), event("STEP_FAILURE", "b", 50)]);
    [a, b] = tracker.spans();
    expect(a?.attempts).toEqual([
      { start: 10, end: 20, outcome: "retried" },
      { start: 30, end: 40, outcome: "succeeded" },
    ]);
    expect(retriesOf(a!)).toBe(1);
    expect(a?.state).toBe("succeeded");
    expect(b?.state).toBe("failed");
    expect(retriesOf(b!)).toBe(0);
  });

  it("marks skipped steps, and gives copies that later batches do not change", () => {
    const tracker = new StepTracker();
    tracker.add([event("RUN_START", null, 0, ["a"]), event("STEP_START", "a", 1)]);
    const before = tracker.spans();
    tracker.add([event("STEP_SUCCESS", "a", 2), event("STEP_SKIPPED", "c", 3)]);
    expect(before[0]?.attempts[0]?.end).toBeUndefined();
    expect(tracker.spans().map((s) => [s.key, s.state])).toEqual([
      ["a", "succeeded"],
      ["c", "skipped"],
    ]);
  });
});
