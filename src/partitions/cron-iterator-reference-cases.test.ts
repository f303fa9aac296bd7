// Cases ported from the reference's cron iterator tests (scheduler_tests/test_cron_string_iterator.py),
// run against both tick sequences: the closed forms that definitions use and the iterating model.
// The reference's forward iterator starts at the first tick at or after a timestamp; its reverse one at
// the last tick at or before it. Here: ordinal 0 of a sequence anchored at t, and ordinal -1 of one
// anchored one millisecond after t.
import { describe, expect, it } from "vitest";
import { CronSchedule } from "./cron.js";
import { InvalidCronScheduleError } from "./errors.js";
import { iteratedTickSequence, tickSequence, type TickSequence } from "./tick-sequence.js";
import { HourlyPartitionsDefinition } from "./time-window-cadences.js";
import { ZoneOffsets } from "./time-zone.js";

type Make = (schedule: CronSchedule, zone: ZoneOffsets, anchor: number) => TickSequence;
const SEQUENCES: [string, Make][] = [
  ["closed form", tickSequence],
  ["iterated", iteratedTickSequence],
];

/** The instant of a local time; `fold` 1 picks the second occurrence of a repeated time. */
function at(zone: string, y: number, mo: number, d: number, h = 0, mi = 0, fold: 0 | 1 = 0): number {
  const r = ZoneOffsets.for(zone).resolve(Date.UTC(y, mo - 1, d, h, mi));
  if (r.kind === "unique") return r.instant;
  if (r.kind === "ambiguous") return fold === 1 ? r.later : r.earlier;
  throw new Error(`${y}-${mo}-${d} ${h}:${mi} does not exist in ${zone}`);
}

function forward(make: Make, cron: string, zone: string, start: number, n: number): number[] {
  const seq = make(CronSchedule.of(cron), ZoneOffsets.for(zone), start);
  return Array.from({ length: n }, (_, i) => seq.instantAt(i));
}

function backward(make: Make, cron: string, zone: string, start: number, n: number): number[] {
  const seq = make(CronSchedule.of(cron), ZoneOffsets.for(zone), start + 1);
  return Array.from({ length: n }, (_, i) => seq.instantAt(-1 - i));
}

const iso = (ts: readonly number[]): string[] => ts.map((t) => new Date(t).toISOString());

// From each tick, and from `points` instants strictly between it and the next one, the following ticks
// are the expected ones, forwards; and the same backwards over the reversed list.
function checkAdvances(make: Make, zone: string, cron: string, times: number[], points: number): void {
  for (let i = 0; i < times.length - 1; i++) {
    const here = times[i] as number;
    const next = times[i + 1] as number;
    expect(iso(forward(make, cron, zone, here, times.length - i)), `from the tick ${new Date(here).toISOString()}`).toEqual(
      iso(times.slice(i)),
    );
    const step = (next - 75_000 - here) / points;
    for (let s = here + 1000; s < next; s += step) {
      expect(iso(forward(make, cron, zone, s, times.length - i - 1)), `from ${new Date(s).toISOString()}`).toEqual(
        iso(times.slice(i + 1)),
      );
    }
  }
}

function checkReversedAdvances(make: Make, zone: string, cron: string, ascending: number[], points: number): void {
  const times = [...ascending].reverse();
  for (let i = 0; i < times.length - 1; i++) {
    const here = times[i] as number;
    const next = times[i + 1] as number;
    expect(iso(backward(make, cron, zone, here, times.length - i)), `back from the tick ${new Date(here).toISOString()}`).toEqual(
      iso(times.slice(i)),
    );
    const step = (here - (next + 75_000)) / points;
    for (let s = here - 1000; s > next; s -= step) {
      expect(iso(backward(make, cron, zone, s, times.length - i - 1)), `back from ${new Date(s).toISOString()}`).toEqual(
        iso(times.slice(i + 1)),
      );
    }
  }
}

describe.each(SEQUENCES)("cron iteration, reference cases (%s)", (_name, make) => {
  it("test_cron_iterator_always_advances", () => {
    const zone = "Europe/Berlin";
    // 02:00 does not exist that day: the reference's datetime for it is 03:00+02:00.
    expect(ZoneOffsets.for(zone).resolve(Date.UTC(2023, 2, 26, 2, 0)).kind).toBe("gap");
    let start = at(zone, 2023, 3, 26, 3) + 1000;
    const expectedNext = 1_679_875_200_000; // 2023-03-27 02:00+02:00
    let checked = 0;
    while (start < expectedNext) {
      const [next] = forward(make, "0 2 * * *", zone, start + 1000, 1);
      expect(next).toBeGreaterThan(start);
      start += 75_000;
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it("test_cron_iterator_leap_day", () => {
    const zone = "Europe/Berlin";
    const ticks = forward(make, "2 4 29 2 *", zone, at(zone, 2023, 3, 27, 1) + 1000, 100);
    const off = ZoneOffsets.for(zone);
    for (const t of ticks) {
      const local = new Date(off.toWall(t));
      const year = local.getUTCFullYear();
      expect([local.getUTCMonth() + 1, local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes()]).toEqual([2, 29, 4, 2]);
      expect(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)).toBe(true);
    }
    expect(new Date(ticks[0] as number).getUTCFullYear()).toBe(2024);
    expect(new Date(ticks[99] as number).getUTCFullYear()).toBeGreaterThan(2400);
  });

  it("test_cron_iterator_batch_matches_iterator", () => {
    const start = Date.UTC(2024, 0, 1);
    const seq = make(CronSchedule.of("*/15 * * * *"), ZoneOffsets.for("UTC"), start);
    const batch = Array.from(seq.instantsFrom(0, 5));
    const fresh = make(CronSchedule.of("*/15 * * * *"), ZoneOffsets.for("UTC"), start);
    expect(batch).toEqual([0, 1, 2, 3, 4].map((i) => fresh.instantAt(i)));
    expect(iso(batch)).toEqual(["00:00", "00:15", "00:30", "00:45", "01:00"].map((hm) => `2024-01-01T${hm}:00.000Z`));
  });
});

// [year, month, day, hour, minute, fold?] in the case's zone.
type Local = [number, number, number, number, number, (0 | 1)?];
type Case = [zone: string, cron: string, times: Local[]];
const B = "Europe/Berlin";
const daysOf = (y: number, mo: number, days: number[], h: number, mi: number, foldDay?: number): Local[] =>
  days.map((d) => [y, mo, d, h, mi, d === foldDay ? 1 : 0]);

// Berlin falls back on 2023-10-29 (02:00-03:00 twice) and springs forward on 2023-03-26 (02:00 → 03:00);
// Lord Howe springs forward half an hour on 2023-10-01; US/Central falls back on 2023-11-05.
const DST_CASES: Case[] = [
  // Daily, fall back
  [B, "45 1 * * *", [...daysOf(2023, 10, [27, 28, 29, 30, 31], 1, 45), [2023, 11, 1, 1, 45]]],
  ["Australia/Lord_Howe", "0 2 * * *", [[2023, 9, 29, 2, 0], [2023, 9, 30, 2, 0], [2023, 10, 1, 2, 30], [2023, 10, 2, 2, 0], [2023, 10, 3, 2, 0]]],
  [B, "0 2 * * *", [...daysOf(2023, 10, [27, 28, 29, 30, 31], 2, 0, 29), [2023, 11, 1, 2, 0]]],
  [B, "30 2 * * *", [...daysOf(2023, 10, [27, 28, 29, 30, 31], 2, 30, 29), [2023, 11, 1, 2, 30]]],
  [B, "0 3 * * *", [...daysOf(2023, 10, [27, 28, 29, 30, 31], 3, 0), [2023, 11, 1, 3, 0]]],
  // Hourly, fall back: a repeated local time fires twice
  [B, "45 * * * *", [[2023, 10, 29, 0, 45], [2023, 10, 29, 1, 45], [2023, 10, 29, 2, 45, 0], [2023, 10, 29, 2, 45, 1], [2023, 10, 29, 3, 45]]],
  [B, "0 * * * *", [[2023, 10, 29, 0, 0], [2023, 10, 29, 1, 0], [2023, 10, 29, 2, 0, 0], [2023, 10, 29, 2, 0, 1], [2023, 10, 29, 3, 0]]],
  // Weekly, fall back
  [B, "45 1 * * 0", [...daysOf(2023, 10, [15, 22, 29], 1, 45), ...daysOf(2023, 11, [5, 12, 19], 1, 45)]],
  [B, "0 2 * * 0", [...daysOf(2023, 10, [15, 22, 29], 2, 0, 29), ...daysOf(2023, 11, [5, 12, 19], 2, 0)]],
  [B, "30 2 * * 0", [...daysOf(2023, 10, [15, 22, 29], 2, 30, 29), ...daysOf(2023, 11, [5, 12, 19], 2, 30)]],
  [B, "0 3 * * 0", [...daysOf(2023, 10, [15, 22, 29], 3, 0), ...daysOf(2023, 11, [5, 12, 19], 3, 0)]],
  // Monthly, fall back
  ["US/Central", "45 0 5 * *", [[2023, 9, 5, 0, 45], [2023, 10, 5, 0, 45], [2023, 11, 5, 0, 45], [2023, 12, 5, 0, 45], [2024, 1, 5, 0, 45]]],
  ["US/Central", "0 1 5 * *", [[2023, 9, 5, 1, 0], [2023, 10, 5, 1, 0], [2023, 11, 5, 1, 0, 1], [2023, 12, 5, 1, 0], [2024, 1, 5, 1, 0]]],
  ["US/Central", "30 1 5 * *", [[2023, 9, 5, 1, 30], [2023, 10, 5, 1, 30], [2023, 11, 5, 1, 30, 1], [2023, 12, 5, 1, 30], [2024, 1, 5, 1, 30]]],
  // 02:00 on 2023-11-05 exists once in US/Central (the repeated hour is 01:00): fold has no effect.
  ["US/Central", "0 2 5 * *", [[2023, 9, 5, 2, 0], [2023, 10, 5, 2, 0], [2023, 11, 5, 2, 0, 1], [2023, 12, 5, 2, 0], [2024, 1, 5, 2, 0]]],
  // Daily, spring forward: a skipped local time fires when the gap ends
  [B, "0 1 * * *", daysOf(2023, 3, [24, 25, 26, 27, 28, 29], 1, 0)],
  [B, "0 2 * * *", [[2023, 3, 24, 2, 0], [2023, 3, 25, 2, 0], [2023, 3, 26, 3, 0], [2023, 3, 27, 2, 0], [2023, 3, 28, 2, 0], [2023, 3, 29, 2, 0]]],
  [B, "30 2 * * *", [[2023, 3, 24, 2, 30], [2023, 3, 25, 2, 30], [2023, 3, 26, 3, 0], [2023, 3, 27, 2, 30], [2023, 3, 28, 2, 30], [2023, 3, 29, 2, 30]]],
  [B, "0 3 * * *", daysOf(2023, 3, [24, 25, 26, 27, 28, 29], 3, 0)],
  // Weekly, spring forward
  [B, "0 1 * * 0", [...daysOf(2023, 3, [12, 19, 26], 1, 0), ...daysOf(2023, 4, [2, 9, 16], 1, 0)]],
  [B, "0 2 * * 0", [[2023, 3, 12, 2, 0], [2023, 3, 19, 2, 0], [2023, 3, 26, 3, 0], ...daysOf(2023, 4, [2, 9, 16], 2, 0)]],
  [B, "30 2 * * 0", [[2023, 3, 12, 2, 30], [2023, 3, 19, 2, 30], [2023, 3, 26, 3, 0], ...daysOf(2023, 4, [2, 9, 16], 2, 30)]],
  [B, "0 3 * * 0", [...daysOf(2023, 3, [12, 19, 26], 3, 0), ...daysOf(2023, 4, [2, 9, 16], 3, 0)]],
  // Monthly, spring forward
  [B, "0 1 26 * *", [1, 2, 3, 4, 5].map((mo): Local => [2023, mo, 26, 1, 0])],
  [B, "0 2 26 * *", [1, 2, 3, 4, 5].map((mo): Local => [2023, mo, 26, mo === 3 ? 3 : 2, 0])],
  [B, "30 2 26 * *", [1, 2, 3, 4, 5].map((mo): Local => [2023, mo, 26, mo === 3 ? 3 : 2, mo === 3 ? 0 : 30])],
  [B, "0 3 26 * *", [1, 2, 3, 4, 5].map((mo): Local => [2023, mo, 26, 3, 0])],
  // Hourly, spring forward: a skipped local time has no tick
  [B, "45 * * * *", [[2023, 3, 26, 0, 45], [2023, 3, 26, 1, 45], [2023, 3, 26, 3, 45], [2023, 3, 26, 4, 45]]],
  [B, "0 * * * *", [[2023, 3, 26, 0, 0], [2023, 3, 26, 1, 0], [2023, 3, 26, 3, 0], [2023, 3, 26, 4, 0]]],
  [B, "*/15 * * * *", [1, 3].flatMap((h) => [0, 15, 30, 45].map((mi): Local => [2023, 3, 26, h, mi]))],
  [
    B,
    "*/15 * * * *",
    [
      ...[0, 15, 30, 45].map((mi): Local => [2023, 10, 29, 1, mi]),
      ...[0, 15, 30, 45].map((mi): Local => [2023, 10, 29, 2, mi, 0]),
      ...[0, 15, 30, 45].map((mi): Local => [2023, 10, 29, 2, mi, 1]),
      ...[0, 15, 30, 45].map((mi): Local => [2023, 10, 29, 3, mi]),
    ],
  ],
  // Day-of-month steps start at 1 and skip days a month lacks
  [
    "UTC",
    "0 0 */10 * *",
    [
      ...daysOf(2024, 1, [1, 11, 21, 31], 0, 0),
      ...daysOf(2024, 2, [1, 11, 21], 0, 0),
      ...daysOf(2024, 3, [1, 11, 21, 31], 0, 0),
      ...daysOf(2024, 4, [1, 11, 21], 0, 0),
      [2024, 5, 1, 0, 0],
    ],
  ],
  ["UTC", "0 0 */30 * *", [[2024, 1, 1, 0, 0], [2024, 1, 31, 0, 0], [2024, 2, 1, 0, 0], [2024, 3, 1, 0, 0], [2024, 3, 31, 0, 0], [2024, 4, 1, 0, 0], [2024, 5, 1, 0, 0]]],
];

const instants = (zone: string, times: Local[]): number[] => times.map(([y, mo, d, h, mi, fold]) => at(zone, y, mo, d, h, mi, fold ?? 0));

describe.each(SEQUENCES)("DST transitions, reference cases (%s)", (_name, make) => {
  it.each(DST_CASES)("test_dst_transition_advances: %s %s", (zone, cron, times) => {
    checkAdvances(make, zone, cron, instants(zone, times), 100);
  });

  it.each(DST_CASES)("test_reversed_dst_transition_advances: %s %s", (zone, cron, times) => {
    checkReversedAdvances(make, zone, cron, instants(zone, times), 100);
  });
});

const HALF_HOUR_ZONES = ["Asia/Kolkata", "Asia/Kathmandu", "Australia/Adelaide", "America/St_Johns", "Pacific/Chatham"];

describe.each(SEQUENCES)("zones, day lists and steps, reference cases (%s)", (_name, make) => {
  it.each(HALF_HOUR_ZONES)("test_hourly_cron_non_hour_offset_timezone_alignment: %s", (zone) => {
    const expected = [0, 1, 2, 3, 4, 5].map((h) => at(zone, 2026, 2, 16, h, 0));
    expect(iso(forward(make, "0 * * * *", zone, expected[0] as number, 6))).toEqual(iso(expected));
    expect(iso(backward(make, "0 * * * *", zone, expected[5] as number, 6))).toEqual(iso([...expected].reverse()));
  });

  it.each(HALF_HOUR_ZONES.flatMap((z) => [0, 30].map((m): [string, number] => [z, m])))(
    "test_hourly_cron_non_hour_offset_timezone_minute_fidelity: %s minute %i",
    (zone, minute) => {
      const ticks = forward(make, `${minute} * * * *`, zone, at(zone, 2026, 2, 16, 0, 0), 6);
      const off = ZoneOffsets.for(zone);
      expect(ticks.map((t) => new Date(off.toWall(t)).getUTCMinutes())).toEqual(Array(6).fill(minute));
      if (minute === 0) {
        const hourly = new HourlyPartitionsDefinition({ startDate: "2026-02-16-00:00", timezone: zone });
        expect(ticks.map((t) => hourly.getPartitionKeyForTimestamp(t))).toEqual(
          [0, 1, 2, 3, 4, 5].map((h) => `2026-02-16-0${h}:00`),
        );
      }
    },
  );

  it("test_last_day_of_month_cron_schedule", () => {
    const expected = [
      [2023, 10, 31],
      [2023, 11, 30],
      [2023, 12, 31],
    ].flatMap(([y, mo, d]) => [0, 15, 30, 45].map((mi) => at(B, y as number, mo as number, d as number, 13, mi)));
    expect(iso(forward(make, "*/15 13 L * *", B, (expected[0] as number) - 1000, 12))).toEqual(iso(expected));
    expect(iso(backward(make, "*/15 13 L * *", B, (expected[11] as number) + 1000, 12))).toEqual(iso([...expected].reverse()));
  });

  it.each(["0 0 * * 6-7", "0 0 * * 0,6"])("test_weekend_cron_schedule_with_sunday_as_7: %s", (cron) => {
    const expected = instants(B, [[2024, 10, 26, 0, 0], [2024, 10, 27, 0, 0], [2024, 11, 2, 0, 0], [2024, 11, 3, 0, 0], [2024, 11, 9, 0, 0], [2024, 11, 10, 0, 0]]);
    expect(iso(forward(make, cron, B, (expected[0] as number) - 1000, 6))).toEqual(iso(expected));
    expect(iso(backward(make, cron, B, (expected[5] as number) + 1000, 6))).toEqual(iso([...expected].reverse()));
  });
});

const P = "US/Pacific";
const SYD = "Australia/Sydney";
const DAY_OF_WEEK_CASES: Case[] = [
  [P, "0 0 * * 6-7", daysOf(2024, 1, [6, 7, 13, 14, 20, 21], 0, 0)],
  [P, "0 0 * * 0,6", daysOf(2024, 1, [6, 7, 13, 14, 20, 21], 0, 0)],
  [P, "0 9 * * 6-7", daysOf(2024, 1, [6, 7, 13, 14, 20, 21], 9, 0)],
  [P, "30 14 * * 6-7", daysOf(2024, 1, [6, 7, 13, 14, 20, 21], 14, 30)],
  [P, "0 8 * * 1-5", daysOf(2024, 1, [1, 2, 3, 4, 5, 8], 8, 0)],
  [P, "45 17 * * 1-5", daysOf(2024, 1, [1, 2, 3, 4, 5, 8], 17, 45)],
  [P, "0 12 * * 1,3,5", daysOf(2024, 1, [1, 3, 5, 8, 10, 12], 12, 0)],
  // US/Pacific springs forward on 2024-03-10 and falls back on 2024-11-03.
  [P, "0 2 * * 6-7", [[2024, 3, 2, 2, 0], [2024, 3, 3, 2, 0], [2024, 3, 9, 2, 0], [2024, 3, 10, 3, 0], [2024, 3, 16, 2, 0], [2024, 3, 17, 2, 0]]],
  [P, "30 2 * * 6-7", [[2024, 3, 2, 2, 30], [2024, 3, 3, 2, 30], [2024, 3, 9, 2, 30], [2024, 3, 10, 3, 0], [2024, 3, 16, 2, 30], [2024, 3, 17, 2, 30]]],
  [P, "0 1 * * 6-7", [[2024, 10, 26, 1, 0], [2024, 10, 27, 1, 0], [2024, 11, 2, 1, 0], [2024, 11, 3, 1, 0, 1], [2024, 11, 9, 1, 0], [2024, 11, 10, 1, 0]]],
  // Berlin springs forward on 2024-03-31 (a Sunday) and falls back on 2024-10-27 (a Sunday).
  [B, "0 2 * * 1-5", [...daysOf(2024, 3, [25, 26, 27, 28, 29], 2, 0), [2024, 4, 1, 2, 0]]],
  [B, "30 2 * * 1-5", [...daysOf(2024, 3, [25, 26, 27, 28, 29], 2, 30), [2024, 4, 1, 2, 30]]],
  [B, "30 2 * * 1-5", daysOf(2024, 10, [21, 22, 23, 24, 25, 28], 2, 30)],
  [SYD, "0 10 * * 6-7", daysOf(2024, 1, [6, 7, 13, 14, 20, 21], 10, 0)],
  // Sydney falls back on 2024-04-07.
  [SYD, "0 2 * * 6-7", [...daysOf(2024, 3, [30, 31], 2, 0), ...daysOf(2024, 4, [6, 7, 13, 14], 2, 0, 7)]],
  ["US/Eastern", "15 5 * * 1-5", daysOf(2024, 1, [1, 2, 3, 4, 5, 8], 5, 15)],
  ["US/Central", "45 23 * * 5-6", daysOf(2024, 1, [5, 6, 12, 13, 19, 20], 23, 45)],
];

describe.each(SEQUENCES)("day-of-week filters, reference cases (%s)", (_name, make) => {
  it.each(DAY_OF_WEEK_CASES)("test_day_of_week_filter_schedules: %s %s", (zone, cron, times) => {
    checkAdvances(make, zone, cron, instants(zone, times), 20);
  });

  it.each(DAY_OF_WEEK_CASES)("test_reversed_day_of_week_filter_schedules: %s %s", (zone, cron, times) => {
    checkReversedAdvances(make, zone, cron, instants(zone, times), 20);
  });
});

describe("test_invalid_cron_strings", () => {
  it.each(["0 0 27 2 *", "0 0 28 2 *", "0 0 29 2 *", "0 0 29 2 3", "0 0 31 1 *", "0 0 30 2 3", "0 0 31 2 3"])("accepts %s", (cron) => {
    expect(() => new CronSchedule(cron)).not.toThrow();
  });

  it.each(["0 0 30 2 *", "0 0 31 2 *", "0 0 32 2 *", "0 0 32 1 *"])("refuses %s, naming it", (cron) => {
    expect(() => new CronSchedule(cron)).toThrow(InvalidCronScheduleError);
    expect(() => new CronSchedule(cron)).toThrow(cron);
  });
});

// Not cases of the reference's test file: the same DST rules (its iterator's code: a `*` hour field fires
// on every occurrence, any other hour field once, at the gap's end or the repeated time's second
// occurrence) applied to aliases, lists and steps, checked the same way.
const RULE_CASES: Case[] = [
  [B, "@hourly", [[2023, 10, 29, 1, 0], [2023, 10, 29, 2, 0, 0], [2023, 10, 29, 2, 0, 1], [2023, 10, 29, 3, 0]]],
  [B, "@daily", daysOf(2023, 3, [25, 26, 27], 0, 0)],
  [B, "@weekly", [...daysOf(2023, 3, [19, 26], 0, 0), [2023, 4, 2, 0, 0]]],
  [B, "@monthly", [1, 2, 3, 4].map((mo): Local => [2023, mo, 1, 0, 0])],
  [B, "15,45 * * * *", [[2023, 10, 29, 1, 45], [2023, 10, 29, 2, 15, 0], [2023, 10, 29, 2, 45, 0], [2023, 10, 29, 2, 15, 1], [2023, 10, 29, 2, 45, 1], [2023, 10, 29, 3, 15]]],
  [B, "0 1,2 * * *", [[2023, 10, 28, 2, 0], [2023, 10, 29, 1, 0], [2023, 10, 29, 2, 0, 1], [2023, 10, 30, 1, 0]]],
  [B, "30 1,2,3 * * *", [[2023, 3, 26, 1, 30], [2023, 3, 26, 3, 0], [2023, 3, 26, 3, 30], [2023, 3, 27, 1, 30]]],
  [B, "0 */2 * * *", [[2023, 3, 26, 0, 0], [2023, 3, 26, 3, 0], [2023, 3, 26, 4, 0], [2023, 3, 26, 6, 0]]],
  [B, "0 */2 * * *", [[2023, 10, 29, 0, 0], [2023, 10, 29, 2, 0, 1], [2023, 10, 29, 4, 0]]],
  [B, "*/20 0-23 * * *", [[2023, 3, 26, 1, 20], [2023, 3, 26, 1, 40], [2023, 3, 26, 3, 0], [2023, 3, 26, 3, 20]]],
];

describe.each(SEQUENCES)("aliases, lists and steps across DST (%s)", (_name, make) => {
  it.each(RULE_CASES)("forwards: %s %s", (zone, cron, times) => {
    checkAdvances(make, zone, cron, instants(zone, times), 20);
  });

  it.each(RULE_CASES)("backwards: %s %s", (zone, cron, times) => {
    checkReversedAdvances(make, zone, cron, instants(zone, times), 20);
  });
});
