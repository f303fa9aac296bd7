// StaticPartitionsDefinition: a fixed list of partition keys.
import { closestMatches } from "../core/index.js";
import { DefaultPartitionsSubset } from "./default-partitions-subset.js";
import { InvalidPartitionKeyError, InvalidPartitionKeyRangeError, PartitionKeyNotFoundError } from "./errors.js";
import type { PartitionKeyRange } from "./partition-key-range.js";
import { invalidPartitionKeyReason, PartitionsDefinition, type PartitionLoadingOptions } from "./partitions-definition.js";

/**
 * Partitions named by a fixed list of keys, in the given order.
 *
 * @example
 * const regions = new StaticPartitionsDefinition(["eu", "us", "apac"]);
 */
export class StaticPartitionsDefinition extends PartitionsDefinition {
  readonly kind = "static" as const;
  readonly partitionKeys: readonly string[];
  readonly #index: ReadonlyMap<string, number>;

  constructor(partitionKeys: readonly string[]) {
    super();
    const label = "StaticPartitionsDefinition";
    if (!Array.isArray(partitionKeys)) {
      throw new InvalidPartitionKeyError(String(partitionKeys), label, "expected an array of partition keys, e.g. [\"eu\", \"us\"]");
    }
    const index = new Map<string, number>();
    partitionKeys.forEach((key, i) => {
      const reason = invalidPartitionKeyReason(key);
      if (reason) throw new InvalidPartitionKeyError(String(key), label, reason);
      if (index.has(key)) throw new InvalidPartitionKeyError(key, label, `it appears more than once (positions ${index.get(key)} and ${i}); each key must be unique`);
      index.set(key, i);
    });
    this.partitionKeys = Object.freeze(partitionKeys.slice());
    this.#index = index;
    Object.freeze(this);
  }

  getPartitionKeys(_options?: PartitionLoadingOptions): string[] {
    return this.partitionKeys.slice();
  }

  getNumPartitions(_options?: PartitionLoadingOptions): number {
    return this.partitionKeys.length;
  }

  override getFirstPartitionKey(): string | null {
    return this.partitionKeys[0] ?? null;
  }

  override getLastPartitionKey(): string | null {
    return this.partitionKeys[this.partitionKeys.length - 1] ?? null;
  }

  hasPartitionKey(key: string): boolean {
    return this.#index.has(key);
  }

  /** The position of a key, or -1. */
  indexOf(key: string): number {
    return this.#index.get(key) ?? -1;
  }

  validatePartitionKey(key: string): void {
    if (this.#index.has(key)) return;
    const near = closestMatches(String(key), this.partitionKeys);
    const detail = near.length
      ? `Did you mean ${near.map((k) => JSON.stringify(k)).join(" or ")}?`
      : `Valid keys: ${this.partitionKeys.slice(0, 10).map((k) => JSON.stringify(k)).join(", ")}${this.partitionKeys.length > 10 ? ", …" : ""}.`;
    throw new PartitionKeyNotFoundError(String(key), this.toString(), detail, near);
  }

  getPartitionKeysInRange(range: PartitionKeyRange): string[] {
    this.validatePartitionKey(range.start);
    this.validatePartitionKey(range.end);
    const s = this.#index.get(range.start) as number;
    const e = this.#index.get(range.end) as number;
    if (e < s) throw new InvalidPartitionKeyRangeError(range.start, range.end, this.toString());
    return this.partitionKeys.slice(s, e + 1);
  }

  emptySubset(): DefaultPartitionsSubset {
    return new DefaultPartitionsSubset(this);
  }

  deserializeSubset(serialized: string): DefaultPartitionsSubset {
    return DefaultPartitionsSubset.deserialize(this, serialized);
  }

  equals(other: PartitionsDefinition | null | undefined): boolean {
    return (
      other instanceof StaticPartitionsDefinition &&
      other.partitionKeys.length === this.partitionKeys.length &&
      other.partitionKeys.every((k, i) => k === this.partitionKeys[i])
    );
  }

  toString(): string {
    const shown = this.partitionKeys.slice(0, 5).map((k) => JSON.stringify(k)).join(", ");
    return `StaticPartitionsDefinition([${shown}${this.partitionKeys.length > 5 ? `, … ${this.partitionKeys.length} keys` : ""}])`;
  }
}
