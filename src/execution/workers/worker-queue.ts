// The job queue of `tessera worker`: graphile-worker in the instance's PostgreSQL database, in a schema of its own.
import type { WorkerUtils } from "graphile-worker";
import type pg from "pg";
import { InstanceError, requireOptional } from "../../core/index.js";
import { InvalidExecutionOptionError } from "../errors.js";
import { quietQueueLogger } from "./queue-logger.js";
import type { Instance } from "../../instance/index.js";
import { PostgresStorage, type RunRecord } from "../../storage/index.js";
import type { RunQueueLauncher } from "../run-queue/coordinator.js";

export const EXECUTE_RUN_TASK = "tessera_execute_run";
/** The run tag naming the worker queue a run goes to; workers take runs of the queues they are given. */
export const WORKER_QUEUE_TAG = "tessera/worker_queue";
export const DEFAULT_WORKER_QUEUE = "default";
const QUEUE_NAME = /^[A-Za-z0-9_.-]{1,60}$/;

/** The graphile-worker task of a worker queue: a worker registers only its queues' tasks, so it gets only their runs. */
export function runTaskOf(queue: string): string {
  if (!QUEUE_NAME.test(queue)) {
    throw new InvalidExecutionOptionError("queue", `Worker queue "${queue}" is not a valid name: use 1 to 60 letters, digits, "_", "." or "-".`);
  }
  return queue === DEFAULT_WORKER_QUEUE ? EXECUTE_RUN_TASK : `${EXECUTE_RUN_TASK}:${queue}`;
}

/**
 * A connection the server drops (restart, failover) is replaced on the next checkout; without listeners its
 * error would crash the process. graphile-worker checks that both are there.
 */
export function quietErrors(pool: pg.Pool): void {
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
}

/** The queue's connection: only an instance on PostgreSQL has one that workers on other machines can share. */
export function queueConnectionOf(instance: Instance): { pool: pg.PoolConfig; schema: string } {
  const storage = instance.storage;
  if (!(storage instanceof PostgresStorage)) {
    throw new InstanceError(
      "WORKERS_NEED_POSTGRES",
      storage.location,
      `Workers share runs through PostgreSQL, but this instance is ${storage.backend} (${storage.location}). ` +
        "Set storage: { postgres: { url } } in tessera.yaml, or launch runs without workers (the default child-process launcher).",
    );
  }
  return storage.queueConnection();
}

/**
 * A connection to the workers' queue: a pool of its own and graphile-worker's utilities, its schema migrated
 * on first use. Shared by the run queue and the queue executor's step queue.
 */
export class QueueConnection {
  readonly pool: pg.Pool;
  readonly schema: string;
  #utils: Promise<WorkerUtils> | undefined;

  constructor(instance: Instance, maxConnections?: number) {
    const { pool, schema } = queueConnectionOf(instance);
    const { Pool } = requireOptional<typeof import("pg")>("pg", "The workers' queue");
    this.pool = new Pool(maxConnections === undefined ? pool : { ...pool, max: maxConnections });
    quietErrors(this.pool);
    this.schema = schema;
  }

  #workerUtils(): Promise<WorkerUtils> {
    this.#utils ??= requireOptional<typeof import("graphile-worker")>("graphile-worker", "The workers' queue").makeWorkerUtils({ pgPool: this.pool, schema: this.schema, logger: quietQueueLogger() }).then(async (utils) => {
      await utils.migrate();
      return utils;
    });
    return this.#utils;
  }

  /** One attempt per job: work whose worker died is failed or retried by Tessera, never resumed blindly. */
  async addJob(task: string, payload: unknown, jobKey: string): Promise<void> {
    const utils = await this.#workerUtils();
    await utils.addJob(task, payload, { jobKey, maxAttempts: 1 });
  }

  /**
   * The job with `jobKey` and who locked it, when a worker locked it more than `seconds` ago (by the database's
   * clock), read through graphile-worker's public `jobs` view.
   */
  async lockedLongerThan(jobKey: string, seconds: number): Promise<{ id: string; lockedBy: string } | undefined> {
    await this.#workerUtils();
    const { rows } = await this.pool.query<{ id: string; locked_by: string }>(
      `SELECT id, locked_by FROM "${this.schema}".jobs WHERE key = $1 AND locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $2)`,
      [jobKey, seconds],
    );
    const row = rows[0];
    return row === undefined ? undefined : { id: String(row.id), lockedBy: row.locked_by };
  }

  /** Hands the jobs locked by these (dead) graphile-worker workers out again (its forceUnlockWorkers). */
  async unlockWorkers(lockedBy: readonly string[]): Promise<void> {
    const utils = await this.#workerUtils();
    await utils.forceUnlockWorkers([...lockedBy]);
  }

  async close(): Promise<void> {
    await this.#utils?.then((utils) => utils.release()).catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}

/** Puts runs on the workers' queue: one job per run, keyed by the run id so a run is queued once. */
export class WorkerQueue {
  readonly #connection: QueueConnection;

  constructor(instance: Instance) {
    this.#connection = new QueueConnection(instance);
  }

  async enqueueRun(runId: string, queue: string = DEFAULT_WORKER_QUEUE): Promise<void> {
    // A run whose worker died is failed (or re-executed from failure) by run monitoring.
    await this.#connection.addJob(runTaskOf(queue), { runId }, `run:${runId}`);
  }

  async close(): Promise<void> {
    await this.#connection.close();
  }
}

/** The coordinator's launcher when runs go to workers: launching a run is queueing its job. */
export class WorkerRunLauncher implements RunQueueLauncher {
  readonly queue: WorkerQueue;

  constructor(instance: Instance) {
    this.queue = new WorkerQueue(instance);
  }

  async launch(run: RunRecord): Promise<void> {
    await this.queue.enqueueRun(run.runId, run.tags[WORKER_QUEUE_TAG]);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
