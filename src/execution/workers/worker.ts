// `tessera worker`: takes runs off the workers' queue and executes them, holding a lease that says it is alive.
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { Runner } from "graphile-worker";
import type pg from "pg";
import { LeaseLostError, RunFinishedWriteError, requireOptional } from "../../core/index.js";
import type { DefinitionsData } from "../../definitions/index.js";
import type { Instance } from "../../instance/index.js";
import type { WriteFence } from "../../storage/index.js";
import { executeSubmittedRun } from "../execute-run.js";
import { failUnfinishedRun } from "../run-queue/launchers.js";
import { EXECUTE_STEP_TASK, executeQueuedStep, stepReportChannel, type QueuedStepPayload } from "../queue-executor/index.js";
import { RUN_WORKER_KEY_PREFIX, WORKER_LEASE_PREFIX } from "./worker-keys.js";
import { quietQueueLogger } from "./queue-logger.js";
import { DEFAULT_WORKER_QUEUE, queueConnectionOf, quietErrors, runTaskOf } from "./worker-queue.js";

/** A worker's instance, code location, queues, concurrency and lease timing. */
export interface WorkerOptions {
  instance: Instance;
  defs: DefinitionsData;
  /** The code location's module, passed to runs (the multiprocess executor loads it in step processes). */
  module?: string;
  /** The run queues this worker takes runs from (a run's tag tessera/worker_queue; untagged runs are in "default"). @default ["default"] */
  queues?: readonly string[];
  /** Runs executed at once by this worker. @default 1 */
  concurrency?: number;
  /**
   * Steps of queue-executor runs executed at once by this worker, on a runner of their own beside the runs'
   * (0 takes none). Separate slots mean a worker busy orchestrating runs still executes their steps.
   * @default concurrency
   */
  stepConcurrency?: number;
  /** @default host:pid:random */
  workerId?: string;
  /** How often the worker renews its lease, in ms. @default 5000 */
  heartbeatMs?: number;
  /** How long the lease lasts without renewal: past it, run monitoring takes the worker for dead. @default 30000 */
  leaseTtlMs?: number;
  /** How often an idle worker looks for jobs besides LISTEN/NOTIFY, in ms. @default 2000 */
  pollIntervalMs?: number;
  /** Told of each run taken and finished. */
  onRun?: (event: { runId: string; status: "taken" | "finished" | "skipped"; detail?: string }) => void;
  /**
   * Told when a renewal finds the worker's lease expired (the process was stopped, or cut off from the instance,
   * longer than leaseTtlMs): the lease is not revived, every write the worker's runs make is refused from then on,
   * and run monitoring has ended or will end its runs. `tessera worker` exits at once, so that no compute of a
   * run taken over keeps going. @default stops the worker
   */
  onLeaseLost?: (error: LeaseLostError) => void;
  /** Told of each queue-executor step taken and finished. */
  onStep?: (event: { runId: string; stepKey: string; attempt: number; status: "taken" | "finished"; detail?: string }) => void;
}

/** A running worker: its id, and `stop()` to finish what it holds and stop taking work. */
export interface WorkerHandle {
  readonly workerId: string;
  /** Stops taking runs, waits for the ones in progress, gives the lease up. */
  stop(): Promise<void>;
  /** Settles when the worker stops (or its queue fails). */
  readonly done: Promise<void>;
}

/**
 * Starts a worker in this process (what `tessera worker` runs): it takes runs (and queue-executor steps) from the
 * instance's PostgreSQL queue and holds a renewed lease so that run monitoring can tell when it died.
 */
export async function startWorker(options: WorkerOptions): Promise<WorkerHandle> {
  const { instance, defs } = options;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const heartbeatMs = options.heartbeatMs ?? 5000;
  const leaseTtlMs = options.leaseTtlMs ?? 30_000;
  const leaseName = `${WORKER_LEASE_PREFIX}${workerId}`;
  const info = { host: hostname(), pid: process.pid, concurrency: options.concurrency ?? 1 };
  const inProgress = new Set<string>();
  const stepsInProgress = new Set<string>();

  let lost: LeaseLostError | undefined;
  let acquired = false;
  let renewedAt = 0;
  const loseLease = (detail: string): LeaseLostError => {
    lost = new LeaseLostError(leaseName, workerId, detail);
    clearInterval(timer);
    if (options.onLeaseLost) options.onLeaseLost(lost);
    else void stop();
    return lost;
  };
  const heartbeat = async (): Promise<void> => {
    if (lost) throw lost;
    const now = instance.clock.now();
    // Cut off from the instance, a renewal may hang on a dead connection: by its own clock, a holder that has not
    // renewed within its lease holds it no more, whatever the instance answers later.
    const real = performance.now();
    if (acquired && real - renewedAt >= leaseTtlMs) throw loseLease(`not renewed for ${Math.round((real - renewedAt) / 1000)} s, longer than the lease`);
    if (acquired) {
      // Never revive an expired lease: past it, monitoring may have failed this worker's runs and retried them elsewhere.
      const current = await instance.storage.getLease(leaseName);
      if (!current || current.holder !== workerId || current.expiresAt <= now) {
        const detail = !current ? "it no longer exists" : current.holder !== workerId ? `${current.holder} holds it now` : `it expired ${Math.round((now - current.expiresAt) / 1000)} s ago`;
        throw loseLease(detail);
      }
    }
    await instance.storage.acquireLease(leaseName, workerId, now, leaseTtlMs, { ...info, runs: [...inProgress], steps: [...stepsInProgress] });
    if (lost) return;
    acquired = true;
    renewedAt = real;
  };
  await heartbeat();
  // What the steps this worker executes write with: its own lease, judged here in real time before a value is stored.
  const workerFence = (): WriteFence => ({ lease: leaseName, holder: workerId, now: instance.clock.now() });
  const assertWorkerHolds = async (): Promise<void> => {
    if (lost) throw lost;
    const silentFor = performance.now() - renewedAt;
    if (silentFor >= leaseTtlMs) throw loseLease(`not renewed for ${Math.round(silentFor / 1000)} s, longer than the lease`);
  };
  const timer: NodeJS.Timeout = setInterval(() => void heartbeat().catch(() => undefined), heartbeatMs);

  const { pool: poolConfig, schema } = queueConnectionOf(instance);
  const { Pool } = requireOptional<typeof import("pg")>("pg", "A worker");
  const { run: runGraphileWorker } = requireOptional<typeof import("graphile-worker")>("graphile-worker", "A worker");
  const pgPool = new Pool({ ...poolConfig, max: (options.concurrency ?? 1) + 2 });
  quietErrors(pgPool);
  let runner: Runner;
  try {
    runner = await runGraphileWorker({
      pgPool,
      schema,
      concurrency: options.concurrency ?? 1,
      noHandleSignals: true,
      pollInterval: options.pollIntervalMs ?? 2000,
      logger: quietQueueLogger(),
      taskList: Object.fromEntries((options.queues ?? [DEFAULT_WORKER_QUEUE]).map((queue) => [runTaskOf(queue), executeRunJob])),
    });
  } catch (error) {
    clearInterval(timer);
    await pgPool.end().catch(() => undefined);
    throw error;
  }

  async function executeRunJob(payload: unknown): Promise<void> {
    const { runId } = payload as { runId: string };
    const takenAt = instance.clock.now();
    const run = await instance.getRunById(runId);
    if (!run || (run.status !== "QUEUED" && run.status !== "STARTING")) {
      options.onRun?.({ runId, status: "skipped", detail: run ? `already ${run.status}` : "not in the instance" });
      return;
    }
    inProgress.add(runId);
    await instance.storage.setKv({ [`${RUN_WORKER_KEY_PREFIX}${runId}`]: workerId });
    await heartbeat();
    options.onRun?.({ runId, status: "taken" });
    try {
      const fence = { lease: leaseName, holder: workerId, now: instance.clock.now() };
      await instance.storeEvents([{ runId, timestamp: takenAt, eventType: "ENGINE_EVENT", message: `Worker ${workerId} took the run.`, data: { workerId } }], { fence });
      await executeSubmittedRun(defs, run, { instance, raiseOnError: false, ...(options.module ? { codeLocation: options.module } : {}) }).catch((error: unknown) => {
        // A worker that lost its lease, or whose run was ended by monitoring, has no say on the run any more.
        if (error instanceof LeaseLostError || error instanceof RunFinishedWriteError) return;
        return failUnfinishedRun(instance, runId, `The run failed outside its steps: ${(error as Error)?.message ?? String(error)}`);
      });
    } finally {
      inProgress.delete(runId);
      options.onRun?.({ runId, status: "finished" });
    }
  }

  // Steps have a runner (and connections) of their own: a run's orchestration holds a run slot while it waits
  // for its steps, so were steps taken from the same slots, runs filling every slot would wait forever.
  const stepConcurrency = options.stepConcurrency ?? options.concurrency ?? 1;
  let stepPool: pg.Pool | undefined;
  let stepRunner: Runner | undefined;
  if (stepConcurrency > 0) {
    stepPool = new Pool({ ...poolConfig, max: stepConcurrency + 2 });
    quietErrors(stepPool);
    try {
      stepRunner = await runGraphileWorker({
        pgPool: stepPool,
        schema,
        concurrency: stepConcurrency,
        noHandleSignals: true,
        pollInterval: options.pollIntervalMs ?? 2000,
        logger: quietQueueLogger(),
        taskList: {
          [EXECUTE_STEP_TASK]: async (payload) => {
            const job = payload as QueuedStepPayload;
            const name = `${job.runId}/${job.stepKey}/${job.attempt}`;
            stepsInProgress.add(name);
            options.onStep?.({ runId: job.runId, stepKey: job.stepKey, attempt: job.attempt, status: "taken" });
            try {
              const notify = (jobKey: string) => (stepPool as pg.Pool).query("SELECT pg_notify($1, $2)", [stepReportChannel(schema), jobKey]);
              const report = await executeQueuedStep(job, { instance, defs, workerId, notify, workerFence, assertWorkerHolds });
              const detail = report?.status ?? (lost ? `not stored: ${lost.message}` : "claimed by another worker before");
              options.onStep?.({ runId: job.runId, stepKey: job.stepKey, attempt: job.attempt, status: "finished", detail });
            } finally {
              stepsInProgress.delete(name);
            }
          },
        },
      });
    } catch (error) {
      clearInterval(timer);
      await runner.stop().catch(() => undefined);
      await Promise.all([pgPool.end().catch(() => undefined), stepPool.end().catch(() => undefined)]);
      throw error;
    }
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      // Runs first: a run in progress may still queue steps, which this worker's step runner helps execute.
      // A runner that stopped by itself (its worker pool exited) rejects stop(): it is stopped all the same.
      await runner.stop().catch(() => undefined);
      await stepRunner?.stop().catch(() => undefined);
      clearInterval(timer);
      await instance.storage.releaseLease(leaseName, workerId).catch(() => undefined);
      await Promise.all([pgPool.end().catch(() => undefined), stepPool?.end().catch(() => undefined)]);
    })());
  // Either runner ending stops the worker: a worker taking runs but not steps (or the reverse) would stall runs.
  const done = Promise.all([runner.promise.finally(() => stop()), stepRunner?.promise.finally(() => stop())]).then(() => undefined);
  return { workerId, stop, done };
}
