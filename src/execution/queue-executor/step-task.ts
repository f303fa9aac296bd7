// The worker's side of the queue executor: take a step job, say who runs it, run it here, store its report.
import { serializeError } from "../../core/index.js";
import type { DefinitionsData } from "../../definitions/index.js";
import type { Instance } from "../../instance/index.js";
import type { StepProcessReport } from "../multiprocess/spawn-step.js";
import { executeStepInput } from "../multiprocess/execute-step-input.js";
import { stepJobKey, stepReportKey, stepWorkerKey, type QueuedStepPayload } from "./step-queue.js";

/** Lease `step_attempt:<job key>`: the worker that claimed a step attempt, for good. */
export const STEP_ATTEMPT_LEASE_PREFIX = "step_attempt:";
const ATTEMPT_CLAIM_MS = 365 * 24 * 3600 * 1000;

export interface QueuedStepContext {
  instance: Instance;
  defs: DefinitionsData;
  workerId: string;
  /** Announces the stored report to the orchestrator (NOTIFY), so that it need not wait for its next poll. */
  notify?: (jobKey: string) => Promise<unknown>;
}

/**
 * Executes one step job. The step's worker is recorded before the step starts, so that the orchestrator
 * can watch that worker's lease; the report is stored last, so a report means the step's events are stored.
 */
export async function executeQueuedStep(payload: QueuedStepPayload, context: QueuedStepContext): Promise<StepProcessReport | undefined> {
  const { instance, defs, workerId } = context;
  const { attempt, ...input } = payload;
  const takenAt = instance.clock.now();
  // An attempt runs at most once: a job handed out again (unlocked after its worker died) whose attempt some
  // worker already claimed is left alone — its orchestrator follows that worker's lease.
  const jobKey = stepJobKey(input.runId, input.stepKey, attempt);
  const claim = await instance.storage.acquireLease(`${STEP_ATTEMPT_LEASE_PREFIX}${jobKey}`, workerId, takenAt, ATTEMPT_CLAIM_MS, {});
  if (claim.holder !== workerId) return undefined;
  await instance.storage.setKv({ [stepWorkerKey(input.runId, input.stepKey)]: workerId, [stepWorkerKey(input.runId, input.stepKey, attempt)]: workerId });
  await instance.storeEvents([
    {
      runId: input.runId,
      stepKey: input.stepKey,
      timestamp: takenAt,
      eventType: "ENGINE_EVENT",
      message: `Worker ${workerId} took step "${input.stepKey}"${attempt > 0 ? ` (attempt ${attempt + 1})` : ""}.`,
      data: { workerId, attempt },
    },
  ]);
  let report: StepProcessReport;
  try {
    report = await executeStepInput(input, defs, instance);
  } catch (error) {
    // The step could not even start here (its plan or resources): that is the step's failure, recorded as such.
    const serialized = serializeError(error);
    await instance
      .storeEvents([
        {
          runId: input.runId,
          stepKey: input.stepKey,
          timestamp: instance.clock.now(),
          eventType: "STEP_FAILURE",
          message: `Step "${input.stepKey}" failed on worker ${workerId} before it started: ${serialized.message}`,
          error: serialized,
          attempt,
        },
      ])
      .catch(() => undefined);
    report = { status: "failure", materialized: [], dataVersions: {}, error: { name: serialized.name, message: serialized.message } };
  }
  await instance.storage.setKv({ [stepReportKey(input.runId, input.stepKey, attempt)]: JSON.stringify(report) });
  await context.notify?.(stepJobKey(input.runId, input.stepKey, attempt)).catch(() => undefined);
  return report;
}
