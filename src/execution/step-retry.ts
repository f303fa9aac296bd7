// Where a step is retried, whichever executor runs it. An attempt that fails in a way a RetryPolicy covers (the
// compute threw, or the queue worker running it died) is tried again after the policy's delay, with
// STEP_UP_FOR_RETRY and STEP_RESTARTED in the run's log; any other ending is the step's outcome as it is.
import { serializeError } from "../core/index.js";
import type { RetryPolicy } from "../definitions/index.js";
import type { PlanStep } from "../plan/index.js";
import type { RunState } from "./run-state.js";
import { stepEmitter, type StepOutcome } from "./step/step-events.js";

/** A failure the step's RetryPolicy may retry. */
export interface RetryableFailure {
  readonly error: unknown;
  /** The STEP_UP_FOR_RETRY message, given which retry of how many and the wait: "(1 of 3) in 2.00s". */
  readonly upForRetryMessage: (retry: string) => string;
  /** Added to the STEP_UP_FOR_RETRY event's data, after delaySeconds. */
  readonly data?: Readonly<Record<string, unknown>>;
}

export type AttemptResult =
  | { readonly outcome: StepOutcome }
  /** `giveUp` records the failure once no retry is left; it is not called when the step is retried. */
  | { readonly retryable: RetryableFailure; readonly giveUp: () => StepOutcome };

/** The step's own policy, else the run's (a job's opRetryPolicy). */
export function retryPolicyOf(run: RunState, step: PlanStep): RetryPolicy | undefined {
  return step.op.retryPolicy ?? run.opRetryPolicy;
}

/** Calls `attemptOnce` with attempt 0, 1, 2… until it ends in an outcome or in a failure no retry is left for. */
export async function runWithRetries(run: RunState, step: PlanStep, attemptOnce: (attempt: number) => Promise<AttemptResult>): Promise<StepOutcome> {
  const retryPolicy = retryPolicyOf(run, step);
  const maxRetries = retryPolicy?.maxRetries ?? 0;
  const emit = stepEmitter(run, step);
  for (let attempt = 0; ; attempt++) {
    const result = await attemptOnce(attempt);
    if ("outcome" in result) return result.outcome;
    if (!retryPolicy || attempt >= maxRetries) return result.giveUp();
    const seconds = retryPolicy.calculateDelay(attempt + 1, run.random);
    emit({
      eventType: "STEP_UP_FOR_RETRY",
      message: result.retryable.upForRetryMessage(`(${attempt + 1} of ${maxRetries})${seconds > 0 ? ` in ${seconds.toFixed(2)}s` : ""}`),
      error: serializeError(result.retryable.error),
      attempt,
      data: { delaySeconds: seconds, ...result.retryable.data },
    });
    await run.clock.sleep(seconds * 1000);
    emit({ eventType: "STEP_RESTARTED", message: `Retrying step "${step.key}" (attempt ${attempt + 2}).`, attempt: attempt + 1 });
  }
}
