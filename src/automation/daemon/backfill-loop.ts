// The backfills loop: backfills nobody runs — REQUESTED (`tessera backfill launch --queue`), or IN_PROGRESS
// whose process died — are resumed in the background, each under its lease so that no two processes run it.
import { backfillLeaseName, resumeBackfill } from "../../execution/index.js";
import type { DaemonLogger } from "./daemon-logger.js";
import type { TickEnvironment } from "./tick-execution.js";

/**
 * Starts every backfill left REQUESTED, IN_PROGRESS or CANCELING whose lease (`backfill:<id>`) nobody holds,
 * oldest first, skipping those `running` (this daemon's, still going). Returns the ids started.
 */
export async function resumeBackfills(env: TickEnvironment, holder: string, running: Set<string>, now: number, logger: DaemonLogger): Promise<string[]> {
  const { instance, defs } = env;
  const pending = await instance.getBackfills({ statuses: ["REQUESTED", "IN_PROGRESS", "CANCELING"] });
  const started: string[] = [];
  for (const backfill of [...pending].reverse()) {
    const id = backfill.backfillId;
    if (running.has(id)) continue;
    const lease = await instance.storage.getLease(backfillLeaseName(id));
    if (lease && lease.holder !== holder && lease.expiresAt > now) continue; // a live process runs it
    running.add(id);
    started.push(id);
    const what = backfill.status === "REQUESTED" ? "starting requested" : backfill.status === "CANCELING" ? "ending canceled" : "resuming abandoned";
    const left = backfill.partitionKeys.length - backfill.materializedPartitions.length - backfill.failedPartitions.length;
    logger.info(`backfills: ${what} backfill ${id} (${left} of ${backfill.partitionKeys.length} partitions left)`);
    const run = resumeBackfill(defs, { instance, backfillId: id, leaseHolder: holder })
      .then(
        (b) => logger.info(`backfill ${id} ended ${b.status}: ${b.materializedPartitions.length} materialized, ${b.failedPartitions.length} failed`),
        (error: unknown) => logger.warn(`backfill ${id}: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => running.delete(id));
    env.track(run);
  }
  return started;
}
