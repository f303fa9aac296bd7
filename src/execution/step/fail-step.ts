// How a step ends in failure: one STEP_FAILURE event with the error, the phase it failed in, and the attempt.
import { serializeError } from "../../core/index.js";
import type { PlanStep } from "../../plan/index.js";
import type { StepEmit, StepOutcome } from "./step-events.js";

export function failStep(step: PlanStep, emit: StepEmit, error: unknown, started: number, attempt: number, phase: string | undefined): StepOutcome {
  const serialized = serializeError(error);
  emit({
    eventType: "STEP_FAILURE",
    message: `Step "${step.key}" failed${phase ? ` while ${phase}` : ""}: ${serialized.message}`,
    error: serialized,
    durationMs: performance.now() - started,
    attempt,
  });
  return { status: "failure", error };
}
