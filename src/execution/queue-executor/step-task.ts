// The worker's side of the queue executor: take a step job, say who runs it, run it here, store its report.
import { LeaseLostError, RunFinishedWriteError, serializeError } from "../../core/index.js";
import type { DefinitionsData } from "../../definitions/index.js";
import type { Instance } from "../../instance/index.js";
import type { StepProcessReport } from "../multiprocess/spawn-step.js";
import { executeStepInput, holderFencing, type StepWriteFencing } from "../multiprocess/execute-step-input.js";
import { assertRunOpen } from "../workers/run-holder.js";
import type { WriteFence } from "../../storage/index.js";
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
  /**
   * The worker's own lease, which every write of the step carries: once the worker lost it (stopped or cut off past
   * it, its step retried elsewhere), its events, its values and its report are refused. @default the run holder's lease
   */
  workerFence?: () => WriteFence;
  /** Rejects once the worker's lease is lost, as the worker judges it itself (in real time). */
  assertWorkerHolds?: () => Promise<void>;
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
  const byRunHolder = holderFencing(input, instance);
  const { workerFence, assertWorkerHolds } = context;
  // The step's writes carry the worker's lease; its values also wait for the run to be its holder's and open.
  const fencing: StepWriteFencing | undefined = workerFence
    ? {
        fence: workerFence,
        assertHolder: async () => {
          await assertWorkerHolds?.();
          await (byRunHolder ? byRunHolder.assertHolder() : assertRunOpen(instance, input.runId));
        },
      }
    : byRunHolder;
  const fence = fencing ? { fence: fencing.fence() } : {};
  try {
    await assertWorkerHolds?.();
  } catch {
    return undefined;
  }
  // The bookkeeping is the worker's as the step is: written with its lease, refused once the worker holds none.
  const bookkeeping = workerFence ? { fence: workerFence() } : {};
  const recorded = instance.storage.setKv({ [stepWorkerKey(input.runId, input.stepKey)]: workerId, [stepWorkerKey(input.runId, input.stepKey, attempt)]: workerId }, bookkeeping);
  if (!(await recorded.then(() => true, (error: unknown) => (isFenced(error) ? false : Promise.reject(error))))) return undefined;
  const took = instance.storeEvents([
    {
      runId: input.runId,
      stepKey: input.stepKey,
      timestamp: takenAt,
      eventType: "ENGINE_EVENT",
      message: `Worker ${workerId} took step "${input.stepKey}"${attempt > 0 ? ` (attempt ${attempt + 1})` : ""}.`,
      data: { workerId, attempt },
    },
  ], fence);
  if (!(await took.then(() => true, (error: unknown) => (isFenced(error) ? false : Promise.reject(error))))) return undefined;
  let report: StepProcessReport;
  try {
    report = await executeStepInput(input, defs, instance, fencing);
  } catch (error) {
    // Refused for its lease or a run ended meanwhile: this worker has no say on the step any more, not even its report.
    if (isFenced(error)) return undefined;
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
      ], fencing ? { fence: fencing.fence() } : {})
      .catch(() => undefined);
    report = { status: "failure", materialized: [], dataVersions: {}, error: { name: serialized.name, message: serialized.message } };
  }
  // A report stored by a worker that lost its lease would race the retry its orchestrator started meanwhile.
  try {
    await assertWorkerHolds?.();
  } catch {
    return undefined;
  }
  const stored = instance.storage.setKv({ [stepReportKey(input.runId, input.stepKey, attempt)]: JSON.stringify(report) }, workerFence ? { fence: workerFence() } : {});
  if (!(await stored.then(() => true, (error: unknown) => (isFenced(error) ? false : Promise.reject(error))))) return undefined;
  await context.notify?.(stepJobKey(input.runId, input.stepKey, attempt)).catch(() => undefined);
  return report;
}

function isFenced(error: unknown): boolean {
  return error instanceof LeaseLostError || error instanceof RunFinishedWriteError;
}
