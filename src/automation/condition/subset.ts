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
    return partitionsDef ? new EntitySubset(node, partitionsDef.emptySubset()) : EntitySubset.#bool(node, false);
  }

  static all(node: number, partitionsDef: PartitionsDefinition | undefined, options: PartitionLoadingOptions): EntitySubset {
    // The complement of nothing: time partitions stay ranges instead of a list of every key.
    return partitionsDef ? new EntitySubset(node, partitionsDef.emptySubset().complement(options)) : EntitySubset.#bool(node, true);
  }

  static of(node: number, value: boolean | PartitionsSubset): EntitySubset {
    return typeof value === "boolean" ? EntitySubset.#bool(node, value) : new EntitySubset(node, value);
  }

  // An unpartitioned asset has two subsets; one instance of each per node spares the ~70 allocations of every tree.
  static readonly #yes: EntitySubset[] = [];
  static readonly #no: EntitySubset[] = [];

  static #bool(node: number, value: boolean): EntitySubset {
    const cache = value ? EntitySubset.#yes : EntitySubset.#no;
    return (cache[node] ??= new EntitySubset(node, value));
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
    const a = this.value;
    const b = other.value;
    if (typeof a === "boolean" && typeof b === "boolean") return a || !b ? this : EntitySubset.#bool(this.node, true);
    return this.#combine(other, (x, y) => x.union(y));
  }

  intersection(other: EntitySubset): EntitySubset {
    const a = this.value;
    const b = other.value;
    if (typeof a === "boolean" && typeof b === "boolean") return !a || b ? this : EntitySubset.#bool(this.node, false);
    return this.#combine(other, (x, y) => x.intersection(y));
  }

  difference(other: EntitySubset): EntitySubset {
    const a = this.value;
    const b = other.value;
    if (typeof a === "boolean" && typeof b === "boolean") return !a || !b ? this : EntitySubset.#bool(this.node, false);
    return this.#combine(other, (x, y) => x.difference(y));
  }

  equals(other: EntitySubset): boolean {
    if (typeof this.value === "boolean" || typeof other.value === "boolean") return this.value === other.value;
    return this.value.equals(other.value);
  }

  #combine(other: EntitySubset, parts: (a: PartitionsSubset, b: PartitionsSubset) => PartitionsSubset): EntitySubset {
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
    if (!partitionsDef) return typeof stored === "boolean" ? EntitySubset.#bool(node, stored) : undefined;
    if (typeof stored !== "string") return undefined;
    try {
      return new EntitySubset(node, partitionsDef.deserializeSubset(stored));
    } catch {
      return undefined;
    }
  }
}
