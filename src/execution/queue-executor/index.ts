// The queue executor: a run's steps as jobs on the workers' PostgreSQL queue.
export { checkQueueExecutor } from "./check-queue-executor.js";
export { queueStepRunner, type QueueStepRunner, type QueueStepTarget } from "./queue-step-runner.js";
export { executeQueuedStep, type QueuedStepContext } from "./step-task.js";
export { EXECUTE_STEP_TASK, STEP_REPORT_KEY_PREFIX, STEP_WORKER_KEY_PREFIX, StepQueue, stepReportChannel, stepReportKey, stepWorkerKey, type QueuedStepPayload } from "./step-queue.js";
