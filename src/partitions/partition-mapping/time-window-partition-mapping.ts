// TimeWindowPartitionMapping: a downstream time partition depends on the upstream partitions whose windows overlap it (shifted by offsets).
import { IncompatiblePartitionMappingError } from "../errors.js";
import { intersectRanges, normalizeRanges, subtractRanges } from "../index-ranges.js";
import type { PartitionLoadingOptions, PartitionsDefinition } from "../partitions-definition.js";
import type { PartitionsSubset } from "../partitions-subset.js";
import { TimeWindowPartitionsDefinition } from "../time-window-partitions-definition.js";
import { TimeWindowPartitionsSubset } from "../time-window-partitions-subset.js";
import { incompatible, upstreamResult, type PartitionMapping, type UpstreamPartitionsResult } from "./partition-mapping.js";

export interface TimeWindowPartitionMappingOptions {
  /** Shift of the upstream windows' starts, in downstream partitions (-1: also the previous one). @default 0 */
  startOffset?: number;
  /** Shift of the upstream windows' ends, in downstream partitions. @default 0 */
  endOffset?: number;
  /** Upstream partitions outside the upstream definition's range are dropped instead of reported as required but nonexistent. @default false */
  allowNonexistentUpstreamPartitions?: boolean;
}

/**
 * The default mapping between two time-partitioned assets: a downstream partition depends on every
 * upstream partition whose window overlaps its own (daily ← hourly: 24 partitions; hourly ← daily:
 * the containing day). Offsets shift the window in downstream partitions: `{ startOffset: -1, endOffset: -1 }`
 * is "the previous partition". Works on index ranges: mapping a 1,000-partition range costs a few conversions.
 *
 * @example
 * new AssetIn({ key: "events", partitionMapping: new TimeWindowPartitionMapping({ startOffset: -1 }) });
 */
export class TimeWindowPartitionMapping implements PartitionMapping {
  readonly kind = "time_window" as const;
  readonly startOffset: number;
  readonly endOffset: number;
  readonly allowNonexistentUpstreamPartitions: boolean;

  constructor(options: TimeWindowPartitionMappingOptions = {}) {
    const { startOffset = 0, endOffset = 0, allowNonexistentUpstreamPartitions = false } = options;
    for (const [name, v] of [["startOffset", startOffset], ["endOffset", endOffset]] as const) {
      if (!Number.isInteger(v)) throw new IncompatiblePartitionMappingError("TimeWindowPartitionMapping", `${name} must be an integer, got ${String(v)}`);
    }
    this.startOffset = startOffset;
    this.endOffset = endOffset;
    this.allowNonexistentUpstreamPartitions = Boolean(allowNonexistentUpstreamPartitions);
    Object.freeze(this);
  }

  get description(): string {
    const base = "Maps a downstream partition to any upstream partition with an overlapping time window.";
    return this.startOffset || this.endOffset
      ? `${base} The start and end of the upstream window are shifted by ${this.startOffset} and ${this.endOffset} partitions.`
      : base;
  }

  validatePartitionMapping(upstream: PartitionsDefinition | undefined, downstream: PartitionsDefinition | undefined): void {
    if (!(upstream instanceof TimeWindowPartitionsDefinition)) throw incompatible(this, "the upstream asset must have time window partitions");
    if (!(downstream instanceof TimeWindowPartitionsDefinition)) throw incompatible(this, "the downstream asset must have time window partitions");
    if (upstream.timezone !== downstream.timezone) {
      throw incompatible(this, `the timezones differ (upstream ${upstream.timezone}, downstream ${downstream.timezone}); give both the same timezone`);
    }
  }

  getUpstreamMappedPartitionsResultForPartitions(
    downstreamSubset: PartitionsSubset | undefined,
    downstreamDef: PartitionsDefinition | undefined,
    upstreamDef: PartitionsDefinition,
    options?: PartitionLoadingOptions,
  ): UpstreamPartitionsResult {
    this.validatePartitionMapping(upstreamDef, downstreamDef);
    const from = downstreamDef as TimeWindowPartitionsDefinition;
    const to = upstreamDef as TimeWindowPartitionsDefinition;
    const subset = toTimeSubset(from, downstreamSubset);
    const { existing, nonexistent } = this.#map(from, to, subset, this.startOffset, this.endOffset, true, options);
    return upstreamResult(existing, nonexistent);
  }

  getDownstreamPartitionsForPartitions(
    upstreamSubset: PartitionsSubset,
    upstreamDef: PartitionsDefinition,
    downstreamDef: PartitionsDefinition,
    options?: PartitionLoadingOptions,
  ): PartitionsSubset {
    this.validatePartitionMapping(upstreamDef, downstreamDef);
    const from = upstreamDef as TimeWindowPartitionsDefinition;
    const to = downstreamDef as TimeWindowPartitionsDefinition;
    return this.#map(from, to, toTimeSubset(from, upstreamSubset), -this.endOffset, -this.startOffset, false, options).existing;
  }

  // Offsets move window ends by whole partitions of the side they are counted in (downstream), kept within
  // the target's existing partitions; window boundaries that fall inside a target partition take all of it.
  #map(
    from: TimeWindowPartitionsDefinition,
    to: TimeWindowPartitionsDefinition,
    subset: TimeWindowPartitionsSubset,
    startOffset: number,
    endOffset: number,
    downstreamToUpstream: boolean,
    options: PartitionLoadingOptions | undefined,
  ): { existing: TimeWindowPartitionsSubset; nonexistent: TimeWindowPartitionsSubset } {
    const empty = { existing: to.emptySubset(), nonexistent: to.emptySubset() };
    if (subset.isEmpty) return empty;
    const n = to.getNumPartitions(options);
    const boundsStart = n > 0 ? to.getStartMsAtIndex(0) : undefined;
    const boundsEnd = n > 0 ? to.getStartMsAtIndex(n) : undefined;
    const clamp = (ms: number, offset: number): number => {
      if (boundsStart === undefined || boundsEnd === undefined) return ms;
      if (offset < 0) return Math.max(boundsStart, ms);
      if (offset > 0) return Math.min(boundsEnd, ms);
      return ms;
    };
    const pairs: [number, number][] = [];
    const r = subset.indexRanges;
    for (let i = 0; i < r.length; i += 2) {
      const s = r[i] as number;
      const e = r[i + 1] as number;
      const fromStart = downstreamToUpstream ? clamp(from.getStartMsAtIndex(s + startOffset), startOffset) : from.getStartMsAtIndex(s);
      const fromEnd = downstreamToUpstream ? clamp(from.getStartMsAtIndex(e + endOffset), endOffset) : from.getStartMsAtIndex(e);
      // Align to the target's partitions: the one containing the start, through the one ending at or after the end.
      let a = to.getIndexForTimestamp(fromStart);
      const endIndex = to.getIndexForTimestamp(fromEnd);
      let b = to.getStartMsAtIndex(endIndex) === fromEnd ? endIndex : endIndex + 1;
      if (!downstreamToUpstream) {
        a = clampIndex(a + startOffset, startOffset, n);
        b = clampIndex(b + endOffset, endOffset, n);
      }
      if (a < b) pairs.push([a, b]);
    }
    const wanted = normalizeRanges(pairs);
    const existing = intersectRanges(wanted, n > 0 ? [0, n] : []);
    const nonexistent = this.allowNonexistentUpstreamPartitions ? [] : subtractRanges(wanted, n > 0 ? [0, n] : []);
    return { existing: new TimeWindowPartitionsSubset(to, existing), nonexistent: new TimeWindowPartitionsSubset(to, nonexistent) };
  }
}

function clampIndex(index: number, offset: number, n: number): number {
  if (n <= 0) return index;
  if (offset < 0) return Math.max(0, index);
  if (offset > 0) return Math.min(n, index);
  return index;
}

function toTimeSubset(def: TimeWindowPartitionsDefinition, subset: PartitionsSubset | undefined): TimeWindowPartitionsSubset {
  if (!subset) return def.emptySubset();
  if (subset instanceof TimeWindowPartitionsSubset && subset.partitionsDef === def) return subset;
  return def.emptySubset().union(subset);
}
