// Cases of Dagster's partition_mapping_tests/test_multipartition_partition_mapping.py, ported to Tessera's API.
import { describe, expect, it } from "vitest";
import { DynamicPartitionsDefinition, DynamicPartitionsSnapshot } from "../dynamic-partitions-definition.js";
import { IncompatiblePartitionMappingError } from "../errors.js";
import { MultiPartitionKey, MultiPartitionsDefinition } from "../multi-partitions-definition.js";
import { PartitionKeyRange } from "../partition-key-range.js";
import type { PartitionLoadingOptions, PartitionsDefinition } from "../partitions-definition.js";
import { StaticPartitionsDefinition } from "../static-partitions-definition.js";
import { DailyPartitionsDefinition, WeeklyPartitionsDefinition } from "../time-window-cadences.js";
import { AllPartitionMapping } from "./all-partition-mapping.js";
import { IdentityPartitionMapping } from "./identity-partition-mapping.js";
import { MultiPartitionMapping } from "./multi-partition-mapping.js";
import { MultiToSingleDimensionPartitionMapping } from "./multi-to-single-dimension-partition-mapping.js";
import type { PartitionMapping } from "./partition-mapping.js";
import { SpecificPartitionsPartitionMapping } from "./specific-partitions-partition-mapping.js";
import { StaticPartitionMapping } from "./static-partition-mapping.js";
import { TimeWindowPartitionMapping } from "./time-window-partition-mapping.js";

const now: PartitionLoadingOptions = { currentTime: new Date("2023-09-01T00:00:00Z") };
const mk = (keys: Record<string, string>): string => String(new MultiPartitionKey(keys));
const sorted = (keys: Iterable<string>): string[] => [...keys].sort();
const upstreamOf = (m: PartitionMapping, down: PartitionsDefinition, keys: string[], up: PartitionsDefinition, options = now) =>
  m.getUpstreamMappedPartitionsResultForPartitions(down.subsetWithPartitionKeys(keys), down, up, options);
const downstreamOf = (m: PartitionMapping, up: PartitionsDefinition, keys: string[], down: PartitionsDefinition, options = now): string[] =>
  sorted(m.getDownstreamPartitionsForPartitions(up.subsetWithPartitionKeys(keys), up, down, options).getPartitionKeys());

const abc = new StaticPartitionsDefinition(["a", "b", "c"]);
const n123 = new StaticPartitionsDefinition(["1", "2", "3"]);
const abc123 = new MultiPartitionsDefinition({ abc, "123": n123 });
const daily2023 = new DailyPartitionsDefinition({ startDate: "2023-01-01" });
const weekly2023 = new WeeklyPartitionsDefinition({ startDate: "2023-01-01" });
const weeklyAb = new MultiPartitionsDefinition({ week: weekly2023, ab: new StaticPartitionsDefinition(["a", "b"]) });
const toSingle = new MultiToSingleDimensionPartitionMapping();

describe("reference cases: test_multipartition_partition_mapping.py", () => {
  it("test_get_downstream_partitions_single_key_in_range", () => {
    const aTo123 = [1, 2, 3].map((n) => mk({ abc: "a", "123": String(n) }));
    const fromA = toSingle.getDownstreamPartitionsForPartitions(abc.emptySubset().withPartitionKeyRange(new PartitionKeyRange("a", "a")), abc, abc123, now);
    expect(sorted(fromA.getPartitionKeys())).toEqual(sorted(aTo123));
    expect(downstreamOf(toSingle, abc123, aTo123, abc)).toEqual(["a"]);
    const abcXyz = new MultiPartitionsDefinition({ abc, xyz: new StaticPartitionsDefinition(["x", "y", "z"]) });
    expect(downstreamOf(toSingle, abc, ["b"], abcXyz)).toEqual(sorted(["x", "y", "z"].map((v) => mk({ abc: "b", xyz: v }))));
  });

  it("test_get_downstream_partitions_multiple_keys_in_range", () => {
    const multi = ["a", "b"].flatMap((l) => ["1", "2", "3"].map((n) => mk({ abc: l, "123": n })));
    expect(downstreamOf(toSingle, abc, abc.getPartitionKeysInRange(new PartitionKeyRange("a", "b")), abc123)).toEqual(sorted(multi));
    expect(downstreamOf(toSingle, abc123, multi, abc)).toEqual(["a", "b"]);
  });

  it.each<[string, PartitionsDefinition, string[], string[], PartitionsDefinition]>([
    ["static → multi, one key", abc, ["a"], [mk({ abc: "a", "123": "1" })], abc123],
    ["static → multi, two keys", abc, ["a", "b"], [mk({ abc: "b", "123": "2" }), mk({ abc: "a", "123": "2" })], abc123],
    ["multi → static, one key", abc123, [1, 2, 3].map((n) => mk({ abc: "a", "123": String(n) })), ["a"], abc],
    ["multi → static, two keys", abc123, ["a", "b"].flatMap((l) => [1, 2, 3].map((n) => mk({ abc: l, "123": String(n) }))), ["a", "b"], abc],
    [
      "daily → weekly multi",
      daily2023,
      [...daily2023.getPartitionKeysInRange(new PartitionKeyRange("2023-01-08", "2023-01-14"), now), ...daily2023.getPartitionKeysInRange(new PartitionKeyRange("2023-01-29", "2023-02-04"), now)],
      ["a", "b"].flatMap((ab) => ["2023-01-08", "2023-01-29"].map((week) => mk({ ab, week }))),
      weeklyAb,
    ],
  ])("test_get_upstream_single_dimension_to_multi_partition_mapping[%s]", (_id, upstreamDef, upstreamKeys, downstreamKeys, downstreamDef) => {
    expect(sorted(upstreamOf(toSingle, downstreamDef, downstreamKeys, upstreamDef).partitionsSubset.getPartitionKeys())).toEqual(sorted(upstreamKeys));
  });

  it("test_error_thrown_when_no_partition_dimension_name_provided", () => {
    const ab = new MultiPartitionsDefinition({ a: n123, b: n123 });
    const one = new StaticPartitionsDefinition(["1", "2", "3"]);
    // Both dimensions match the single definition, so which one is meant must be said.
    const message = /dimension/;
    expect(() => upstreamOf(toSingle, ab, [mk({ a: "1", b: "1" })], one)).toThrow(IncompatiblePartitionMappingError);
    expect(() => upstreamOf(toSingle, ab, [mk({ a: "1", b: "1" })], one)).toThrow(message);
    expect(() => downstreamOf(toSingle, ab, [mk({ a: "1", b: "1" })], one)).toThrow(message);
    expect(() => upstreamOf(toSingle, one, ["1"], ab)).toThrow(message);
    expect(() => downstreamOf(toSingle, one, ["1"], ab)).toThrow(message);
    // Naming the dimension resolves it.
    expect(upstreamOf(new MultiToSingleDimensionPartitionMapping({ partitionDimensionName: "a" }), ab, [mk({ a: "1", b: "2" })], one).partitionsSubset.getPartitionKeys()).toEqual(["1"]);
  });

  const abcDaily = new MultiPartitionsDefinition({ abc, daily: daily2023 });
  const abcWeekly = new MultiPartitionsDefinition({ abc, weekly: weekly2023 });
  const n123Daily = new MultiPartitionsDefinition({ "123": n123, daily: daily2023 });
  const abcWeeklyUp = abcWeekly;
  const identityAndWeekly = new MultiPartitionMapping({
    abc: { dimensionName: "abc", partitionMapping: new IdentityPartitionMapping() },
    daily: { dimensionName: "weekly", partitionMapping: new TimeWindowPartitionMapping() },
  });
  const week = (letter: string, start: number) => Array.from({ length: 7 }, (_, i) => mk({ abc: letter, daily: `2023-01-${String(start + i).padStart(2, "0")}` }));
  const week123 = (n: string, start: number) => Array.from({ length: 7 }, (_, i) => mk({ "123": n, daily: `2023-01-${String(start + i).padStart(2, "0")}` }));
  type Case = [string, PartitionsDefinition, PartitionsDefinition, PartitionMapping, string[], string[]];
  const upstreamAndDownstream: Case[] = [
    ["daily to weekly, one week", abcDaily, abcWeekly, identityAndWeekly, week("a", 1), [mk({ abc: "a", weekly: "2023-01-01" })]],
    [
      "daily to weekly, two weeks",
      abcDaily,
      abcWeekly,
      identityAndWeekly,
      [...week("a", 1), ...week("b", 8)],
      [mk({ abc: "a", weekly: "2023-01-01" }), mk({ abc: "b", weekly: "2023-01-08" })],
    ],
    [
      "unmapped dimension depends on all",
      n123Daily,
      abcDaily,
      new MultiPartitionMapping({ daily: { dimensionName: "daily", partitionMapping: new IdentityPartitionMapping() } }),
      ["2023-01-01", "2023-01-02"].flatMap((d) => ["1", "2", "3"].map((n) => mk({ "123": n, daily: d }))),
      ["2023-01-01", "2023-01-02"].flatMap((d) => ["a", "b", "c"].map((l) => mk({ abc: l, daily: d }))),
    ],
    [
      "no dimension mapped",
      new MultiPartitionsDefinition({ "12": new StaticPartitionsDefinition(["1", "2"]), xy: new StaticPartitionsDefinition(["x", "y"]) }),
      new MultiPartitionsDefinition({ ab: new StaticPartitionsDefinition(["a", "b"]), "01": new StaticPartitionsDefinition(["0", "1"]) }),
      new MultiPartitionMapping({}),
      [["1", "x"], ["2", "y"], ["1", "y"], ["2", "x"]].map(([a, b]) => mk({ "12": a as string, xy: b as string })),
      [["a", "0"], ["a", "1"], ["b", "0"], ["b", "1"]].map(([a, b]) => mk({ ab: a as string, "01": b as string })),
    ],
  ];
  const specificAndWeekly = new MultiPartitionMapping({
    abc: { dimensionName: "123", partitionMapping: new SpecificPartitionsPartitionMapping(["c"]) },
    weekly: { dimensionName: "daily", partitionMapping: new TimeWindowPartitionMapping() },
  });
  const upstreamOnly: Case[] = [
    ["specific and weekly, two keys", abcWeeklyUp, n123Daily, specificAndWeekly, [mk({ abc: "c", weekly: "2023-01-01" })], [mk({ "123": "1", daily: "2023-01-01" }), mk({ "123": "3", daily: "2023-01-02" })]],
    [
      "specific and weekly, two weeks",
      abcWeeklyUp,
      n123Daily,
      specificAndWeekly,
      [mk({ abc: "c", weekly: "2023-01-01" }), mk({ abc: "c", weekly: "2023-01-08" })],
      [...week123("1", 1), ...week123("3", 8)],
    ],
    [
      "all and identity",
      abcDaily,
      n123Daily,
      new MultiPartitionMapping({
        abc: { dimensionName: "123", partitionMapping: new AllPartitionMapping() },
        daily: { dimensionName: "daily", partitionMapping: new IdentityPartitionMapping() },
      }),
      ["a", "b", "c"].map((l) => mk({ abc: l, daily: "2023-01-01" })),
      [mk({ "123": "1", daily: "2023-01-01" })],
    ],
  ];
  const downstreamOnly: Case[] = [
    [
      "static and weekly",
      abcWeeklyUp,
      n123Daily,
      new MultiPartitionMapping({
        abc: { dimensionName: "123", partitionMapping: new StaticPartitionMapping({ a: "1", b: "2", c: "3" }) },
        weekly: { dimensionName: "daily", partitionMapping: new TimeWindowPartitionMapping() },
      }),
      [mk({ abc: "c", weekly: "2023-01-01" }), mk({ abc: "a", weekly: "2023-01-08" })],
      [...week123("3", 1), ...week123("1", 8)],
    ],
  ];

  it.each([...upstreamAndDownstream, ...upstreamOnly])(
    "test_multipartitions_mapping_get_upstream_partitions[%s]",
    (_id, upstreamDef, downstreamDef, mapping, upstreamKeys, downstreamKeys) => {
      expect(sorted(upstreamOf(mapping, downstreamDef, downstreamKeys, upstreamDef).partitionsSubset.getPartitionKeys())).toEqual(sorted(upstreamKeys));
    },
  );

  it.each([...upstreamAndDownstream, ...downstreamOnly])(
    "test_multipartitions_mapping_get_downstream_partitions[%s]",
    (_id, upstreamDef, downstreamDef, mapping, upstreamKeys, downstreamKeys) => {
      expect(downstreamOf(mapping, upstreamDef, upstreamKeys, downstreamDef)).toEqual(sorted(downstreamKeys));
    },
  );

  it("test_multipartitions_required_but_invalid_upstream_partitions", () => {
    const may = new MultiPartitionsDefinition({ time: new DailyPartitionsDefinition({ startDate: "2023-05-01" }), "123": n123 });
    const june = new MultiPartitionsDefinition({ time: new DailyPartitionsDefinition({ startDate: "2023-06-01" }), "123": n123 });
    const mapping = new MultiPartitionMapping({
      "123": { dimensionName: "123", partitionMapping: new IdentityPartitionMapping() },
      time: { dimensionName: "time", partitionMapping: new TimeWindowPartitionMapping() },
    });
    const result = upstreamOf(mapping, may, [mk({ time: "2023-05-01", "123": "1" }), mk({ time: "2023-06-01", "123": "1" })], june);
    expect(result.partitionsSubset.getPartitionKeys()).toEqual([mk({ time: "2023-06-01", "123": "1" })]);
    // As the reference, the missing key is reported in the dimension that lacks it.
    expect(result.requiredButNonexistentSubset.getPartitionKeys()).toEqual(["2023-05-01"]);
  });

  it("test_multipartitions_mapping_dynamic", () => {
    const mapping = new MultiPartitionMapping({ dynamic: { dimensionName: "dynamic", partitionMapping: new IdentityPartitionMapping() } });
    const dynamic = new DynamicPartitionsDefinition({ name: "dynamic" });
    const down = new MultiPartitionsDefinition({ dynamic, "123": n123 });
    const up = new MultiPartitionsDefinition({ dynamic, "456": new StaticPartitionsDefinition(["4", "5", "6"]) });
    const store = new DynamicPartitionsSnapshot({ dynamic: ["a", "b", "c"] });
    const result = upstreamOf(mapping, down, [mk({ dynamic: "a", "123": "1" })], up, { ...now, dynamicPartitionsStore: store });
    expect(sorted(result.partitionsSubset.getPartitionKeys())).toEqual(["4|a", "5|a", "6|a"]);
  });

  it("test_error_multipartitions_mapping", () => {
    const mapping = new MultiPartitionMapping({
      "nonexistent dimension": { dimensionName: "other nonexistent dimension", partitionMapping: new SpecificPartitionsPartitionMapping(["c"]) },
    });
    expect(() => upstreamOf(mapping, abcWeekly, [], n123Daily)).toThrow(IncompatiblePartitionMappingError);
    expect(() => upstreamOf(mapping, abcWeekly, [], n123Daily)).toThrow(/upstream asset has no dimension "nonexistent dimension"/);
  });

  it("test_dynamic_dimension_multipartition_mapping", () => {
    const foo = new DynamicPartitionsDefinition({ name: "foo" });
    const fooBar = new MultiPartitionsDefinition({ foo, bar: new DynamicPartitionsDefinition({ name: "bar" }) });
    const store = new DynamicPartitionsSnapshot({ foo: ["a", "b", "c"], bar: ["1", "2"] });
    const result = upstreamOf(toSingle, foo, ["a"], fooBar, { ...now, dynamicPartitionsStore: store });
    expect(result.partitionsSubset.equals(fooBar.subsetWithPartitionKeys(["2|a", "1|a"]))).toBe(true);
  });

  it("test_description", () => {
    const description = new MultiPartitionMapping({
      abc: { dimensionName: "abc", partitionMapping: new IdentityPartitionMapping() },
      daily: { dimensionName: "weekly", partitionMapping: new TimeWindowPartitionMapping() },
    }).description;
    expect(description).toContain("'abc' mapped to downstream dimension 'abc' using IdentityPartitionMapping");
    expect(description).toContain("'daily' mapped to downstream dimension 'weekly' using TimeWindowPartitionMapping");
    expect(new MultiPartitionMapping({}).description).toBe("");
  });
});
