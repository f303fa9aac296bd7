// The orchestrating side of the queue executor: each ready step becomes a job on the workers' queue; the
// orchestrator polls for the step's report, and watches the lease of the worker that took it.
import { serializeError } from "../../core/index.js";
import type { StorageConfig } from "../../instance/index.js";
import type { Instance } from "../../instance/index.js";
import type { PlanStep } from "../../plan/index.js";
import type { StepProcessReport } from "../multiprocess/spawn-step.js";
import type { RunState } from "../run-state.js";
import type { StepOutcome } from "../step-runner.js";
import { WORKER_LEASE_PREFIX } from "../workers/worker.js";
import { StepQueue, parseStepReport, stepReportKey, stepWorkerKey } from "./step-queue.js";

export interface QueueStepTarget {
  instance: Instance;
  module: string;
  storage: StorageConfig;
  home: string | undefined;
  nodes: readonly number[];
  checks: readonly number[];
  /** How often a waiting step looks for its report and its worker's lease, in ms. @default 50 */
  pollIntervalMs?: number;
}

export interface QueueStepRunner {
  readonly runStep: (run: RunState, step: PlanStep) => Promise<StepOutcome>;
  /** Releases the queue's connections once the run's steps are done. */
  close(): Promise<void>;
}

type AttemptEnd = { readonly report: StepProcessReport } | { readonly lost: string; readonly workerId: string };

export function queueStepRunner(target: QueueStepTarget): QueueStepRunner {
  const { instance } = target;
  const pollIntervalMs = target.pollIntervalMs ?? 50;
  const queue = new StepQueue(instance);

  // Polled rather than notified: two kv reads (and a lease read while a worker holds the step) per interval.
  const waitForAttempt = async (runId: string, stepKey: string, attempt: number): Promise<AttemptEnd> => {
    const reportKey = stepReportKey(runId, stepKey, attempt);
    const workerKey = stepWorkerKey(runId, stepKey, attempt);
    for (;;) {
      const kv = await instance.storage.getKv([reportKey, workerKey]);
      const reported = kv[reportKey];
      if (reported !== undefined) return { report: parseStepReport(reported) };
      const workerId = kv[workerKey];
      if (workerId !== undefined) {
        const lease = await instance.storage.getLease(`${WORKER_LEASE_PREFIX}${workerId}`);
        const now = instance.clock.now();
        if (!lease || lease.holder !== workerId || lease.expiresAt <= now) {
          // The worker may have stored the report just before its lease went: a report always wins.
          const last = (await instance.storage.getKv([reportKey]))[reportKey];
          if (last !== undefined) return { report: parseStepReport(last) };
          const why = lease && lease.holder === workerId ? `its lease expired ${Math.round((now - lease.expiresAt) / 1000)} s ago` : "it holds no lease";
          return { workerId, lost: `Worker ${workerId} stopped renewing its lease while running step "${stepKey}" (${why}): it likely died.` };
        }
      }
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    }
  };

  const runStep = async (run: RunState, step: PlanStep): Promise<StepOutcome> => {
    const input = {
      module: target.module,
      storage: target.storage,
      home: target.home,
      runId: run.runId,
      stepKey: step.key,
      runConfig: run.runConfig,
      nodes: target.nodes.map((n) => run.graph.ids[n] as string),
      checks: target.checks.map((c) => run.graph.checks[c]?.id as string),
      partitionKeys: run.partitionKeys,
      runTags: run.runTags,
    };
    const emit = (event: Record<string, unknown>): void =>
      run.writer.emit({ runId: run.runId, stepKey: step.key, timestamp: run.clock.now(), ...event } as Parameters<RunState["writer"]["emit"]>[0]);
    const retryPolicy = step.op.retryPolicy ?? run.opRetryPolicy;
    const maxRetries = retryPolicy?.maxRetries ?? 0;
    for (let attempt = 0; ; attempt++) {
      await queue.enqueue({ ...input, attempt });
      const end = await waitForAttempt(run.runId, step.key, attempt);
      if ("report" in end) return applyReport(run, step, end.report);
      // The worker died mid-step: a retry is queued only now that its lease expired, so no attempt overlaps another.
      const error = new Error(end.lost);
      error.name = "StepWorkerLost";
      if (retryPolicy && attempt < maxRetries) {
        const seconds = retryPolicy.calculateDelay(attempt + 1, run.random);
        emit({
          eventType: "STEP_UP_FOR_RETRY",
          message: `${end.lost} Step "${step.key}" will be retried on another worker (${attempt + 1} of ${maxRetries})${seconds > 0 ? ` in ${seconds.toFixed(2)}s` : ""}.`,
          error: serializeError(error),
          attempt,
          data: { delaySeconds: seconds, workerId: end.workerId },
        });
        await run.clock.sleep(seconds * 1000);
        emit({ eventType: "STEP_RESTARTED", message: `Retrying step "${step.key}" (attempt ${attempt + 2}).`, attempt: attempt + 1 });
        continue;
      }
      emit({ eventType: "STEP_FAILURE", message: `Step "${step.key}" failed: ${end.lost}`, error: serializeError(error), attempt, data: { workerId: end.workerId } });
      return { status: "failure", error };
    }
  };

  return { runStep, close: () => queue.close() };
}

/** Fills the run's state from a worker's report, as the multiprocess executor does from a child's. */
function applyReport(run: RunState, step: PlanStep, report: StepProcessReport): StepOutcome {
  for (const id of report.materialized) {
    const node = run.graph.indexOf(id);
    if (node !== undefined) run.materialized[node] = 1;
  }
  for (const [id, version] of Object.entries(report.dataVersions)) {
    const node = run.graph.indexOf(id);
    if (node !== undefined) run.dataVersions.set(node, version);
  }
  if (report.status === "success") return { status: "success" };
  const error = new Error(report.error?.message ?? `step "${step.key}" failed`);
  error.name = report.error?.name ?? "Error";
  return { status: "failure", error };
}
