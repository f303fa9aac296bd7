// PartitionsSubset: an immutable set of partitions of one definition, with set algebra and a compact serialized form.
import type { PartitionKeyRange } from "./partition-key-range.js";
import type { PartitionLoadingOptions, PartitionsDefinition } from "./partitions-definition.js";

/**
 * A set of partitions of one definition. Time partitions are kept as sorted ranges of indices
 * (TimeWindowPartitionsSubset), others as a set of keys (DefaultPartitionsSubset); both are immutable,
 * and every operation returns a new subset.
 */
export interface PartitionsSubset {
  readonly kind: "time_window" | "default";
  readonly partitionsDef: PartitionsDefinition;
  /** The number of partitions in the subset. */
  readonly size: number;
  readonly isEmpty: boolean;
  has(key: string): boolean;
  /** The keys, in the definition's order (time) or insertion order (default). */
  getPartitionKeys(): string[];
  withPartitionKeys(keys: Iterable<string>): PartitionsSubset;
  withPartitionKeyRange(range: PartitionKeyRange, options?: PartitionLoadingOptions): PartitionsSubset;
  union(other: PartitionsSubset): PartitionsSubset;
  intersection(other: PartitionsSubset): PartitionsSubset;
  difference(other: PartitionsSubset): PartitionsSubset;
  /** Every partition of the definition (at `currentTime`) that is not in this subset: "which are missing". */
  complement(options?: PartitionLoadingOptions): PartitionsSubset;
  /** The subset's ranges of keys, for display and for runs over ranges. */
  getPartitionKeyRanges(): PartitionKeyRange[];
  /** A compact JSON string, read back with `partitionsDef.deserializeSubset`. */
  serialize(): string;
  equals(other: PartitionsSubset): boolean;
}

/** Reads a subset serialized by `subset.serialize()` with the definition it belongs to. */
export function deserializePartitionsSubset(partitionsDef: PartitionsDefinition, serialized: string): PartitionsSubset {
  return partitionsDef.deserializeSubset(serialized);
}
