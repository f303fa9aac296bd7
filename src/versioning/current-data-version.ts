// An asset's current data version, read from its asset record: the one rule both execution and staleness follow.
import type { EventRecord } from "../core/index.js";
import type { AssetRecord } from "../storage/index.js";
import { DEFAULT_DATA_VERSION, NULL_DATA_VERSION, dataVersionOf } from "./data-version.js";

/**
 * The event that holds an asset's current data version: its latest observation for an external asset
 * (falling back to a reported materialization), its latest materialization otherwise.
 */
export function latestDataVersionEvent(record: AssetRecord | undefined, external: boolean): EventRecord | undefined {
  if (!record) return undefined;
  return external ? (record.lastObservation ?? record.lastMaterialization) : record.lastMaterialization;
}

/**
 * The data version an asset has now: the one its latest event records; "INITIAL" when that event records
 * none or when an external asset was never observed (it is assumed to exist); "NULL" when a computed asset
 * was never materialized.
 */
export function currentDataVersion(event: EventRecord | undefined, external: boolean): string {
  return dataVersionOf(event) ?? (event || external ? DEFAULT_DATA_VERSION : NULL_DATA_VERSION);
}
