// The orchestrating side of the queue executor: each ready step becomes a job on the workers' queue; the
// orchestrator polls for the step's report, and watches the lease of the worker that took it.
import { serializeError } from "../../core/index.js";
import type { Instance } from "../../instance/index.js";
import type { PlanStep } from "../../plan/index.js";
import { applyStepReport, stepInputOf, type StepProcessReport } from "../multiprocess/spawn-step.js";
import type { RunState } from "../run-state.js";
import type { StepOutcome } from "../step/step-events.js";
import { runWithRetries } from "../step-retry.js";
import { WORKER_LEASE_PREFIX } from "../workers/worker-keys.js";
import { StepQueue, parseStepReport, stepJobKey, stepReportKey, stepWorkerKey } from "./step-queue.js";

export interface QueueStepTarget {
  instance: Instance;
  module: string;
  nodes: readonly number[];
  checks: readonly number[];
  /** How often the run's waiting steps are looked for (besides workers' notifications), in ms. @default 100 */
  pollIntervalMs?: number;
}

export interface QueueStepRunner {
  readonly runStep: (run: RunState, step: PlanStep) => Promise<StepOutcome>;
  /** Releases the queue's connections once the run's steps are done. */
  close(): Promise<void>;
}

/** How long the orchestrator keeps polling through storage errors before failing the steps it waits for. */
const STORAGE_PATIENCE_MS = 30_000;

/** A step queued this long with no worker taking it gets a warning in the run's log (it keeps waiting). */
const UNTAKEN_WARNING_MS = 30_000;
/**
 * A step job locked this long by a worker that never recorded itself as the step's worker (a live one does
 * within milliseconds) was taken by a worker that died in between: the job is handed out again.
 */
const ABANDONED_AFTER_S = 30;

type AttemptEnd = { readonly report: StepProcessReport } | { readonly lost: string; readonly workerId: string };

export function queueStepRunner(target: QueueStepTarget): QueueStepRunner {
  const { instance } = target;
  const pollIntervalMs = target.pollIntervalMs ?? 100;
  const queue = new StepQueue(instance);

  // One poller for all of the run's waiting steps: per interval one kv read for every report and taker, and a
  // lease read per worker at most every leaseCheckMs (a lease lasts seconds; reading it more often buys nothing).
  const leaseCheckMs = Math.max(pollIntervalMs, 250);
  interface Waiting {
    runId: string;
    stepKey: string;
    attempt: number;
    queuedAt: number;
    /** Told once when no worker took the step within UNTAKEN_WARNING_MS. */
    untaken: (() => void) | undefined;
    /** Told when the job, abandoned by a worker that died before starting it, was handed out again. */
    handedOut: () => void;
    resolve: (end: AttemptEnd) => void;
    reject: (error: unknown) => void;
  }
  const waiting = new Map<string, Waiting>();
  const leases = new Map<string, { at: number; alive: boolean; why: string }>();
  let timer: NodeJS.Timeout | undefined;
  let polling = false;
  let pollAgain = false;
  let failingSince: number | undefined;

  const leaseOf = async (workerId: string): Promise<{ alive: boolean; why: string }> => {
    const now = instance.clock.now();
    const known = leases.get(workerId);
    // Only a live lease is cached: a worker restarted under the same id renews it, and is then alive again.
    if (known?.alive && now - known.at < leaseCheckMs) return known;
    const lease = await instance.storage.getLease(`${WORKER_LEASE_PREFIX}${workerId}`);
    const alive = lease !== undefined && lease.holder === workerId && lease.expiresAt > now;
    const why = lease && lease.holder === workerId ? `its lease expired ${Math.round((now - lease.expiresAt) / 1000)} s ago` : "it holds no lease";
    const checked = { at: now, alive, why };
    leases.set(workerId, checked);
    return checked;
  };

  const poll = async (): Promise<void> => {
    timer = undefined;
    if (polling) {
      pollAgain = true;
      return;
    }
    polling = true;
    const pending = [...waiting.entries()];
    try {
      const keys = pending.flatMap(([, w]) => [stepReportKey(w.runId, w.stepKey, w.attempt), stepWorkerKey(w.runId, w.stepKey, w.attempt)]);
      const kv = await instance.storage.getKv(keys);
      for (const [id, w] of pending) {
        const reportKey = stepReportKey(w.runId, w.stepKey, w.attempt);
        const reported = kv[reportKey];
        if (reported !== undefined) {
          waiting.delete(id);
          w.resolve({ report: parseStepReport(reported) });
          continue;
        }
        const workerId = kv[stepWorkerKey(w.runId, w.stepKey, w.attempt)];
        if (workerId === undefined) {
          const waited = instance.clock.now() - w.queuedAt;
          if (waited > ABANDONED_AFTER_S * 1000 && (await queue.handOutAbandoned(id, ABANDONED_AFTER_S))) {
            w.handedOut();
          }
          if (w.untaken && waited > UNTAKEN_WARNING_MS) {
            w.untaken();
            w.untaken = undefined;
          }
          continue;
        }
        const lease = await leaseOf(workerId);
        if (lease.alive) continue;
        // The worker may have stored the report just before its lease went: a report always wins.
        const last = (await instance.storage.getKv([reportKey]))[reportKey];
        waiting.delete(id);
        if (last !== undefined) w.resolve({ report: parseStepReport(last) });
        else w.resolve({ workerId, lost: `Worker ${workerId} stopped renewing its lease while running step "${w.stepKey}" (${lease.why}): it likely died.` });
      }
      failingSince = undefined;
    } catch (error) {
      // A failed read is tried again at the next interval (PostgreSQL restarting, say); failing for long, the steps fail.
      failingSince ??= performance.now();
      if (performance.now() - failingSince > STORAGE_PATIENCE_MS) {
        for (const [id, w] of pending) {
          waiting.delete(id);
          w.reject(error);
        }
      }
    }
    polling = false;
    if (pollAgain) {
      pollAgain = false;
      void poll();
    } else schedule();
  };
  const schedule = (): void => {
    if (timer === undefined && !polling && waiting.size > 0) timer = setTimeout(() => void poll(), pollIntervalMs);
  };
  // A worker's NOTIFY of a report of this run's wakes the poller at once; the timer is the fallback.
  queue.listen((jobKey) => {
    if (!waiting.has(jobKey)) return;
    if (timer !== undefined) clearTimeout(timer);
    void poll();
  });

  const waitForAttempt = (runId: string, stepKey: string, attempt: number, untaken: () => void, handedOut: () => void): Promise<AttemptEnd> =>
    new Promise((resolve, reject) => {
      waiting.set(stepJobKey(runId, stepKey, attempt), { runId, stepKey, attempt, queuedAt: instance.clock.now(), untaken, handedOut, resolve, reject });
      schedule();
    });

  const runStep = async (run: RunState, step: PlanStep): Promise<StepOutcome> => {
    const input = stepInputOf(target, run, step);
    const emit = (event: Record<string, unknown>): void =>
      run.writer.emit({ runId: run.runId, stepKey: step.key, timestamp: run.clock.now(), ...event } as Parameters<RunState["writer"]["emit"]>[0]);
    // Which attempt is being waited for, for the failure of a queue or instance that breaks off the wait.
    let attempt = 0;
    try {
      return await runWithRetries(run, step, async (current) => {
        attempt = current;
        const queuedAt = run.clock.now();
        await queue.enqueue({ ...input, attempt });
        // When the step went on the queue: with the worker's "took step" event, the queue's pickup latency.
        emit({ eventType: "ENGINE_EVENT", timestamp: queuedAt, message: `Step "${step.key}" is queued for a worker${attempt > 0 ? ` (attempt ${attempt + 1})` : ""}.`, data: { attempt } });
        const end = await waitForAttempt(
          run.runId,
          step.key,
          attempt,
          () =>
            emit({
              eventType: "ENGINE_EVENT",
              level: "warn",
              message: `Step "${step.key}" has waited ${UNTAKEN_WARNING_MS / 1000} s on the queue without a worker taking it: start \`tessera worker\` for this instance (the step runs once one does).`,
            }),
          () =>
            emit({
              eventType: "ENGINE_EVENT",
              level: "warn",
              message: `A worker took step "${step.key}"'s job over ${ABANDONED_AFTER_S} s ago and died before it started the step; the job is handed out again.`,
            }),
        );
        // The worker ran the step, retrying its compute there as the policy allows: its report is the outcome.
        if ("report" in end) return { outcome: applyStepReport(run, step, end.report) };
        // The worker died mid-step: a retry is queued only now that its lease expired, so no attempt overlaps another.
        const error = new Error(end.lost);
        error.name = "StepWorkerLost";
        return {
          retryable: { error, upForRetryMessage: (retry) => `${end.lost} Step "${step.key}" will be retried on another worker ${retry}.`, data: { workerId: end.workerId } },
          giveUp: () => {
            emit({ eventType: "STEP_FAILURE", message: `Step "${step.key}" failed: ${end.lost}`, error: serializeError(error), attempt, data: { workerId: end.workerId } });
            return { status: "failure", error };
          },
        };
      });
    } catch (error) {
      // The queue or the instance failed (not the step): the step fails with that error rather than hang the run.
      emit({ eventType: "STEP_FAILURE", message: `Step "${step.key}" could not be queued or followed: ${(error as Error)?.message ?? String(error)}`, error: serializeError(error), attempt });
      return { status: "failure", error };
    }
  };

  return {
    runStep,
    close: async () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await queue.close();
    },
  };
}
