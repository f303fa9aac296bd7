// The vocabulary of staleness: an asset's status and the causes that make it stale.
import type { AssetKey } from "../core/index.js";

/** Whether an asset's latest materialization still reflects its code and its inputs. */
export const StaleStatus = Object.freeze({
  /** Never materialized (or wiped). */
  MISSING: "MISSING",
  /** Materialized, but its code version, its dependencies or an input's data version changed since. */
  STALE: "STALE",
  /** Materialized from the current code version and the current data versions of its inputs. */
  FRESH: "FRESH",
});
export type StaleStatus = (typeof StaleStatus)[keyof typeof StaleStatus];

/** What kind of change made an asset stale. */
export const StaleCauseCategory = Object.freeze({
  /** The asset's code version is not the one its latest materialization was computed with. */
  CODE: "CODE",
  /** A dependency has a data version other than the one the latest materialization read. */
  DATA: "DATA",
  /** Dependencies were added or removed since the latest materialization. */
  DEPENDENCIES: "DEPENDENCIES",
});
export type StaleCauseCategory = (typeof StaleCauseCategory)[keyof typeof StaleCauseCategory];

/**
 * One reason an asset (or a partition of it) is stale. `key` is the asset the cause is about; `dependency` the
 * upstream asset involved, if any; `children` the causes one level further up (a DATA cause names the upstream's new
 * data version or materialization there).
 */
export interface StaleCause {
  readonly key: AssetKey;
  /** The partition of `key` the cause is about, when asked about a partition. */
  readonly partitionKey?: string;
  readonly category: StaleCauseCategory;
  readonly reason: string;
  readonly dependency?: AssetKey;
  /** The partition of `dependency` involved, when the dependency is partitioned. */
  readonly dependencyPartitionKey?: string;
  readonly children?: readonly StaleCause[];
}
