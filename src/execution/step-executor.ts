// The executor of a run, chosen by its definition's name in one table: each kind says what it needs of a run
// and how the run's steps are executed (here, in child processes, or on queue workers). The run's scheduler
// (executeInProcess) is the same for all; only the step runner it calls differs.
import type { ExecutorDefinition } from "../definitions/index.js";
import type { Instance, StorageConfig } from "../instance/index.js";
import { multiprocessStepExecutor } from "./multiprocess/multiprocess-step-executor.js";
import { queueStepExecutor } from "./queue-executor/queue-step-executor.js";
import type { PreparedResource } from "./resources.js";
import { runStep } from "./step/run-step.js";
import type { StepRunner } from "./step/step-events.js";

/** What an executor may ask of a run before anything of it is recorded. */
export interface ExecutorCheckContext {
  readonly codeLocation: string | undefined;
  readonly instance: Instance;
  readonly resources: readonly PreparedResource[];
}

/** Where a run's steps can be rebuilt from by another process. */
export interface StepExecutorTarget {
  readonly instance: Instance;
  /** Checked present by executors that need it (those with `outOfProcess`). */
  readonly module: string | undefined;
  readonly storage: StorageConfig | undefined;
  readonly home: string | undefined;
  readonly nodes: readonly number[];
  readonly checks: readonly number[];
}

/** The step runner of one run, and what to release once its steps are done. */
export interface StepExecutorSession {
  readonly runStep: StepRunner;
  close?(): Promise<void>;
}

export interface StepExecutor {
  /**
   * Steps run in other processes, which set up the resources they need and write their own events: the run
   * sets up no resources itself, and its log is the instance's.
   */
  readonly outOfProcess: boolean;
  /** Throws when the run cannot be executed this way, before it is recorded. */
  check(context: ExecutorCheckContext): void;
  open(target: StepExecutorTarget): StepExecutorSession;
}

const inProcessStepExecutor: StepExecutor = {
  outOfProcess: false,
  check: () => undefined,
  open: () => ({ runStep }),
};

const STEP_EXECUTORS: { readonly [Name in ExecutorDefinition["name"]]: StepExecutor } = {
  in_process: inProcessStepExecutor,
  multiprocess: multiprocessStepExecutor,
  queue: queueStepExecutor,
};

export function stepExecutorFor(executor: ExecutorDefinition): StepExecutor {
  // A definition made by hand in untyped code may carry another name: it runs in process, as it always has.
  return Object.hasOwn(STEP_EXECUTORS, executor.name) ? STEP_EXECUTORS[executor.name] : inProcessStepExecutor;
}
