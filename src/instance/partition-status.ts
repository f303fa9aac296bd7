// Partition status of an asset — materialized, failed, in progress, missing — as compact subsets, kept in a
// cache that each read brings up to date with only the events written since the last read.
import { AssetKey, type AssetKeyLike, type EventRecord } from "../core/index.js";
import { DynamicPartitionsSnapshot, partitionsDefinitionFingerprint, type PartitionsDefinition, type PartitionsSubset } from "../partitions/index.js";
import type { Storage } from "../storage/index.js";

/** Where each partition of an asset stands: materialized, failed, in progress or missing, each as a partitions subset. */
export interface PartitionStatus {
  readonly materialized: PartitionsSubset;
  /** Partitions whose latest attempt failed. */
  readonly failed: PartitionsSubset;
  /** Partitions planned by runs that have not finished. */
  readonly inProgress: PartitionsSubset;
  /** Partitions that exist (at `currentTime`) and are none of the above. */
  readonly missing: PartitionsSubset;
}

interface CachedStatus {
  fingerprint: string;
  wipedBelow: number;
  cursor: number;
  materialized: string;
  failed: string;
  inProgress: Record<string, string[]>;
}

const TRACKED = ["ASSET_MATERIALIZATION", "ASSET_FAILED_TO_MATERIALIZE", "ASSET_MATERIALIZATION_PLANNED", "ASSET_WIPED"] as const;
const FINISHED = new Set(["SUCCESS", "FAILURE", "CANCELED"]);

/**
 * The status of every partition of `key` under `partitionsDef`. The first read scans the asset's partition
 * events once; later reads apply only newer events to the cached subsets.
 */
export async function readPartitionStatus(
  storage: Storage,
  keyLike: AssetKeyLike,
  partitionsDef: PartitionsDefinition,
  currentTime: number,
): Promise<PartitionStatus> {
  const key = AssetKey.from(keyLike);
  const cacheKey = `partition_status/${key.toString()}`;
  const [record] = await storage.getAssetRecords([key]);
  const wipedBelow = record?.wipedBelowStorageId ?? 0;
  const fingerprint = partitionsDefinitionFingerprint(partitionsDef);
  const dynamicPartitionsStore = await DynamicPartitionsSnapshot.load(storage, [partitionsDef]);
  const options = { currentTime, dynamicPartitionsStore };

  let cached: CachedStatus | undefined;
  try {
    const raw = (await storage.getKv([cacheKey]))[cacheKey];
    const parsed = raw === undefined ? undefined : (JSON.parse(raw) as CachedStatus);
    if (parsed && parsed.fingerprint === fingerprint && parsed.wipedBelow === wipedBelow) cached = parsed;
  } catch {
    cached = undefined;
  }
  let materialized = cached ? partitionsDef.deserializeSubset(cached.materialized) : partitionsDef.emptySubset();
  let failed = cached ? partitionsDef.deserializeSubset(cached.failed) : partitionsDef.emptySubset();
  const inProgress = new Map<string, Set<string>>(Object.entries(cached?.inProgress ?? {}).map(([run, keys]) => [run, new Set(keys)]));
  let cursor = cached?.cursor ?? wipedBelow;

  const batches = await Promise.all(TRACKED.map((eventType) => storage.getEventRecords({ eventType, assetKey: key, afterStorageId: cursor, ascending: true })));
  const events: EventRecord[] = batches.flat().sort((a, b) => a.storageId - b.storageId);
  // Partitions that no longer exist in the definition (a dynamic key deleted, a range narrowed) are left out.
  const known = (partition: string | undefined): partition is string => partition !== undefined && partitionsDef.hasPartitionKey(partition, options);
  for (const event of events) {
    cursor = Math.max(cursor, event.storageId);
    const partition = event.partition;
    if (!known(partition)) continue;
    if (event.eventType === "ASSET_MATERIALIZATION") {
      materialized = materialized.withPartitionKeys([partition]);
      if (failed.has(partition)) failed = failed.difference(partitionsDef.subsetWithPartitionKeys([partition]));
      inProgress.get(event.runId)?.delete(partition);
    } else if (event.eventType === "ASSET_WIPED") {
      // A partition wipe: the partition is missing again (a run still planning it keeps it in progress).
      const wiped = partitionsDef.subsetWithPartitionKeys([partition]);
      if (materialized.has(partition)) materialized = materialized.difference(wiped);
      if (failed.has(partition)) failed = failed.difference(wiped);
    } else if (event.eventType === "ASSET_FAILED_TO_MATERIALIZE") {
      failed = failed.withPartitionKeys([partition]);
      inProgress.get(event.runId)?.delete(partition);
    } else {
      const planned = inProgress.get(event.runId) ?? new Set<string>();
      planned.add(partition);
      inProgress.set(event.runId, planned);
    }
  }
  if (inProgress.size > 0) {
    for (const run of await storage.getRuns({ runIds: [...inProgress.keys()] })) if (FINISHED.has(run.status)) inProgress.delete(run.runId);
    for (const [run, keys] of inProgress) if (keys.size === 0) inProgress.delete(run);
  }
  const next: CachedStatus = {
    fingerprint,
    wipedBelow,
    cursor,
    materialized: materialized.serialize(),
    failed: failed.serialize(),
    inProgress: Object.fromEntries([...inProgress].map(([run, keys]) => [run, [...keys]])),
  };
  if (!cached || events.length > 0 || Object.keys(next.inProgress).length !== Object.keys(cached.inProgress).length) {
    await storage.setKv({ [cacheKey]: JSON.stringify(next) });
  }
  const running = partitionsDef.subsetWithPartitionKeys([...inProgress.values()].flatMap((keys) => [...keys]).filter(known));
  const missing = materialized.union(failed).union(running).complement(options);
  return { materialized, failed, inProgress: running, missing };
}
