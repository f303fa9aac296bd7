import { Cron } from "croner";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CronSchedule } from "./cron.js";
import { InvalidCronScheduleError } from "./errors.js";

const utc = (s: string) => Date.parse(`${s}Z`);

describe("CronSchedule", () => {
  it("recognises the shapes that allow index arithmetic", () => {
    expect(new CronSchedule("0 * * * *").shape).toEqual({ kind: "minutes", minutes: [0] });
    expect(new CronSchedule("*/15 * * * *").shape).toEqual({ kind: "minutes", minutes: [0, 15, 30, 45] });
    expect(new CronSchedule("30 6 * * *").shape).toEqual({ kind: "daily", minute: 30, hour: 6 });
    expect(new CronSchedule("0 0 * * 1").shape).toEqual({ kind: "weekly", minute: 0, hour: 0, dayOfWeek: 1 });
    expect(new CronSchedule("0 0 * * 7").shape).toEqual({ kind: "weekly", minute: 0, hour: 0, dayOfWeek: 0 });
    expect(new CronSchedule("15 3 5 * *").shape).toEqual({ kind: "monthly", minute: 15, hour: 3, dayOfMonth: 5 });
    expect(new CronSchedule("0 0 31 * *").shape.kind).toBe("general");
    expect(new CronSchedule("0 */4 * * *").shape.kind).toBe("general");
    expect(new CronSchedule("@daily").shape).toEqual({ kind: "daily", minute: 0, hour: 0 });
  });

  it("says whether the hour field repeats every hour (the reference's DST switch)", () => {
    expect(new CronSchedule("0 * * * *").repeatsEveryHour).toBe(true);
    expect(new CronSchedule("0 * * * 1-5").repeatsEveryHour).toBe(true);
    expect(new CronSchedule("0 */2 * * *").repeatsEveryHour).toBe(false);
    expect(new CronSchedule("0 0 * * *").repeatsEveryHour).toBe(false);
  });

  it.each([
    ["0 0 * *", /five fields/],
    ["0 0 * * * *", /five fields/],
    ["61 * * * *", /minute/],
    ["0 0 30 2 *", /no date ever matches/],
    ["0 0 31 4 *", /no date ever matches/],
    ["", /five/],
  ])("refuses %j", (expr, message) => {
    const error = (() => {
      try {
        new CronSchedule(expr);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidCronScheduleError);
    expect((error as InvalidCronScheduleError).code).toBe("INVALID_CRON_SCHEDULE");
    expect((error as Error).message).toMatch(message);
  });

  it("finds Feb 29 only in leap years", () => {
    const c = new CronSchedule("2 4 29 2 *");
    let w = utc("2023-03-01T00:00");
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      w = c.nextWall(w);
      seen.push(new Date(w).toISOString());
    }
    expect(seen).toEqual(["2024-02-29T04:02:00.000Z", "2028-02-29T04:02:00.000Z", "2032-02-29T04:02:00.000Z"]);
  });

  it("ORs day-of-month and day-of-week when both are restricted, as cron does", () => {
    const c = new CronSchedule("0 0 13 * 5"); // the 13th or any Friday
    let w = utc("2024-09-01T00:00");
    const days: number[] = [];
    for (let i = 0; i < 5; i++) {
      w = c.nextWall(w);
      days.push(new Date(w).getUTCDate());
    }
    expect(days).toEqual([6, 13, 20, 27, 4]);
  });

  it("iterates L (last day of month) through croner", () => {
    const c = new CronSchedule("0 0 L * *");
    const w = c.nextWall(utc("2024-02-01T00:00"));
    expect(new Date(w).toISOString()).toBe("2024-02-29T00:00:00.000Z");
    expect(new Date(c.prevWall(w)).toISOString()).toBe("2024-01-31T00:00:00.000Z");
  });

  it("agrees with croner on next and previous matches (property)", () => {
    const field = (max: number, min = 0) =>
      fc.oneof(
        fc.constant("*"),
        fc.integer({ min, max }).map(String),
        fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
        fc.integer({ min: 1, max: Math.max(2, Math.floor(max / 2)) }).map((s) => `*/${s}`),
        fc.uniqueArray(fc.integer({ min, max }), { minLength: 1, maxLength: 3 }).map((xs) => xs.join(",")),
      );
    fc.assert(
      fc.property(
        fc.tuple(field(59), field(23), field(28, 1), field(12, 1), field(6), fc.boolean()),
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }),
        ([mi, ho, dom, mon, dow, domFree], start) => {
          // Leave one of day-of-month and day-of-week free: the libraries disagree on whether "*/1" restricts.
          const expr = [mi, ho, domFree ? "*" : dom, mon, domFree ? dow : "*"].join(" ");
          const ours = new CronSchedule(expr);
          const theirs = new Cron(expr, { timezone: "UTC", paused: true, mode: "5-part", domAndDow: false });
          const next = theirs.nextRun(new Date(start));
          expect(ours.nextWall(start)).toBe(next?.getTime());
          const prev = theirs.previousRuns(1, new Date(start))[0];
          expect(ours.prevWall(start)).toBe(prev?.getTime());
        },
      ),
      { numRuns: 300 },
    );
  });
});
