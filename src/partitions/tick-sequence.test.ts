import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CronSchedule } from "./cron.js";
import { iteratedTickSequence, tickSequence } from "./tick-sequence.js";
import { ZoneOffsets } from "./time-zone.js";

// Local time with its UTC offset, e.g. "2023-10-29T02:00+01:00".
function local(t: number, zone: string): string {
  const off = ZoneOffsets.for(zone).offsetAt(t);
  const sign = off < 0 ? "-" : "+";
  const abs = Math.abs(off) / 60_000;
  return `${new Date(t + off).toISOString().slice(0, 16)}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

function ticks(cron: string, zone: string, from: string, n: number): string[] {
  const seq = tickSequence(new CronSchedule(cron), ZoneOffsets.for(zone), Date.parse(from));
  return Array.from({ length: n }, (_, i) => local(seq.instantAt(i), zone));
}

describe("ticks across DST changes (the reference's rules)", () => {
  it("daily at 02:00 in Berlin's fall-back fires once, at the second 02:00", () => {
    expect(ticks("0 2 * * *", "Europe/Berlin", "2023-10-27T01:00Z", 4)).toEqual([
      "2023-10-28T02:00+02:00",
      "2023-10-29T02:00+01:00",
      "2023-10-30T02:00+01:00",
      "2023-10-31T02:00+01:00",
    ]);
  });

  it("daily at 02:30 in Berlin's spring-forward fires when the gap ends, 03:00", () => {
    expect(ticks("30 2 * * *", "Europe/Berlin", "2023-03-25T00:00Z", 3)).toEqual([
      "2023-03-25T02:30+01:00",
      "2023-03-26T03:00+02:00",
      "2023-03-27T02:30+02:00",
    ]);
  });

  it("daily at 02:00 on Lord Howe's half-hour spring-forward fires at 02:30", () => {
    expect(ticks("0 2 * * *", "Australia/Lord_Howe", "2023-09-29T00:00Z", 3)).toEqual([
      "2023-09-30T02:00+10:30",
      "2023-10-01T02:30+11:00",
      "2023-10-02T02:00+11:00",
    ]);
  });

  it("hourly in Berlin's fall-back fires at both 02:45s", () => {
    expect(ticks("45 * * * *", "Europe/Berlin", "2023-10-28T22:00Z", 5)).toEqual([
      "2023-10-29T00:45+02:00",
      "2023-10-29T01:45+02:00",
      "2023-10-29T02:45+02:00",
      "2023-10-29T02:45+01:00",
      "2023-10-29T03:45+01:00",
    ]);
  });

  it("hourly in Berlin's spring-forward skips the missing 02:00", () => {
    expect(ticks("0 * * * *", "Europe/Berlin", "2023-03-25T23:30Z", 3)).toEqual([
      "2023-03-26T01:00+01:00",
      "2023-03-26T03:00+02:00",
      "2023-03-26T04:00+02:00",
    ]);
  });

  it("every 30 minutes in New York's fall-back visits 01:00 and 01:30 twice, in time order", () => {
    expect(ticks("*/30 * * * *", "America/New_York", "2023-11-05T04:30Z", 6)).toEqual([
      "2023-11-05T00:30-04:00",
      "2023-11-05T01:00-04:00",
      "2023-11-05T01:30-04:00",
      "2023-11-05T01:00-05:00",
      "2023-11-05T01:30-05:00",
      "2023-11-05T02:00-05:00",
    ]);
  });

  it("monthly at 01:30 on the 5th in US/Central takes the second 01:30 of Nov 5", () => {
    expect(ticks("30 1 5 * *", "US/Central", "2023-10-01T00:00Z", 3)).toEqual([
      "2023-10-05T01:30-05:00",
      "2023-11-05T01:30-06:00",
      "2023-12-05T01:30-06:00",
    ]);
  });

  it("weekly on Sundays at 02:30 in Berlin fires at 03:00 on the spring-forward Sunday", () => {
    expect(ticks("30 2 * * 0", "Europe/Berlin", "2023-03-19T00:00Z", 3)).toEqual([
      "2023-03-19T02:30+01:00",
      "2023-03-26T03:00+02:00",
      "2023-04-02T02:30+02:00",
    ]);
  });

  it("an hourly-on-weekdays schedule (iterated) follows the hourly rules", () => {
    expect(ticks("0 * * * 0", "Europe/Berlin", "2023-10-28T23:00Z", 4)).toEqual([
      "2023-10-29T01:00+02:00",
      "2023-10-29T02:00+02:00",
      "2023-10-29T02:00+01:00",
      "2023-10-29T03:00+01:00",
    ]);
  });
});

describe("closed forms agree with iteration", () => {
  const zones = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "America/Sao_Paulo", "Pacific/Chatham"];
  const crons = ["0 * * * *", "15 * * * *", "*/20 * * * *", "0,45 * * * *", "0 0 * * *", "30 2 * * *", "0 1 * * *", "45 23 * * 3", "0 2 * * 0", "30 1 5 * *", "0 0 1 * *", "0 3 28 * *"];

  it("for every ordinal near random anchors (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom(...crons),
        fc.integer({ min: Date.UTC(1995, 0, 1), max: Date.UTC(2045, 0, 1) }),
        fc.integer({ min: -40, max: 60 }),
        (zone, cron, anchor, ordinal) => {
          const schedule = new CronSchedule(cron);
          const fast = tickSequence(schedule, ZoneOffsets.for(zone), anchor);
          const slow = iteratedTickSequence(schedule, ZoneOffsets.for(zone), anchor);
          const t = slow.instantAt(ordinal);
          expect(fast.instantAt(ordinal)).toBe(t);
          expect(fast.floorOrdinal(t)).toBe(ordinal);
          expect(fast.floorOrdinal(t - 1)).toBe(ordinal - 1);
          expect(fast.floorOrdinal(t + 1)).toBe(slow.floorOrdinal(t + 1));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("over every DST change of a year, tick by tick", () => {
    for (const zone of ["Europe/Berlin", "America/Los_Angeles", "Australia/Lord_Howe"]) {
      for (const cron of ["0 * * * *", "30 2 * * *", "0 1 * * 0"]) {
        const schedule = new CronSchedule(cron);
        const anchor = Date.UTC(2024, 0, 1);
        const fast = tickSequence(schedule, ZoneOffsets.for(zone), anchor);
        const slow = iteratedTickSequence(schedule, ZoneOffsets.for(zone), anchor);
        const n = cron.startsWith("0 *") ? 24 * 366 : 60;
        for (let i = 0; i < n; i++) expect(fast.instantAt(i)).toBe(slow.instantAt(i));
      }
    }
  });
});

describe("instants listed in one pass agree with iteration", () => {
  const zones = ["America/New_York", "Europe/Berlin", "UTC", "Australia/Lord_Howe"];
  const crons = ["0 * * * *", "15 * * * *", "*/20 * * * *", "0 0 * * *", "30 2 * * *", "0 1 * * *", "0 */4 * * *"];

  it("from any ordinal near a DST change, across several of them (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom(...crons),
        // Anchors within a few days of the March and the October/November changes of some year.
        fc.tuple(fc.integer({ min: 2000, max: 2035 }), fc.constantFrom(2, 9, 10), fc.integer({ min: 0, max: 40 * 24 })),
        fc.integer({ min: -200, max: 200 }),
        fc.integer({ min: 0, max: 24 * 220 }),
        (zone, cron, [year, month, hours], from, count) => {
          const schedule = new CronSchedule(cron);
          const anchor = Date.UTC(year, month, 1) + hours * 3_600_000;
          const fast = tickSequence(schedule, ZoneOffsets.for(zone), anchor);
          const slow = iteratedTickSequence(schedule, ZoneOffsets.for(zone), anchor);
          const listed = fast.instantsFrom(from, count);
          expect(listed.length).toBe(count);
          for (let i = 0; i < count; i++) expect(listed[i], `${zone} ${cron} ordinal ${from + i}`).toBe(slow.instantAt(from + i));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("over every hour of 2023 in New York and Berlin, hourly and daily", () => {
    for (const zone of ["America/New_York", "Europe/Berlin"]) {
      for (const cron of ["0 * * * *", "0 0 * * *"]) {
        const anchor = Date.UTC(2023, 0, 1);
        const schedule = new CronSchedule(cron);
        const slow = iteratedTickSequence(schedule, ZoneOffsets.for(zone), anchor);
        const n = cron === "0 * * * *" ? 24 * 365 : 365;
        const listed = tickSequence(schedule, ZoneOffsets.for(zone), anchor).instantsFrom(0, n);
        const expected = Float64Array.from({ length: n }, (_, i) => slow.instantAt(i));
        expect(listed).toEqual(expected);
      }
    }
  });
});
