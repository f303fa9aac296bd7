export { InvalidExecutionOptionError, NothingToRunError } from "./errors.js";
export { AssetValueLoader, type LoadAssetValueOptions } from "./asset-value-loader.js";
export { ExecuteResult } from "./execute-result.js";
export { ASSET_JOB_NAME, executeRun, executeSubmittedRun, submitRun, type ExecuteOptions } from "./execute-run.js";
export { FilesystemIOManager, type FilesystemIOManagerOptions } from "./io-managers/filesystem-io-manager.js";
export { InMemoryIOManager } from "./io-managers/in-memory-io-manager.js";
export { executeRequestedDefinitions, submitRequestedDefinitions, requestedSelection, materializeDefinitions, observeDefinitions, submitDefinitions, resolveSelection, type SelectionLike } from "./materialize.js";
export { defaultIOManager } from "./default-io-manager.js";
export { ResourceSetupError } from "./resources.js";
export { ResolvedAssetJob, type JobExecuteOptions } from "./asset-job.js";
export {
  BACKFILL_LEASE_TTL_MS,
  backfillAssetStatuses,
  backfillLeaseName,
  launchBackfill,
  resumeBackfill,
  submitBackfill,
  type BackfillAssetStatus,
  type BackfillOptions,
  type ResumeBackfillOptions,
} from "./backfill.js";
export { reexecuteRun, reexecutionTargets, submitReexecution, type ReexecuteOptions } from "./reexecute.js";
export {
  DEFAULT_MAX_CONCURRENT_RUNS,
  PRIORITY_TAG,
  QueuedRunCoordinator,
  type DequeueResult,
  type RunQueueLauncher,
} from "./run-queue/coordinator.js";
export {
  ChildProcessRunLauncher,
  InProcessRunLauncher,
  failUnfinishedRun,
  runQueueLauncherFor,
  type ClosableRunQueueLauncher,
} from "./run-queue/launchers.js";
export {
  DEFAULT_WORKER_QUEUE,
  EXECUTE_RUN_TASK,
  WORKER_QUEUE_TAG,
  WorkerQueue,
  WorkerRunLauncher,
  queueConnectionOf,
} from "./workers/worker-queue.js";
export { startWorker, type WorkerHandle, type WorkerOptions } from "./workers/worker.js";
export { RUN_WORKER_KEY_PREFIX, WORKER_LEASE_PREFIX } from "./workers/worker-keys.js";
export { DEFAULT_START_TIMEOUT_MS, MAX_RETRIES_TAG, monitorRuns, type MonitorRunsOptions, type MonitorRunsResult } from "./workers/run-monitor.js";
export { MAX_RUNTIME_TAG, HungComputeError } from "./step/step-timeout.js";
export { POOL_TAG, withPoolSlots, type PoolSlotOptions } from "./pools.js";
export {
  EXECUTE_STEP_TASK,
  STEP_REPORT_KEY_PREFIX,
  STEP_WORKER_KEY_PREFIX,
  StepQueue,
  executeQueuedStep,
  stepReportKey,
  stepWorkerKey,
  type QueuedStepPayload,
} from "./queue-executor/index.js";
