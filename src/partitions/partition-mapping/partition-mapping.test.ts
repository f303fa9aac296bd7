import { describe, expect, it } from "vitest";
import { DynamicPartitionsDefinition, DynamicPartitionsSnapshot } from "../dynamic-partitions-definition.js";
import { IncompatiblePartitionMappingError } from "../errors.js";
import { MultiPartitionsDefinition } from "../multi-partitions-definition.js";
import { PartitionKeyRange } from "../partition-key-range.js";
import type { PartitionsDefinition } from "../partitions-definition.js";
import { StaticPartitionsDefinition } from "../static-partitions-definition.js";
import { DailyPartitionsDefinition, HourlyPartitionsDefinition, MonthlyPartitionsDefinition } from "../time-window-cadences.js";
import { TimeWindowPartitionsDefinition } from "../time-window-partitions-definition.js";
import { AllPartitionMapping } from "./all-partition-mapping.js";
import { IdentityPartitionMapping } from "./identity-partition-mapping.js";
import { inferPartitionMapping } from "./infer-partition-mapping.js";
import { LastPartitionMapping } from "./last-partition-mapping.js";
import { MultiPartitionMapping } from "./multi-partition-mapping.js";
import { MultiToSingleDimensionPartitionMapping } from "./multi-to-single-dimension-partition-mapping.js";
import { validatePartitionMapping, type PartitionMapping } from "./partition-mapping.js";
import { SpecificPartitionsPartitionMapping } from "./specific-partitions-partition-mapping.js";
import { StaticPartitionMapping } from "./static-partition-mapping.js";
import { TimeWindowPartitionMapping } from "./time-window-partition-mapping.js";

const at = (iso: string) => ({ currentTime: new Date(iso) });
const later = at("2030-01-01T00:00:00Z");

function upstreamKeys(mapping: PartitionMapping, down: PartitionsDefinition, keys: string[], up: PartitionsDefinition, options = later) {
  const r = mapping.getUpstreamMappedPartitionsResultForPartitions(down.subsetWithPartitionKeys(keys), down, up, options);
  return { keys: r.partitionsSubset.getPartitionKeys(), missing: r.requiredButNonexistentSubset.getPartitionKeys() };
}

function downstreamKeys(mapping: PartitionMapping, up: PartitionsDefinition, keys: string[], down: PartitionsDefinition, options = later) {
  return mapping.getDownstreamPartitionsForPartitions(up.subsetWithPartitionKeys(keys), up, down, options).getPartitionKeys();
}

describe("TimeWindowPartitionMapping", () => {
  const daily = new DailyPartitionsDefinition({ startDate: "2021-05-05" });
  const hourly = new HourlyPartitionsDefinition({ startDate: "2021-05-05-00:00" });
  const mapping = new TimeWindowPartitionMapping();

  it("maps an hour to its day and a day to its 24 hours", () => {
    expect(upstreamKeys(mapping, hourly, ["2021-05-07-05:00"], daily).keys).toEqual(["2021-05-07"]);
    const hours = upstreamKeys(mapping, daily, ["2021-05-07"], hourly).keys;
    expect([hours.length, hours[0], hours[23]]).toEqual([24, "2021-05-07-00:00", "2021-05-07-23:00"]);
  });

  it("maps a month to its days and converts key formats", () => {
    const monthly = new MonthlyPartitionsDefinition({ startDate: "2021-05-01" });
    expect(upstreamKeys(mapping, monthly, ["2021-06-01"], daily).keys).toHaveLength(30);
    const slashes = new DailyPartitionsDefinition({ startDate: "2021/05/05", fmt: "%Y/%m/%d" });
    expect(upstreamKeys(mapping, daily, ["2021-05-07", "2021-05-08"], slashes).keys).toEqual(["2021/05/07", "2021/05/08"]);
  });

  it("takes whole upstream partitions when boundaries do not align", () => {
    const at11 = new TimeWindowPartitionsDefinition({ cronSchedule: "0 11 * * *", start: "2020-01-05", fmt: "%Y-%m-%d" });
    const midnight = new TimeWindowPartitionsDefinition({ cronSchedule: "0 0 * * *", start: "2020-01-05", fmt: "%Y-%m-%d" });
    const range = midnight.emptySubset().withPartitionKeyRange(new PartitionKeyRange("2021-05-02", "2021-05-04"), later);
    const r = mapping.getUpstreamMappedPartitionsResultForPartitions(range, midnight, at11, later);
    expect(r.partitionsSubset.getPartitionKeys()).toEqual(["2021-05-01", "2021-05-02", "2021-05-03", "2021-05-04"]);
  });

  it("shifts by offsets: the previous day, and back", () => {
    const lag = new TimeWindowPartitionMapping({ startOffset: -1, endOffset: -1 });
    expect(upstreamKeys(lag, daily, ["2021-05-07"], daily).keys).toEqual(["2021-05-06"]);
    expect(downstreamKeys(lag, daily, ["2021-05-06"], daily)).toEqual(["2021-05-07"]);
    expect(upstreamKeys(lag, daily, ["2021-05-05"], daily).keys).toEqual([]);
    const wide = new TimeWindowPartitionMapping({ startOffset: -1 });
    expect(upstreamKeys(wide, daily, ["2022-07-04"], daily).keys).toEqual(["2022-07-03", "2022-07-04"]);
    expect(downstreamKeys(wide, daily, ["2022-07-03"], daily)).toEqual(["2022-07-03", "2022-07-04"]);
  });

  it("shifts an every-4-hours schedule by its own partitions", () => {
    const four = new TimeWindowPartitionsDefinition({ start: "2021-05-05_00", cronSchedule: "0 */4 * * *", fmt: "%Y-%m-%d_%H" });
    const lag = new TimeWindowPartitionMapping({ startOffset: -1, endOffset: -1 });
    expect(upstreamKeys(lag, four, ["2021-05-06_04"], four).keys).toEqual(["2021-05-06_00"]);
    const range = four.emptySubset().withPartitionKeyRange(new PartitionKeyRange("2021-05-07_04", "2021-05-07_12"), later);
    expect(lag.getDownstreamPartitionsForPartitions(range, four, four, later).getPartitionKeys()).toEqual(["2021-05-07_08", "2021-05-07_12", "2021-05-07_16"]);
  });

  it("reports upstream partitions that do not exist, unless allowed", () => {
    const june = new DailyPartitionsDefinition({ startDate: "2023-06-01" });
    const may = new DailyPartitionsDefinition({ startDate: "2023-05-01" });
    const now = at("2023-06-05T00:00:00Z");
    expect(upstreamKeys(mapping, may, ["2023-05-10", "2023-05-30", "2023-06-01"], june, now)).toEqual({
      keys: ["2023-06-01"],
      missing: ["2023-05-10", "2023-05-30"],
    });
    const lenient = new TimeWindowPartitionMapping({ allowNonexistentUpstreamPartitions: true });
    expect(upstreamKeys(lenient, may, ["2023-05-10", "2023-06-01"], june, now)).toEqual({ keys: ["2023-06-01"], missing: [] });
    expect(upstreamKeys(mapping, hourly, ["2021-06-01-00:00"], daily, at("2021-06-01T01:00:00Z"))).toEqual({ keys: [], missing: ["2021-06-01"] });
  });

  it("keeps only downstream partitions that exist at the current time", () => {
    const keys = ["2021-05-05-23:00", "2021-05-06-00:00", "2021-05-06-01:00"];
    expect(downstreamKeys(mapping, hourly, keys, daily, at("2021-05-06T01:00:00Z"))).toEqual(["2021-05-05"]);
    expect(downstreamKeys(mapping, hourly, keys, daily, at("2021-05-08T00:00:00Z"))).toEqual(["2021-05-05", "2021-05-06"]);
  });

  it("steps over Los Angeles' repeated and missing hours one partition at a time", () => {
    const la = new HourlyPartitionsDefinition({ startDate: "2023-11-01-00:00", timezone: "America/Los_Angeles" });
    const lag = new TimeWindowPartitionMapping({ startOffset: -1, endOffset: -1 });
    const fall = ["2023-11-05-00:00", "2023-11-05-01:00", "2023-11-05-01:00-0800", "2023-11-05-02:00"];
    for (let i = 0; i + 1 < fall.length; i++) {
      expect(upstreamKeys(lag, la, [fall[i + 1] as string], la).keys).toEqual([fall[i]]);
      expect(downstreamKeys(lag, la, [fall[i] as string], la)).toEqual([fall[i + 1]]);
    }
    expect(upstreamKeys(lag, la, ["2024-03-10-03:00"], la).keys).toEqual(["2024-03-10-01:00"]);
    expect(downstreamKeys(lag, la, ["2024-03-10-03:00"], la)).toEqual(["2024-03-10-04:00"]);
  });

  it("steps over Berlin's 23- and 25-hour days one day at a time", () => {
    const berlin = new DailyPartitionsDefinition({ startDate: "2023-01-01", timezone: "Europe/Berlin" });
    const lag = new TimeWindowPartitionMapping({ startOffset: -1, endOffset: -1 });
    expect(upstreamKeys(lag, berlin, ["2023-03-27"], berlin).keys).toEqual(["2023-03-26"]);
    expect(upstreamKeys(lag, berlin, ["2023-10-30"], berlin).keys).toEqual(["2023-10-29"]);
    expect(downstreamKeys(lag, berlin, ["2023-10-29"], berlin)).toEqual(["2023-10-30"]);
    const hoursOfFallBack = upstreamKeys(new TimeWindowPartitionMapping(), berlin, ["2023-10-29"], new HourlyPartitionsDefinition({ startDate: "2023-01-01-00:00", timezone: "Europe/Berlin" })).keys;
    expect(hoursOfFallBack).toHaveLength(25);
  });

  it("maps a 1,000-partition range as one range", () => {
    const h = new HourlyPartitionsDefinition({ startDate: "2015-01-01-00:00" });
    const range = h.emptySubset().withIndexRange(50_000, 51_000);
    const days = new DailyPartitionsDefinition({ startDate: "2015-01-01" });
    const r = mapping.getUpstreamMappedPartitionsResultForPartitions(range, h, days, later);
    expect(r.partitionsSubset.getPartitionKeyRanges().map(String)).toEqual(["2020-09-14...2020-10-25"]);
  });
});

describe("other mappings", () => {
  const regions = new StaticPartitionsDefinition(["eu", "us", "apac"]);
  const daily = new DailyPartitionsDefinition({ startDate: "2024-01-01" });
  const now = at("2024-01-04T00:00:00Z");

  it("IdentityPartitionMapping keeps keys and reports those the upstream lacks", () => {
    const other = new StaticPartitionsDefinition(["eu", "us"]);
    expect(upstreamKeys(new IdentityPartitionMapping(), regions, ["eu", "apac"], other)).toEqual({ keys: ["eu"], missing: ["apac"] });
    expect(downstreamKeys(new IdentityPartitionMapping(), other, ["eu", "us"], regions)).toEqual(["eu", "us"]);
  });

  it("AllPartitionMapping depends on everything", () => {
    expect(upstreamKeys(new AllPartitionMapping(), regions, ["eu"], daily, now).keys).toEqual(["2024-01-01", "2024-01-02", "2024-01-03"]);
    expect(downstreamKeys(new AllPartitionMapping(), daily, ["2024-01-02"], regions, now)).toEqual(["eu", "us", "apac"]);
    expect(downstreamKeys(new AllPartitionMapping(), daily, [], regions, now)).toEqual([]);
  });

  it("LastPartitionMapping depends on the last upstream partition", () => {
    expect(upstreamKeys(new LastPartitionMapping(), regions, ["eu"], daily, now).keys).toEqual(["2024-01-03"]);
    expect(downstreamKeys(new LastPartitionMapping(), daily, ["2024-01-03"], regions, now)).toEqual(["eu", "us", "apac"]);
    expect(downstreamKeys(new LastPartitionMapping(), daily, ["2024-01-02"], regions, now)).toEqual([]);
  });

  it("StaticPartitionMapping follows its table both ways", () => {
    const up = new StaticPartitionsDefinition(["eu_west", "eu_north", "us_east"]);
    const down = new StaticPartitionsDefinition(["eu", "us"]);
    const m = new StaticPartitionMapping({ eu_west: "eu", eu_north: "eu", us_east: ["us"] });
    expect(upstreamKeys(m, down, ["eu"], up).keys.sort()).toEqual(["eu_north", "eu_west"]);
    expect(downstreamKeys(m, up, ["us_east", "eu_west"], down).sort()).toEqual(["eu", "us"]);
    expect(() => validatePartitionMapping(m, { assetKey: "raw", partitionsDef: up }, { assetKey: "agg", partitionsDef: new StaticPartitionsDefinition(["eu", "apac"]) })).toThrow(
      /target keys "us" are not downstream partitions/,
    );
  });

  it("StaticPartitionMapping raises an error naming a key of its table that the definition mapped through lacks", () => {
    const up = new StaticPartitionsDefinition(["eu_west", "us_east"]);
    const down = new StaticPartitionsDefinition(["eu", "us"]);
    const m = new StaticPartitionMapping({ eu_west: "eu", us_east: "us", ap_south: "apac" });
    expect(() => downstreamKeys(m, up, ["eu_west"], down)).toThrow(IncompatiblePartitionMappingError);
    expect(() => downstreamKeys(m, up, ["eu_west"], down)).toThrow(/target keys "apac" are not downstream partitions/);
    expect(() => upstreamKeys(m, down, ["eu"], up)).toThrow(/mapped keys "ap_south" are not upstream partitions/);
    const complete = new StaticPartitionsDefinition(["eu_west", "us_east", "ap_south"]);
    expect(upstreamKeys(m, new StaticPartitionsDefinition(["eu", "us", "apac"]), ["apac"], complete).keys).toEqual(["ap_south"]);
  });

  it("SpecificPartitionsPartitionMapping depends on the named partitions", () => {
    const m = new SpecificPartitionsPartitionMapping(["us"]);
    expect(upstreamKeys(m, daily, ["2024-01-02"], regions, now).keys).toEqual(["us"]);
    expect(downstreamKeys(m, regions, ["us"], daily, now)).toEqual(["2024-01-01", "2024-01-02", "2024-01-03"]);
    expect(downstreamKeys(m, regions, ["eu"], daily, now)).toEqual([]);
  });

  it("MultiToSingleDimensionPartitionMapping relates a dimension to a single definition, both ways", () => {
    const multi = new MultiPartitionsDefinition({ date: daily, region: regions });
    const m = new MultiToSingleDimensionPartitionMapping();
    expect(upstreamKeys(m, multi, ["2024-01-02|eu", "2024-01-03|us"], daily, now).keys).toEqual(["2024-01-02", "2024-01-03"]);
    expect(downstreamKeys(m, daily, ["2024-01-02"], multi, now)).toEqual(["2024-01-02|eu", "2024-01-02|us", "2024-01-02|apac"]);
    expect(upstreamKeys(m, regions, ["us"], multi, now).keys).toEqual(["2024-01-01|us", "2024-01-02|us", "2024-01-03|us"]);
    const hourly = new HourlyPartitionsDefinition({ startDate: "2024-01-01-00:00" });
    expect(upstreamKeys(m, hourly, ["2024-01-02-05:00"], multi, now).keys).toEqual(["2024-01-02|eu", "2024-01-02|us", "2024-01-02|apac"]);
  });

  it("MultiPartitionMapping maps dimension by dimension", () => {
    const a = new MultiPartitionsDefinition({ date: daily, region: regions });
    const m = new MultiPartitionMapping({
      date: { dimensionName: "date", partitionMapping: new TimeWindowPartitionMapping({ startOffset: -1, endOffset: -1 }) },
      region: { dimensionName: "region", partitionMapping: new IdentityPartitionMapping() },
    });
    expect(upstreamKeys(m, a, ["2024-01-03|us"], a, now).keys).toEqual(["2024-01-02|us"]);
    expect(downstreamKeys(m, a, ["2024-01-02|eu"], a, now)).toEqual(["2024-01-03|eu"]);
    const onlyDate = new MultiPartitionMapping({ date: { dimensionName: "date", partitionMapping: new TimeWindowPartitionMapping() } });
    expect(upstreamKeys(onlyDate, a, ["2024-01-03|us"], a, now).keys).toEqual(["2024-01-03|eu", "2024-01-03|us", "2024-01-03|apac"]);
  });
});

describe("defaults and definition-time checks", () => {
  const daily = new DailyPartitionsDefinition({ startDate: "2024-01-01" });
  const regions = new StaticPartitionsDefinition(["eu", "us"]);
  const files = new DynamicPartitionsDefinition({ name: "files" });

  it("applies the reference's default mappings", () => {
    expect(inferPartitionMapping(undefined, daily, undefined)).toBeInstanceOf(AllPartitionMapping);
    expect(inferPartitionMapping(undefined, undefined, daily)).toBeInstanceOf(AllPartitionMapping);
    expect(inferPartitionMapping(undefined, daily, new DailyPartitionsDefinition({ startDate: "2023-01-01" }))).toBeInstanceOf(TimeWindowPartitionMapping);
    expect(inferPartitionMapping(undefined, regions, regions)).toBeInstanceOf(IdentityPartitionMapping);
    expect(inferPartitionMapping(undefined, files, files)).toBeInstanceOf(IdentityPartitionMapping);
    expect(inferPartitionMapping(undefined, new MultiPartitionsDefinition({ date: daily, region: regions }), regions)).toBeInstanceOf(
      MultiToSingleDimensionPartitionMapping,
    );
    const given = new LastPartitionMapping();
    expect(inferPartitionMapping(given, daily, regions)).toBe(given);
  });

  it("names both assets when a mapping cannot relate their partitions", () => {
    const e = (() => {
      try {
        validatePartitionMapping(new TimeWindowPartitionMapping(), { assetKey: "raw/events", partitionsDef: regions }, { assetKey: "daily_report", partitionsDef: daily });
      } catch (err) {
        return err as IncompatiblePartitionMappingError;
      }
      throw new Error("expected an error");
    })();
    expect(e).toBeInstanceOf(IncompatiblePartitionMappingError);
    expect(e.code).toBe("INCOMPATIBLE_PARTITION_MAPPING");
    expect([e.upstreamAssetKey, e.downstreamAssetKey]).toEqual(["raw/events", "daily_report"]);
    expect(e.message).toBe(
      'TimeWindowPartitionMapping cannot be used between upstream asset "raw/events" and downstream asset "daily_report": the upstream asset must have time window partitions',
    );
  });

  it("refuses time windows in different timezones and multi mappings without the dimension", () => {
    const berlin = new DailyPartitionsDefinition({ startDate: "2024-01-01", timezone: "Europe/Berlin" });
    expect(() => validatePartitionMapping(new TimeWindowPartitionMapping(), { assetKey: "a", partitionsDef: daily }, { assetKey: "b", partitionsDef: berlin })).toThrow(
      /timezones differ/,
    );
    const multi = new MultiPartitionsDefinition({ date: daily, region: regions });
    expect(() =>
      validatePartitionMapping(new MultiToSingleDimensionPartitionMapping({ partitionDimensionName: "color" }), { assetKey: "a", partitionsDef: multi }, { assetKey: "b", partitionsDef: regions }),
    ).toThrow(/no dimension "color"/);
    expect(() =>
      validatePartitionMapping(new MultiToSingleDimensionPartitionMapping(), { assetKey: "a", partitionsDef: multi }, { assetKey: "b", partitionsDef: files }),
    ).toThrow(IncompatiblePartitionMappingError);
    expect(() => validatePartitionMapping(new IdentityPartitionMapping(), { assetKey: "a", partitionsDef: daily }, { assetKey: "b", partitionsDef: undefined })).toThrow(
      /both assets must be partitioned/,
    );
  });

  it("maps dynamic partitions with the keys of a snapshot", () => {
    const store = new DynamicPartitionsSnapshot({ files: ["a", "b"] });
    const r = new IdentityPartitionMapping().getUpstreamMappedPartitionsResultForPartitions(files.subsetWithPartitionKeys(["a", "z"]), files, files, {
      dynamicPartitionsStore: store,
    });
    expect(r.partitionsSubset.getPartitionKeys()).toEqual(["a", "z"]);
  });
});
