// PartitionsDefinition: what every kind of partitioning answers (keys, counts, membership, ranges, subsets).
import type { PartitionKeyRange } from "./partition-key-range.js";
import type { PartitionsSubset } from "./partitions-subset.js";

/**
 * Where dynamic partition keys live (the instance). `getDynamicPartitions` may be async; partition
 * computations are synchronous, so read an async store once into a snapshot with
 * `DynamicPartitionsSnapshot.load(store, names)` and pass the snapshot.
 */
export interface DynamicPartitionsStore {
  getDynamicPartitions(name: string): readonly string[] | Promise<readonly string[]>;
}

/** The moment and the dynamic keys that partition questions are answered for. */
export interface PartitionLoadingOptions {
  /**
   * The time at which time partitions are counted: a time partition exists once its window has ended.
   * @default the wall clock (`new Date()`); pass it explicitly wherever results must be reproducible.
   */
  currentTime?: Date | number;
  /** Dynamic partition keys, required by dynamic (and multi with a dynamic dimension) definitions. */
  dynamicPartitionsStore?: DynamicPartitionsStore;
}

export type PartitionsDefinitionKind = "static" | "time_window" | "dynamic" | "multi";

/** Keys that no partition key may contain: `...` separates the ends of a range in the CLI and the UI; control characters do not display. */
export const INVALID_PARTITION_SUBSTRINGS: readonly string[] = ["...", "\u0007", "\b", "\f", "\n", "\r", "\t", "\v", "\0"];

/** Why a key cannot name a partition, or undefined when it can. */
export function invalidPartitionKeyReason(key: unknown): string | undefined {
  if (typeof key !== "string") return `a partition key must be a string, got ${typeof key}`;
  if (key.length === 0) return "a partition key cannot be empty";
  // "." and ".." would name the current or parent folder in any store that maps keys to paths.
  if (key === "." || key === "..") return `${JSON.stringify(key)} is not a valid partition key (it names a folder); use a name with a letter or digit`;
  const bad = INVALID_PARTITION_SUBSTRINGS.filter((s) => key.includes(s));
  // Every control character, not only the listed ones: they do not display and some terminals act on them.
  const control = [...new Set(key.match(/[\u0000-\u001f\u007f]/g) ?? [])].filter((c) => !bad.includes(c));
  bad.push(...control);
  if (bad.length) return `it contains ${bad.map((b) => JSON.stringify(b)).join(", ")}, which partition keys may not contain`;
  return undefined;
}

export function currentTimeMs(options: PartitionLoadingOptions | undefined): number {
  const t = options?.currentTime;
  if (t === undefined) return Date.now();
  return typeof t === "number" ? t : t.getTime();
}

/**
 * The partitioning of an asset. Immutable; `kind` tells the concrete class.
 * Methods that depend on time take `{ currentTime }`, those that depend on dynamic keys `{ dynamicPartitionsStore }`.
 */
export abstract class PartitionsDefinition {
  abstract readonly kind: PartitionsDefinitionKind;

  /** Every partition key, in order. For time partitions, only windows that have ended by `currentTime` (plus `endOffset`). */
  abstract getPartitionKeys(options?: PartitionLoadingOptions): string[];

  /** The number of partitions, computed without listing them where possible. */
  abstract getNumPartitions(options?: PartitionLoadingOptions): number;

  abstract hasPartitionKey(key: string, options?: PartitionLoadingOptions): boolean;

  /** The keys from `range.start` to `range.end` inclusive; throws for unknown ends or ends out of order. */
  abstract getPartitionKeysInRange(range: PartitionKeyRange, options?: PartitionLoadingOptions): string[];

  /** Throws PartitionKeyNotFoundError, with near matches or the valid range, unless `key` is a partition. */
  abstract validatePartitionKey(key: string, options?: PartitionLoadingOptions): void;

  abstract emptySubset(): PartitionsSubset;

  /** Reads what `subset.serialize()` wrote. */
  abstract deserializeSubset(serialized: string): PartitionsSubset;

  abstract equals(other: PartitionsDefinition | null | undefined): boolean;

  abstract toString(): string;

  getFirstPartitionKey(options?: PartitionLoadingOptions): string | null {
    return this.getPartitionKeys(options)[0] ?? null;
  }

  getLastPartitionKey(options?: PartitionLoadingOptions): string | null {
    const keys = this.getPartitionKeys(options);
    return keys[keys.length - 1] ?? null;
  }

  subsetWithPartitionKeys(keys: Iterable<string>): PartitionsSubset {
    return this.emptySubset().withPartitionKeys(keys);
  }

  subsetWithAllPartitions(options?: PartitionLoadingOptions): PartitionsSubset {
    return this.emptySubset().withPartitionKeys(this.getPartitionKeys(options));
  }
}
