// Cron schedules on the wall clock: parsing, the shapes that allow index arithmetic, and next/previous matching minutes.
import { Cron } from "croner";
import { civilFromDays, daysInMonth, floorDiv, MINUTE_MS, mod, weekdayOfDays } from "./civil-time.js";
import { InvalidCronScheduleError } from "./errors.js";

const ALIASES: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};
const MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DOW_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/**
 * The shape of a schedule, which decides how partition indices are computed:
 * `minutes` (every hour at fixed minutes) and the single-time `daily`, `weekly`, `monthly` (day ≤ 28)
 * have closed forms; anything else is iterated.
 */
export type CronShape =
  | { kind: "minutes"; minutes: readonly number[] }
  | { kind: "daily"; minute: number; hour: number }
  | { kind: "weekly"; minute: number; hour: number; dayOfWeek: number }
  | { kind: "monthly"; minute: number; hour: number; dayOfMonth: number }
  | { kind: "general" };

interface Fields {
  minutes: boolean[];
  hours: boolean[];
  doms: boolean[]; // index 1-31
  months: boolean[]; // index 1-12
  dows: boolean[]; // index 0-6
  domStar: boolean;
  dowStar: boolean;
}

/** A parsed, validated 5-field cron schedule. */
export class CronSchedule {
  readonly expression: string;
  readonly shape: CronShape;
  /** The hour field is `*`: the reference then fires on both occurrences of a repeated hour and skips missing ones. */
  readonly repeatsEveryHour: boolean;
  readonly #fields: Fields | undefined;
  readonly #croner: Cron | undefined;
  readonly #nextMinute: Int8Array;
  readonly #prevMinute: Int8Array;
  readonly #nextHour: Int8Array;
  readonly #prevHour: Int8Array;

  constructor(expression: string) {
    if (typeof expression !== "string" || expression.trim() === "") {
      throw new InvalidCronScheduleError(String(expression), "expected five space-separated fields, e.g. \"0 0 * * *\"");
    }
    const normalized = ALIASES[expression.trim().toLowerCase()] ?? expression.trim().replace(/\s+/g, " ");
    const parts = normalized.split(" ");
    if (parts.length !== 5) {
      throw new InvalidCronScheduleError(
        expression,
        `expected exactly five fields (minute hour day-of-month month day-of-week), found ${parts.length}`,
      );
    }
    this.expression = expression;
    let fields: Fields | undefined;
    try {
      fields = parseFields(parts);
    } catch (e) {
      if (!(e instanceof UnsupportedSyntax)) throw new InvalidCronScheduleError(expression, (e as Error).message);
    }
    let croner: Cron | undefined;
    try {
      // croner validates every pattern and iterates the ones our parser leaves to it (L, W, #).
      croner = new Cron(normalized, { timezone: "UTC", paused: true, mode: "5-part", domAndDow: false });
    } catch (e) {
      throw new InvalidCronScheduleError(expression, (e as Error).message.replace(/^CronPattern: /, ""));
    }
    if (fields) {
      if (!canEverMatch(fields)) throw new InvalidCronScheduleError(expression, "no date ever matches it (e.g. the 30th of February)");
      this.#croner = undefined;
    } else {
      this.#croner = croner;
    }
    this.#fields = fields;
    this.repeatsEveryHour = fields ? fields.hours.every(Boolean) : parts[1] === "*";
    this.shape = fields ? shapeOf(fields) : { kind: "general" };
    this.#nextMinute = nextTable(fields?.minutes ?? [], 60);
    this.#prevMinute = prevTable(fields?.minutes ?? [], 60);
    this.#nextHour = nextTable(fields?.hours ?? [], 24);
    this.#prevHour = prevTable(fields?.hours ?? [], 24);
  }

  /** A shared, immutable schedule for an expression: parsing is the cost of a definition, so it is done once. */
  static of(expression: string): CronSchedule {
    let schedule = SCHEDULES.get(expression);
    if (!schedule) {
      schedule = new CronSchedule(expression);
      if (SCHEDULES.size >= 1024) SCHEDULES.clear();
      SCHEDULES.set(expression, schedule);
    }
    return schedule;
  }

  /** The first matching wall-clock minute strictly after `wall` (naive ms counted like UTC). */
  nextWall(wall: number): number {
    if (!this.#fields) {
      const next = (this.#croner as Cron).nextRun(new Date(wall));
      if (!next) throw new InvalidCronScheduleError(this.expression, "it has no further run time");
      return next.getTime();
    }
    let m = floorDiv(wall, MINUTE_MS) + 1;
    for (let guard = 0; guard < 20_000; guard++) {
      const days = floorDiv(m, 1440);
      if (!this.#dayMatches(days)) {
        m = (days + 1) * 1440;
        continue;
      }
      const minuteOfDay = m - days * 1440;
      const h = Math.floor(minuteOfDay / 60);
      const nh = this.#nextHour[h] as number;
      if (nh < 0) {
        m = (days + 1) * 1440;
        continue;
      }
      if (nh > h) {
        return (days * 1440 + nh * 60 + (this.#nextMinute[0] as number)) * MINUTE_MS;
      }
      const nm = this.#nextMinute[minuteOfDay - h * 60] as number;
      if (nm >= 0) return (days * 1440 + h * 60 + nm) * MINUTE_MS;
      m = days * 1440 + (h + 1) * 60;
    }
    throw new InvalidCronScheduleError(this.expression, "no matching time within 13 years");
  }

  /** The last matching wall-clock minute strictly before `wall`. */
  prevWall(wall: number): number {
    if (!this.#fields) {
      const prev = (this.#croner as Cron).previousRuns(1, new Date(wall))[0];
      if (!prev) throw new InvalidCronScheduleError(this.expression, "it has no earlier run time");
      return prev.getTime();
    }
    let m = Math.ceil(wall / MINUTE_MS) - 1;
    for (let guard = 0; guard < 20_000; guard++) {
      const days = floorDiv(m, 1440);
      if (!this.#dayMatches(days)) {
        m = days * 1440 - 1;
        continue;
      }
      const minuteOfDay = m - days * 1440;
      const h = Math.floor(minuteOfDay / 60);
      const ph = this.#prevHour[h] as number;
      if (ph < 0) {
        m = days * 1440 - 1;
        continue;
      }
      if (ph < h) return (days * 1440 + ph * 60 + (this.#prevMinute[59] as number)) * MINUTE_MS;
      const pm = this.#prevMinute[minuteOfDay - h * 60] as number;
      if (pm >= 0) return (days * 1440 + h * 60 + pm) * MINUTE_MS;
      m = days * 1440 + h * 60 - 1;
    }
    throw new InvalidCronScheduleError(this.expression, "no matching time within 13 years");
  }

  /** Whether a wall-clock minute matches. */
  matchesWall(wall: number): boolean {
    if (mod(wall, MINUTE_MS) !== 0) return false;
    return this.prevWall(wall + MINUTE_MS) === wall;
  }

  #dayMatches(days: number): boolean {
    const f = this.#fields as Fields;
    const { month, day } = civilFromDays(days);
    if (!f.months[month]) return false;
    const domOk = f.doms[day] as boolean;
    const dowOk = f.dows[weekdayOfDays(days)] as boolean;
    if (f.domStar || f.dowStar) return domOk && dowOk;
    return domOk || dowOk;
  }
}

class UnsupportedSyntax extends Error {}

const SCHEDULES = new Map<string, CronSchedule>();

function parseFields(parts: string[]): Fields {
  const [mi, ho, dm, mo, dw] = parts as [string, string, string, string, string];
  const dows = parseField(dw, 0, 7, DOW_NAMES, "day-of-week");
  if (dows[7]) dows[0] = true;
  const fields = {
    minutes: parseField(mi, 0, 59, null, "minute"),
    hours: parseField(ho, 0, 23, null, "hour"),
    doms: parseField(dm, 1, 31, null, "day-of-month"),
    months: parseField(mo, 1, 12, MONTH_NAMES, "month"),
    dows: dows.slice(0, 7),
    // As croniter (the reference's cron library) decides: a field is unrestricted when it covers every value.
    domStar: false,
    dowStar: false,
  };
  fields.domStar = fields.doms.slice(1).every(Boolean);
  fields.dowStar = fields.dows.every(Boolean);
  return fields;
}

function parseField(text: string, min: number, max: number, names: string[] | null, label: string): boolean[] {
  const set = new Array<boolean>(max + 1).fill(false);
  if (/[LW#H]/i.test(text.replace(/[a-z]{3}/gi, (n) => (names?.includes(n.toLowerCase()) ? "0" : n)))) throw new UnsupportedSyntax();
  for (const item of text.split(",")) {
    const m = /^(\*|\?|[0-9a-z]+)(?:-([0-9a-z]+))?(?:\/(\d+))?$/i.exec(item);
    if (!m) throw new Error(`cannot read ${label} field "${text}"`);
    const value = (s: string): number => {
      const n = names ? names.indexOf(s.toLowerCase()) : -1;
      const v = n >= 0 ? n + (min === 1 ? 1 : 0) : /^\d+$/.test(s) ? Number(s) : NaN;
      if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${label} value "${s}" is out of range ${min}-${max}`);
      return v;
    };
    const star = m[1] === "*" || m[1] === "?";
    const lo = star ? min : value(m[1] as string);
    const hi = m[2] !== undefined ? value(m[2]) : star || m[3] !== undefined ? (max === 7 ? 6 : max) : lo;
    const step = m[3] !== undefined ? Number(m[3]) : 1;
    if (step < 1) throw new Error(`${label} step must be at least 1`);
    if (hi < lo) throw new Error(`${label} range "${item}" is reversed`);
    for (let v = lo; v <= hi; v += step) set[v] = true;
  }
  return set;
}

function canEverMatch(f: Fields): boolean {
  if (!f.minutes.some(Boolean) || !f.hours.some(Boolean)) return false;
  const anyDow = f.dows.some(Boolean);
  for (let month = 1; month <= 12; month++) {
    if (!f.months[month]) continue;
    const limit = month === 2 ? 29 : daysInMonth(2001, month);
    for (let d = 1; d <= limit; d++) {
      const domOk = f.doms[d] as boolean;
      if (f.domStar || f.dowStar ? domOk && anyDow : domOk || anyDow) return true;
    }
  }
  return false;
}

function single(set: boolean[]): number | undefined {
  let found: number | undefined;
  for (let i = 0; i < set.length; i++) {
    if (!set[i]) continue;
    if (found !== undefined) return undefined;
    found = i;
  }
  return found;
}

function shapeOf(f: Fields): CronShape {
  const allHours = f.hours.every(Boolean);
  const allMonths = f.months.slice(1).every(Boolean);
  const anyDay = f.domStar && f.dowStar && f.doms.slice(1).every(Boolean) && f.dows.every(Boolean);
  if (allHours && allMonths && anyDay) {
    return { kind: "minutes", minutes: f.minutes.flatMap((on, m) => (on ? [m] : [])) };
  }
  const minute = single(f.minutes);
  const hour = single(f.hours);
  if (minute === undefined || hour === undefined || !allMonths) return { kind: "general" };
  if (anyDay) return { kind: "daily", minute, hour };
  const allDoms = f.doms.slice(1).every(Boolean);
  const allDows = f.dows.every(Boolean);
  const dow = single(f.dows);
  if (f.domStar && allDoms && dow !== undefined) return { kind: "weekly", minute, hour, dayOfWeek: dow };
  const dom = single(f.doms);
  if (f.dowStar && allDows && dom !== undefined && dom <= 28) return { kind: "monthly", minute, hour, dayOfMonth: dom };
  return { kind: "general" };
}

function nextTable(set: boolean[], size: number): Int8Array {
  const t = new Int8Array(size).fill(-1);
  let next = -1;
  for (let i = size - 1; i >= 0; i--) {
    if (set[i]) next = i;
    t[i] = next;
  }
  return t;
}

function prevTable(set: boolean[], size: number): Int8Array {
  const t = new Int8Array(size).fill(-1);
  let prev = -1;
  for (let i = 0; i < size; i++) {
    if (set[i]) prev = i;
    t[i] = prev;
  }
  return t;
}

/** The reference's schedules for the four cadences and their offsets. */
export function cronForCadence(
  cadence: "HOURLY" | "DAILY" | "WEEKLY" | "MONTHLY",
  minuteOffset: number,
  hourOffset: number,
  dayOffset: number | undefined,
): string {
  switch (cadence) {
    case "HOURLY":
      return `${minuteOffset} * * * *`;
    case "DAILY":
      return `${minuteOffset} ${hourOffset} * * *`;
    case "WEEKLY":
      return `${minuteOffset} ${hourOffset} * * ${dayOffset ?? 0}`;
    case "MONTHLY":
      return `${minuteOffset} ${hourOffset} ${dayOffset ?? 1} * *`;
  }
}
