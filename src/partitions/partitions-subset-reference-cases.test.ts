// Cases of Dagster's asset_defs_tests/test_partitions_subset.py, ported to Tessera's API.
import { describe, expect, it } from "vitest";
import { DefaultPartitionsSubset } from "./default-partitions-subset.js";
import { PartitionsSubsetDeserializationError } from "./errors.js";
import { MultiPartitionKey, MultiPartitionsDefinition } from "./multi-partitions-definition.js";
import { StaticPartitionsDefinition } from "./static-partitions-definition.js";
import { DailyPartitionsDefinition, HourlyPartitionsDefinition } from "./time-window-cadences.js";
import { TimeWindowPartitionsDefinition } from "./time-window-partitions-definition.js";
import { TimeWindowPartitionsSubset } from "./time-window-partitions-subset.js";

const withVersion = (serialized: string, version: number): string => JSON.stringify({ ...JSON.parse(serialized), version });
const mk = (keys: Record<string, string>): string => String(new MultiPartitionKey(keys));
const rangesOf = (def: MultiPartitionsDefinition, keys: string[]) => {
  const ranges = def.subsetWithPartitionKeys(keys).getPartitionKeyRanges();
  return { ranges: ranges.map((r) => [r.start, r.end]).sort(), keysBack: ranges.flatMap((r) => def.getPartitionKeysInRange(r)).sort() };
};

describe("reference cases: test_partitions_subset.py", () => {
  it("test_default_subset_cannot_deserialize_invalid_version", () => {
    const def = new StaticPartitionsDefinition(["a", "b", "c", "d"]);
    const serialized = def.emptySubset().withPartitionKeys(["a", "c", "d"]).serialize();
    expect(new Set(def.deserializeSubset(serialized).getPartitionKeys())).toEqual(new Set(["a", "c", "d"]));
    expect(() => def.deserializeSubset(withVersion(serialized, -1))).toThrow(PartitionsSubsetDeserializationError);
    expect(() => def.deserializeSubset(withVersion(serialized, -1))).toThrow(/version -1/);
  });

  it("test_static_partitions_subset_current_version_serialization", () => {
    const def = new StaticPartitionsDefinition(["foo", "bar", "baz", "qux"]);
    const back = def.deserializeSubset(def.emptySubset().withPartitionKeys(["foo", "baz"]).serialize());
    expect(new Set(back.getPartitionKeys())).toEqual(new Set(["baz", "foo"]));
  });

  it("test_time_window_subset_cannot_deserialize_invalid_version", () => {
    const def = new DailyPartitionsDefinition({ startDate: "2023-01-01" });
    const serialized = def.emptySubset().withPartitionKeys(["2023-01-02"]).serialize();
    expect(def.deserializeSubset(serialized).getPartitionKeys()).toEqual(["2023-01-02"]);
    expect(() => def.deserializeSubset(withVersion(serialized, -2))).toThrow(/version -2/);
  });

  const timeWindowPartitions = new DailyPartitionsDefinition({ startDate: "2021-05-05" });
  const staticPartitions = new StaticPartitionsDefinition(["a", "b", "c"]);
  const composite = new MultiPartitionsDefinition({ date: timeWindowPartitions, abc: staticPartitions });

  it("test_get_subset_type", () => {
    expect([composite.kind, staticPartitions.kind, timeWindowPartitions.kind]).toEqual(["multi", "static", "time_window"]);
    expect(timeWindowPartitions).toBeInstanceOf(DailyPartitionsDefinition);
  });

  it("test_empty_subsets", () => {
    expect(staticPartitions.emptySubset()).toBeInstanceOf(DefaultPartitionsSubset);
    expect(timeWindowPartitions.emptySubset()).toBeInstanceOf(TimeWindowPartitionsSubset);
  });

  it.each([["America/New_York"], ["UTC"]])("test_time_window_partitions_subset_serialization_deserialization[%s]", (timezone) => {
    const daily = new DailyPartitionsDefinition({ startDate: "2023-01-01", timezone });
    const def = new TimeWindowPartitionsDefinition({ start: daily.start, end: daily.end, cronSchedule: "0 0 * * *", fmt: "%Y-%m-%d", timezone: daily.timezone, endOffset: daily.endOffset });
    const subset = def.emptySubset().withPartitionKeys(["2023-01-01"]);
    const back = def.deserializeSubset(subset.serialize());
    expect(back.equals(subset)).toBe(true);
    expect(back.getPartitionKeys()).toEqual(["2023-01-01"]);
    expect(back.includedTimeWindows[0]?.start).toEqual(subset.includedTimeWindows[0]?.start);
  });

  it("test_all_partitions_subset_static_partitions_def", () => {
    const def = new StaticPartitionsDefinition(["a", "b", "c", "d"]);
    const all = def.subsetWithAllPartitions();
    expect(all.size).toBe(4);
    expect(new Set(all.getPartitionKeys())).toEqual(new Set(["a", "b", "c", "d"]));
    expect(all.equals(def.subsetWithAllPartitions())).toBe(true);
    const abc = def.subsetWithPartitionKeys(["a", "b", "c"]);
    expect(all.intersection(abc).equals(abc)).toBe(true);
    expect(all.union(abc).equals(all)).toBe(true);
    expect(all.difference(abc).equals(def.subsetWithPartitionKeys(["d"]))).toBe(true);
    expect(abc.difference(all).equals(def.emptySubset())).toBe(true);
    const back = def.deserializeSubset(all.serialize());
    expect(back).toBeInstanceOf(DefaultPartitionsSubset);
    expect(new Set(back.getPartitionKeys())).toEqual(new Set(all.getPartitionKeys()));
  });

  it("test_all_partitions_subset_time_window_partitions_def", () => {
    const at = { currentTime: new Date("2020-01-06T10:00:00Z") };
    const def = new DailyPartitionsDefinition({ startDate: "2020-01-01" });
    const all = def.subsetWithAllPartitions(at);
    expect(all.size).toBe(5);
    expect(all.getPartitionKeys()).toEqual(["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04", "2020-01-05"]);
    expect(all.equals(def.subsetWithAllPartitions(at))).toBe(true);
    const some = def.subsetWithPartitionKeys(["2020-01-01", "2020-01-02", "2020-01-03"]);
    expect(all.intersection(some).equals(some)).toBe(true);
    expect(all.union(some).equals(all)).toBe(true);
    expect(all.difference(some).equals(def.subsetWithPartitionKeys(["2020-01-04", "2020-01-05"]))).toBe(true);
    expect(some.difference(all).equals(def.emptySubset())).toBe(true);
    const back = def.deserializeSubset(all.serialize());
    expect(back).toBeInstanceOf(TimeWindowPartitionsSubset);
    expect(back.getPartitionKeys()).toEqual(all.getPartitionKeys());
  });

  it("test_partitions_set_short_circuiting (by value: subsets are immutable values here)", () => {
    const def = new StaticPartitionsDefinition(["a", "b", "c", "d"]);
    const some = def.subsetWithPartitionKeys(["a", "b", "c"]);
    const all = def.subsetWithAllPartitions();
    expect(some.union(all).equals(all)).toBe(true);
    expect(some.intersection(all).equals(some)).toBe(true);
    expect(some.difference(all).isEmpty).toBe(true);
  });

  const colorNumber = new MultiPartitionsDefinition({
    color: new StaticPartitionsDefinition(["red", "yellow", "blue"]),
    number: new StaticPartitionsDefinition(["1", "2", "3", "4"]),
  });
  const cn = (color: string, number: string) => mk({ color, number });

  it("test_multi_partition_subset_to_range_conversion", () => {
    const target = [cn("red", "1"), cn("red", "2"), cn("red", "4"), cn("blue", "1"), cn("blue", "2"), cn("yellow", "1"), cn("yellow", "2"), cn("yellow", "3")];
    const { ranges, keysBack } = rangesOf(colorNumber, target);
    expect(ranges).toEqual(
      [
        [cn("red", "1"), cn("red", "2")],
        [cn("red", "4"), cn("red", "4")],
        [cn("blue", "1"), cn("blue", "2")],
        [cn("yellow", "1"), cn("yellow", "3")],
      ].sort(),
    );
    expect(keysBack).toEqual([...target].sort());
  });

  it("test_multi_partition_subset_to_range_conversion_grouping_choices", () => {
    const byNumber = [cn("red", "1"), cn("yellow", "1"), cn("blue", "1")];
    let result = rangesOf(colorNumber, byNumber);
    expect(result.ranges).toEqual([[cn("red", "1"), cn("blue", "1")]]);
    expect(result.keysBack).toEqual([...byNumber].sort());
    const byColor = [cn("red", "1"), cn("red", "2"), cn("red", "3"), cn("blue", "1"), cn("blue", "2"), cn("blue", "4")];
    result = rangesOf(colorNumber, byColor);
    expect(result.ranges).toEqual(
      [
        [cn("red", "1"), cn("red", "3")],
        [cn("blue", "1"), cn("blue", "2")],
        [cn("blue", "4"), cn("blue", "4")],
      ].sort(),
    );
    expect(result.keysBack).toEqual([...byColor].sort());
  });

  it("test_multi_partition_subset_to_range_conversion_time_partition", () => {
    const hourly = new HourlyPartitionsDefinition({ startDate: "2023-01-01-00:00", endDate: "2025-01-01-01:00" });
    const def = new MultiPartitionsDefinition({ a_date: hourly, color: new StaticPartitionsDefinition(["red", "yellow", "blue"]) });
    const dc = (a_date: string, color: string) => mk({ a_date, color });
    const byHour = ["red", "yellow", "blue"].map((c) => dc("2023-01-01-00:00", c));
    let result = rangesOf(def, byHour);
    expect(result.ranges).toEqual([[dc("2023-01-01-00:00", "red"), dc("2023-01-01-00:00", "blue")]]);
    expect(result.keysBack).toEqual([...byHour].sort());
    const red = hourly.getPartitionKeys().map((h) => dc(h, "red"));
    result = rangesOf(def, red);
    expect(result.ranges).toEqual([[dc("2023-01-01-00:00", "red"), dc("2025-01-01-00:00", "red")]]);
    expect(result.keysBack).toEqual([...red].sort());
  });
});
