// Concurrency pools: a step of an asset with a `pool` runs only while it holds one of the pool's slots. Slots
// are leases in the instance, so the limit holds across runs, processes and machines; a slot whose holder
// died expires and is taken by the next step.
import { serializeError } from "../core/index.js";
import type { ConcurrencySettings, Instance } from "../instance/index.js";
import type { PlanStep } from "../plan/index.js";
import type { RunState } from "./run-state.js";
import type { StepOutcome } from "./step/step-events.js";

/** The op tag naming a step's pool: set by asset({ pool }) (the reference's pool, formerly dagster/concurrency_key). */
export const POOL_TAG = "tessera/pool";

export interface PoolSlotOptions {
  instance: Instance;
  settings: ConcurrencySettings | undefined;
  isCanceled: () => boolean;
  /** How often a waiting step looks for a free slot, in ms. @default 100 */
  pollMs?: number;
  /** How long a slot outlives its holder's last renewal, in ms. @default 15000 */
  slotTtlMs?: number;
}

export type StepRunner = (run: RunState, step: PlanStep) => Promise<StepOutcome>;

export function poolLimitOf(settings: ConcurrencySettings | undefined, pool: string): number | undefined {
  return settings?.pools?.[pool] ?? settings?.defaultPoolLimit;
}

/** Wraps a step runner so that steps of limited pools wait for a slot; other steps run as before. */
export function withPoolSlots(stepRunner: StepRunner, options: PoolSlotOptions): StepRunner {
  const { instance, settings } = options;
  if (!settings?.pools && settings?.defaultPoolLimit === undefined) return stepRunner;
  const pollMs = options.pollMs ?? 100;
  const ttlMs = options.slotTtlMs ?? 15_000;
  return async (run, step) => {
    const pool = step.op.tags[POOL_TAG];
    const limit = pool === undefined ? undefined : poolLimitOf(settings, pool);
    if (pool === undefined || limit === undefined) return stepRunner(run, step);
    const holder = `${run.runId}/${step.key}`;
    const tryAcquire = async (): Promise<string | undefined> => {
      for (let slot = 0; slot < limit; slot++) {
        const name = `pool:${pool}:${slot}`;
        const lease = await instance.storage.acquireLease(name, holder, instance.clock.now(), ttlMs, { runId: run.runId, stepKey: step.key });
        if (lease.holder === holder) return name;
      }
      return undefined;
    };
    let slot = await tryAcquire();
    if (slot === undefined) {
      run.writer.emit({
        runId: run.runId,
        stepKey: step.key,
        timestamp: run.clock.now(),
        eventType: "ENGINE_EVENT",
        message: `Step "${step.key}" waits for a slot of pool "${pool}" (limit ${limit}).`,
        data: { pool, limit },
      });
      while (slot === undefined) {
        if (options.isCanceled()) {
          const error = new Error(`Step "${step.key}" was canceled while it waited for a slot of pool "${pool}".`);
          run.writer.emit({ runId: run.runId, stepKey: step.key, timestamp: run.clock.now(), eventType: "STEP_FAILURE", message: error.message, error: serializeError(error) });
          return { status: "failure", error };
        }
        await new Promise((resolve) => setTimeout(resolve, pollMs));
        slot = await tryAcquire();
      }
    }
    const held = slot;
    // Renewed well within its time to live, so a long step keeps its slot and a dead one loses it.
    const renew = setInterval(() => void instance.storage.acquireLease(held, holder, instance.clock.now(), ttlMs, { runId: run.runId, stepKey: step.key }).catch(() => undefined), ttlMs / 3);
    try {
      return await stepRunner(run, step);
    } finally {
      clearInterval(renew);
      await instance.storage.releaseLease(held, holder).catch(() => undefined);
    }
  };
}
