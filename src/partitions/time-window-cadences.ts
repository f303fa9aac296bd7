// Hourly, Daily, Weekly and Monthly partitions: time windows on the reference's schedules, with minute/hour/day offsets.
import { cronForCadence } from "./cron.js";
import { InvalidPartitionsDefinitionError } from "./errors.js";
import { TimeWindowPartitionsDefinition } from "./time-window-partitions-definition.js";

export interface CadencePartitionsOptions {
  /** The first partition starts at the first window boundary at or after this time (a Date, or a string in `fmt` or `YYYY-MM-DD[THH:MM]`). */
  startDate: Date | string;
  /** No partition ends after this time. */
  endDate?: Date | string | undefined;
  /** IANA zone. @default "UTC" */
  timezone?: string | undefined;
  /** Partition key format. @default "%Y-%m-%d" ("%Y-%m-%d-%H:%M" for hourly) */
  fmt?: string | undefined;
  /** Extra partitions past the last complete window (negative: fewer). @default 0 */
  endOffset?: number | undefined;
  /** Minutes past the hour at which windows start. @default 0 */
  minuteOffset?: number | undefined;
}

export interface DailyPartitionsOptions extends CadencePartitionsOptions {
  /** Hour of the day at which windows start. @default 0 */
  hourOffset?: number | undefined;
}

export interface WeeklyPartitionsOptions extends DailyPartitionsOptions {
  /** Day of the week on which windows start, 0 = Sunday … 6 = Saturday. @default 0 */
  dayOffset?: number | undefined;
}

export interface MonthlyPartitionsOptions extends DailyPartitionsOptions {
  /** Day of the month on which windows start, 1-31 (months without that day are skipped, as cron does). @default 1 */
  dayOffset?: number | undefined;
}

function offset(name: string, label: string, value: number | undefined, min: number, max: number, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new InvalidPartitionsDefinitionError(label, `${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return v;
}

function common(options: CadencePartitionsOptions, label: string): void {
  if (options === null || typeof options !== "object" || options.startDate === undefined) {
    throw new InvalidPartitionsDefinitionError(label, "startDate is required, e.g. { startDate: \"2024-01-01\" }");
  }
}

/**
 * One partition per hour. Keys look like `2024-03-10-01:00`; in a zone with DST, the second of two
 * repeated hours gets its UTC offset appended (`2023-11-05-01:00-0800`) unless `fmt` has `%z`.
 *
 * @example
 * new HourlyPartitionsDefinition({ startDate: "2024-01-01-00:00", timezone: "Europe/Berlin" });
 */
export class HourlyPartitionsDefinition extends TimeWindowPartitionsDefinition {
  constructor(options: CadencePartitionsOptions) {
    common(options, "HourlyPartitionsDefinition");
    super({
      cronSchedule: cronForCadence("HOURLY", offset("minuteOffset", "HourlyPartitionsDefinition", options.minuteOffset, 0, 59, 0), 0, undefined),
      start: options.startDate,
      end: options.endDate,
      fmt: options.fmt ?? "%Y-%m-%d-%H:%M",
      timezone: options.timezone,
      endOffset: options.endOffset,
    });
    if (new.target === HourlyPartitionsDefinition) Object.freeze(this);
  }
}

/** One partition per day, starting at `hourOffset:minuteOffset`. Keys look like `2024-03-10`. */
export class DailyPartitionsDefinition extends TimeWindowPartitionsDefinition {
  constructor(options: DailyPartitionsOptions) {
    const label = "DailyPartitionsDefinition";
    common(options, label);
    super({
      cronSchedule: cronForCadence(
        "DAILY",
        offset("minuteOffset", label, options.minuteOffset, 0, 59, 0),
        offset("hourOffset", label, options.hourOffset, 0, 23, 0),
        undefined,
      ),
      start: options.startDate,
      end: options.endDate,
      fmt: options.fmt ?? "%Y-%m-%d",
      timezone: options.timezone,
      endOffset: options.endOffset,
    });
    if (new.target === DailyPartitionsDefinition) Object.freeze(this);
  }
}

/** One partition per week, starting on `dayOffset` (0 = Sunday). */
export class WeeklyPartitionsDefinition extends TimeWindowPartitionsDefinition {
  constructor(options: WeeklyPartitionsOptions) {
    const label = "WeeklyPartitionsDefinition";
    common(options, label);
    super({
      cronSchedule: cronForCadence(
        "WEEKLY",
        offset("minuteOffset", label, options.minuteOffset, 0, 59, 0),
        offset("hourOffset", label, options.hourOffset, 0, 23, 0),
        offset("dayOffset", label, options.dayOffset, 0, 6, 0),
      ),
      start: options.startDate,
      end: options.endDate,
      fmt: options.fmt ?? "%Y-%m-%d",
      timezone: options.timezone,
      endOffset: options.endOffset,
    });
    if (new.target === WeeklyPartitionsDefinition) Object.freeze(this);
  }
}

/** One partition per month, starting on day `dayOffset` (default the 1st). */
export class MonthlyPartitionsDefinition extends TimeWindowPartitionsDefinition {
  constructor(options: MonthlyPartitionsOptions) {
    const label = "MonthlyPartitionsDefinition";
    common(options, label);
    super({
      cronSchedule: cronForCadence(
        "MONTHLY",
        offset("minuteOffset", label, options.minuteOffset, 0, 59, 0),
        offset("hourOffset", label, options.hourOffset, 0, 23, 0),
        offset("dayOffset", label, options.dayOffset, 1, 31, 1),
      ),
      start: options.startDate,
      end: options.endDate,
      fmt: options.fmt ?? "%Y-%m-%d",
      timezone: options.timezone,
      endOffset: options.endOffset,
    });
    if (new.target === MonthlyPartitionsDefinition) Object.freeze(this);
  }
}
