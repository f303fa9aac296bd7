// Executor definitions: how the steps of a run are executed. Execution interprets them.
import { InvalidDefinitionError } from "../core/index.js";

export interface InProcessExecutorOptions {
  /** Steps whose computes may await at the same time. @default 8 */
  maxConcurrent?: number;
}

export interface ExecutorDefinition {
  readonly kind: "executor";
  readonly name: "in_process";
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
