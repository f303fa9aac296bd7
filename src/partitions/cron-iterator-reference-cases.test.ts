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
