// How a step's parts write events: each event carries the run, the step and the run clock's time.
import type { TesseraEvent } from "../../core/index.js";
import type { PlanStep } from "../../plan/index.js";
import type { RunState } from "../run-state.js";

export type StepEvent = Omit<TesseraEvent, "runId" | "stepKey" | "timestamp">;
export type StepEmit = (event: StepEvent) => void;

export type StepOutcome =
  | { readonly status: "success" }
  | { readonly status: "failure"; readonly error: unknown };

/** Runs one step of a run: here, in a process of its own, or on a worker. */
export type StepRunner = (run: RunState, step: PlanStep) => Promise<StepOutcome>;

export function stepEmitter(run: RunState, step: PlanStep): StepEmit {
  return (event) => run.writer.emit({ runId: run.runId, stepKey: step.key, timestamp: run.clock.now(), ...event } as TesseraEvent);
}
