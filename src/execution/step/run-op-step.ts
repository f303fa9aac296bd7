// Runs one op of a graph-backed asset as a step of its own: its inputs come from the asset's upstreams (through
// their IO managers) or from the ops before it (through the op-output store); its output goes to that store for
// the ops after it and for the asset's step. A re-execution from failure reuses what the parent run's op stored.
import { InvalidDefinitionError } from "../../core/index.js";
import { runTypeCheck } from "../../definitions/index.js";
import { opStepKey, type OpPlanStep } from "../../plan/index.js";
import { opOutputStore } from "../op-output-store.js";
import type { RunState } from "../run-state.js";
import { makeLogger } from "../step-logger.js";
import { runWithRetries } from "../step-retry.js";
import { loadInputs } from "./load-inputs.js";
import { ComputeError, runUserCode } from "./run-compute.js";
import { failStep } from "./fail-step.js";
import { openStepContext } from "./step-context.js";
import type { StepEmit, StepOutcome } from "./step-events.js";
import { StepAbandonedError, type OutputGuard } from "./output-guard.js";

/** The run tag a re-execution from failure carries: its ops that succeeded in the parent are not run again. */
export const RESUME_RETRY_TAG = "tessera/is_resume_retry";

export async function runOpStep(run: RunState, step: OpPlanStep, emit: StepEmit, guard: OutputGuard): Promise<StepOutcome> {
  const started = performance.now();
  const store = opOutputStore(run.instance);
  const body = step.definition.op.graph;
  const invocation = body?.invocations[step.invocation];
  if (!body || !invocation) throw new InvalidDefinitionError(`Step "${step.key}" names no op of graph asset "${step.definition.op.name}"`);

  const record = await run.instance.getRunById(run.runId);
  if (record?.parentRunId !== undefined && record.tags[RESUME_RETRY_TAG] === "true") {
    const previous = await store.load(record.parentRunId, step.key);
    if (previous.found) {
      await guard.check();
      await store.save(run.runId, step.key, previous.value);
      emit({ eventType: "ENGINE_EVENT", message: `Step "${step.key}" succeeded in run ${record.parentRunId}: its output is reused, not computed again.`, data: { reusedFromRunId: record.parentRunId } });
      return { status: "success" };
    }
  }

  const log = makeLogger((level, message, data) => emit({ eventType: "LOG_MESSAGE", level, message, data }));
  emit({ eventType: "STEP_START", message: `Started execution of step "${step.key}".` });
  const inputs: Record<string, unknown> = {};
  try {
    const assetInputs = await loadInputs(run, step, log, emit);
    for (const [name, handle] of Object.entries(invocation.inputs)) {
      let value: unknown;
      if ("input" in handle.source) value = assetInputs[handle.source.input];
      else {
        const producer = opStepKey(step.definition.op.name, body.invocations[handle.source.invocation]?.alias ?? "");
        const stored = await store.load(run.runId, producer);
        if (!stored.found) throw new InvalidDefinitionError(`Step "${step.key}" found no output of step "${producer}" in run ${run.runId}; re-execute the run whole.`);
        value = stored.value;
      }
      const failure = runTypeCheck(invocation.op.inputTypes[name] as never, value);
      if (failure !== undefined) throw new InvalidDefinitionError(`Input "${name}" of op "${invocation.alias}" in graph "${body.name}" failed its type check: ${failure}`);
      inputs[name] = value;
    }
  } catch (error) {
    return failStep(step, emit, error, started, 0, "loading its inputs");
  }

  return runWithRetries(run, step, async (attempt) => {
    if (guard.abandoned()) return { outcome: { status: "failure", error: new StepAbandonedError(step.key) } };
    try {
      const ctx = openStepContext(run, step, attempt, log);
      const value = await runUserCode(async () => await (invocation.op.compute as (ctx: unknown, inputs: unknown) => unknown)(ctx, Object.freeze({ ...inputs })));
      const failure = runTypeCheck(invocation.op.outputType as never, value);
      if (failure !== undefined) throw new InvalidDefinitionError(`The output of op "${invocation.alias}" in graph "${body.name}" failed its type check: ${failure}`);
      // As an asset's IO manager: a step no longer the run's stores nothing the ops after it would read.
      await guard.check();
      await store.save(run.runId, step.key, value);
      emit({ eventType: "STEP_SUCCESS", message: `Finished execution of step "${step.key}".`, durationMs: performance.now() - started, attempt });
      return { outcome: { status: "success" } };
    } catch (error) {
      if (error instanceof ComputeError) {
        return {
          retryable: { error: error.original, upForRetryMessage: (retry) => `Step "${step.key}" failed and will be retried ${retry}.` },
          giveUp: () => failStep(step, emit, error.original, started, attempt, undefined),
        };
      }
      return { outcome: failStep(step, emit, error, started, attempt, "handling its output") };
    }
  });
}
