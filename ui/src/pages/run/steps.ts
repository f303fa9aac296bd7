// The run's steps for the Gantt, folded from its events one batch at a time (a run of 100,000 events is read in
// chunks: each event is looked at once). A step keeps each attempt, so retries show as segments of its bar.

export interface StepEvent {
  readonly eventType: string;
  readonly stepKey: string | null;
  readonly timestamp: number;
  readonly stepKeys?: readonly string[] | null;
}

export type StepState = "queued" | "running" | "succeeded" | "failed" | "retrying" | "skipped";

export interface Attempt {
  start: number;
  end: number | undefined;
  /** How the attempt ended: up for retry, or the step's outcome; undefined while it runs. */
  outcome: "retried" | "succeeded" | "failed" | undefined;
}

export interface StepSpan {
  readonly key: string;
  state: StepState;
  attempts: Attempt[];
}

export class StepTracker {
  readonly #spans = new Map<string, StepSpan>();

  #span(key: string): StepSpan {
    let span = this.#spans.get(key);
    if (!span) this.#spans.set(key, (span = { key, state: "queued", attempts: [] }));
    return span;
  }

  add(events: readonly StepEvent[]): void {
    for (const e of events) {
      if (e.eventType === "RUN_START") for (const key of e.stepKeys ?? []) this.#span(key);
      if (!e.stepKey) continue;
      const span = this.#span(e.stepKey);
      const current = span.attempts[span.attempts.length - 1];
      switch (e.eventType) {
        case "STEP_START":
        case "STEP_RESTARTED":
          // A restart after STEP_UP_FOR_RETRY opens the next attempt; a second STEP_START of one attempt does not.
          if (!current || current.end !== undefined) span.attempts.push({ start: e.timestamp, end: undefined, outcome: undefined });
          span.state = "running";
          break;
        case "STEP_UP_FOR_RETRY":
          if (current && current.end === undefined) Object.assign(current, { end: e.timestamp, outcome: "retried" });
          span.state = "retrying";
          break;
        case "STEP_SUCCESS":
          if (current && current.end === undefined) Object.assign(current, { end: e.timestamp, outcome: "succeeded" });
          span.state = "succeeded";
          break;
        case "STEP_FAILURE":
          if (current && current.end === undefined) Object.assign(current, { end: e.timestamp, outcome: "failed" });
          span.state = "failed";
          break;
        case "STEP_SKIPPED":
          span.state = "skipped";
          break;
      }
    }
  }

  spans(): StepSpan[] {
    return [...this.#spans.values()].map((s) => ({ ...s, attempts: s.attempts.map((a) => ({ ...a })) }));
  }
}

/** The retries a step went through (attempts that ended up for retry). */
export const retriesOf = (span: StepSpan): number => span.attempts.filter((a) => a.outcome === "retried").length;
