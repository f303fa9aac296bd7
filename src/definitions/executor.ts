// Executor definitions: how the steps of a run are executed. Execution interprets them.
import { availableParallelism } from "node:os";
import { InvalidDefinitionError } from "../core/index.js";

export interface InProcessExecutorOptions {
  /** Steps whose computes may await at the same time. @default 8 */
  maxConcurrent?: number;
}

/** How the steps of a run execute: made by `inProcessExecutor()`, `multiprocessExecutor()` or `queueExecutor()`, and set on `Definitions` or a job. */
export interface ExecutorDefinition {
  readonly kind: "executor";
  readonly name: "in_process" | "multiprocess" | "queue";
  readonly maxConcurrent: number;
}

/** Runs every step in the calling process; async computes overlap up to `maxConcurrent`. */
export function inProcessExecutor(options: InProcessExecutorOptions = {}): ExecutorDefinition {
  const maxConcurrent = options.maxConcurrent ?? 8;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new InvalidDefinitionError(`inProcessExecutor maxConcurrent must be a whole number >= 1, got ${String(maxConcurrent)}`);
  }
  return Object.freeze({ kind: "executor", name: "in_process", maxConcurrent });
}

/** Options for `multiprocessExecutor()`. */
export interface MultiprocessExecutorOptions {
  /** Step processes running at once. @default the number of CPUs */
  maxConcurrent?: number;
}

/**
 * Runs each step in a child process that loads the code location again (TypeScript through Tessera's module hooks), so a step
 * that crashes its process fails alone. Needs a run started from a code location module (the CLI, or
 * `codeLocation` in the run options), an instance on disk or PostgreSQL, and an IO manager that stores
 * values where every process can read them (the default filesystem one does).
 */
export function multiprocessExecutor(options: MultiprocessExecutorOptions = {}): ExecutorDefinition {
  const maxConcurrent = options.maxConcurrent ?? Math.max(1, availableParallelism());
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new InvalidDefinitionError(`multiprocessExecutor maxConcurrent must be a whole number >= 1, got ${String(maxConcurrent)}`);
  }
  return Object.freeze({ kind: "executor", name: "multiprocess", maxConcurrent });
}

/** Options for `queueExecutor()`. */
export interface QueueExecutorOptions {
  /** Steps of one run queued (and so executing on workers) at once. @default 8 */
  maxConcurrent?: number;
}

/**
 * Runs each step as a job on the workers' queue in the instance's PostgreSQL database: whichever `tessera
 * worker` is free executes it (in its own process, loading the code location), while the process orchestrating
 * the run waits for each step's report. A worker that dies mid-step is noticed when its lease expires; the step
 * is then retried on another worker as its RetryPolicy allows, or fails naming the worker. Needs an instance on
 * PostgreSQL, a run started from a code location module, running workers, and an IO manager whose values every
 * worker can read (the default filesystem one on a shared home).
 *
 * @example
 * new Definitions({ assets, executor: queueExecutor({ maxConcurrent: 4 }) })
 */
export function queueExecutor(options: QueueExecutorOptions = {}): ExecutorDefinition {
  const maxConcurrent = options.maxConcurrent ?? 8;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new InvalidDefinitionError(`queueExecutor maxConcurrent must be a whole number >= 1, got ${String(maxConcurrent)}`);
  }
  return Object.freeze({ kind: "executor", name: "queue", maxConcurrent });
}
