// Runs a plan's steps in dependency order in this process, up to `maxConcurrent` at once.
import type { PlanStep } from "../plan/index.js";
import type { RunState } from "./run-state.js";
import { runStep } from "./step/run-step.js";
import type { StepOutcome } from "./step/step-events.js";

const PENDING = 0;
const SUCCEEDED = 2;
const FAILED = 3;
const SKIPPED = 4;

export interface PlanOutcome {
  /** Steps that failed, in the order they failed, with their errors. */
  readonly failures: readonly { step: PlanStep; error: unknown }[];
  readonly skipped: number;
}

export async function executeInProcess(
  run: RunState,
  maxConcurrent: number,
  isCanceled: () => boolean = () => false,
  /** Awaited after each step ends and before the next ones start: where a run notices a cancel request. */
  betweenSteps: () => Promise<void> = () => Promise.resolve(),
  /** Runs one step: here, or in a process of its own (the multiprocess executor). */
  stepRunner: (run: RunState, step: PlanStep) => Promise<StepOutcome> = runStep,
): Promise<PlanOutcome> {
  const steps = run.plan.steps;
  const state = new Uint8Array(steps.length);
  const waiting = Int32Array.from(steps, (s) => s.upstream.length);
  const ready: number[] = [];
  for (const step of steps) if (step.upstream.length === 0) ready.push(step.index);
  const failures: { step: PlanStep; error: unknown }[] = [];
  let skipped = 0;
  let finished = 0;
  let running = 0;
  let next = 0;

  // A partition of an asset that failed or was skipped is recorded as failed to materialize.
  const recordFailedPartitions = (step: PlanStep): void => {
    for (const node of step.nodes) {
      if (!run.graph.specs[node]?.partitionsDef || !run.partitionKeys) continue;
      for (const partition of run.partitionKeys) {
        run.writer.emit({ runId: run.runId, stepKey: step.key, timestamp: run.clock.now(), eventType: "ASSET_FAILED_TO_MATERIALIZE", assetKey: run.graph.keys[node], partition });
      }
    }
  };

  const skip = (index: number, reason: { message: string; upstreamStep?: string }): void => {
    state[index] = SKIPPED;
    skipped++;
    const step = steps[index] as PlanStep;
    recordFailedPartitions(step);
    run.writer.emit({
      runId: run.runId,
      stepKey: step.key,
      timestamp: run.clock.now(),
      eventType: "STEP_SKIPPED",
      message: reason.message,
      data: reason.upstreamStep ? { upstreamStep: reason.upstreamStep } : undefined,
    });
    settle(index);
  };

  // Once a step is done, each downstream whose upstreams are all done either becomes ready or is skipped.
  const settle = (index: number): void => {
    finished++;
    for (const d of (steps[index] as PlanStep).downstream) {
      const left = (waiting[d] as number) - 1;
      waiting[d] = left;
      if (left > 0 || state[d] !== PENDING) continue;
      const reason = skipReason(run, steps[d] as PlanStep, state);
      if (reason) skip(d, reason);
      else ready.push(d);
    }
  };

  await new Promise<void>((resolve) => {
    const pump = (): void => {
      if (isCanceled()) {
        // Steps not yet started are recorded as skipped, so the run's log says what never ran.
        while (next < ready.length) {
          const index = ready[next++] as number;
          skip(index, { message: `Skipped "${(steps[index] as PlanStep).key}": the run was canceled.` });
        }
      }
      while (running < maxConcurrent && next < ready.length) {
        const index = ready[next++] as number;
        state[index] = 1;
        running++;
        void stepRunner(run, steps[index] as PlanStep).then(async (outcome: StepOutcome) => {
          // A step after this one may read the instance (statuses, latest materializations), as in the reference,
          // where a step's events are stored as they happen: store this step's before any downstream starts. A
          // write that failed is kept by the writer and rethrown by the run's final flush.
          if ((steps[index] as PlanStep).downstream.length > 0) await run.writer.flush().catch(() => undefined);
          await betweenSteps().catch(() => undefined);
          running--;
          if (outcome.status === "success") state[index] = SUCCEEDED;
          else {
            state[index] = FAILED;
            failures.push({ step: steps[index] as PlanStep, error: outcome.error });
            recordFailedPartitions(steps[index] as PlanStep);
          }
          settle(index);
          pump();
        });
      }
      if (finished === steps.length && running === 0) resolve();
    };
    pump();
  });
  return { failures, skipped };
}

function skipReason(run: RunState, step: PlanStep, state: Uint8Array): { message: string; upstreamStep?: string } | undefined {
  for (const up of step.upstream) {
    const upstream = run.plan.steps[up] as PlanStep;
    if (state[up] === FAILED) return { message: `Skipped "${step.key}": upstream step "${upstream.key}" failed.`, upstreamStep: upstream.key };
    if (state[up] === SKIPPED) return { message: `Skipped "${step.key}": upstream step "${upstream.key}" was skipped.`, upstreamStep: upstream.key };
  }
  const waitsOn = step.kind === "check" ? [step.check.asset, ...step.check.additionalDeps] : [];
  for (const node of waitsOn) {
    const producer = run.plan.stepOfNode[node] as number;
    if (producer >= 0 && !run.materialized[node]) {
      return { message: `Skipped "${step.key}": asset "${run.graph.ids[node]}" was not materialized in this run.`, upstreamStep: (run.plan.steps[producer] as PlanStep).key };
    }
  }
  for (const node of step.nodes) {
    for (const parent of run.graph.parents[node] as number[]) {
      const producer = run.plan.stepOfNode[parent] as number;
      if (producer >= 0 && producer !== step.index && !run.materialized[parent]) {
        return {
          message: `Skipped "${step.key}": upstream asset "${run.graph.ids[parent]}" was not materialized in this run (its compute produced no output).`,
          upstreamStep: (run.plan.steps[producer] as PlanStep).key,
        };
      }
    }
  }
  return undefined;
}
