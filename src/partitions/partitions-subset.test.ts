import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DefaultPartitionsSubset } from "./default-partitions-subset.js";
import { PartitionKeyNotFoundError, PartitionsSubsetDeserializationError } from "./errors.js";
import { intersectRanges, normalizeRanges, subtractRanges, unionRanges } from "./index-ranges.js";
import { PartitionKeyRange } from "./partition-key-range.js";
import { deserializePartitionsSubset } from "./partitions-subset.js";
import { StaticPartitionsDefinition } from "./static-partitions-definition.js";
import { DailyPartitionsDefinition, HourlyPartitionsDefinition } from "./time-window-cadences.js";
import { TimeWindowPartitionsSubset } from "./time-window-partitions-subset.js";

const now = { currentTime: new Date("2024-02-01T00:00:00Z") };
const daily = new DailyPartitionsDefinition({ startDate: "2024-01-01" });

// Ranges over 0..63 as pairs, and the same set as a plain Set: the model the range algebra must match.
const rangesArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 63 })), { maxLength: 8 }).map((pairs) =>
  normalizeRanges(pairs.map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number])),
);
const toSet = (r: readonly number[]) => {
  const s = new Set<number>();
  for (let i = 0; i < r.length; i += 2) for (let x = r[i] as number; x < (r[i + 1] as number); x++) s.add(x);
  return s;
};
const canonical = (r: readonly number[]) => {
  for (let i = 0; i + 1 < r.length; i += 2) {
    expect(r[i] as number).toBeLessThan(r[i + 1] as number);
    if (i + 2 < r.length) expect(r[i + 1] as number).toBeLessThan(r[i + 2] as number);
  }
};

describe("index range algebra", () => {
  it("matches set union, intersection and difference and stays canonical (property)", () => {
    fc.assert(
      fc.property(rangesArb, rangesArb, (a, b) => {
        const A = toSet(a);
        const B = toSet(b);
        const u = unionRanges(a, b);
        const i = intersectRanges(a, b);
        const d = subtractRanges(a, b);
        [u, i, d].forEach(canonical);
        expect(toSet(u)).toEqual(new Set([...A, ...B]));
        expect(toSet(i)).toEqual(new Set([...A].filter((x) => B.has(x))));
        expect(toSet(d)).toEqual(new Set([...A].filter((x) => !B.has(x))));
      }),
      { numRuns: 500 },
    );
  });
});

describe("TimeWindowPartitionsSubset", () => {
  it("keeps keys as ranges and lists them in time order", () => {
    const s = daily.subsetWithPartitionKeys(["2024-01-05", "2024-01-03", "2024-01-04", "2024-01-10"]);
    expect(s.indexRanges).toEqual([2, 5, 9, 10]);
    expect(s.size).toBe(4);
    expect(s.getPartitionKeys()).toEqual(["2024-01-03", "2024-01-04", "2024-01-05", "2024-01-10"]);
    expect(s.getPartitionKeyRanges().map(String)).toEqual(["2024-01-03...2024-01-05", "2024-01-10...2024-01-10"]);
    expect(s.has("2024-01-04")).toBe(true);
    expect(s.has("2024-01-06")).toBe(false);
    expect(s.has("not a date")).toBe(false);
    expect(s.includedTimeWindows[0]).toEqual({ start: new Date("2024-01-03T00:00:00Z"), end: new Date("2024-01-06T00:00:00Z") });
  });

  it("answers which partitions are missing by complement", () => {
    const materialized = daily.emptySubset().withPartitionKeyRange(new PartitionKeyRange("2024-01-02", "2024-01-30"), now);
    expect(materialized.complement(now).getPartitionKeys()).toEqual(["2024-01-01", "2024-01-31"]);
  });

  it("unions, intersects and subtracts", () => {
    const a = daily.emptySubset().withPartitionKeyRange(new PartitionKeyRange("2024-01-01", "2024-01-10"), now);
    const b = daily.emptySubset().withPartitionKeyRange(new PartitionKeyRange("2024-01-08", "2024-01-15"), now);
    expect(a.union(b).getPartitionKeyRanges().map(String)).toEqual(["2024-01-01...2024-01-15"]);
    expect(a.intersection(b).getPartitionKeyRanges().map(String)).toEqual(["2024-01-08...2024-01-10"]);
    expect(a.difference(b).getPartitionKeyRanges().map(String)).toEqual(["2024-01-01...2024-01-07"]);
    expect(a.equals(daily.subsetWithPartitionKeys(a.getPartitionKeys()))).toBe(true);
  });

  it("refuses a key that names no partition", () => {
    expect(() => daily.subsetWithPartitionKeys(["2024-13-01"])).toThrow(PartitionKeyNotFoundError);
  });

  it("round-trips through its serialized form, as time windows", () => {
    const s = daily.subsetWithPartitionKeys(["2024-01-03", "2024-01-04", "2024-01-20"]);
    const text = s.serialize();
    expect(JSON.parse(text).windows).toEqual([
      [Date.parse("2024-01-03T00:00:00Z"), Date.parse("2024-01-05T00:00:00Z")],
      [Date.parse("2024-01-20T00:00:00Z"), Date.parse("2024-01-21T00:00:00Z")],
    ]);
    expect(deserializePartitionsSubset(daily, text).equals(s)).toBe(true);
  });

  it("reads a stored subset after the definition's start moved", () => {
    const s = daily.subsetWithPartitionKeys(["2024-01-03", "2024-01-04"]);
    const later = new DailyPartitionsDefinition({ startDate: "2024-01-02" });
    const read = later.deserializeSubset(s.serialize());
    expect(read.getPartitionKeys()).toEqual(["2024-01-03", "2024-01-04"]);
    expect(read.indexRanges).toEqual([1, 3]);
  });

  it("refuses a serialized subset of another shape", () => {
    expect(() => daily.deserializeSubset("{}")).toThrow(PartitionsSubsetDeserializationError);
    expect(() => daily.deserializeSubset("nope")).toThrow(PartitionsSubsetDeserializationError);
  });

  it("combines subsets of hourly and daily definitions by time", () => {
    const hourly = new HourlyPartitionsDefinition({ startDate: "2024-01-01-00:00" });
    const hours = hourly.emptySubset().withIndexRange(24, 48); // all of Jan 2
    const days = daily.emptySubset().union(hours);
    expect(days.getPartitionKeys()).toEqual(["2024-01-02"]);
  });

  it("is immutable", () => {
    const s = daily.emptySubset();
    const t = s.withPartitionKeys(["2024-01-01"]);
    expect(s.isEmpty).toBe(true);
    expect(t.size).toBe(1);
    expect(Object.isFrozen(t)).toBe(true);
  });

  it("matches a key-set model under random operations (property)", () => {
    const keys = daily.getPartitionKeys(now);
    const subsetArb = fc.uniqueArray(fc.constantFrom(...keys), { maxLength: 31 });
    fc.assert(
      fc.property(subsetArb, subsetArb, (xs, ys) => {
        const a = daily.subsetWithPartitionKeys(xs);
        const b = daily.subsetWithPartitionKeys(ys);
        const X = new Set(xs);
        const Y = new Set(ys);
        const sorted = (s: Set<string>) => keys.filter((k) => s.has(k));
        expect(a.union(b).getPartitionKeys()).toEqual(sorted(new Set([...X, ...Y])));
        expect(a.intersection(b).getPartitionKeys()).toEqual(sorted(new Set(xs.filter((k) => Y.has(k)))));
        expect(a.difference(b).getPartitionKeys()).toEqual(sorted(new Set(xs.filter((k) => !Y.has(k)))));
        expect(a.complement(now).getPartitionKeys()).toEqual(keys.filter((k) => !X.has(k)));
        expect(daily.deserializeSubset(a.serialize()).getPartitionKeys()).toEqual(sorted(X));
      }),
      { numRuns: 200 },
    );
  });

  it("is built from index pairs in any order", () => {
    expect(TimeWindowPartitionsSubset.fromIndexRanges(daily, [[5, 7], [0, 2], [1, 3]]).indexRanges).toEqual([0, 3, 5, 7]);
  });
});

describe("DefaultPartitionsSubset", () => {
  const regions = new StaticPartitionsDefinition(["eu", "us", "apac", "latam"]);

  it("supports the same algebra over keys", () => {
    const a = regions.subsetWithPartitionKeys(["eu", "us"]);
    const b = regions.subsetWithPartitionKeys(["us", "apac"]);
    expect(a.union(b).getPartitionKeys().sort()).toEqual(["apac", "eu", "us"]);
    expect(a.intersection(b).getPartitionKeys()).toEqual(["us"]);
    expect(a.difference(b).getPartitionKeys()).toEqual(["eu"]);
    expect(a.complement().getPartitionKeys()).toEqual(["apac", "latam"]);
    expect(a.withPartitionKeyRange(new PartitionKeyRange("apac", "latam")).size).toBe(4);
  });

  it("round-trips through its serialized form", () => {
    const a = regions.subsetWithPartitionKeys(["eu", "latam"]);
    const read = regions.deserializeSubset(a.serialize());
    expect(read).toBeInstanceOf(DefaultPartitionsSubset);
    expect(read.equals(a)).toBe(true);
    expect(() => regions.deserializeSubset('{"kind":"time_window","windows":[]}')).toThrow(PartitionsSubsetDeserializationError);
  });
});
