// The step jobs of the queue executor: graphile-worker jobs in the workers' queue schema, and the kv entries
// through which a worker tells the orchestrating process who runs a step and how it ended.
import type pg from "pg";
import type { Instance } from "../../instance/index.js";
import type { StepProcessInput, StepProcessReport } from "../multiprocess/spawn-step.js";
import { QueueConnection } from "../workers/worker-queue.js";

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
  // One connection for adding jobs, one held for LISTEN.
  readonly #connection: QueueConnection;
  #listener: Promise<pg.PoolClient | undefined> | undefined;

  constructor(instance: Instance) {
    this.#connection = new QueueConnection(instance, 3);
  }

  async enqueue(payload: QueuedStepPayload): Promise<void> {
    // A dead worker's step is retried by its orchestrator, as a new job, once the worker's lease expired.
    await this.#connection.addJob(EXECUTE_STEP_TASK, payload, stepJobKey(payload.runId, payload.stepKey, payload.attempt));
  }

  /**
   * A step job a worker locked over `seconds` ago without claiming its attempt (which a live worker does at
   * once) was taken by a worker that died in between: its locks are released so that a live worker takes the
   * job. Safe because an attempt runs only for the worker that claims it. True when there was such a job.
   */
  async handOutAbandoned(jobKey: string, seconds: number): Promise<boolean> {
    const job = await this.#connection.lockedLongerThan(jobKey, seconds);
    if (job === undefined) return false;
    await this.#connection.unlockWorkers([job.lockedBy]);
    return true;
  }

  /**
   * Calls `onReport` with the job key of each step report a worker announces. Best effort: without a listening
   * connection (or with a notification lost), the caller's polling still finds the report.
   */
  listen(onReport: (jobKey: string) => void): void {
    this.#listener ??= this.#connection.pool.connect().then(
      async (client) => {
        client.on("notification", (message) => {
          if (message.payload !== undefined) onReport(message.payload);
        });
        await client.query(`LISTEN "${stepReportChannel(this.#connection.schema)}"`);
        return client;
      },
      () => undefined,
    ).catch(() => undefined);
  }

  async close(): Promise<void> {
    const listener = await this.#listener;
    listener?.release(true);
    await this.#connection.close();
  }
}
