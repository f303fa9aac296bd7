import { describe, expect, it } from "vitest";
import {
  InvalidPartitionFormatError,
  InvalidPartitionKeyRangeError,
  InvalidPartitionsDefinitionError,
  InvalidTimezoneError,
  PartitionKeyNotFoundError,
} from "./errors.js";
import { PartitionKeyRange } from "./partition-key-range.js";
import {
  DailyPartitionsDefinition,
  HourlyPartitionsDefinition,
  MonthlyPartitionsDefinition,
  WeeklyPartitionsDefinition,
} from "./time-window-cadences.js";
import { TimeWindowPartitionsDefinition } from "./time-window-partitions-definition.js";

const at = (iso: string) => ({ currentTime: new Date(iso) });

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

describe("TimeWindowPartitionsDefinition", () => {
  it("has one partition per complete window by the current time", () => {
    const daily = new DailyPartitionsDefinition({ startDate: "2021-05-05" });
    expect(daily.getPartitionKeys(at("2021-05-07T01:00:00Z"))).toEqual(["2021-05-05", "2021-05-06"]);
    expect(daily.getNumPartitions(at("2021-05-05T23:59:59Z"))).toBe(0);
    expect(daily.getFirstPartitionKey(at("2021-05-05T12:00:00Z"))).toBeNull();
    expect(daily.getLastPartitionKey(at("2021-06-01T00:00:00Z"))).toBe("2021-05-31");
  });

  it("adds partitions past the current time with a positive endOffset and drops some with a negative one", () => {
    const plus = new DailyPartitionsDefinition({ startDate: "2021-05-05", endOffset: 1 });
    expect(plus.getPartitionKeys(at("2021-05-06T01:00:00Z"))).toEqual(["2021-05-05", "2021-05-06"]);
    const minus = new DailyPartitionsDefinition({ startDate: "2021-05-05", endOffset: -1 });
    expect(minus.getPartitionKeys(at("2021-05-08T01:00:00Z"))).toEqual(["2021-05-05", "2021-05-06"]);
  });

  it("has no partitions before its start, even with a positive endOffset", () => {
    const future = new DailyPartitionsDefinition({ startDate: "2030-01-01", endOffset: 1 });
    expect(future.getNumPartitions(at("2024-01-01T00:00:00Z"))).toBe(0);
    expect(future.getPartitionKeys(at("2030-01-01T12:00:00Z"))).toEqual(["2030-01-01"]);
  });

  it("stops at endDate whatever the current time", () => {
    const jan = new DailyPartitionsDefinition({ startDate: "2023-01-01", endDate: "2023-01-04", endOffset: 5 });
    expect(jan.getPartitionKeys(at("2030-01-01T00:00:00Z"))).toEqual(["2023-01-01", "2023-01-02", "2023-01-03"]);
    expect(thrown(() => new DailyPartitionsDefinition({ startDate: "2023-01-04", endDate: "2023-01-01" }))).toBeInstanceOf(
      InvalidPartitionsDefinitionError,
    );
  });

  it("starts weekly and monthly partitions at the first boundary after startDate", () => {
    expect(new WeeklyPartitionsDefinition({ startDate: "2022-03-12" }).getPartitionKeys(at("2022-04-01T00:00:00Z"))).toEqual([
      "2022-03-13",
      "2022-03-20",
    ]);
    const weekly = new WeeklyPartitionsDefinition({ startDate: "2022-03-12", dayOffset: 6, hourOffset: 3, minuteOffset: 15 });
    expect(weekly.timeWindowForPartitionKey("2022-03-12")).toEqual({ start: new Date("2022-03-12T03:15:00Z"), end: new Date("2022-03-19T03:15:00Z") });
    expect(new MonthlyPartitionsDefinition({ startDate: "2022-03-12" }).getPartitionKeys(at("2022-07-02T00:00:00Z"))).toEqual([
      "2022-04-01",
      "2022-05-01",
      "2022-06-01",
    ]);
  });

  it("reads keys whose format omits the schedule's time of day", () => {
    const sevenAm = new TimeWindowPartitionsDefinition({ cronSchedule: "0 7 * * *", fmt: "%Y-%m-%d", start: "2023-01-01" });
    expect(sevenAm.timeWindowForPartitionKey("2023-01-03")).toEqual({ start: new Date("2023-01-03T07:00:00Z"), end: new Date("2023-01-04T07:00:00Z") });
  });

  it("exposes the cadence and offsets the schedule was built from", () => {
    const d = new DailyPartitionsDefinition({ startDate: "2024-01-01", hourOffset: 6, minuteOffset: 30 });
    expect([d.cronSchedule, d.scheduleType, d.hourOffset, d.minuteOffset]).toEqual(["30 6 * * *", "DAILY", 6, 30]);
    expect(new MonthlyPartitionsDefinition({ startDate: "2024-01-01", dayOffset: 5 }).dayOffset).toBe(5);
    expect(new TimeWindowPartitionsDefinition({ cronSchedule: "0 */4 * * *", fmt: "%Y-%m-%d-%H", start: "2024-01-01-00" }).scheduleType).toBeUndefined();
  });

  it("is frozen and says what it is", () => {
    const d = new DailyPartitionsDefinition({ startDate: "2024-01-01", timezone: "Europe/Berlin" });
    expect(Object.isFrozen(d)).toBe(true);
    expect(d.kind).toBe("time_window");
    expect(d.toString()).toBe("Daily partitions starting 2024-01-01 Europe/Berlin");
    expect(d.equals(new DailyPartitionsDefinition({ startDate: "2024-01-01", timezone: "Europe/Berlin" }))).toBe(true);
    expect(d.equals(new DailyPartitionsDefinition({ startDate: "2024-01-02", timezone: "Europe/Berlin" }))).toBe(false);
  });
});

describe("time windows across DST changes", () => {
  it("names both 01:00 hours of Los Angeles' fall-back, the second with its offset", () => {
    const hourly = new HourlyPartitionsDefinition({ startDate: "2023-11-05-00:00", timezone: "America/Los_Angeles" });
    expect(hourly.getPartitionKeys(at("2023-11-05T12:00:00Z")).slice(0, 4)).toEqual([
      "2023-11-05-00:00",
      "2023-11-05-01:00",
      "2023-11-05-01:00-0800",
      "2023-11-05-02:00",
    ]);
    expect(hourly.timeWindowForPartitionKey("2023-11-05-01:00")).toEqual({ start: new Date("2023-11-05T08:00:00Z"), end: new Date("2023-11-05T09:00:00Z") });
    expect(hourly.timeWindowForPartitionKey("2023-11-05-01:00-0800")).toEqual({ start: new Date("2023-11-05T09:00:00Z"), end: new Date("2023-11-05T10:00:00Z") });
  });

  it("has no 02:00 partition on Los Angeles' spring-forward day", () => {
    const hourly = new HourlyPartitionsDefinition({ startDate: "2024-03-10-00:00", timezone: "America/Los_Angeles" });
    expect(hourly.getPartitionKeys(at("2024-03-10T12:00:00Z")).slice(0, 3)).toEqual(["2024-03-10-00:00", "2024-03-10-01:00", "2024-03-10-03:00"]);
    expect(hourly.hasPartitionKey("2024-03-10-02:00", at("2024-03-11T00:00:00Z"))).toBe(false);
    expect(hourly.getNumPartitions(at("2024-03-11T07:00:00Z"))).toBe(23);
  });

  it("counts 25 hourly partitions on Berlin's fall-back day and 23 on its spring-forward day", () => {
    const fall = new HourlyPartitionsDefinition({ startDate: "2023-10-29-00:00", timezone: "Europe/Berlin" });
    expect(fall.getNumPartitions(at("2023-10-29T23:00:00Z"))).toBe(25);
    expect(fall.getPartitionKeys(at("2023-10-29T23:00:00Z"))).toContain("2023-10-29-02:00+0100");
    const spring = new HourlyPartitionsDefinition({ startDate: "2023-03-26-00:00", timezone: "Europe/Berlin" });
    expect(spring.getNumPartitions(at("2023-03-26T22:00:00Z"))).toBe(23);
  });

  it("makes the daily window of a DST day 23 or 25 hours long", () => {
    const daily = new DailyPartitionsDefinition({ startDate: "2023-01-01", timezone: "Europe/Berlin" });
    const hours = (key: string) => {
      const w = daily.timeWindowForPartitionKey(key);
      return (w.end.getTime() - w.start.getTime()) / 3_600_000;
    };
    expect([hours("2023-03-25"), hours("2023-03-26"), hours("2023-10-29"), hours("2023-10-30")]).toEqual([24, 23, 25, 24]);
  });

  it("starts a daily-at-02:30 window at 03:00 on Berlin's spring-forward day and at the second 02:30 in the fall", () => {
    const d = new DailyPartitionsDefinition({ startDate: "2023-01-01", timezone: "Europe/Berlin", hourOffset: 2, minuteOffset: 30 });
    expect(d.timeWindowForPartitionKey("2023-03-26").start).toEqual(new Date("2023-03-26T01:00:00Z"));
    expect(d.timeWindowForPartitionKey("2023-10-29").start).toEqual(new Date("2023-10-29T01:30:00Z"));
  });

  it("makes weekly and monthly windows that contain a DST change in Los Angeles an hour shorter or longer", () => {
    const hours = (w: { start: Date; end: Date }) => (w.end.getTime() - w.start.getTime()) / 3_600_000;
    const weekly = new WeeklyPartitionsDefinition({ startDate: "2024-01-01", timezone: "America/Los_Angeles" });
    expect([hours(weekly.timeWindowForPartitionKey("2024-03-03")), hours(weekly.timeWindowForPartitionKey("2024-03-10"))]).toEqual([168, 167]);
    const monthly = new MonthlyPartitionsDefinition({ startDate: "2023-01-01", timezone: "America/Los_Angeles" });
    expect([hours(monthly.timeWindowForPartitionKey("2023-11-01")), hours(monthly.timeWindowForPartitionKey("2024-03-01"))]).toEqual([721, 743]);
    expect(monthly.timeWindowForPartitionKey("2024-03-01").start).toEqual(new Date("2024-03-01T08:00:00Z"));
    expect(monthly.timeWindowForPartitionKey("2024-04-01").start).toEqual(new Date("2024-04-01T07:00:00Z"));
  });

  it("keeps hourly keys with %z unambiguous without a suffix", () => {
    const z = new HourlyPartitionsDefinition({ startDate: "2023-11-05-00:00-0700", fmt: "%Y-%m-%d-%H:%M%z", timezone: "America/Los_Angeles" });
    expect(z.getPartitionKeys(at("2023-11-05T10:00:00Z"))).toEqual(["2023-11-05-00:00-0700", "2023-11-05-01:00-0700", "2023-11-05-01:00-0800"]);
  });
});

describe("time windows across leap years", () => {
  it("has Feb 29 in 2024 and not in 2023", () => {
    const daily = new DailyPartitionsDefinition({ startDate: "2023-02-27" });
    const now = at("2024-03-02T00:00:00Z");
    expect(daily.getPartitionKeysInRange(new PartitionKeyRange("2024-02-28", "2024-03-01"), now)).toEqual(["2024-02-28", "2024-02-29", "2024-03-01"]);
    expect(daily.getPartitionKeysInRange(new PartitionKeyRange("2023-02-28", "2023-03-01"), now)).toEqual(["2023-02-28", "2023-03-01"]);
    expect(daily.hasPartitionKey("2023-02-29", now)).toBe(false);
    expect(daily.getNumPartitions(now)).toBe(2 + 366 + 1); // Feb 27-28 2023, Mar 1 2023 to Feb 29 2024, Mar 1 2024
  });

  it("makes February 29 days long in leap years", () => {
    const monthly = new MonthlyPartitionsDefinition({ startDate: "2023-01-01" });
    const days = (k: string) => {
      const w = monthly.timeWindowForPartitionKey(k);
      return (w.end.getTime() - w.start.getTime()) / 86_400_000;
    };
    expect([days("2023-02-01"), days("2024-02-01"), days("2100-02-01"), days("2000-02-01")]).toEqual([28, 29, 28, 29]);
  });

  it("puts a Feb-29 schedule only in leap years", () => {
    const leap = new TimeWindowPartitionsDefinition({ cronSchedule: "0 0 29 2 *", fmt: "%Y-%m-%d", start: "2021-01-01" });
    expect(leap.getPartitionKeys(at("2033-01-01T00:00:00Z"))).toEqual(["2024-02-29", "2028-02-29"]);
  });

  it("skips months without the day of a day-31 monthly schedule", () => {
    const d31 = new MonthlyPartitionsDefinition({ startDate: "2024-01-01", dayOffset: 31 });
    expect(d31.getPartitionKeys(at("2024-09-01T00:00:00Z"))).toEqual(["2024-01-31", "2024-03-31", "2024-05-31", "2024-07-31"]);
  });
});

describe("indices without enumeration", () => {
  it("converts keys and indices at the 100,000th hour", () => {
    const hourly = new HourlyPartitionsDefinition({ startDate: "2015-01-01-00:00" });
    const now = at("2026-06-01T00:00:00Z");
    expect(hourly.getNumPartitions(now)).toBe(Math.floor((Date.parse("2026-06-01T00:00:00Z") - Date.parse("2015-01-01T00:00:00Z")) / 3_600_000));
    const key = hourly.getPartitionKeyAtIndex(99_999);
    expect(key).toBe("2026-05-29-15:00");
    expect(hourly.getPartitionIndex(key, now)).toBe(99_999);
    expect(hourly.getIndexForTimestamp(Date.parse("2026-05-29T15:59:59Z"))).toBe(99_999);
  });

  it("finds the window of a timestamp, a boundary belonging to the window it starts (or ends, with endClosed)", () => {
    const daily = new DailyPartitionsDefinition({ startDate: "2024-01-01" });
    expect(daily.getPartitionKeyForTimestamp(Date.parse("2024-01-05T00:00:00Z"))).toBe("2024-01-05");
    expect(daily.getPartitionKeyForTimestamp(Date.parse("2024-01-05T00:00:00Z"), true)).toBe("2024-01-04");
    expect(daily.getPartitionKeyForTimestamp(new Date("2024-01-05T13:00:00Z"))).toBe("2024-01-05");
  });
});

describe("bad input", () => {
  it("refuses a timezone that is not an IANA name and suggests the near one", () => {
    const e = thrown(() => new DailyPartitionsDefinition({ startDate: "2024-01-01", timezone: "Europe/Berln" }));
    expect(e).toBeInstanceOf(InvalidTimezoneError);
    expect(e.message).toContain('Did you mean "Europe/Berlin"?');
    expect(thrown(() => new DailyPartitionsDefinition({ startDate: "2024-01-01", timezone: "+02:00" }))).toBeInstanceOf(InvalidTimezoneError);
    expect(thrown(() => new DailyPartitionsDefinition({ startDate: "2024-01-01", timezone: "Mars/Olympus" }))).toBeInstanceOf(InvalidTimezoneError);
    expect(new DailyPartitionsDefinition({ startDate: "2024-01-01", timezone: "Etc/GMT+5" }).timezone).toBe("Etc/GMT+5");
    expect(new DailyPartitionsDefinition({ startDate: "2024-01-01", timezone: "utc" }).timezone).toBe("UTC");
  });

  it("refuses a fmt that cannot round-trip, naming the colliding windows", () => {
    const e = thrown(() => new HourlyPartitionsDefinition({ startDate: "2024-01-01", fmt: "%Y-%m-%d" }));
    expect(e).toBeInstanceOf(InvalidPartitionFormatError);
    expect(e.message).toContain('both format as "2024-01-01"');
    expect(thrown(() => new DailyPartitionsDefinition({ startDate: "2024-01-01", fmt: "%m-%d" }))).toBeInstanceOf(InvalidPartitionFormatError);
    expect(thrown(() => new DailyPartitionsDefinition({ startDate: "2024-01-01", fmt: "%Y-%d" }))).toBeInstanceOf(InvalidPartitionFormatError);
    expect(thrown(() => new DailyPartitionsDefinition({ startDate: "2024-01-01", fmt: "%Y-%m-%d %Q" })).message).toContain('"%Q" is not supported');
  });

  it("accepts another complete format", () => {
    const slashes = new DailyPartitionsDefinition({ startDate: "2021/05/05", fmt: "%Y/%m/%d" });
    expect(slashes.getPartitionKeys(at("2021-05-07T00:00:00Z"))).toEqual(["2021/05/05", "2021/05/06"]);
  });

  it("names the valid range for an unknown key", () => {
    const daily = new DailyPartitionsDefinition({ startDate: "2021-05-05" });
    const late = thrown(() => daily.validatePartitionKey("2023-05-06", at("2022-01-01T00:00:00Z")));
    expect(late).toBeInstanceOf(PartitionKeyNotFoundError);
    expect((late as PartitionKeyNotFoundError).code).toBe("UNKNOWN_PARTITION_KEY");
    expect(late.message).toContain('after the last partition. Valid keys run from "2021-05-05" to "2021-12-31"');
    expect(thrown(() => daily.validatePartitionKey("2021-5-6x", at("2022-01-01T00:00:00Z"))).message).toContain('does not match the format "%Y-%m-%d"');
    const hourly = new HourlyPartitionsDefinition({ startDate: "2024-01-01-00:00" });
    expect(thrown(() => hourly.validatePartitionKey("2024-01-01-03:30", at("2024-02-01T00:00:00Z"))).message).toContain(
      'not the start of a window; the window containing it is "2024-01-01-03:00"',
    );
  });

  it("refuses a range whose ends are out of order", () => {
    const daily = new DailyPartitionsDefinition({ startDate: "2021-05-05" });
    const e = thrown(() => daily.getPartitionKeysInRange(new PartitionKeyRange("2021-05-09", "2021-05-06"), at("2022-01-01T00:00:00Z")));
    expect(e).toBeInstanceOf(InvalidPartitionKeyRangeError);
    expect(e.message).toContain('"2021-05-09"..."2021-05-06"');
  });

  it("refuses a start that matches no format, and offsets out of range", () => {
    expect(thrown(() => new DailyPartitionsDefinition({ startDate: "next tuesday" })).message).toContain("matches neither the format");
    expect(thrown(() => new HourlyPartitionsDefinition({ startDate: "2024-01-01", minuteOffset: 60 })).message).toContain("minuteOffset must be an integer from 0 to 59");
    expect(thrown(() => new WeeklyPartitionsDefinition({ startDate: "2024-01-01", dayOffset: 7 })).message).toContain("dayOffset");
  });
});

describe("keys listed in bulk", () => {
  it("names both 01:00 hours of New York's fall-back and skips 02:00 of its spring-forward", () => {
    const fall = new HourlyPartitionsDefinition({ startDate: "2023-11-05-00:00", timezone: "America/New_York" });
    expect(fall.getPartitionKeys(at("2023-11-05T12:00:00Z")).slice(0, 4)).toEqual(["2023-11-05-00:00", "2023-11-05-01:00", "2023-11-05-01:00-0500", "2023-11-05-02:00"]);
    const spring = new HourlyPartitionsDefinition({ startDate: "2024-03-10-00:00", timezone: "America/New_York" });
    expect(spring.getPartitionKeys(at("2024-03-10T12:00:00Z")).slice(0, 3)).toEqual(["2024-03-10-00:00", "2024-03-10-01:00", "2024-03-10-03:00"]);
  });

  it("names both 02:00 hours of Berlin's fall-back and skips 02:00 of its spring-forward", () => {
    const fall = new HourlyPartitionsDefinition({ startDate: "2023-10-29-01:00", timezone: "Europe/Berlin" });
    expect(fall.getPartitionKeys(at("2023-10-29T12:00:00Z")).slice(0, 4)).toEqual(["2023-10-29-01:00", "2023-10-29-02:00", "2023-10-29-02:00+0100", "2023-10-29-03:00"]);
    const spring = new HourlyPartitionsDefinition({ startDate: "2024-03-31-01:00", timezone: "Europe/Berlin" });
    expect(spring.getPartitionKeys(at("2024-03-31T12:00:00Z")).slice(0, 2)).toEqual(["2024-03-31-01:00", "2024-03-31-03:00"]);
  });

  it("equal the keys of each index alone over years of DST changes in New York and Berlin, hourly and daily", () => {
    const formats = ["%Y-%m-%d-%H:%M", "%H:%M on %Y-%m-%d", "%Y-%m-%dT%H:%M%z", "%Y%m%d %H"];
    for (const timezone of ["America/New_York", "Europe/Berlin"]) {
      for (const fmt of formats) {
        const hourly = new TimeWindowPartitionsDefinition({ cronSchedule: "0 * * * *", fmt, start: new Date("2021-06-01T00:00:00Z"), timezone });
        const now = at("2024-06-01T00:00:00Z");
        const keys = hourly.getPartitionKeys(now);
        expect(keys.length).toBe(hourly.getNumPartitions(now));
        keys.forEach((key, i) => expect(key, `${timezone} ${fmt} #${i}`).toBe(hourly.getPartitionKeyAtIndex(i)));
        expect(hourly.getPartitionKeysBetweenIndexes(3_000, 3_100, now)).toEqual(keys.slice(3_000, 3_100));
      }
      const daily = new DailyPartitionsDefinition({ startDate: "2015-01-01", timezone, hourOffset: 2, minuteOffset: 30 });
      const now = at("2025-01-01T00:00:00Z");
      daily.getPartitionKeys(now).forEach((key, i) => expect(key).toBe(daily.getPartitionKeyAtIndex(i)));
    }
  });

  it("equal the keys of each index when a listing starts inside a repeated hour, every quarter hour and with seconds", () => {
    for (const timezone of ["America/New_York", "Europe/Berlin"]) {
      for (const [cronSchedule, fmt] of [["*/15 * * * *", "%Y-%m-%d %H:%M"], ["0 * * * *", "%H:%M:%S %d.%m.%Y"]] as const) {
        const def = new TimeWindowPartitionsDefinition({ cronSchedule, fmt, start: new Date("2023-10-28T00:00:00Z"), timezone });
        const now = at("2023-11-07T00:00:00Z");
        const n = def.getNumPartitions(now);
        const each = Array.from({ length: n }, (_, i) => def.getPartitionKeyAtIndex(i));
        expect(def.getPartitionKeys(now)).toEqual(each);
        for (let start = 0; start < n; start += 7) expect(def.getPartitionKeysBetweenIndexes(start, start + 9, now), `${timezone} ${cronSchedule} from ${start}`).toEqual(each.slice(start, start + 9));
      }
    }
  });

  it("list a key range and a time window as the keys of their indices", () => {
    const hourly = new HourlyPartitionsDefinition({ startDate: "2023-10-28-00:00", timezone: "Europe/Berlin" });
    const now = at("2023-11-02T00:00:00Z");
    const all = hourly.getPartitionKeys(now);
    expect(hourly.getPartitionKeysInRange(new PartitionKeyRange("2023-10-29-01:00", "2023-10-29-03:00"), now)).toEqual([
      "2023-10-29-01:00",
      "2023-10-29-02:00",
      "2023-10-29-02:00+0100",
      "2023-10-29-03:00",
    ]);
    const window = { start: new Date("2023-10-29T00:00:00Z"), end: new Date("2023-10-30T00:00:00Z") };
    const inWindow = hourly.getPartitionKeysInTimeWindow(window);
    expect(inWindow.length).toBe(24);
    expect(all).toEqual(expect.arrayContaining(inWindow));
  });
});

describe("keys read back as their index (property)", () => {
  const zones = ["UTC", "Europe/Berlin", "America/Los_Angeles", "Australia/Lord_Howe", "America/Sao_Paulo", "Pacific/Chatham", "Asia/Kolkata"];
  const schedules: [string, string][] = [
    ["0 * * * *", "%Y-%m-%d-%H:%M"],
    ["*/15 * * * *", "%Y-%m-%d-%H:%M"],
    ["0 0 * * *", "%Y-%m-%d"],
    ["30 2 * * *", "%Y-%m-%d"],
    ["0 0 * * 1", "%Y-%m-%d"],
    ["0 0 1 * *", "%Y-%m"],
    ["0 */4 * * *", "%Y-%m-%d-%H"],
    ["0 0 L * *", "%Y-%m-%d"],
  ];

  it("for any zone, schedule and index", async () => {
    const fc = (await import("fast-check")).default;
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom(...schedules),
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.integer({ min: 0, max: 1500 }),
        (timezone, [cronSchedule, fmt], start, index) => {
          const def = new TimeWindowPartitionsDefinition({ cronSchedule, fmt, start: new Date(start), timezone });
          const key = def.getPartitionKeyAtIndex(index);
          expect(def.findPartitionIndex(key)).toBe(index);
          const window = def.getTimeWindowAtIndex(index);
          expect(window.end.getTime()).toBeGreaterThan(window.start.getTime());
          expect(def.getIndexForTimestamp(window.start)).toBe(index);
          expect(def.getIndexForTimestamp(window.end.getTime() - 1)).toBe(index);
          const now = { currentTime: new Date(def.getStartMsAtIndex(index + 1)) };
          expect(def.getNumPartitions(now)).toBe(index + 1);
          expect(def.getLastPartitionKey(now)).toBe(key);
        },
      ),
      { numRuns: 200 },
    );
  });
});
