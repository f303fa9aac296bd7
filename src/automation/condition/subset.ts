// EntitySubset: the (asset, partition) pairs of one asset that a condition is true for.
import type { PartitionLoadingOptions, PartitionsDefinition, PartitionsSubset } from "../../partitions/index.js";

/**
 * A subset of one asset's partitions: a PartitionsSubset for a partitioned asset, a boolean ("the asset
 * itself") for an unpartitioned one. Immutable; every operation returns a new subset of the same asset.
 */
export class EntitySubset {
  readonly node: number;
  readonly value: boolean | PartitionsSubset;

  private constructor(node: number, value: boolean | PartitionsSubset) {
    this.node = node;
    this.value = value;
    Object.freeze(this);
  }

  static empty(node: number, partitionsDef: PartitionsDefinition | undefined): EntitySubset {
    return new EntitySubset(node, partitionsDef ? partitionsDef.emptySubset() : false);
  }

  static all(node: number, partitionsDef: PartitionsDefinition | undefined, options: PartitionLoadingOptions): EntitySubset {
    // The complement of nothing: time partitions stay ranges instead of a list of every key.
    return new EntitySubset(node, partitionsDef ? partitionsDef.emptySubset().complement(options) : true);
  }

  static of(node: number, value: boolean | PartitionsSubset): EntitySubset {
    return new EntitySubset(node, value);
  }

  get isPartitioned(): boolean {
    return typeof this.value !== "boolean";
  }

  get isEmpty(): boolean {
    return typeof this.value === "boolean" ? !this.value : this.value.isEmpty;
  }

  get size(): number {
    return typeof this.value === "boolean" ? (this.value ? 1 : 0) : this.value.size;
  }

  /** The partition keys; `[]` for an unpartitioned asset (see `size`). */
  partitionKeys(): string[] {
    return typeof this.value === "boolean" ? [] : this.value.getPartitionKeys();
  }

  union(other: EntitySubset): EntitySubset {
    return this.#combine(other, (a, b) => a || b, (a, b) => a.union(b));
  }

  intersection(other: EntitySubset): EntitySubset {
    return this.#combine(other, (a, b) => a && b, (a, b) => a.intersection(b));
  }

  difference(other: EntitySubset): EntitySubset {
    return this.#combine(other, (a, b) => a && !b, (a, b) => a.difference(b));
  }

  equals(other: EntitySubset): boolean {
    if (typeof this.value === "boolean" || typeof other.value === "boolean") return this.value === other.value;
    return this.value.equals(other.value);
  }

  #combine(other: EntitySubset, bool: (a: boolean, b: boolean) => boolean, parts: (a: PartitionsSubset, b: PartitionsSubset) => PartitionsSubset): EntitySubset {
    if (typeof this.value === "boolean" && typeof other.value === "boolean") {
      const v = bool(this.value, other.value);
      return v === this.value ? this : new EntitySubset(this.node, v);
    }
    if (typeof this.value !== "boolean" && typeof other.value !== "boolean") return new EntitySubset(this.node, parts(this.value, other.value));
    throw new Error(`EntitySubset: cannot combine a partitioned and an unpartitioned subset of node ${this.node}`);
  }

  /** The cursor form: a boolean, or the subset's compact serialized string. */
  serialize(): boolean | string {
    return typeof this.value === "boolean" ? this.value : this.value.serialize();
  }

  /**
   * Reads a serialized subset back with the asset's current definition; a subset stored under another
   * partitioning (the definition changed) reads as empty, as if never evaluated.
   */
  static deserialize(node: number, partitionsDef: PartitionsDefinition | undefined, stored: boolean | string | undefined): EntitySubset | undefined {
    if (stored === undefined) return undefined;
    if (!partitionsDef) return typeof stored === "boolean" ? new EntitySubset(node, stored) : undefined;
    if (typeof stored !== "string") return undefined;
    try {
      return new EntitySubset(node, partitionsDef.deserializeSubset(stored));
    } catch {
      return undefined;
    }
  }
}
