// What a step checks before it hands a value to an IO manager (or to the op-output store): the step must still be
// the run's. A step left behind by its time limit, or running for a holder that lost the run's lease (stopped or
// cut off past it, or the run ended by monitoring), writes no value: another attempt may be writing it already.
import type { RunState } from "../run-state.js";

/** A step's compute went on after the step was failed for its time: what it does from then on is dropped. */
export class StepAbandonedError extends Error {
  constructor(stepKey: string) {
    super(`Step "${stepKey}" was already failed for its time limit; its late output is not stored.`);
    this.name = "StepAbandonedError";
  }
}

export interface OutputGuard {
  /** True once the step was failed for its time: no further attempt starts. */
  readonly abandoned: () => boolean;
  /** Resolves when the step may write a value now; rejects (StepAbandonedError, LeaseLostError, RunFinishedWriteError) when not. */
  readonly check: () => Promise<void>;
}

export function outputGuard(run: RunState, stepKey: string, abandoned: () => boolean): OutputGuard {
  return {
    abandoned,
    check: async () => {
      if (abandoned()) throw new StepAbandonedError(stepKey);
      // A refused event write means the storage already said this holder has no say on the run.
      if (run.writer.failure !== undefined) throw run.writer.failure;
      await run.assertHolder?.();
      if (abandoned()) throw new StepAbandonedError(stepKey);
    },
  };
}
