// Every run records who executes it: a process running a run in process (the CLI, a run process, a daemon's
// in-process launch) registers itself as the run's holder with a lease naming its host and pid, renews it while
// the run goes on and releases it at the end, so that run monitoring can tell a live run from an orphan.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { FINISHED_RUN_STATUSES, LeaseLostError, RunFinishedWriteError } from "../../core/index.js";
import type { Instance } from "../../instance/index.js";
import type { WriteFence } from "../../storage/index.js";
import { RUN_WORKER_KEY_PREFIX, WORKER_LEASE_PREFIX } from "./worker-keys.js";

/** How long a run process's lease lasts without renewal (runMonitoring.runLeaseSeconds); renewed every third of it. */
export const RUN_PROCESS_LEASE_MS = 30_000;
/** Holders registered by `holdRun` start with this, so run monitoring knows to look for their pid. */
export const PROCESS_HOLDER_PREFIX = "process:";

/** A registration to release when the run ends. */
export interface RunHold {
  /** The fencing token every write for the run carries: the lease the run's holder holds, as of now. */
  fence(): WriteFence;
  /** Renews the lease before a write when the instance's clock moved on faster than real time (an injected clock). */
  refresh?(): Promise<void>;
  /** Set once this process found its lease lost: the run is no longer its own, and no step of it may start. */
  readonly lost: LeaseLostError | undefined;
  /**
   * Rejects with LeaseLostError unless the lease is still this holder's: judged here in real time for a process's
   * own lease (not renewed within it: lost), read from the instance for a worker's.
   */
  assertHeld(): Promise<void>;
  release(): Promise<void>;
}

/**
 * Registers this process as the holder of `runId`, unless a worker already holds it (a worker registers the
 * runs it takes itself and keeps its own lease; the run's writes are then fenced by the worker's lease).
 * A renewal that finds the lease expired or taken never revives it: the hold is lost and `onLost` is told.
 */
export async function holdRun(instance: Instance, runId: string, options: { onLost?: (error: LeaseLostError) => void } = {}): Promise<RunHold> {
  const key = `${RUN_WORKER_KEY_PREFIX}${runId}`;
  const existing = (await instance.storage.getKv([key]))[key];
  if (existing !== undefined && !existing.startsWith(PROCESS_HOLDER_PREFIX)) {
    const lease = `${WORKER_LEASE_PREFIX}${existing}`;
    const fence = (): WriteFence => ({ lease, holder: existing, now: instance.clock.now() });
    return { fence, lost: undefined, assertHeld: () => assertFenceHolds(instance, fence()), release: async () => {} };
  }
  const holder = `${PROCESS_HOLDER_PREFIX}${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const lease = `${WORKER_LEASE_PREFIX}${holder}`;
  const info = { pid: process.pid, hostname: hostname(), runId };
  const ttl = (instance.settings.runMonitoring?.runLeaseSeconds ?? RUN_PROCESS_LEASE_MS / 1000) * 1000;
  await instance.storage.acquireLease(lease, holder, instance.clock.now(), ttl, info);
  await instance.storage.setKv({ [key]: holder });
  let lost: LeaseLostError | undefined;
  let renewing = false;
  // Liveness is judged in real time (a stopped or cut-off process), lease timestamps in the instance's clock.
  let renewedAt = performance.now();
  let renewedAtClock = instance.clock.now();
  const renewOnce = async (): Promise<void> => {
    const now = instance.clock.now();
    const real = performance.now();
    // A renewal hanging on a dead connection must not keep the hold alive: by its own clock it is lost past the lease.
    if (real - renewedAt >= ttl) {
      lost = new LeaseLostError(lease, holder, `not renewed for ${Math.round((real - renewedAt) / 1000)} s, longer than the lease`);
      clearInterval(renew);
      options.onLost?.(lost);
      return;
    }
    const current = await instance.storage.getLease(lease);
    if (!current || current.holder !== holder || current.expiresAt <= now) {
      const detail = !current ? "it no longer exists" : current.holder !== holder ? `${current.holder} holds it now` : `it expired ${Math.round((now - current.expiresAt) / 1000)} s ago`;
      lost = new LeaseLostError(lease, holder, detail);
      clearInterval(renew);
      options.onLost?.(lost);
      return;
    }
    await instance.storage.acquireLease(lease, holder, now, ttl, info);
    renewedAt = real;
    renewedAtClock = now;
  };
  // Renewal must never keep the process alive, nor crash it when the storage hiccups: monitoring judges by the lease.
  const renew = setInterval(() => {
    if (renewing && performance.now() - renewedAt >= ttl) {
      lost = new LeaseLostError(lease, holder, `not renewed for ${Math.round((performance.now() - renewedAt) / 1000)} s, longer than the lease`);
      clearInterval(renew);
      options.onLost?.(lost);
      return;
    }
    if (renewing) return;
    renewing = true;
    renewOnce().catch(() => undefined).finally(() => (renewing = false));
  }, ttl / 3);
  renew.unref();
  return {
    fence: () => ({ lease, holder, now: instance.clock.now() }),
    // Before a write: a process live in real time whose injected clock jumped (tests, a ManualClock) renews first,
    // so its lease is current in the clock the write is judged by. A stopped process is past `ttl` in real time and
    // never revives it.
    refresh: async () => {
      if (lost || performance.now() - renewedAt >= ttl || instance.clock.now() - renewedAtClock < ttl / 3) return;
      const now = instance.clock.now();
      const real = performance.now();
      await instance.storage.acquireLease(lease, holder, now, ttl, info);
      renewedAt = real;
      renewedAtClock = now;
    },
    get lost() {
      return lost;
    },
    assertHeld: async () => {
      if (lost) throw lost;
      const silentFor = performance.now() - renewedAt;
      // Stopped or cut off past the lease (the timer has not run yet to say so): monitoring may have taken the run.
      if (silentFor >= ttl) throw new LeaseLostError(lease, holder, `not renewed for ${Math.round(silentFor / 1000)} s, longer than the lease`);
    },
    release: async () => {
      clearInterval(renew);
      await instance.storage.releaseLease(lease, holder).catch(() => undefined);
    },
  };
}

/**
 * Rejects with LeaseLostError unless `fence.holder` holds `fence.lease` unexpired at `fence.now`, and with
 * RunFinishedWriteError when `runId` (if given) has ended: what a process without the lease's own state (a step
 * process, a worker running a run another holds) checks before a write no event transaction covers.
 */
export async function assertFenceHolds(instance: Instance, fence: WriteFence, runId?: string): Promise<void> {
  const current = await instance.storage.getLease(fence.lease);
  if (!current || current.holder !== fence.holder || current.expiresAt <= fence.now) {
    const detail = !current ? "it no longer exists" : current.holder !== fence.holder ? `${current.holder} holds it now` : `it expired ${Math.round((fence.now - current.expiresAt) / 1000)} s ago`;
    throw new LeaseLostError(fence.lease, fence.holder, detail);
  }
  if (runId !== undefined) await assertRunOpen(instance, runId);
}

/** Rejects with RunFinishedWriteError when the run has ended: a value written for it now would outlive its end. */
export async function assertRunOpen(instance: Instance, runId: string): Promise<void> {
  const run = await instance.getRunById(runId);
  if (run && FINISHED_RUN_STATUSES.has(run.status)) throw new RunFinishedWriteError(runId, run.status, "a value for the IO manager");
}

/**
 * Whether the process named by a holder's lease is gone, when it ran on this host: a killed or exited process
 * is known at once, without waiting for its lease to expire. Undefined when this host cannot tell.
 */
export function processGone(info: Readonly<Record<string, unknown>> | undefined): boolean | undefined {
  if (!info || info.hostname !== hostname() || typeof info.pid !== "number") return undefined;
  if (info.pid === process.pid) return false;
  try {
    process.kill(info.pid, 0);
    return false;
  } catch (error) {
    // EPERM: a process of another user holds the pid; it exists.
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
