// DefaultPartitionsSubset: a subset of static, dynamic or multi partitions as a set of keys.
import { PartitionsSubsetDeserializationError } from "./errors.js";
import { PartitionKeyRange } from "./partition-key-range.js";
import type { PartitionLoadingOptions, PartitionsDefinition } from "./partitions-definition.js";
import type { PartitionsSubset } from "./partitions-subset.js";
import type { MultiPartitionsDefinition } from "./multi-partitions-definition.js";
import type { StaticPartitionsDefinition } from "./static-partitions-definition.js";
import type { TimeWindowPartitionsDefinition } from "./time-window-partitions-definition.js";

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

  /**
   * One range per key, except for multi partitions: as in the reference, the keys are grouped by the dimension
   * with the fewest distinct values among them, and each group gives one range per run of neighbouring keys in
   * the other dimension (a range of multi keys is the box between its ends).
   */
  getPartitionKeyRanges(): PartitionKeyRange[] {
    if (this.partitionsDef.kind === "multi" && this.#keys.size > 1) return multiKeyRanges(this.partitionsDef as MultiPartitionsDefinition, this.#keys);
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
    const body = parsed as { version?: unknown; kind?: unknown; keys?: unknown };
    if (body?.version !== undefined && body.version !== 1) {
      throw new PartitionsSubsetDeserializationError(partitionsDef.toString(), `it was written in serialization version ${String(body.version)}, and this Tessera reads version 1; upgrade Tessera to read it`);
    }
    if (body?.kind !== "default" || !Array.isArray(body.keys) || !body.keys.every((k) => typeof k === "string")) {
      throw new PartitionsSubsetDeserializationError(partitionsDef.toString(), "expected { kind: \"default\", keys: string[] }");
    }
    return new DefaultPartitionsSubset(partitionsDef, body.keys as string[]);
  }
}

// The position of a key in a dimension's order, without loading anything (dynamic keys have none here).
function positionInDimension(def: PartitionsDefinition): (key: string) => number | undefined {
  if (def.kind === "time_window") return (key) => (def as TimeWindowPartitionsDefinition).findPartitionIndex(key);
  if (def.kind === "static") {
    const positions = new Map((def as StaticPartitionsDefinition).partitionKeys.map((k, i) => [k, i]));
    return (key) => positions.get(key);
  }
  return () => undefined;
}

function multiKeyRanges(def: MultiPartitionsDefinition, keys: ReadonlySet<string>): PartitionKeyRange[] {
  const [first, second] = def.partitionsDefs as [{ name: string; partitionsDef: PartitionsDefinition }, { name: string; partitionsDef: PartitionsDefinition }];
  const split = [...keys].map((k) => k.split("|") as [string, string]);
  const distinct = (i: 0 | 1) => new Set(split.map((parts) => parts[i])).size;
  // Ties go to the primary dimension, as the reference's ranges follow it.
  const primary = def.primaryDimension.name === first.name ? 0 : 1;
  const groupBy: 0 | 1 = distinct(0) === distinct(1) ? (primary as 0 | 1) : distinct(0) < distinct(1) ? 0 : 1;
  const other: 0 | 1 = groupBy === 0 ? 1 : 0;
  const groupPosition = positionInDimension((groupBy === 0 ? first : second).partitionsDef);
  const otherPosition = positionInDimension((other === 0 ? first : second).partitionsDef);
  const groups = new Map<string, string[]>();
  for (const parts of split) {
    const members = groups.get(parts[groupBy]) ?? [];
    members.push(parts[other]);
    groups.set(parts[groupBy], members);
  }
  const order = (position: (k: string) => number | undefined) => (a: string, b: string) => (position(a) ?? Infinity) - (position(b) ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0);
  const keyOf = (g: string, o: string): string => (groupBy === 0 ? `${g}|${o}` : `${o}|${g}`);
  const ranges: PartitionKeyRange[] = [];
  for (const g of [...groups.keys()].sort(order(groupPosition))) {
    const members = (groups.get(g) as string[]).sort(order(otherPosition));
    let start = members[0] as string;
    let previous = start;
    for (const member of members.slice(1)) {
      const p = otherPosition(previous);
      const q = otherPosition(member);
      if (p !== undefined && q === p + 1) {
        previous = member;
        continue;
      }
      ranges.push(new PartitionKeyRange(keyOf(g, start), keyOf(g, previous)));
      start = previous = member;
    }
    ranges.push(new PartitionKeyRange(keyOf(g, start), keyOf(g, previous)));
  }
  return ranges;
}
