// Run monitoring: a run whose worker stopped renewing its lease is failed with the reason, and re-executed
// from failure when its tags ask for retries; a run nobody started within the start timeout is failed too.
import { SystemTags } from "../../core/index.js";
import type { DefinitionsData } from "../../definitions/index.js";
import type { Instance } from "../../instance/index.js";
import type { RunRecord } from "../../storage/index.js";
import { submitReexecution } from "../reexecute.js";
import { RUN_WORKER_KEY_PREFIX, WORKER_LEASE_PREFIX } from "./worker-keys.js";

/** How many times a run that failed is re-executed from failure by run monitoring (as the reference's dagster/max_retries). */
export const MAX_RETRIES_TAG = "tessera/max_retries";
/** A run STARTING longer than this without a worker taking it is failed. @default 3 minutes, as the reference's start timeout */
export const DEFAULT_START_TIMEOUT_MS = 180_000;

/** Run monitoring's instance, definitions (for retries) and start timeout. */
export interface MonitorRunsOptions {
  instance: Instance;
  /** Needed to re-execute runs that ask for retries; without it, failed runs are only failed. */
  defs?: DefinitionsData;
  startTimeoutMs?: number;
}

/** What one pass of run monitoring failed and retried. */
export interface MonitorRunsResult {
  readonly failed: readonly { readonly runId: string; readonly reason: string }[];
  /** Re-executions queued: the failed run and its child. */
  readonly retried: readonly { readonly runId: string; readonly childRunId: string }[];
}

/**
 * One pass of run monitoring (the daemon runs it every iteration): fails runs whose worker stopped renewing its
 * lease or that no worker started in time, and re-executes them from failure when their tags ask for retries.
 */
export async function monitorRuns(options: MonitorRunsOptions): Promise<MonitorRunsResult> {
  const { instance } = options;
  const now = instance.clock.now();
  const runs = await instance.getRuns({ statuses: ["STARTING", "STARTED", "CANCELING"] });
  if (runs.length === 0) return { failed: [], retried: [] };
  const workers = await instance.storage.getKv(runs.map((r) => `${RUN_WORKER_KEY_PREFIX}${r.runId}`));
  const failed: { runId: string; reason: string }[] = [];
  const leases = new Map<string, Awaited<ReturnType<Instance["storage"]["getLease"]>>>();
  for (const run of runs) {
    const workerId = workers[`${RUN_WORKER_KEY_PREFIX}${run.runId}`];
    if (workerId === undefined) {
      const startTimeout = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
      if (run.status === "STARTING" && now - run.updateTime > startTimeout) {
        failed.push({ runId: run.runId, reason: `No worker started the run within ${Math.round(startTimeout / 1000)} s of its launch; check that \`tessera worker\` is running for this instance.` });
      }
      continue;
    }
    if (!leases.has(workerId)) leases.set(workerId, await instance.storage.getLease(`${WORKER_LEASE_PREFIX}${workerId}`));
    const lease = leases.get(workerId);
    if (lease && lease.holder === workerId && lease.expiresAt > now) continue;
    const lastSeen = lease && lease.holder === workerId ? `; its lease expired ${Math.round((now - lease.expiresAt) / 1000)} s ago` : "; it holds no lease";
    failed.push({
      runId: run.runId,
      reason: `Worker ${workerId} stopped renewing its lease while running this run${lastSeen}: it likely died. Re-execute with \`tessera run reexecute ${run.runId} --from-failure\`.`,
    });
  }
  const retried: { runId: string; childRunId: string }[] = [];
  for (const { runId, reason } of failed) {
    await instance.storeEvents([{ runId, timestamp: now, eventType: "RUN_FAILURE", message: reason }]);
    const run = runs.find((r) => r.runId === runId) as RunRecord;
    const child = options.defs ? await retryOf(options.defs, instance, run) : undefined;
    if (child) retried.push({ runId, childRunId: child });
  }
  return { failed, retried };
}

async function retryOf(defs: DefinitionsData, instance: Instance, run: RunRecord): Promise<string | undefined> {
  const max = Number(run.tags[MAX_RETRIES_TAG] ?? 0);
  const attempt = Number(run.tags[SystemTags.RETRY_NUMBER] ?? 0);
  if (!(attempt < max)) return undefined;
  const child = await submitReexecution(defs, run.runId, {
    instance,
    fromFailure: true,
    tags: { [MAX_RETRIES_TAG]: String(max), [SystemTags.RETRY_NUMBER]: String(attempt + 1) },
  });
  return child.runId;
}
