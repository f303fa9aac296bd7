// Cases of Dagster's definitions_tests/test_multi_partitions.py (the definition and subset cases), ported to Tessera's API.
import { describe, expect, it } from "vitest";
import { DynamicPartitionsDefinition, DynamicPartitionsSnapshot } from "./dynamic-partitions-definition.js";
import { InvalidPartitionKeyError } from "./errors.js";
import { MultiPartitionKey, MultiPartitionsDefinition } from "./multi-partitions-definition.js";
import { PartitionKeyRange } from "./partition-key-range.js";
import { StaticPartitionsDefinition } from "./static-partitions-definition.js";
import { DailyPartitionsDefinition } from "./time-window-cadences.js";

const mk = (keys: Record<string, string>): string => String(new MultiPartitionKey(keys));
const xyz = new StaticPartitionsDefinition(["x", "y", "z"]);
const abcXyz = new MultiPartitionsDefinition({ abc: new StaticPartitionsDefinition(["a", "b", "c"]), xyz });
const daily2015 = new DailyPartitionsDefinition({ startDate: "2015-01-01" });
const staticAbcd = new StaticPartitionsDefinition(["a", "b", "c", "d"]);
const dateStatic = new MultiPartitionsDefinition({ date: daily2015, static: staticAbcd });

describe("reference cases: test_multi_partitions.py", () => {
  it.each([["aasdasd|asdas"], ["aasas[asdas"], ["aasas]asdas"], ["a,s"]])("test_invalid_chars[%s]", (bad) => {
    expect(() => new MultiPartitionsDefinition({ abc: new StaticPartitionsDefinition(["asda", bad]), blah: xyz })).toThrow(InvalidPartitionKeyError);
  });

  it("test_multi_static_partitions", () => {
    expect(abcXyz.getPartitionKeys()).toEqual(["a|x", "a|y", "a|z", "b|x", "b|y", "b|z", "c|x", "c|y", "c|z"]);
  });

  it("test_multi_dimensional_time_window_static_partitions", () => {
    const composite = new MultiPartitionsDefinition({ date: new DailyPartitionsDefinition({ startDate: "2021-05-05" }), abc: new StaticPartitionsDefinition(["a", "b", "c"]) });
    const keys = composite.getPartitionKeys({ currentTime: new Date("2021-05-07T00:00:00Z") });
    expect(new Set(keys)).toEqual(new Set(["a|2021-05-05", "b|2021-05-05", "c|2021-05-05", "a|2021-05-06", "b|2021-05-06", "c|2021-05-06"]));
    expect(composite.getPartitionKeyFromStr(keys[0] as string).keysByDimension).toEqual({ abc: "a", date: "2021-05-05" });
  });

  it("test_multipartitions_subset_serialization", () => {
    const keys = [mk({ abc: "a", xyz: "x" }), mk({ abc: "c", xyz: "z" })];
    expect(new Set(abcXyz.deserializeSubset(abcXyz.emptySubset().withPartitionKeys(keys).serialize()).getPartitionKeys())).toEqual(new Set(keys));
  });

  it("test_multipartitions_subset_equality", () => {
    const subset = (pairs: [string, string][]) => dateStatic.emptySubset().withPartitionKeys(pairs.map(([s, d]) => mk({ static: s, date: d })));
    expect(subset([["a", "2015-01-01"], ["b", "2015-01-05"]]).equals(subset([["a", "2015-01-01"], ["b", "2015-01-05"]]))).toBe(true);
    expect(subset([["c", "2015-01-01"], ["b", "2015-01-05"]]).equals(subset([["a", "2015-01-01"], ["b", "2015-01-05"]]))).toBe(false);
    expect(subset([["a", "2015-01-01"], ["b", "2015-01-05"]]).equals(subset([["a", "2016-01-01"], ["b", "2015-01-05"]]))).toBe(false);
  });

  // Rows are the static keys a-d, columns the days from 2015-01-01; "+" marks a key in the subset.
  it.each([
    [["------", "+-----", "------", "------"], ["+-----", "+-----", "------", "------"]],
    [["+--+--", "------", "------", "------"], ["+-----", "------", "------", "------"]],
    [["+------", "-+-----", "-++--+-", "+-+++++"], ["-+-----", "-+-----", "+-+-+-+", "+++----"]],
    [["+-----+", "------+", "-+++---", "-------"], ["+++++++", "-+-+-+-", "-++----", "----+++"]],
  ])("test_multipartitions_subset_addition[%j]", (initial, added) => {
    const days = Math.max(...initial.map((row) => row.length));
    const dates = daily2015.getPartitionKeys({ currentTime: new Date("2016-01-01T00:00:00Z") }).slice(0, days);
    const keysOf = (grid: string[]) => grid.flatMap((row, i) => [...row].flatMap((c, j) => (c === "+" ? [mk({ date: dates[j] as string, static: staticAbcd.partitionKeys[i] as string })] : [])));
    const initialKeys = keysOf(initial);
    const addedKeys = keysOf(added);
    const initialSubset = dateStatic.emptySubset().withPartitionKeys(initialKeys);
    const addedSubset = initialSubset.withPartitionKeys(addedKeys);
    expect(new Set(initialSubset.getPartitionKeys())).toEqual(new Set(initialKeys));
    expect(new Set(addedSubset.getPartitionKeys())).toEqual(new Set([...initialKeys, ...addedKeys]));
    const notIn = initial.flatMap((row, i) => [...row].flatMap((c, j) => (c !== "+" && added[i]?.[j] !== "+" ? [mk({ date: dates[j] as string, static: staticAbcd.partitionKeys[i] as string })] : [])));
    // The day after the last column: the columns' days are exactly the partitions that exist.
    const currentDay = { currentTime: daily2015.endTimeForPartitionKey(dates[days - 1] as string) };
    expect(addedSubset.complement(currentDay).getPartitionKeys().sort()).toEqual(notIn.sort());
  });

  it("test_keys_with_dimension_value", () => {
    const at = { currentTime: new Date("2015-01-05T00:00:00Z") };
    expect(dateStatic.getMultipartitionKeysWithDimensionValue("static", "a", at)).toEqual(
      ["2015-01-01", "2015-01-02", "2015-01-03", "2015-01-04"].map((date) => mk({ static: "a", date })),
    );
    expect(dateStatic.getMultipartitionKeysWithDimensionValue("date", "2015-01-01", at)).toEqual(["a", "b", "c", "d"].map((s) => mk({ static: s, date: "2015-01-01" })));
  });

  const dateDynamic = new MultiPartitionsDefinition({ date: daily2015, dynamic: new DynamicPartitionsDefinition({ name: "dummy" }) });

  it("test_keys_with_dimension_value_with_dynamic", () => {
    const at = { currentTime: new Date("2015-01-05T00:00:00Z"), dynamicPartitionsStore: new DynamicPartitionsSnapshot({ dummy: ["a", "b", "c", "d"] }) };
    expect(dateDynamic.getMultipartitionKeysWithDimensionValue("dynamic", "a", at)).toEqual(
      ["2015-01-01", "2015-01-02", "2015-01-03", "2015-01-04"].map((date) => mk({ dynamic: "a", date })),
    );
    expect(dateDynamic.getMultipartitionKeysWithDimensionValue("date", "2015-01-01", at)).toEqual(["a", "b", "c", "d"].map((d) => mk({ dynamic: d, date: "2015-01-01" })));
  });

  it("test_keys_with_dimension_value_with_dynamic_without_instance", () => {
    expect(() => dateDynamic.getMultipartitionKeysWithDimensionValue("date", "2015-01-01", { currentTime: new Date("2015-01-05T00:00:00Z") })).toThrow(/dynamicPartitionsStore/);
  });

  it("test_get_num_partitions", () => {
    const at = { currentTime: new Date("2016-03-01T00:00:00Z") };
    expect(dateStatic.getNumPartitions(at)).toBe(new Set(dateStatic.getPartitionKeys(at)).size);
  });

  const aDailyB = new MultiPartitionsDefinition({ a: new DailyPartitionsDefinition({ startDate: "2024-01-01" }), b: new StaticPartitionsDefinition(["1", "2", "3", "4", "5"]) });
  const ab = (a: string, b: string) => mk({ a, b });
  it.each<[string, [string, string], [string, string], [string, string][]]>([
    ["single_key_in_secondary", ["2024-01-01", "2"], ["2024-01-03", "2"], [["2024-01-01", "2"], ["2024-01-02", "2"], ["2024-01-03", "2"]]],
    ["single_key_in_primary", ["2024-01-01", "2"], ["2024-01-01", "4"], [["2024-01-01", "2"], ["2024-01-01", "3"], ["2024-01-01", "4"]]],
    [
      "multiple_keys_in_both_ranges",
      ["2024-01-01", "2"],
      ["2024-01-03", "4"],
      ["2024-01-01", "2024-01-02", "2024-01-03"].flatMap((d) => ["2", "3", "4"].map((n) => [d, n] as [string, string])),
    ],
  ])("test_multipartitions_range_cartesian_%s", (_id, start, end, expected) => {
    const range = new PartitionKeyRange(ab(...start), ab(...end));
    expect(aDailyB.getPartitionKeysInRange(range, { currentTime: new Date("2024-02-01T00:00:00Z") })).toEqual(expected.map(([a, b]) => ab(a, b)));
  });
});
