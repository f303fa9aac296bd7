// The latest evaluation of each check of many assets, in one read of the event log, kept up to date in memory.
import { AssetKey, type AssetKeyLike, type EventRecord } from "../core/index.js";
import type { Storage } from "../storage/index.js";
import { groupByCursor } from "./partition-status.js";

/** What this process last read of an asset's checks. Never mutated (replaced). */
interface HeldChecks {
  readonly wipedBelow: number;
  /** The storage's count of run deletions when read (EventLogHead): another count means events it saw may be gone. */
  readonly deletions: number;
  /** Every check evaluation of the asset up to this storage id is looked at. */
  readonly cursor: number;
  readonly latest: ReadonlyMap<string, EventRecord>;
}

// Per storage: a later read looks only at the evaluations written since (the check name is inside each event's
// body, so finding the latest from scratch decodes every evaluation the asset ever had).
const HELD = new WeakMap<Storage, Map<string, HeldChecks>>();

/**
 * The latest evaluation of each check of each asset (by check name), in the order of `keys`. One query for the
 * assets read before (their evaluations since) and one for the others (all their evaluations).
 */
export async function readLatestCheckEvaluations(storage: Storage, keyLikes: readonly AssetKeyLike[]): Promise<Map<string, EventRecord>[]> {
  if (keyLikes.length === 0) return [];
  const keys = keyLikes.map((k) => AssetKey.from(k));
  const unique = [...new Map(keys.map((k) => [k.toString(), k])).values()];
  const [{ maxStorageId, deletions }, records] = await Promise.all([storage.getEventLogHead(), storage.getAssetRecords(unique)]);
  const wipedBelowById = new Map(records.map((r) => [r.assetKey.toString(), r.wipedBelowStorageId]));
  let held = HELD.get(storage);
  if (!held) HELD.set(storage, (held = new Map()));

  // No record: the asset has no evaluation above its wipe line (none yet, or none since a wipe).
  const fresh: { key: AssetKey; cursor: number }[] = [];
  const stale: { key: AssetKey; cursor: number }[] = [];
  const from = new Map<string, HeldChecks>();
  for (const key of unique) {
    const id = key.toString();
    const wipedBelow = wipedBelowById.get(id);
    if (wipedBelow === undefined) continue;
    const h = held.get(id);
    if (h === undefined || h.wipedBelow !== wipedBelow || h.deletions !== deletions) fresh.push({ key, cursor: wipedBelow });
    else {
      from.set(id, h);
      stale.push({ key, cursor: h.cursor });
    }
  }
  const before = maxStorageId + 1;
  const groups = [...groupByCursor(fresh, maxStorageId), ...groupByCursor(stale, maxStorageId)];
  const batches = await Promise.all(
    groups.map(([after, assetKeys]) => storage.getEventRecords({ eventType: "ASSET_CHECK_EVALUATION", assetKeys, afterStorageId: after, beforeStorageId: before, ascending: true })),
  );
  const latestById = new Map<string, Map<string, EventRecord>>();
  for (const key of unique) {
    const id = key.toString();
    latestById.set(id, new Map(from.get(id)?.latest ?? []));
  }
  // Oldest first (within a batch; across batches an asset's events are in one), so later evaluations replace earlier.
  for (const record of batches.flat()) {
    const id = record.assetKey?.toString();
    if (id === undefined || record.checkName === undefined) continue;
    const h = from.get(id);
    if (h !== undefined && record.storageId <= h.cursor) continue;
    latestById.get(id)?.set(record.checkName, record);
  }
  for (const key of unique) {
    const id = key.toString();
    const wipedBelow = wipedBelowById.get(id);
    if (wipedBelow === undefined) held.delete(id);
    else held.set(id, { wipedBelow, deletions, cursor: maxStorageId, latest: latestById.get(id) as Map<string, EventRecord> });
  }
  // Each caller gets its own maps (the held ones are never handed out), newest evaluation first.
  return keys.map((key) => new Map([...(latestById.get(key.toString()) as Map<string, EventRecord>)].sort((a, b) => b[1].storageId - a[1].storageId)));
}
