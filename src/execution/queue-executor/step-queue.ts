// The step jobs of the queue executor: graphile-worker jobs in the workers' queue schema, and the kv entries
// through which a worker tells the orchestrating process who runs a step and how it ended.
import { makeWorkerUtils, type WorkerUtils } from "graphile-worker";
import pg from "pg";
import type { Instance } from "../../instance/index.js";
import type { StepProcessInput, StepProcessReport } from "../multiprocess/spawn-step.js";
import { queueConnectionOf, quietErrors, quietQueueLogger } from "../workers/worker-queue.js";

export const EXECUTE_STEP_TASK = "tessera_execute_step";
/** kv `step_worker/<runId>/<stepKey>`: the worker that took the step's latest attempt. */
export const STEP_WORKER_KEY_PREFIX = "step_worker/";
/** kv `step_report/<runId>/<stepKey>/<attempt>`: the attempt's StepProcessReport, as JSON. */
export const STEP_REPORT_KEY_PREFIX = "step_report/";

/**
 * A step job's payload: the step process input, and which attempt of the step this is (0 first). The storage
 * settings are left out: a worker runs the step on its own instance, and the jobs table holds no connection details.
 */
export interface QueuedStepPayload extends Omit<StepProcessInput, "storage" | "home"> {
  attempt: number;
}

export function stepWorkerKey(runId: string, stepKey: string, attempt?: number): string {
  return `${STEP_WORKER_KEY_PREFIX}${runId}/${stepKey}${attempt === undefined ? "" : `/${attempt}`}`;
}

export function stepReportKey(runId: string, stepKey: string, attempt: number): string {
  return `${STEP_REPORT_KEY_PREFIX}${runId}/${stepKey}/${attempt}`;
}

export function stepJobKey(runId: string, stepKey: string, attempt: number): string {
  return `${runId}/${stepKey}/${attempt}`;
}

/** The NOTIFY channel on which workers announce stored step reports (payload: the job key), per queue schema. */
export function stepReportChannel(queueSchema: string): string {
  return `${queueSchema.slice(0, 50)}:step_reports`;
}

export function parseStepReport(text: string): StepProcessReport {
  return JSON.parse(text) as StepProcessReport;
}

/** Puts step jobs on the workers' queue; one per attempt, keyed so an attempt is queued once. */
export class StepQueue {
  readonly #pool: pg.Pool;
  readonly #schema: string;
  #utils: Promise<WorkerUtils> | undefined;
  #listener: Promise<pg.PoolClient | undefined> | undefined;

  constructor(instance: Instance) {
    const { pool, schema } = queueConnectionOf(instance);
    // One connection for adding jobs, one held for LISTEN.
    this.#pool = new pg.Pool({ ...pool, max: 3 });
    quietErrors(this.#pool);
    this.#schema = schema;
  }

  #workerUtils(): Promise<WorkerUtils> {
    this.#utils ??= makeWorkerUtils({ pgPool: this.#pool, schema: this.#schema, logger: quietQueueLogger }).then(async (utils) => {
      await utils.migrate();
      return utils;
    });
    return this.#utils;
  }

  async enqueue(payload: QueuedStepPayload): Promise<void> {
    const utils = await this.#workerUtils();
    // One attempt per job: a dead worker's step is retried by its orchestrator, as a new job, once its lease expired.
    await utils.addJob(EXECUTE_STEP_TASK, payload, { jobKey: stepJobKey(payload.runId, payload.stepKey, payload.attempt), maxAttempts: 1 });
  }

  /**
   * Calls `onReport` with the job key of each step report a worker announces. Best effort: without a listening
   * connection (or with a notification lost), the caller's polling still finds the report.
   */
  listen(onReport: (jobKey: string) => void): void {
    this.#listener ??= this.#pool.connect().then(
      async (client) => {
        client.on("notification", (message) => {
          if (message.payload !== undefined) onReport(message.payload);
        });
        await client.query(`LISTEN "${stepReportChannel(this.#schema)}"`);
        return client;
      },
      () => undefined,
    ).catch(() => undefined);
  }

  async close(): Promise<void> {
    const listener = await this.#listener;
    listener?.release(true);
    await this.#utils?.then((utils) => utils.release()).catch(() => undefined);
    await this.#pool.end().catch(() => undefined);
  }
}
