// Cases of Dagster's partition_mapping_tests/test_time_window_partition_mapping.py, ported to Tessera's API.
import { describe, expect, it } from "vitest";
import { PartitionKeyRange } from "../partition-key-range.js";
import type { PartitionsDefinition } from "../partitions-definition.js";
import { DailyPartitionsDefinition, HourlyPartitionsDefinition, MonthlyPartitionsDefinition, WeeklyPartitionsDefinition } from "../time-window-cadences.js";
import { TimeWindowPartitionsDefinition } from "../time-window-partitions-definition.js";
import { TimeWindowPartitionMapping } from "./time-window-partition-mapping.js";

const options = { currentTime: new Date("2030-01-01T00:00:00Z") };
const range = (def: PartitionsDefinition, start: string, end: string): string[] => def.getPartitionKeysInRange(new PartitionKeyRange(start, end), options);
const up = (mapping: TimeWindowPartitionMapping, down: PartitionsDefinition, keys: string[], upstream: PartitionsDefinition): string[] =>
  mapping.getUpstreamMappedPartitionsResultForPartitions(down.subsetWithPartitionKeys(keys), down, upstream, options).partitionsSubset.getPartitionKeys();
const down = (mapping: TimeWindowPartitionMapping, upstream: PartitionsDefinition, keys: string[], downstream: PartitionsDefinition): string[] =>
  mapping.getDownstreamPartitionsForPartitions(upstream.subsetWithPartitionKeys(keys), upstream, downstream, options).getPartitionKeys();

const identity = new TimeWindowPartitionMapping();
const lag = new TimeWindowPartitionMapping({ startOffset: -1, endOffset: -1 });

describe("reference cases: test_time_window_partition_mapping.py", () => {
  it("test_get_upstream_partitions_for_partition_range_same_partitioning", () => {
    const d = new DailyPartitionsDefinition({ startDate: "2021-05-05" });
    const u = new DailyPartitionsDefinition({ startDate: "2021-05-05" });
    expect(up(identity, d, ["2021-05-07"], u)).toEqual(["2021-05-07"]);
    expect(up(identity, d, range(d, "2021-05-07", "2021-05-09"), u)).toEqual(range(u, "2021-05-07", "2021-05-09"));
  });

  it("test_get_upstream_partitions_for_partition_range_same_partitioning_different_formats", () => {
    const d = new DailyPartitionsDefinition({ startDate: "2021-05-05" });
    const u = new DailyPartitionsDefinition({ startDate: "2021/05/05", fmt: "%Y/%m/%d" });
    expect(up(identity, d, range(d, "2021-05-07", "2021-05-09"), u)).toEqual(["2021/05/07", "2021/05/08", "2021/05/09"]);
  });

  it("test_get_upstream_partitions_for_partition_range_hourly_downstream_daily_upstream", () => {
    const d = new HourlyPartitionsDefinition({ startDate: "2021-05-05-00:00" });
    const u = new DailyPartitionsDefinition({ startDate: "2021-05-05" });
    expect(up(identity, d, ["2021-05-07-05:00"], u)).toEqual(["2021-05-07"]);
    expect(up(identity, d, range(d, "2021-05-07-05:00", "2021-05-09-09:00"), u)).toEqual(range(u, "2021-05-07", "2021-05-09"));
  });

  it("test_get_upstream_partitions_for_partition_range_daily_downstream_hourly_upstream", () => {
    const d = new DailyPartitionsDefinition({ startDate: "2021-05-05" });
    const u = new HourlyPartitionsDefinition({ startDate: "2021-05-05-00:00" });
    expect(up(identity, d, ["2021-05-07"], u)).toEqual(range(u, "2021-05-07-00:00", "2021-05-07-23:00"));
    expect(up(identity, d, range(d, "2021-05-07", "2021-05-09"), u)).toEqual(range(u, "2021-05-07-00:00", "2021-05-09-23:00"));
  });

  it("test_get_upstream_partitions_for_partition_range_monthly_downstream_daily_upstream", () => {
    const d = new MonthlyPartitionsDefinition({ startDate: "2021-05-01" });
    const u = new DailyPartitionsDefinition({ startDate: "2021-05-01" });
    expect(up(identity, d, range(d, "2021-05-01", "2021-07-01"), u)).toEqual(range(u, "2021-05-01", "2021-07-31"));
  });

  it("test_get_upstream_partitions_for_partition_range_twice_daily_downstream_daily_upstream", () => {
    const d = new TimeWindowPartitionsDefinition({ cronSchedule: "0 0 * * *", start: "2020-01-05", fmt: "%Y-%m-%d" });
    const u = new TimeWindowPartitionsDefinition({ cronSchedule: "0 0,11 * * *", start: "2020-01-05 00:00", fmt: "%Y-%m-%d %H:%M" });
    expect(up(identity, d, range(d, "2021-05-01", "2021-05-03"), u)).toEqual(range(u, "2021-05-01 00:00", "2021-05-03 11:00"));
  });

  it("test_get_upstream_partitions_for_partition_range_daily_downstream_twice_daily_upstream", () => {
    const d = new TimeWindowPartitionsDefinition({ cronSchedule: "0 0,11 * * *", start: "2020-01-05 00:00", fmt: "%Y-%m-%d %H:%M" });
    const u = new TimeWindowPartitionsDefinition({ cronSchedule: "0 0 * * *", start: "2020-01-05", fmt: "%Y-%m-%d" });
    expect(up(identity, d, range(d, "2021-05-01 00:00", "2021-05-03 00:00"), u)).toEqual(range(u, "2021-05-01", "2021-05-03"));
  });

  it("test_get_upstream_partitions_for_partition_range_daily_non_aligned", () => {
    const d = new TimeWindowPartitionsDefinition({ cronSchedule: "0 0 * * *", start: "2020-01-05", fmt: "%Y-%m-%d" });
    const u = new TimeWindowPartitionsDefinition({ cronSchedule: "0 11 * * *", start: "2020-01-05", fmt: "%Y-%m-%d" });
    expect(up(identity, d, range(d, "2021-05-02", "2021-05-04"), u)).toEqual(range(u, "2021-05-01", "2021-05-04"));
  });

  it("test_get_upstream_partitions_for_partition_range_weekly_with_offset", () => {
    const w = new WeeklyPartitionsDefinition({ startDate: "2022-09-04", dayOffset: 0, hourOffset: 10 });
    expect(up(identity, w, range(w, "2022-09-11", "2022-09-11"), w)).toEqual(range(w, "2022-09-11", "2022-09-11"));
  });

  it("test_daily_to_daily_lag", () => {
    const d = new DailyPartitionsDefinition({ startDate: "2021-05-05" });
    expect(up(lag, d, ["2021-05-07"], d)).toEqual(["2021-05-06"]);
    expect(down(lag, d, ["2021-05-06"], d)).toEqual(["2021-05-07"]);
    expect(up(lag, d, ["2021-05-05"], d)).toEqual([]);
    expect(up(lag, d, range(d, "2021-05-07", "2021-05-09"), d)).toEqual(["2021-05-06", "2021-05-07", "2021-05-08"]);
    expect(down(lag, d, range(d, "2021-05-06", "2021-05-08"), d)).toEqual(["2021-05-07", "2021-05-08", "2021-05-09"]);
    expect(up(lag, d, range(d, "2021-05-05", "2021-05-07"), d)).toEqual(["2021-05-05", "2021-05-06"]);
  });

  it("test_exotic_cron_schedule_lag", () => {
    const d = new TimeWindowPartitionsDefinition({ start: "2021-05-05_00", cronSchedule: "0 */4 * * *", fmt: "%Y-%m-%d_%H" });
    expect(up(lag, d, ["2021-05-06_04"], d)).toEqual(["2021-05-06_00"]);
    expect(down(lag, d, ["2021-05-06_00"], d)).toEqual(["2021-05-06_04"]);
    expect(up(lag, d, ["2021-05-05_00"], d)).toEqual([]);
    expect(up(lag, d, range(d, "2021-05-07_04", "2021-05-07_12"), d)).toEqual(["2021-05-07_00", "2021-05-07_04", "2021-05-07_08"]);
    expect(down(lag, d, range(d, "2021-05-07_04", "2021-05-07_12"), d)).toEqual(["2021-05-07_08", "2021-05-07_12", "2021-05-07_16"]);
    expect(up(lag, d, range(d, "2021-05-05_00", "2021-05-05_08"), d)).toEqual(["2021-05-05_00", "2021-05-05_04"]);
  });

  it("test_daily_to_daily_lag_different_start_date", () => {
    const u = new DailyPartitionsDefinition({ startDate: "2021-05-05" });
    const d = new DailyPartitionsDefinition({ startDate: "2021-05-06" });
    expect(up(lag, d, ["2021-05-06"], u)).toEqual(["2021-05-05"]);
    expect(down(lag, u, ["2021-05-05"], d)).toEqual(["2021-05-06"]);
  });

  it("test_daily_to_daily_many_to_one", () => {
    const u = new DailyPartitionsDefinition({ startDate: "2021-05-05" });
    const d = new DailyPartitionsDefinition({ startDate: "2021-05-06" });
    const m = new TimeWindowPartitionMapping({ startOffset: -1 });
    expect(up(m, d, ["2022-07-04"], u)).toEqual(["2022-07-03", "2022-07-04"]);
    expect(up(m, d, ["2022-07-04", "2022-07-05"], u)).toEqual(["2022-07-03", "2022-07-04", "2022-07-05"]);
    expect(down(m, u, ["2022-07-03", "2022-07-04"], d)).toEqual(["2022-07-03", "2022-07-04", "2022-07-05"]);
    expect(down(m, u, ["2022-07-03"], d)).toEqual(["2022-07-03", "2022-07-04"]);
    expect(down(m, u, ["2022-07-04"], d)).toEqual(["2022-07-04", "2022-07-05"]);
  });
});
