// Runs one step in this process: loads its inputs, calls its compute (retried as its RetryPolicy allows),
// hands its outputs to their IO managers, records its checks, and writes the step's events throughout.
import { AssetCheckFailedError } from "../../core/index.js";
import type { PlanStep } from "../../plan/index.js";
import { captureStepOutput } from "../compute-log-capture.js";
import type { RunState } from "../run-state.js";
import { makeLogger } from "../step-logger.js";
import { runWithRetries } from "../step-retry.js";
import { computeAsset } from "./compute-asset.js";
import { handleOutputs } from "./handle-outputs.js";
import { loadInputs } from "./load-inputs.js";
import { observeSource } from "./observe-source.js";
import { runOpStep } from "./run-op-step.js";
import { ComputeError } from "./run-compute.js";
import { computeCheck, evaluateChecks } from "./step-checks.js";
import { stepEmitter, type StepEmit, type StepOutcome } from "./step-events.js";
import { stepLimitOf, underLimit } from "./step-timeout.js";
import { failStep } from "./fail-step.js";
import { StepAbandonedError, outputGuard, type OutputGuard } from "./output-guard.js";

/** Runs one step here, with what it writes to stdout and stderr kept as its compute logs. */
export function runStep(run: RunState, step: PlanStep): Promise<StepOutcome> {
  return captureStepOutput(run, step, () => runCapturedStep(run, step));
}

/** An op of a graph-backed asset runs through runOpStep; every other step kind runs here. */
type NonOpStep = Exclude<PlanStep, { kind: "op" }>;

async function runCapturedStep(run: RunState, step: PlanStep): Promise<StepOutcome> {
  const started = performance.now();
  let limit: ReturnType<typeof stepLimitOf>;
  try {
    limit = stepLimitOf(step, run.deadline, started);
  } catch (error) {
    return failStep(step, stepEmitter(run, step), error, started, 0, undefined);
  }
  // Once a step is failed for its time, whatever its compute still does is dropped: its events are not the step's.
  let abandoned = false;
  const direct = stepEmitter(run, step);
  const emit: StepEmit = (event) => {
    if (!abandoned) direct(event);
  };
  const guard = outputGuard(run, step.key, () => abandoned);
  try {
    const body = step.kind === "op" ? runOpStep(run, step, emit, guard) : runStepBody(run, step, emit, started, guard);
    return await underLimit(step, limit, body, () => (abandoned = true));
  } catch (error) {
    return failStep(step, direct, error, started, 0, undefined);
  }
}

async function runStepBody(run: RunState, step: NonOpStep, emit: StepEmit, started: number, guard: OutputGuard): Promise<StepOutcome> {
  const log = makeLogger((level, message, data) => emit({ eventType: "LOG_MESSAGE", level, message, data }));
  emit({ eventType: "STEP_START", message: `Started execution of step "${step.key}".` });

  let inputs: Record<string, unknown>;
  try {
    inputs = await loadInputs(run, step, log, emit);
  } catch (error) {
    return failStep(step, emit, error, started, 0, "loading its inputs");
  }

  // Inputs are loaded once: a retry calls the compute again with the same values.
  return runWithRetries(run, step, async (attempt) => {
    // A step failed for its time starts no further attempt in the background.
    if (guard.abandoned()) return { outcome: { status: "failure", error: new StepAbandonedError(step.key) } };
    try {
      if (step.kind === "asset" && step.definition.executionType === "observe") {
        evaluateChecks(run, step, await observeSource(run, step, attempt, log, emit), emit);
      } else if (step.kind === "asset") {
        const { produced, checkResults } = await computeAsset(run, step, inputs, attempt, log, emit);
        await handleOutputs(run, step, produced, log, emit, guard);
        evaluateChecks(run, step, checkResults, emit);
      } else {
        const result = await computeCheck(run, step, inputs, attempt, log);
        evaluateChecks(run, step, [result], emit);
      }
      emit({
        eventType: "STEP_SUCCESS",
        message: `Finished execution of step "${step.key}".`,
        durationMs: performance.now() - started,
        attempt,
      });
      return { outcome: { status: "success" } };
    } catch (error) {
      // Only what user code threw is retried; the engine's errors (type checks, IO managers) would fail again.
      if (error instanceof ComputeError) {
        return {
          retryable: { error: error.original, upForRetryMessage: (retry) => `Step "${step.key}" failed and will be retried ${retry}.` },
          giveUp: () => failStep(step, emit, error.original, started, attempt, undefined),
        };
      }
      const phase = error instanceof AssetCheckFailedError ? undefined : "handling its output";
      return { outcome: failStep(step, emit, error, started, attempt, phase) };
    }
  });
}
