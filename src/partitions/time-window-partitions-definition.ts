// TimeWindowPartitionsDefinition: one partition per window between consecutive ticks of a cron schedule in an IANA zone.
import { civilFields, DAY_MS, wallMs } from "./civil-time.js";
import { CronSchedule } from "./cron.js";
import { InvalidPartitionFormatError, InvalidPartitionKeyRangeError, InvalidPartitionsDefinitionError, PartitionKeyNotFoundError } from "./errors.js";
import { PartitionKeyFormat } from "./partition-key-format.js";
import type { PartitionKeyRange } from "./partition-key-range.js";
import { currentTimeMs, PartitionsDefinition, type PartitionLoadingOptions } from "./partitions-definition.js";
import { ceilOrdinal, tickSequence, type TickSequence } from "./tick-sequence.js";
import { resolveTimeZone, ZoneOffsets } from "./time-zone.js";
import { timeWindow, type TimeWindow } from "./time-window.js";
import { TimeWindowPartitionsSubset } from "./time-window-partitions-subset.js";

export interface TimeWindowPartitionsDefinitionOptions {
  /** Five-field cron schedule whose ticks bound the windows, e.g. `"0 0 * * *"`. */
  cronSchedule: string;
  /** The first partition starts at the first tick at or after this time: a Date, or a string in `fmt` (or ISO `YYYY-MM-DD[THH:MM[:SS]]`) read in `timezone`. */
  start: Date | string;
  /** No partition ends after this time (exclusive end of the last window). */
  end?: Date | string | undefined;
  /** strftime format of partition keys (the key is the window's start). */
  fmt: string;
  /** IANA zone the schedule and keys are read in. @default "UTC" */
  timezone?: string | undefined;
  /** Partitions past the last complete window (positive) or fewer (negative). @default 0 */
  endOffset?: number | undefined;
}

export type ScheduleType = "HOURLY" | "DAILY" | "WEEKLY" | "MONTHLY";

const ROUND_TRIP_CHECKED = new Set<string>();

const ISO_FALLBACKS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d-%H:%M"].map(
  (f) => new PartitionKeyFormat(f),
);

/**
 * Partitions that are time windows. Partition `i` is the window between the schedule's i-th and
 * (i+1)-th tick at or after `start`; its key is the window's start formatted with `fmt` in `timezone`.
 * A window exists once it has ended (by `currentTime`), plus `endOffset` more.
 *
 * Indices are computed, not enumerated: key ↔ index ↔ window costs microseconds at any index for
 * hourly/minutely, daily, weekly and monthly (day ≤ 28) schedules; other schedules are iterated once and cached.
 *
 * @example
 * new TimeWindowPartitionsDefinition({ cronSchedule: "0 0,12 * * *", start: "2024-01-01-00", fmt: "%Y-%m-%d-%H" });
 */
export class TimeWindowPartitionsDefinition extends PartitionsDefinition {
  readonly kind = "time_window" as const;
  readonly cronSchedule: string;
  readonly timezone: string;
  readonly fmt: string;
  readonly start: Date;
  readonly end: Date | undefined;
  readonly endOffset: number;
  readonly #schedule: CronSchedule;
  readonly #zone: ZoneOffsets;
  readonly #format: PartitionKeyFormat;
  readonly #ticks: TickSequence;
  readonly #endOrdinal: number; // windows 0..#endOrdinal-1 end at or before `end`

  constructor(options: TimeWindowPartitionsDefinitionOptions) {
    super();
    const label = `TimeWindowPartitionsDefinition(${JSON.stringify(options?.cronSchedule)})`;
    if (options === null || typeof options !== "object") {
      throw new InvalidPartitionsDefinitionError("TimeWindowPartitionsDefinition", "expected an options object { cronSchedule, start, fmt, timezone?, end?, endOffset? }");
    }
    this.timezone = resolveTimeZone(options.timezone ?? "UTC");
    this.#schedule = CronSchedule.of(options.cronSchedule);
    this.cronSchedule = options.cronSchedule;
    this.#format = PartitionKeyFormat.of(options.fmt);
    this.fmt = options.fmt;
    this.#zone = ZoneOffsets.for(this.timezone);
    const endOffset = options.endOffset ?? 0;
    if (!Number.isInteger(endOffset)) throw new InvalidPartitionsDefinitionError(label, `endOffset must be an integer, got ${String(endOffset)}`);
    this.endOffset = endOffset;
    const start = this.#readTime(options.start, "start", label);
    this.start = new Date(start);
    const end = options.end === undefined || options.end === null || options.end === "" ? undefined : this.#readTime(options.end, "end", label);
    if (end !== undefined && end <= start) {
      throw new InvalidPartitionsDefinitionError(label, `end (${new Date(end).toISOString()}) must come after start (${new Date(start).toISOString()})`);
    }
    this.end = end === undefined ? undefined : new Date(end);
    this.#ticks = tickSequence(this.#schedule, this.#zone, start);
    this.#endOrdinal = end === undefined ? Number.POSITIVE_INFINITY : Math.max(0, this.#ticks.floorOrdinal(end));
    // The check depends only on these four values; definitions are often built many times with the same ones.
    const checkKey = `${this.cronSchedule}\u0000${this.timezone}\u0000${this.fmt}\u0000${start}`;
    if (!ROUND_TRIP_CHECKED.has(checkKey)) {
      this.#checkRoundTrip();
      if (ROUND_TRIP_CHECKED.size >= 4096) ROUND_TRIP_CHECKED.clear();
      ROUND_TRIP_CHECKED.add(checkKey);
    }
    if (new.target === TimeWindowPartitionsDefinition) Object.freeze(this);
  }

  // ---- indices (the hot path): index i is the window [tick(i), tick(i+1)) ----

  /** The number of partitions that exist at `currentTime` (indices 0 … n-1). */
  getNumPartitions(options?: PartitionLoadingOptions): number {
    const now = currentTimeMs(options);
    const complete = this.#ticks.floorOrdinal(now); // windows 0 … complete-1 ended by now (negative before the start)
    if (this.endOffset >= 0) return Math.max(0, Math.min(complete + this.endOffset, this.#endOrdinal));
    return Math.max(0, Math.min(complete, this.#endOrdinal) + this.endOffset);
  }

  /** The key of partition `index` (which need not exist yet: no bounds are applied). */
  getPartitionKeyAtIndex(index: number): string {
    return this.#formatInstant(this.#ticks.instantAt(index));
  }

  /** The window of partition `index`. */
  getTimeWindowAtIndex(index: number): TimeWindow {
    return timeWindow(this.#ticks.instantAt(index), this.#ticks.instantAt(index + 1));
  }

  /** Start instant (epoch ms) of partition `index`. */
  getStartMsAtIndex(index: number): number {
    return this.#ticks.instantAt(index);
  }

  /** The index of the partition whose window contains `ms` (may be negative or past the last partition). */
  getIndexForTimestamp(ms: number | Date): number {
    return this.#ticks.floorOrdinal(typeof ms === "number" ? ms : ms.getTime());
  }

  /** The index of the first partition starting at or after `ms`. */
  getCeilIndexForTimestamp(ms: number | Date): number {
    return ceilOrdinal(this.#ticks, typeof ms === "number" ? ms : ms.getTime());
  }

  /** The index a key names, whether or not that partition exists yet; undefined when the key names no window start. */
  findPartitionIndex(key: string): number | undefined {
    const instant = this.#keyInstant(key);
    if (instant === undefined) return undefined;
    const index = ceilOrdinal(this.#ticks, instant);
    return this.getPartitionKeyAtIndex(index) === key ? index : undefined;
  }

  /** The index a key names, whether or not that partition exists yet; throws PartitionKeyNotFoundError when it names no window start. */
  requirePartitionIndex(key: string): number {
    const index = this.findPartitionIndex(key);
    if (index === undefined) throw this.#notFound(key, undefined, undefined, undefined);
    return index;
  }

  // The instant a key in `fmt` names (a window start or not); undefined when it does not match the format.
  #keyInstant(key: string): number | undefined {
    if (typeof key !== "string") return undefined;
    let parsed = this.#format.parse(key);
    if (!parsed && !this.#format.hasOffset) parsed = this.#format.withOffset().parse(key);
    if (!parsed) return undefined;
    const wall = wallMs(parsed.fields);
    return parsed.offsetMs !== undefined ? wall - parsed.offsetMs : this.#zone.wallToInstantEarlier(wall);
  }

  /** The index of an existing partition; throws PartitionKeyNotFoundError (with the valid range) otherwise. */
  getPartitionIndex(key: string, options?: PartitionLoadingOptions): number {
    const index = this.findPartitionIndex(key);
    const n = this.getNumPartitions(options);
    if (index === undefined || index < 0 || index >= n) throw this.#notFound(key, index, n, options);
    return index;
  }

  // ---- the reference's API ----

  getPartitionKeys(options?: PartitionLoadingOptions): string[] {
    return this.#keysOfIndices(0, this.getNumPartitions(options));
  }

  /** Keys of indices [start, end) within the existing partitions. */
  getPartitionKeysBetweenIndexes(start: number, end: number, options?: PartitionLoadingOptions): string[] {
    return this.#keysOfIndices(Math.max(0, start), Math.min(end, this.getNumPartitions(options)));
  }

  override getFirstPartitionKey(options?: PartitionLoadingOptions): string | null {
    return this.getNumPartitions(options) > 0 ? this.getPartitionKeyAtIndex(0) : null;
  }

  override getLastPartitionKey(options?: PartitionLoadingOptions): string | null {
    const n = this.getNumPartitions(options);
    return n > 0 ? this.getPartitionKeyAtIndex(n - 1) : null;
  }

  getFirstPartitionWindow(options?: PartitionLoadingOptions): TimeWindow | null {
    return this.getNumPartitions(options) > 0 ? this.getTimeWindowAtIndex(0) : null;
  }

  getLastPartitionWindow(options?: PartitionLoadingOptions): TimeWindow | null {
    const n = this.getNumPartitions(options);
    return n > 0 ? this.getTimeWindowAtIndex(n - 1) : null;
  }

  hasPartitionKey(key: string, options?: PartitionLoadingOptions): boolean {
    const index = this.findPartitionIndex(key);
    return index !== undefined && index >= 0 && index < this.getNumPartitions(options);
  }

  validatePartitionKey(key: string, options?: PartitionLoadingOptions): void {
    this.getPartitionIndex(key, options);
  }

  getPartitionKeysInRange(range: PartitionKeyRange, options?: PartitionLoadingOptions): string[] {
    const [start, end] = this.getIndexRange(range, options);
    return this.#keysOfIndices(start, end + 1);
  }

  /** The inclusive index range of a key range; throws for unknown ends or ends out of order. */
  getIndexRange(range: PartitionKeyRange, options?: PartitionLoadingOptions): [number, number] {
    const start = this.getPartitionIndex(range.start, options);
    const end = this.getPartitionIndex(range.end, options);
    if (end < start) throw new InvalidPartitionKeyRangeError(range.start, range.end, this.toString());
    return [start, end];
  }

  /**
   * The window of a key. A time in `fmt` that is not a window start gives the first window starting at or
   * after it, as the reference does (`"2021-05-01"` on monthly partitions starting on the 12th is the window
   * of `"2021-05-12"`). Throws when the key does not match `fmt`; existence at a time is not checked.
   */
  timeWindowForPartitionKey(key: string): TimeWindow {
    const index = this.findPartitionIndex(key);
    if (index !== undefined) return this.getTimeWindowAtIndex(index);
    const instant = this.#keyInstant(key);
    if (instant === undefined) throw this.#notFound(key, undefined, undefined, undefined);
    return this.getTimeWindowAtIndex(ceilOrdinal(this.#ticks, instant));
  }

  startTimeForPartitionKey(key: string): Date {
    return this.timeWindowForPartitionKey(key).start;
  }

  endTimeForPartitionKey(key: string): Date {
    return this.timeWindowForPartitionKey(key).end;
  }

  /** The key of the window containing `ms`; with `endClosed`, a time on a boundary belongs to the window it ends. */
  getPartitionKeyForTimestamp(ms: number | Date, endClosed = false): string {
    const t = typeof ms === "number" ? ms : ms.getTime();
    let index = this.#ticks.floorOrdinal(t);
    if (endClosed && this.#ticks.instantAt(index) === t) index -= 1;
    return this.getPartitionKeyAtIndex(index);
  }

  getNextPartitionKey(key: string, options?: PartitionLoadingOptions): string | null {
    const index = this.getPartitionIndex(key, options);
    return index + 1 < this.getNumPartitions(options) ? this.getPartitionKeyAtIndex(index + 1) : null;
  }

  getPrevPartitionKey(key: string, options?: PartitionLoadingOptions): string | null {
    const index = this.getPartitionIndex(key, options);
    return index > 0 ? this.getPartitionKeyAtIndex(index - 1) : null;
  }

  /** Keys of the windows that start within `window` (no bounds applied). */
  getPartitionKeysInTimeWindow(window: TimeWindow): string[] {
    const s = this.getCeilIndexForTimestamp(window.start);
    return this.#keysOfIndices(s, this.getCeilIndexForTimestamp(window.end));
  }

  emptySubset(): TimeWindowPartitionsSubset {
    return new TimeWindowPartitionsSubset(this, []);
  }

  override subsetWithPartitionKeys(keys: Iterable<string>): TimeWindowPartitionsSubset {
    return this.emptySubset().withPartitionKeys(keys);
  }

  override subsetWithAllPartitions(options?: PartitionLoadingOptions): TimeWindowPartitionsSubset {
    const n = this.getNumPartitions(options);
    return new TimeWindowPartitionsSubset(this, n > 0 ? [0, n] : []);
  }

  /** The partitions whose windows start within `window`. */
  getPartitionSubsetInTimeWindow(window: TimeWindow): TimeWindowPartitionsSubset {
    const s = this.getCeilIndexForTimestamp(window.start);
    const e = this.getCeilIndexForTimestamp(window.end);
    return new TimeWindowPartitionsSubset(this, e > s ? [s, e] : []);
  }

  deserializeSubset(serialized: string): TimeWindowPartitionsSubset {
    return TimeWindowPartitionsSubset.deserialize(this, serialized);
  }

  // ---- schedule facts ----

  /** The cadence, when the schedule is one of the four simple ones. */
  get scheduleType(): ScheduleType | undefined {
    const c = this.cronSchedule.trim();
    if (/^\d+ \* \* \* \*$/.test(c)) return "HOURLY";
    if (/^\d+ \d+ \* \* \*$/.test(c)) return "DAILY";
    if (/^\d+ \d+ \* \* \d+$/.test(c)) return "WEEKLY";
    if (/^\d+ \d+ \d+ \* \*$/.test(c)) return "MONTHLY";
    return undefined;
  }

  get minuteOffset(): number {
    return Number(/^(\d+) /.exec(this.cronSchedule.trim())?.[1] ?? 0);
  }

  get hourOffset(): number {
    return Number(/^\S+ (\d+) /.exec(this.cronSchedule.trim())?.[1] ?? 0);
  }

  /** Day of week (weekly, 0 = Sunday) or of month (monthly) on which windows start. */
  get dayOffset(): number {
    const parts = this.cronSchedule.trim().split(/\s+/);
    if (this.scheduleType === "WEEKLY") return Number(parts[4]);
    if (this.scheduleType === "MONTHLY") return Number(parts[2]);
    return 0;
  }

  /** The schedule's hour field is `*`: keys of a repeated local hour get a UTC offset suffix. */
  get repeatsEveryHour(): boolean {
    return this.#schedule.repeatsEveryHour;
  }

  get isBasicDaily(): boolean {
    return this.cronSchedule.trim() === "0 0 * * *";
  }

  get isBasicHourly(): boolean {
    return this.cronSchedule.trim() === "0 * * * *";
  }

  /** Same schedule, zone, format and end offset; start and end may differ. */
  equalExceptForStartOrEnd(other: TimeWindowPartitionsDefinition): boolean {
    return (
      other.timezone === this.timezone &&
      other.fmt === this.fmt &&
      other.cronSchedule.trim() === this.cronSchedule.trim() &&
      other.endOffset === this.endOffset
    );
  }

  equals(other: PartitionsDefinition | null | undefined): boolean {
    return (
      other instanceof TimeWindowPartitionsDefinition &&
      this.equalExceptForStartOrEnd(other) &&
      other.start.getTime() === this.start.getTime() &&
      (other.end?.getTime() ?? null) === (this.end?.getTime() ?? null)
    );
  }

  toString(): string {
    const cadence = this.scheduleType;
    const what = cadence ? `${cadence[0]}${cadence.slice(1).toLowerCase()}` : `"${this.cronSchedule}"`;
    const offset = this.endOffset ? `, end offset ${this.endOffset}` : "";
    const end = this.end ? ` until ${this.#formatInstant(this.end.getTime())}` : "";
    return `${what} partitions starting ${this.#formatInstant(this.start.getTime())}${end} ${this.timezone}${offset}`;
  }

  // ---- internals ----

  // Keys of indices [start, end): the instants in one pass over the schedule, then formatted.
  #keysOfIndices(start: number, end: number): string[] {
    const count = Math.max(0, end - start);
    const keys = new Array<string>(count);
    if (count === 0) return keys;
    const instants = this.#ticks.instantsFrom(start, count);
    const zone = this.#zone;
    zone.cover(instants[0] as number, instants[count - 1] as number);
    // The offset and "second of a repeated hour" follow the instants, which ascend: a running transition
    // index replaces two binary searches per key.
    const marksRepeats = !this.#format.hasOffset && this.#schedule.repeatsEveryHour;
    const plain = this.#format.sequentialFormatter();
    const withOffset = marksRepeats ? this.#format.withOffset().sequentialFormatter() : plain;
    const transitions = zone.transitionCount;
    let next = zone.firstIndexAtOrAfter((instants[0] as number) + 1); // first transition after the instant
    // The offset in force and the end of the stretch it holds for; recomputed only at a transition.
    let offset = next === 0 ? zone.offsetAt(instants[0] as number) : zone.offsetAfterIndex(next - 1);
    let nextAt = next < transitions ? zone.transitionAt(next) : Number.POSITIVE_INFINITY;
    // Instants before this one repeat the wall time of the hour before the last transition (a fall-back).
    let repeatsUntil = Number.NEGATIVE_INFINITY;
    if (marksRepeats && next > 0) {
      const before = zone.offsetBeforeIndex(next - 1);
      if (before > offset) repeatsUntil = zone.transitionAt(next - 1) + (before - offset);
    }
    for (let i = 0; i < count; i++) {
      const t = instants[i] as number;
      if (t >= nextAt) {
        while (next < transitions && zone.transitionAt(next) <= t) next++;
        offset = zone.offsetAfterIndex(next - 1);
        nextAt = next < transitions ? zone.transitionAt(next) : Number.POSITIVE_INFINITY;
        const before = zone.offsetBeforeIndex(next - 1);
        repeatsUntil = marksRepeats && before > offset ? zone.transitionAt(next - 1) + (before - offset) : Number.NEGATIVE_INFINITY;
      }
      keys[i] = (t < repeatsUntil ? withOffset : plain)(t + offset, offset);
    }
    return keys;
  }

  #formatInstant(t: number): string {
    const offset = this.#zone.offsetAt(t);
    const fields = civilFields(t + offset);
    if (!this.#format.hasOffset && this.#schedule.repeatsEveryHour && this.#zone.isSecondOccurrence(t)) {
      return this.#format.withOffset().format(fields, offset);
    }
    return this.#format.format(fields, offset);
  }

  #readTime(value: Date | string, what: string, label: string): number {
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) throw new InvalidPartitionsDefinitionError(label, `${what} is an invalid Date`);
      return value.getTime();
    }
    if (typeof value !== "string") throw new InvalidPartitionsDefinitionError(label, `${what} must be a Date or a string, got ${typeof value}`);
    for (const f of [this.#format, ...(this.#format.hasOffset ? [] : [this.#format.withOffset()]), ...ISO_FALLBACKS]) {
      const parsed = f.parse(value);
      if (!parsed) continue;
      const wall = wallMs(parsed.fields);
      return parsed.offsetMs !== undefined ? wall - parsed.offsetMs : this.#zone.wallToInstantEarlier(wall);
    }
    throw new InvalidPartitionsDefinitionError(
      label,
      `${what} ${JSON.stringify(value)} matches neither the format ${JSON.stringify(this.fmt)} nor YYYY-MM-DD[THH:MM[:SS]]`,
    );
  }

  // A format must give each window start its own key and read it back: sample windows across a day, a month and a year.
  #checkRoundTrip(): void {
    const first = this.#ticks.instantAt(0);
    const samples = new Set<number>([0, 1, 2]);
    for (const span of [DAY_MS, 32 * DAY_MS, 367 * DAY_MS]) {
      const i = ceilOrdinal(this.#ticks, first + span);
      samples.add(i);
      samples.add(i + 1);
    }
    for (const i of samples) {
      const key = this.getPartitionKeyAtIndex(i);
      const back = this.findPartitionIndex(key);
      if (back === i) continue;
      const when = new Date(this.#ticks.instantAt(i)).toISOString();
      const reason =
        back === undefined
          ? `the window starting ${when} formats as ${JSON.stringify(key)}, which does not read back as a window start`
          : `the windows starting ${new Date(this.#ticks.instantAt(back)).toISOString()} and ${when} both format as ${JSON.stringify(key)}`;
      throw new InvalidPartitionFormatError(this.fmt, `${reason}; include every field the schedule varies (e.g. %H:%M for hourly windows, %Y for any).`);
    }
  }

  #notFound(key: string, index: number | undefined, n: number | undefined, options: PartitionLoadingOptions | undefined): PartitionKeyNotFoundError {
    const count = n ?? this.getNumPartitions(options);
    const range = count > 0 ? `Valid keys run from ${JSON.stringify(this.getPartitionKeyAtIndex(0))} to ${JSON.stringify(this.getPartitionKeyAtIndex(count - 1))}` : "There are no partitions yet";
    const at = options?.currentTime !== undefined ? ` at ${new Date(currentTimeMs(options)).toISOString()}` : "";
    let why: string;
    if (index === undefined) {
      const parsed = this.#format.parse(String(key)) ?? (this.#format.hasOffset ? undefined : this.#format.withOffset().parse(String(key)));
      if (parsed) {
        const wall = wallMs(parsed.fields);
        const instant = parsed.offsetMs !== undefined ? wall - parsed.offsetMs : this.#zone.wallToInstantEarlier(wall);
        const nearest = this.getPartitionKeyAtIndex(this.#ticks.floorOrdinal(instant));
        why = `It is not the start of a window; the window containing it is ${JSON.stringify(nearest)}.`;
      } else {
        why = `It does not match the format ${JSON.stringify(this.fmt)}.`;
      }
    } else if (index < 0) {
      why = "It is before the first partition.";
    } else {
      why = "It is after the last partition.";
    }
    return new PartitionKeyNotFoundError(key, this.toString(), `${why} ${range}${at}.`);
  }
}
