// DefaultPartitionsSubset: a subset of static, dynamic or multi partitions as a set of keys.
import { PartitionsSubsetDeserializationError } from "./errors.js";
import { PartitionKeyRange } from "./partition-key-range.js";
import type { PartitionLoadingOptions, PartitionsDefinition } from "./partitions-definition.js";
import type { PartitionsSubset } from "./partitions-subset.js";

/** A set of partition keys of a definition without a time order (static, dynamic, multi). */
export class DefaultPartitionsSubset implements PartitionsSubset {
  readonly kind = "default" as const;
  readonly partitionsDef: PartitionsDefinition;
  readonly #keys: ReadonlySet<string>;

  constructor(partitionsDef: PartitionsDefinition, keys: Iterable<string> = []) {
    this.partitionsDef = partitionsDef;
    this.#keys = keys instanceof Set ? keys : new Set(keys);
    Object.freeze(this);
  }

  get size(): number {
    return this.#keys.size;
  }

  get isEmpty(): boolean {
    return this.#keys.size === 0;
  }

  has(key: string): boolean {
    return this.#keys.has(String(key));
  }

  getPartitionKeys(): string[] {
    return [...this.#keys];
  }

  withPartitionKeys(keys: Iterable<string>): DefaultPartitionsSubset {
    const next = new Set(this.#keys);
    for (const k of keys) next.add(String(k));
    return new DefaultPartitionsSubset(this.partitionsDef, next);
  }

  withPartitionKeyRange(range: PartitionKeyRange, options?: PartitionLoadingOptions): DefaultPartitionsSubset {
    return this.withPartitionKeys(this.partitionsDef.getPartitionKeysInRange(range, options));
  }

  union(other: PartitionsSubset): DefaultPartitionsSubset {
    return this.withPartitionKeys(other.getPartitionKeys());
  }

  intersection(other: PartitionsSubset): DefaultPartitionsSubset {
    const next = new Set<string>();
    for (const k of this.#keys) if (other.has(k)) next.add(k);
    return new DefaultPartitionsSubset(this.partitionsDef, next);
  }

  difference(other: PartitionsSubset): DefaultPartitionsSubset {
    const next = new Set<string>();
    for (const k of this.#keys) if (!other.has(k)) next.add(k);
    return new DefaultPartitionsSubset(this.partitionsDef, next);
  }

  complement(options?: PartitionLoadingOptions): DefaultPartitionsSubset {
    const next = new Set<string>();
    for (const k of this.partitionsDef.getPartitionKeys(options)) if (!this.#keys.has(k)) next.add(k);
    return new DefaultPartitionsSubset(this.partitionsDef, next);
  }

  getPartitionKeyRanges(): PartitionKeyRange[] {
    return [...this.#keys].map((k) => new PartitionKeyRange(k, k));
  }

  serialize(): string {
    return JSON.stringify({ version: 1, kind: "default", keys: [...this.#keys] });
  }

  equals(other: PartitionsSubset): boolean {
    if (other.size !== this.size || !other.partitionsDef.equals(this.partitionsDef)) return false;
    for (const k of this.#keys) if (!other.has(k)) return false;
    return true;
  }

  /** Reads `serialize()`'s output. */
  static deserialize(partitionsDef: PartitionsDefinition, serialized: string): DefaultPartitionsSubset {
    let parsed: unknown;
    try {
      parsed = JSON.parse(serialized);
    } catch (e) {
      throw new PartitionsSubsetDeserializationError(partitionsDef.toString(), `not JSON (${(e as Error).message})`);
    }
    const body = parsed as { kind?: unknown; keys?: unknown };
    if (body?.kind !== "default" || !Array.isArray(body.keys) || !body.keys.every((k) => typeof k === "string")) {
      throw new PartitionsSubsetDeserializationError(partitionsDef.toString(), "expected { kind: \"default\", keys: string[] }");
    }
    return new DefaultPartitionsSubset(partitionsDef, body.keys as string[]);
  }
}
