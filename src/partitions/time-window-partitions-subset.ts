// TimeWindowPartitionsSubset: time partitions as sorted disjoint ranges of indices; serialized as time windows.
import { PartitionsSubsetDeserializationError } from "./errors.js";
import {
  countRanges,
  intersectRanges,
  normalizeRanges,
  rangesContain,
  rangesEqual,
  rangesFromIndices,
  subtractRanges,
  unionRanges,
  type IndexRanges,
} from "./index-ranges.js";
import { PartitionKeyRange } from "./partition-key-range.js";
import type { PartitionLoadingOptions } from "./partitions-definition.js";
import type { PartitionsSubset } from "./partitions-subset.js";
import { timeWindow, type TimeWindow } from "./time-window.js";
import type { TimeWindowPartitionsDefinition } from "./time-window-partitions-definition.js";

/**
 * A set of time partitions kept as sorted, disjoint index ranges `[start, end)`: 99,000 materialized
 * hourly partitions in a few ranges take a few numbers, and union, difference and complement cost
 * one pass over the ranges. Serialized as the ranges' time windows (epoch ms), so a stored subset
 * still reads right after the definition's start date moves.
 */
let adopting = false;

export class TimeWindowPartitionsSubset implements PartitionsSubset {
  readonly kind = "time_window" as const;
  readonly partitionsDef: TimeWindowPartitionsDefinition;
  readonly #ranges: IndexRanges;

  /** `ranges` are flattened sorted, disjoint, non-adjacent [start, end) index pairs (see index-ranges.ts). */
  constructor(partitionsDef: TimeWindowPartitionsDefinition, ranges: IndexRanges) {
    this.partitionsDef = partitionsDef;
    // The set operations below build a new array that nothing else holds: it is adopted as it is. A caller's
    // array is copied and frozen (an automation tick builds tens of thousands of subsets: the copy was a third).
    this.#ranges = adopting ? ranges : Object.freeze(ranges.slice());
    Object.freeze(this);
  }

  static #adopt(partitionsDef: TimeWindowPartitionsDefinition, ranges: number[]): TimeWindowPartitionsSubset {
    adopting = true;
    const subset = new TimeWindowPartitionsSubset(partitionsDef, ranges);
    adopting = false;
    return subset;
  }

  /** A subset from [start, end) index pairs in any order. */
  static fromIndexRanges(partitionsDef: TimeWindowPartitionsDefinition, pairs: readonly (readonly [number, number])[]): TimeWindowPartitionsSubset {
    return TimeWindowPartitionsSubset.#adopt(partitionsDef, normalizeRanges(pairs));
  }

  /** The flattened [start, end) index pairs. */
  get indexRanges(): IndexRanges {
    return this.#ranges;
  }

  get size(): number {
    return countRanges(this.#ranges);
  }

  get isEmpty(): boolean {
    return this.#ranges.length === 0;
  }

  /** The time windows covered, one per run of adjacent partitions. */
  get includedTimeWindows(): TimeWindow[] {
    const out: TimeWindow[] = [];
    for (let i = 0; i < this.#ranges.length; i += 2) {
      out.push(
        timeWindow(this.partitionsDef.getStartMsAtIndex(this.#ranges[i] as number), this.partitionsDef.getStartMsAtIndex(this.#ranges[i + 1] as number)),
      );
    }
    return out;
  }

  hasIndex(index: number): boolean {
    return rangesContain(this.#ranges, index);
  }

  has(key: string): boolean {
    const index = this.partitionsDef.findPartitionIndex(key);
    return index !== undefined && rangesContain(this.#ranges, index);
  }

  getPartitionKeys(): string[] {
    const keys: string[] = [];
    for (let r = 0; r < this.#ranges.length; r += 2) {
      for (let i = this.#ranges[r] as number; i < (this.#ranges[r + 1] as number); i++) keys.push(this.partitionsDef.getPartitionKeyAtIndex(i));
    }
    return keys;
  }

  getPartitionKeyRanges(): PartitionKeyRange[] {
    const out: PartitionKeyRange[] = [];
    for (let r = 0; r < this.#ranges.length; r += 2) {
      out.push(
        new PartitionKeyRange(
          this.partitionsDef.getPartitionKeyAtIndex(this.#ranges[r] as number),
          this.partitionsDef.getPartitionKeyAtIndex((this.#ranges[r + 1] as number) - 1),
        ),
      );
    }
    return out;
  }

  /** Adds keys; throws PartitionKeyNotFoundError for a key that names no window of the definition. */
  withPartitionKeys(keys: Iterable<string>): TimeWindowPartitionsSubset {
    const indices: number[] = [];
    for (const key of keys) {
      indices.push(this.partitionsDef.requirePartitionIndex(key));
    }
    return TimeWindowPartitionsSubset.#adopt(this.partitionsDef, unionRanges(this.#ranges, rangesFromIndices(indices)));
  }

  withPartitionKeyRange(range: PartitionKeyRange, options?: PartitionLoadingOptions): TimeWindowPartitionsSubset {
    const [s, e] = this.partitionsDef.getIndexRange(range, options);
    return this.withIndexRange(s, e + 1);
  }

  /** Adds the indices [start, end). */
  withIndexRange(start: number, end: number): TimeWindowPartitionsSubset {
    if (end <= start) return this;
    return TimeWindowPartitionsSubset.#adopt(this.partitionsDef, unionRanges(this.#ranges, [start, end]));
  }

  union(other: PartitionsSubset): TimeWindowPartitionsSubset {
    return TimeWindowPartitionsSubset.#adopt(this.partitionsDef, unionRanges(this.#ranges, this.#rangesOf(other)));
  }

  intersection(other: PartitionsSubset): TimeWindowPartitionsSubset {
    return TimeWindowPartitionsSubset.#adopt(this.partitionsDef, intersectRanges(this.#ranges, this.#rangesOf(other)));
  }

  difference(other: PartitionsSubset): TimeWindowPartitionsSubset {
    return TimeWindowPartitionsSubset.#adopt(this.partitionsDef, subtractRanges(this.#ranges, this.#rangesOf(other)));
  }

  complement(options?: PartitionLoadingOptions): TimeWindowPartitionsSubset {
    return this.partitionsDef.subsetWithAllPartitions(options).difference(this);
  }

  serialize(): string {
    const windows: [number, number][] = [];
    for (let r = 0; r < this.#ranges.length; r += 2) {
      windows.push([this.partitionsDef.getStartMsAtIndex(this.#ranges[r] as number), this.partitionsDef.getStartMsAtIndex(this.#ranges[r + 1] as number)]);
    }
    return JSON.stringify({ version: 1, kind: "time_window", cronSchedule: this.partitionsDef.cronSchedule, timezone: this.partitionsDef.timezone, windows });
  }

  equals(other: PartitionsSubset): boolean {
    return other instanceof TimeWindowPartitionsSubset && other.partitionsDef.equals(this.partitionsDef) && rangesEqual(other.#ranges, this.#ranges);
  }

  /**
   * Reads `serialize()`'s output. Each stored window becomes the partitions that start inside it, so a
   * subset written before the definition's start moved, or by an equivalent definition, reads correctly.
   */
  static deserialize(partitionsDef: TimeWindowPartitionsDefinition, serialized: string): TimeWindowPartitionsSubset {
    let parsed: unknown;
    try {
      parsed = JSON.parse(serialized);
    } catch (e) {
      throw new PartitionsSubsetDeserializationError(partitionsDef.toString(), `not JSON (${(e as Error).message})`);
    }
    const body = parsed as { version?: unknown; kind?: unknown; windows?: unknown };
    if (body?.version !== undefined && body.version !== 1) {
      throw new PartitionsSubsetDeserializationError(partitionsDef.toString(), `it was written in serialization version ${String(body.version)}, and this Tessera reads version 1; upgrade Tessera to read it`);
    }
    const windows = body?.windows;
    if (
      body?.kind !== "time_window" ||
      !Array.isArray(windows) ||
      !windows.every((w) => Array.isArray(w) && w.length === 2 && Number.isFinite(w[0]) && Number.isFinite(w[1]))
    ) {
      throw new PartitionsSubsetDeserializationError(partitionsDef.toString(), "expected { kind: \"time_window\", windows: [startMs, endMs][] }");
    }
    const pairs = (windows as [number, number][]).map(
      ([s, e]) => [partitionsDef.getCeilIndexForTimestamp(s), partitionsDef.getCeilIndexForTimestamp(e)] as const,
    );
    return TimeWindowPartitionsSubset.fromIndexRanges(partitionsDef, pairs);
  }

  // Another subset's ranges in this definition's indices (by time windows when the definitions differ).
  #rangesOf(other: PartitionsSubset): IndexRanges {
    if (other instanceof TimeWindowPartitionsSubset) {
      if (other.partitionsDef === this.partitionsDef || other.partitionsDef.equals(this.partitionsDef)) return other.#ranges;
      const pairs: [number, number][] = other.includedTimeWindows.map((w) => [
        this.partitionsDef.getCeilIndexForTimestamp(w.start),
        this.partitionsDef.getCeilIndexForTimestamp(w.end),
      ]);
      return normalizeRanges(pairs);
    }
    const indices: number[] = [];
    for (const key of other.getPartitionKeys()) {
      const i = this.partitionsDef.findPartitionIndex(key);
      if (i !== undefined) indices.push(i);
    }
    return rangesFromIndices(indices);
  }
}
