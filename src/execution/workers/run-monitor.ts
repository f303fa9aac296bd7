// Run monitoring: a run whose worker stopped renewing its lease is failed with the reason, and re-executed
// from failure when its tags ask for retries; a run nobody started within the start timeout is failed too.
import { RunFinishedWriteError, SystemTags } from "../../core/index.js";
import type { DefinitionsData } from "../../definitions/index.js";
import type { Instance } from "../../instance/index.js";
import type { RunRecord } from "../../storage/index.js";
import { submitReexecution } from "../reexecute.js";
import { RUN_WORKER_KEY_PREFIX, WORKER_LEASE_PREFIX } from "./worker-keys.js";
import { PROCESS_HOLDER_PREFIX, processGone } from "./run-holder.js";

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
    if (workerId.startsWith(PROCESS_HOLDER_PREFIX)) {
      const reason = processHolderGone(run, workerId, lease, now);
      if (reason) failed.push({ runId: run.runId, reason });
      continue;
    }
    if (lease && lease.holder === workerId && lease.expiresAt > now) continue;
    const lastSeen = lease && lease.holder === workerId ? `; its lease expired ${Math.round((now - lease.expiresAt) / 1000)} s ago` : "; it holds no lease";
    failed.push({
      runId: run.runId,
      reason: `Worker ${workerId} stopped renewing its lease while running this run${lastSeen}: it likely died. Re-execute with \`tessera run reexecute ${run.runId} --from-failure\`.`,
    });
  }
  const retried: { runId: string; childRunId: string }[] = [];
  const ended: typeof failed = [];
  for (const { runId, reason } of failed) {
    // The holder may have finished the run since the list was read; a finished run is never changed.
    const current = await instance.getRunById(runId);
    if (!current || !["STARTING", "STARTED", "CANCELING"].includes(current.status)) continue;
    ended.push({ runId, reason });
    // A run being canceled whose holder is gone ends as the user asked: CANCELED.
    const eventType = current.status === "CANCELING" ? "RUN_CANCELED" : "RUN_FAILURE";
    try {
      await instance.storeEvents([{ runId, timestamp: now, eventType, message: reason }]);
    } catch (error) {
      // Its holder ended it between the read and this write: the run keeps the end it has.
      if (error instanceof RunFinishedWriteError) {
        ended.pop();
        continue;
      }
      throw error;
    }
    if (eventType === "RUN_CANCELED") continue;
    const run = runs.find((r) => r.runId === runId) as RunRecord;
    const child = options.defs ? await retryOf(options.defs, instance, run) : undefined;
    if (child) retried.push({ runId, childRunId: child });
  }
  return { failed: ended, retried };
}

/** Why a run held by a process (not a worker) is orphaned, or undefined while its process lives. */
function processHolderGone(run: RunRecord, holder: string, lease: Awaited<ReturnType<Instance["storage"]["getLease"]>>, now: number): string | undefined {
  const held = lease && lease.holder === holder ? lease : undefined;
  const where = held ? `process ${String(held.info.pid)} on ${String(held.info.hostname)}` : `process ${holder.slice(PROCESS_HOLDER_PREFIX.length)}`;
  const fix = `Re-execute it with \`tessera run reexecute ${run.runId} --from-failure\`.`;
  if (!held) return `The run's ${where} released the run without ending it (it exited early, e.g. process.exit in an asset). ${fix}`;
  const gone = processGone(held.info);
  if (gone === true) return `The run's ${where} is gone (killed, out of memory, or exited) before the run ended. ${fix}`;
  // Alive but not renewing (stopped with SIGSTOP, or its event loop blocked) past its lease: its writes are refused
  // from now on, so the run is ended here rather than left STARTED behind a process that can no longer finish it.
  if (gone === false) return held.expiresAt > now ? undefined : `The run's ${where} is alive but stopped renewing its lease ${Math.round((now - held.expiresAt) / 1000)} s ago (stopped, or its event loop blocked): its writes are refused from now on. ${fix}`;
  // Another host: only the lease can tell.
  if (held.expiresAt > now) return undefined;
  return `The run's ${where} stopped renewing its lease ${Math.round((now - held.expiresAt) / 1000)} s ago: it likely died. ${fix}`;
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
