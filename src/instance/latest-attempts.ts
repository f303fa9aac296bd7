// The latest materialization attempt of many assets (the run that last planned each), in a fixed number of reads
// whatever their number, kept up to date in memory like the latest check evaluations.
import { AssetKey, FINISHED_RUN_STATUSES, type AssetKeyLike, type EventRecord } from "../core/index.js";
import type { RunRecord, Storage } from "../storage/index.js";
import { groupByCursor } from "./partition-status.js";

/**
 * How an asset's latest attempt ended: MATERIALIZED when the asset was materialized since it was planned,
 * IN_PROGRESS while its run goes on, FAILED when its run failed or was canceled first, NOT_MATERIALIZED when its
 * run succeeded without materializing it (an optional output not produced) or is gone.
 */
export type MaterializationAttemptStatus = "MATERIALIZED" | "IN_PROGRESS" | "FAILED" | "NOT_MATERIALIZED";

export interface MaterializationAttempt {
  /** The asset's latest ASSET_MATERIALIZATION_PLANNED event. */
  readonly planned: EventRecord;
  readonly run: RunRecord | undefined;
  readonly status: MaterializationAttemptStatus;
}

interface HeldPlan {
  readonly wipedBelow: number;
  /** The storage's count of run deletions when read (EventLogHead): another count means events it saw may be gone. */
  readonly deletions: number;
  /** Every planned event of the asset up to this storage id is looked at. */
  readonly cursor: number;
  readonly latest: EventRecord | undefined;
}

// Per storage: a later read looks only at the plans written since.
const HELD = new WeakMap<Storage, Map<string, HeldPlan>>();

/** The latest attempt of each asset, in the order of `keys` (undefined when never planned since its last wipe). */
export async function readLatestMaterializationAttempts(storage: Storage, keyLikes: readonly AssetKeyLike[]): Promise<(MaterializationAttempt | undefined)[]> {
  if (keyLikes.length === 0) return [];
  const keys = keyLikes.map((k) => AssetKey.from(k));
  const unique = [...new Map(keys.map((k) => [k.toString(), k])).values()];
  const [{ maxStorageId, deletions }, records] = await Promise.all([storage.getEventLogHead(), storage.getAssetRecords(unique)]);
  const recordById = new Map(records.map((r) => [r.assetKey.toString(), r]));
  let held = HELD.get(storage);
  if (!held) HELD.set(storage, (held = new Map()));

  const fresh: { key: AssetKey; cursor: number }[] = [];
  const stale: { key: AssetKey; cursor: number }[] = [];
  for (const key of unique) {
    const id = key.toString();
    const record = recordById.get(id);
    if (record === undefined) continue;
    const h = held.get(id);
    if (h === undefined || h.wipedBelow !== record.wipedBelowStorageId || h.deletions !== deletions) fresh.push({ key, cursor: record.wipedBelowStorageId });
    else stale.push({ key, cursor: h.cursor });
  }
  const before = maxStorageId + 1;
  const groups = [...groupByCursor(fresh, maxStorageId), ...groupByCursor(stale, maxStorageId)];
  const batches = await Promise.all(
    groups.map(([after, assetKeys]) => storage.getEventRecords({ eventType: "ASSET_MATERIALIZATION_PLANNED", assetKeys, afterStorageId: after, beforeStorageId: before, ascending: true })),
  );
  const latestById = new Map<string, EventRecord | undefined>();
  for (const { key } of stale) latestById.set(key.toString(), held.get(key.toString())?.latest);
  for (const record of batches.flat()) {
    const id = record.assetKey?.toString();
    if (id === undefined) continue;
    const current = latestById.get(id);
    if (current === undefined || current.storageId < record.storageId) latestById.set(id, record);
  }
  for (const key of unique) {
    const id = key.toString();
    const record = recordById.get(id);
    if (record === undefined) held.delete(id);
    else held.set(id, { wipedBelow: record.wipedBelowStorageId, deletions, cursor: maxStorageId, latest: latestById.get(id) });
  }

  const runIds = [...new Set([...latestById.values()].flatMap((e) => (e ? [e.runId] : [])))];
  const runs = runIds.length === 0 ? [] : await storage.getRuns({ runIds });
  const runById = new Map(runs.map((r) => [r.runId, r]));
  const attemptById = new Map<string, MaterializationAttempt>();
  for (const [id, planned] of latestById) {
    if (planned === undefined) continue;
    const run = runById.get(planned.runId);
    const materialized = recordById.get(id)?.lastMaterialization;
    let status: MaterializationAttemptStatus;
    if (materialized !== undefined && materialized.storageId > planned.storageId) status = "MATERIALIZED";
    // A deleted run says nothing of how the attempt went.
    else if (run === undefined) status = "NOT_MATERIALIZED";
    else if (!FINISHED_RUN_STATUSES.has(run.status)) status = "IN_PROGRESS";
    else status = run.status === "SUCCESS" ? "NOT_MATERIALIZED" : "FAILED";
    attemptById.set(id, { planned, run, status });
  }
  return keys.map((key) => attemptById.get(key.toString()));
}
