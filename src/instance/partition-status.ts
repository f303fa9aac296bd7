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
  const [status] = await readPartitionStatuses(storage, [{ key: keyLike, partitionsDef }], currentTime);
  return status as PartitionStatus;
}

/** How many assets one batched read names in a statement (SQLite caps a statement's parameters). */
const ASSETS_PER_READ = 2_000;

/**
 * The partition status of many assets, in order, with a fixed number of storage reads whatever their number (up to
 * ASSETS_PER_READ at a time): the asset index, the cached statuses, the dynamic partitions and each tracked event
 * type are read once for all of them, and the runs still planning partitions once.
 */
export async function readPartitionStatuses(
  storage: Storage,
  entries: readonly { key: AssetKeyLike; partitionsDef: PartitionsDefinition }[],
  currentTime: number,
): Promise<PartitionStatus[]> {
  const out: PartitionStatus[] = [];
  for (let i = 0; i < entries.length; i += ASSETS_PER_READ) out.push(...(await readBatch(storage, entries.slice(i, i + ASSETS_PER_READ), currentTime)));
  return out;
}

interface Working {
  key: AssetKey;
  partitionsDef: PartitionsDefinition;
  fingerprint: string;
  wipedBelow: number;
  cached: CachedStatus | undefined;
  materialized: PartitionsSubset;
  failed: PartitionsSubset;
  inProgress: Map<string, Set<string>>;
  cursor: number;
  changed: boolean;
}

async function readBatch(storage: Storage, entries: readonly { key: AssetKeyLike; partitionsDef: PartitionsDefinition }[], currentTime: number): Promise<PartitionStatus[]> {
  if (entries.length === 0) return [];
  const keys = entries.map((e) => AssetKey.from(e.key));
  const cacheKeys = keys.map((k) => `partition_status/${k.toString()}`);
  const [records, dynamicPartitionsStore, stored] = await Promise.all([
    storage.getAssetRecords(keys),
    DynamicPartitionsSnapshot.load(storage, entries.map((e) => e.partitionsDef)),
    storage.getKv([...new Set(cacheKeys)]),
  ]);
  const recordByKey = new Map(records.map((r) => [r.assetKey.toString(), r]));
  const options = { currentTime, dynamicPartitionsStore };

  const working: Working[] = entries.map((entry, i) => {
    const key = keys[i] as AssetKey;
    const wipedBelow = recordByKey.get(key.toString())?.wipedBelowStorageId ?? 0;
    const fingerprint = partitionsDefinitionFingerprint(entry.partitionsDef);
    let cached: CachedStatus | undefined;
    try {
      const raw = stored[cacheKeys[i] as string];
      const parsed = raw === undefined || raw === "" ? undefined : (JSON.parse(raw) as CachedStatus);
      if (parsed && parsed.fingerprint === fingerprint && parsed.wipedBelow === wipedBelow) cached = parsed;
    } catch {
      cached = undefined;
    }
    const def = entry.partitionsDef;
    return {
      key,
      partitionsDef: def,
      fingerprint,
      wipedBelow,
      cached,
      materialized: cached ? def.deserializeSubset(cached.materialized) : def.emptySubset(),
      failed: cached ? def.deserializeSubset(cached.failed) : def.emptySubset(),
      inProgress: new Map<string, Set<string>>(Object.entries(cached?.inProgress ?? {}).map(([run, ks]) => [run, new Set(ks)])),
      cursor: cached?.cursor ?? wipedBelow,
      changed: false,
    };
  });

  // One read per event type for every asset, from the oldest cursor; each asset then skips what it has seen.
  const from = Math.min(...working.map((w) => w.cursor));
  const batches = await Promise.all(
    TRACKED.map((eventType) =>
      working.length === 1
        ? storage.getEventRecords({ eventType, assetKey: (working[0] as Working).key, afterStorageId: from, ascending: true })
        : storage.getEventRecords({ eventType, assetKeys: [...new Set(keys.map((k) => k.toString()))].map((k) => AssetKey.from(k)), afterStorageId: from, ascending: true }),
    ),
  );
  const eventsByKey = new Map<string, EventRecord[]>();
  for (const event of batches.flat()) {
    const id = (event.assetKey as AssetKey).toString();
    let list = eventsByKey.get(id);
    if (list === undefined) eventsByKey.set(id, (list = []));
    list.push(event);
  }
  for (const list of eventsByKey.values()) list.sort((a, b) => a.storageId - b.storageId);

  for (const w of working) {
    const def = w.partitionsDef;
    // Partitions that no longer exist in the definition (a dynamic key deleted, a range narrowed) are left out.
    const known = (partition: string | undefined): partition is string => partition !== undefined && def.hasPartitionKey(partition, options);
    const startCursor = w.cursor;
    for (const event of eventsByKey.get(w.key.toString()) ?? []) {
      if (event.storageId <= startCursor) continue;
      w.changed = true;
      w.cursor = Math.max(w.cursor, event.storageId);
      const partition = event.partition;
      if (!known(partition)) continue;
      if (event.eventType === "ASSET_MATERIALIZATION") {
        w.materialized = w.materialized.withPartitionKeys([partition]);
        if (w.failed.has(partition)) w.failed = w.failed.difference(def.subsetWithPartitionKeys([partition]));
        w.inProgress.get(event.runId)?.delete(partition);
      } else if (event.eventType === "ASSET_WIPED") {
        // A partition wipe: the partition is missing again (a run still planning it keeps it in progress).
        const wiped = def.subsetWithPartitionKeys([partition]);
        if (w.materialized.has(partition)) w.materialized = w.materialized.difference(wiped);
        if (w.failed.has(partition)) w.failed = w.failed.difference(wiped);
      } else if (event.eventType === "ASSET_FAILED_TO_MATERIALIZE") {
        w.failed = w.failed.withPartitionKeys([partition]);
        w.inProgress.get(event.runId)?.delete(partition);
      } else {
        const planned = w.inProgress.get(event.runId) ?? new Set<string>();
        planned.add(partition);
        w.inProgress.set(event.runId, planned);
      }
    }
  }

  const planningRuns = new Set(working.flatMap((w) => [...w.inProgress.keys()]));
  if (planningRuns.size > 0) {
    const finished = new Set((await storage.getRuns({ runIds: [...planningRuns] })).filter((run) => FINISHED.has(run.status)).map((run) => run.runId));
    for (const w of working) {
      for (const [run, ks] of w.inProgress) if (finished.has(run) || ks.size === 0) w.inProgress.delete(run);
    }
  }

  const writes: Record<string, string> = {};
  const statuses = working.map((w, i): PartitionStatus => {
    const next: CachedStatus = {
      fingerprint: w.fingerprint,
      wipedBelow: w.wipedBelow,
      cursor: w.cursor,
      materialized: w.materialized.serialize(),
      failed: w.failed.serialize(),
      inProgress: Object.fromEntries([...w.inProgress].map(([run, ks]) => [run, [...ks]])),
    };
    if (!w.cached || w.changed || Object.keys(next.inProgress).length !== Object.keys(w.cached.inProgress).length) writes[cacheKeys[i] as string] = JSON.stringify(next);
    const def = w.partitionsDef;
    const known = (partition: string): boolean => def.hasPartitionKey(partition, options);
    const running = def.subsetWithPartitionKeys([...w.inProgress.values()].flatMap((ks) => [...ks]).filter(known));
    const missing = w.materialized.union(w.failed).union(running).complement(options);
    return { materialized: w.materialized, failed: w.failed, inProgress: running, missing };
  });
  if (Object.keys(writes).length > 0) await storage.setKv(writes);
  return statuses;
}
