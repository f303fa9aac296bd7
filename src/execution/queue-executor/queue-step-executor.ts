// The queue executor as a run sees it: checked before the run is recorded, then one queue step runner per run.
import type { StepExecutor } from "../step-executor.js";
import { checkQueueExecutor } from "./check-queue-executor.js";
import { queueStepRunner } from "./queue-step-runner.js";

export const queueStepExecutor: StepExecutor = {
  outOfProcess: true,
  check: ({ codeLocation, instance, resources }) => checkQueueExecutor(codeLocation, instance, resources),
  open(target) {
    // check() made sure of the module.
    const queued = queueStepRunner({ instance: target.instance, module: target.module as string, nodes: target.nodes, checks: target.checks });
    return { runStep: queued.runStep, close: () => queued.close() };
  },
};
