// data_version_changed: true where the asset (partition) was updated since the previous evaluation with a data
// version other than the one it had at that evaluation.
import { SystemTags, type EventRecord } from "../../core/index.js";
import type { EvaluationContext } from "./context.js";
import { newMaterializationsOf } from "./run-tag-operands.js";
import { EntitySubset } from "./subset.js";

export const versionOf = (event: EventRecord | undefined): string | undefined => event?.tags?.[SystemTags.DATA_VERSION];

export function dataVersionChanged(ctx: EvaluationContext): EntitySubset {
  const { tick, node } = ctx;
  const since = tick.previousMaxStorageId;
  if (since === undefined) return tick.empty(node);
  // An external asset's data version comes with its observations.
  if (tick.graph.isExternal(node) && !tick.partitionsDef(node)) {
    const o = tick.records[node]?.lastObservation;
    if (o === undefined || o.storageId <= since || o.storageId > tick.maxStorageId) return tick.empty(node);
    return EntitySubset.of(node, versionOf(o) !== versionOf(previousEvent(ctx, "ASSET_OBSERVATION", undefined, since)));
  }
  const records = newMaterializationsOf(ctx) ?? [];
  if (records.length === 0) return tick.empty(node);
  const latest = new Map<string | undefined, EventRecord>();
  for (const r of records) latest.set(r.partition, r);
  const changed: (string | undefined)[] = [];
  for (const [partition, r] of latest) {
    if (versionOf(r) !== versionOf(previousEvent(ctx, "ASSET_MATERIALIZATION", partition, since))) changed.push(partition);
  }
  const def = tick.partitionsDef(node);
  if (!def) return EntitySubset.of(node, changed.length > 0);
  const keys = changed.filter((p): p is string => p !== undefined && def.hasPartitionKey(p, tick.options));
  return EntitySubset.of(node, def.subsetWithPartitionKeys(keys));
}

/** The asset's (partition's) latest event at or before the previous evaluation's last storage id. */
export function previousEvent(ctx: EvaluationContext, eventType: "ASSET_MATERIALIZATION" | "ASSET_OBSERVATION", partition: string | undefined, since: number): EventRecord | undefined {
  const { tick, node } = ctx;
  const key = tick.graph.keys[node];
  if (!key) return undefined;
  const floor = tick.records[node]?.wipedBelowStorageId ?? 0;
  return tick.fact(
    `previous-version:${eventType}:${node}:${partition ?? ""}:${since}`,
    async () => {
      const [r] = await tick.instance.storage.getEventRecords({ eventType, assetKey: key, ...(partition === undefined ? {} : { partitions: [partition] }), beforeStorageId: since + 1, limit: 1 });
      return r !== undefined && r.storageId > floor ? r : undefined;
    },
    () => undefined,
  );
}
