// Partition status of an asset — materialized, failed, in progress, missing — as compact subsets, kept in a
// cache that each read brings up to date with only the events written since the last read.
import { AssetKey, type AssetKeyLike, type EventRecord } from "../core/index.js";
import { DynamicPartitionsSnapshot, partitionsDefinitionFingerprint, type PartitionsDefinition, type PartitionsSubset } from "../partitions/index.js";
import type { AssetRecord, Storage } from "../storage/index.js";

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
  /**
   * The storage's count of run deletions when built (EventLogHead.deletions): another count means events it applied
   * may be gone. Absent in statuses stored before it existed, which are built again once (runs deleted back then left
   * their events in them).
   */
  deletions?: number;
  cursor: number;
  materialized: string;
  failed: string;
  inProgress: Record<string, string[]>;
  /** Absent in statuses stored before it existed (they had dropped such events; a rebuild is not forced). */
  pending?: Record<string, number>;
}

/** A status as last read in this process: the stored one, already deserialized. Never mutated (replaced). */
interface HeldStatus {
  readonly def: PartitionsDefinition;
  readonly fingerprint: string;
  readonly wipedBelow: number;
  readonly deletions: number;
  /** Every event of the asset up to this storage id is applied. */
  readonly cursor: number;
  readonly materialized: PartitionsSubset;
  readonly failed: PartitionsSubset;
  readonly inProgress: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * Partitions with events that were not in the definition when read (a dynamic key not added yet, a time window
   * not started yet): their state (MATERIALIZED | FAILED bits), applied once they exist, as a read from scratch would.
   */
  readonly pending: ReadonlyMap<string, number>;
}

const MATERIALIZED = 1;
const FAILED = 2;

const TRACKED = ["ASSET_MATERIALIZATION", "ASSET_FAILED_TO_MATERIALIZE", "ASSET_MATERIALIZATION_PLANNED", "ASSET_WIPED"] as const;
const FINISHED = new Set(["SUCCESS", "FAILURE", "CANCELED"]);

// The statuses read by this process, per storage: a read then costs the events since the last one, without
// reading the stored copy again. Events are the truth, so a stale entry (another process read and wrote since)
// still comes out right once the events after its cursor are applied; one built before a run was deleted (in any
// process: the count of deletions is in storage) is built again from the events that remain.
const HELD = new WeakMap<Storage, Map<string, HeldStatus>>();

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
  return (await readPartitionStatuses(storage, [{ key: keyLike, partitionsDef }], currentTime))[0] as PartitionStatus;
}

/**
 * The statuses of many assets, in one read of each kind for all of them (what an automation tick needs): the asset
 * records, the stored statuses not held yet, and each tracked event type since the statuses' cursors.
 */
export async function readPartitionStatuses(
  storage: Storage,
  items: readonly { key: AssetKeyLike; partitionsDef: PartitionsDefinition }[],
  currentTime: number,
): Promise<PartitionStatus[]> {
  if (items.length === 0) return [];
  const keys = items.map((item) => AssetKey.from(item.key));
  const ids = keys.map((k) => k.toString());
  const unique = [...new Map(keys.map((k, i) => [ids[i] as string, k])).values()];
  // Read first: every event at or below it is seen by the reads below, so each status is current up to it.
  const [{ maxStorageId, deletions }, records, dynamicPartitionsStore] = await Promise.all([
    storage.getEventLogHead(),
    storage.getAssetRecords(unique),
    DynamicPartitionsSnapshot.load(storage, items.map((item) => item.partitionsDef)),
  ]);
  const recordById = new Map<string, AssetRecord>(records.map((r) => [r.assetKey.toString(), r]));
  const options = { currentTime, dynamicPartitionsStore };
  let held = HELD.get(storage);
  if (!held) HELD.set(storage, (held = new Map()));

  // Where each item starts: the status held in memory, else the stored one, else nothing.
  interface Start {
    readonly id: string;
    readonly key: AssetKey;
    readonly def: PartitionsDefinition;
    readonly fingerprint: string;
    readonly wipedBelow: number;
    from: HeldStatus | undefined;
  }
  const starts: Start[] = [];
  const unheld: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const id = ids[i] as string;
    const def = (items[i] as { partitionsDef: PartitionsDefinition }).partitionsDef;
    const fingerprint = partitionsDefinitionFingerprint(def);
    // No record: the asset has no event above its wipe line (none yet, or none since a wipe), so its status is
    // empty whatever was held or stored before.
    const wipedBelow = recordById.get(id)?.wipedBelowStorageId ?? ABSENT;
    const h = held.get(cacheKeyOf(id));
    const usable = h !== undefined && h.def === def && h.fingerprint === fingerprint && h.wipedBelow === wipedBelow && h.deletions === deletions;
    starts.push({ id, key: keys[i] as AssetKey, def, fingerprint, wipedBelow, from: usable ? h : undefined });
    if (!usable && wipedBelow !== ABSENT) unheld.push(cacheKeyOf(id));
  }
  const stored = unheld.length > 0 ? await storage.getKv([...new Set(unheld)]) : {};
  for (const start of starts) {
    if (start.from || start.wipedBelow === ABSENT) continue;
    const raw = stored[cacheKeyOf(start.id)];
    try {
      const parsed = raw === undefined || raw === "" ? undefined : (JSON.parse(raw) as CachedStatus);
      if (parsed && parsed.fingerprint === start.fingerprint && parsed.wipedBelow === start.wipedBelow && parsed.deletions === deletions) {
        start.from = {
          def: start.def,
          fingerprint: start.fingerprint,
          wipedBelow: start.wipedBelow,
          deletions,
          cursor: parsed.cursor,
          materialized: start.def.deserializeSubset(parsed.materialized),
          failed: start.def.deserializeSubset(parsed.failed),
          inProgress: new Map(Object.entries(parsed.inProgress ?? {}).map(([run, partitions]) => [run, new Set(partitions)])),
          pending: new Map(Object.entries(parsed.pending ?? {})),
        };
      }
    } catch {
      start.from = undefined;
    }
  }

  // The events after each status's cursor: one query per event type for the assets that share a cursor (after
  // a first read, all of them), each asset keeping only the events after its own.
  const cursorOf = (start: Start): number => (start.wipedBelow === ABSENT ? maxStorageId : (start.from?.cursor ?? start.wipedBelow));
  const groups = groupByCursor(starts.map((start) => ({ key: start.key, cursor: cursorOf(start) })), maxStorageId);
  const eventsById = new Map<string, EventRecord[]>();
  if (groups.length > 0) {
    const batches = await Promise.all(
      groups.flatMap(([after, assetKeys]) =>
        TRACKED.map((eventType) => storage.getEventRecords({ eventType, assetKeys, afterStorageId: after, beforeStorageId: maxStorageId + 1, ascending: true })),
      ),
    );
    for (const event of batches.flat()) {
      const id = event.assetKey?.toString();
      if (id === undefined) continue;
      const list = eventsById.get(id);
      if (list) list.push(event);
      else eventsById.set(id, [event]);
    }
  }

  interface Next {
    readonly start: Start;
    readonly materialized: PartitionsSubset;
    readonly failed: PartitionsSubset;
    readonly inProgress: Map<string, Set<string>>;
    readonly pending: ReadonlyMap<string, number>;
    readonly changed: boolean;
  }
  const nexts: Next[] = [];
  for (const start of starts) {
    const def = start.def;
    const from = start.from;
    let materialized = from ? from.materialized : def.emptySubset();
    let failed = from ? from.failed : def.emptySubset();
    const inProgress = new Map<string, Set<string>>();
    for (const [run, partitions] of from?.inProgress ?? []) inProgress.set(run, new Set(partitions));
    const since = cursorOf(start);
    const events = (eventsById.get(start.id) ?? []).filter((e) => e.storageId > since);
    if (events.length > 1) events.sort((a, b) => a.storageId - b.storageId);
    const known = (partition: string): boolean => def.hasPartitionKey(partition, options);
    let pending: Map<string, number> | undefined;
    const pendingOf = (): Map<string, number> => (pending ??= new Map(from?.pending));
    // A pending partition that exists now takes its state from its pending events (they precede any event after).
    const settle = (partition: string, state: number): void => {
      const one = def.subsetWithPartitionKeys([partition]);
      if (state & MATERIALIZED) materialized = materialized.withPartitionKeys([partition]);
      else if (materialized.has(partition)) materialized = materialized.difference(one);
      if (state & FAILED) failed = failed.withPartitionKeys([partition]);
      else if (failed.has(partition)) failed = failed.difference(one);
      pendingOf().delete(partition);
    };
    for (const event of events) {
      const partition = event.partition;
      if (partition === undefined) continue;
      if (event.eventType === "ASSET_MATERIALIZATION_PLANNED") {
        // Kept whatever the partition: only those that exist are reported in progress.
        const planned = inProgress.get(event.runId) ?? new Set<string>();
        planned.add(partition);
        inProgress.set(event.runId, planned);
        continue;
      }
      if (event.eventType !== "ASSET_WIPED") inProgress.get(event.runId)?.delete(partition);
      if (!known(partition)) {
        // Kept aside rather than dropped: Dagster counts a materialization of a key once the key is added.
        const map = pendingOf();
        const before = map.get(partition) ?? (materialized.has(partition) ? MATERIALIZED : 0) | (failed.has(partition) ? FAILED : 0);
        map.set(partition, event.eventType === "ASSET_MATERIALIZATION" ? MATERIALIZED : event.eventType === "ASSET_WIPED" ? 0 : before | FAILED);
        continue;
      }
      const state = (pending ?? from?.pending)?.get(partition);
      if (state !== undefined) settle(partition, state);
      if (event.eventType === "ASSET_MATERIALIZATION") {
        materialized = materialized.withPartitionKeys([partition]);
        if (failed.has(partition)) failed = failed.difference(def.subsetWithPartitionKeys([partition]));
      } else if (event.eventType === "ASSET_WIPED") {
        // A partition wipe: the partition is missing again (a run still planning it keeps it in progress).
        const wiped = def.subsetWithPartitionKeys([partition]);
        if (materialized.has(partition)) materialized = materialized.difference(wiped);
        if (failed.has(partition)) failed = failed.difference(wiped);
      } else {
        failed = failed.withPartitionKeys([partition]);
      }
    }
    for (const [partition, state] of pending ?? from?.pending ?? []) if (known(partition)) settle(partition, state);
    nexts.push({ start, materialized, failed, inProgress, pending: pending ?? from?.pending ?? NONE_PENDING, changed: events.length > 0 || pending !== undefined });
  }

  const running = new Set<string>();
  for (const next of nexts) for (const run of next.inProgress.keys()) running.add(run);
  const finished = new Set<string>();
  if (running.size > 0) for (const run of await storage.getRuns({ runIds: [...running] })) if (FINISHED.has(run.status)) finished.add(run.runId);

  const toStore: Record<string, string> = {};
  const out: PartitionStatus[] = [];
  for (const { start, materialized, failed, inProgress, pending, changed } of nexts) {
    for (const [run, partitions] of inProgress) if (finished.has(run) || partitions.size === 0) inProgress.delete(run);
    // Stored again when it moved (or was never stored); a cursor that merely advanced is not worth a write.
    if (start.wipedBelow !== ABSENT && (!start.from || changed || inProgress.size !== start.from.inProgress.size)) {
      toStore[cacheKeyOf(start.id)] = JSON.stringify({
        fingerprint: start.fingerprint,
        wipedBelow: start.wipedBelow,
        deletions,
        cursor: maxStorageId,
        materialized: materialized.serialize(),
        failed: failed.serialize(),
        inProgress: Object.fromEntries([...inProgress].map(([run, partitions]) => [run, [...partitions]])),
        ...(pending.size > 0 ? { pending: Object.fromEntries(pending) } : {}),
      } satisfies CachedStatus);
    }
    held.set(cacheKeyOf(start.id), { def: start.def, fingerprint: start.fingerprint, wipedBelow: start.wipedBelow, deletions, cursor: maxStorageId, materialized, failed, inProgress, pending });
    const partitionsInProgress: string[] = [];
    for (const partitions of inProgress.values()) for (const partition of partitions) if (start.def.hasPartitionKey(partition, options)) partitionsInProgress.push(partition);
    const inProgressSubset = start.def.subsetWithPartitionKeys(partitionsInProgress);
    const missing = materialized.union(failed).union(inProgressSubset).complement(options);
    out.push({ materialized, failed, inProgress: inProgressSubset, missing });
  }
  if (Object.keys(toStore).length > 0) await storage.setKv(toStore);
  return out;
}

const ABSENT = -1;
const NONE_PENDING: ReadonlyMap<string, number> = new Map();

/**
 * The assets to read events of, grouped by the storage id to read after: one group per cursor (a few: those read
 * together before share one), the lower ones merged from the smallest when there are many. Assets already at
 * `maxStorageId` have nothing to read.
 */
export function groupByCursor(items: readonly { key: AssetKey; cursor: number }[], maxStorageId: number): [number, AssetKey[]][] {
  const byCursor = new Map<number, AssetKey[]>();
  for (const { key, cursor } of items) {
    if (cursor >= maxStorageId) continue;
    const group = byCursor.get(cursor);
    if (group) group.push(key);
    else byCursor.set(cursor, [key]);
  }
  const groups = [...byCursor].sort((a, b) => b[0] - a[0]);
  if (groups.length <= MAX_CURSOR_GROUPS) return groups;
  const merged = groups.slice(MAX_CURSOR_GROUPS - 1);
  return [...groups.slice(0, MAX_CURSOR_GROUPS - 1), [(merged[merged.length - 1] as [number, AssetKey[]])[0], merged.flatMap(([, keys]) => keys)]];
}

const MAX_CURSOR_GROUPS = 4;

function cacheKeyOf(id: string): string {
  return `partition_status/${id}`;
}
