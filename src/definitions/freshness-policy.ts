// FreshnessPolicy (the reference's legacy policy): how old the data an asset incorporates may be. Evaluated by automation/evaluate-freshness.ts.
import { CronSchedule, resolveTimeZone, tickSequence, ZoneOffsets } from "../partitions/index.js";
import { InvalidFreshnessPolicyError } from "./errors.js";

const MINUTE_MS = 60_000;

/** Options for `new FreshnessPolicy(options)`. */
export interface FreshnessPolicyOptions {
  /** How old (in minutes) the data the asset incorporates may be: at any time, or at each cron tick. */
  maximumLagMinutes: number;
  /** When given, the lag is only required at each tick of this cron schedule (e.g. "0 9 * * *": by 9:00 every day). */
  cronSchedule?: string;
  /** The IANA timezone of `cronSchedule`. @default "UTC" */
  cronScheduleTimezone?: string;
}

/**
 * How up to date an asset should be: the data it incorporates (the data time of its root upstream assets at
 * its latest materialization) must be no older than `maximumLagMinutes` — at any time, or with `cronSchedule`
 * at each tick of the schedule. Recorded on the asset and evaluated by `evaluateFreshness`.
 *
 * @example
 * asset({ name: "daily_report", deps: [orders], freshnessPolicy: new FreshnessPolicy({ maximumLagMinutes: 60, cronSchedule: "0 9 * * *", cronScheduleTimezone: "Europe/Berlin" }) }, compute);
 */
export class FreshnessPolicy {
  readonly kind = "freshness_policy";
  readonly maximumLagMinutes: number;
  readonly cronSchedule: string | undefined;
  readonly cronScheduleTimezone: string | undefined;
  readonly #ticks: { schedule: CronSchedule; zone: ZoneOffsets } | undefined;

  constructor(options: FreshnessPolicyOptions) {
    if (options === null || typeof options !== "object") {
      throw new InvalidFreshnessPolicyError("new FreshnessPolicy(options) takes { maximumLagMinutes, cronSchedule?, cronScheduleTimezone? }.");
    }
    const { maximumLagMinutes, cronSchedule, cronScheduleTimezone } = options;
    if (typeof maximumLagMinutes !== "number" || !Number.isFinite(maximumLagMinutes) || maximumLagMinutes < 0) {
      throw new InvalidFreshnessPolicyError(`FreshnessPolicy maximumLagMinutes must be a number of minutes, 0 or more, got ${JSON.stringify(maximumLagMinutes)}.`);
    }
    if (cronScheduleTimezone !== undefined && cronSchedule === undefined) {
      throw new InvalidFreshnessPolicyError(`FreshnessPolicy cronScheduleTimezone "${String(cronScheduleTimezone)}" is given without a cronSchedule: add cronSchedule, or remove the timezone.`);
    }
    if (cronSchedule !== undefined) {
      let schedule: CronSchedule;
      try {
        schedule = CronSchedule.of(cronSchedule);
      } catch (e) {
        throw new InvalidFreshnessPolicyError(`FreshnessPolicy cronSchedule ${JSON.stringify(cronSchedule)} is not a valid cron schedule (${(e as Error).message}); use five fields, e.g. "0 9 * * *".`, e);
      }
      let zone: string;
      try {
        zone = resolveTimeZone(cronScheduleTimezone ?? "UTC");
      } catch (e) {
        throw new InvalidFreshnessPolicyError(`FreshnessPolicy cronScheduleTimezone ${JSON.stringify(cronScheduleTimezone)} is not an IANA timezone (${(e as Error).message}).`, e);
      }
      this.#ticks = { schedule, zone: ZoneOffsets.for(zone) };
    }
    this.maximumLagMinutes = maximumLagMinutes;
    this.cronSchedule = cronSchedule;
    this.cronScheduleTimezone = cronSchedule === undefined ? undefined : (cronScheduleTimezone ?? "UTC");
    Object.freeze(this);
  }

  get maximumLagMs(): number {
    return this.maximumLagMinutes * MINUTE_MS;
  }

  /** The latest cron tick at or before `time` (epoch ms); `time` itself without a cron schedule. */
  evaluationTick(time: number): number {
    if (!this.#ticks) return time;
    const seq = tickSequence(this.#ticks.schedule, this.#ticks.zone, time);
    return seq.instantAt(seq.floorOrdinal(time));
  }

  /**
   * When data of `dataTime` stops being fresh enough: `dataTime + maximumLag`, or with a cron schedule the first
   * tick after that (the first tick at which the lag is checked and exceeded).
   */
  deadline(dataTime: number): number {
    const limit = dataTime + this.maximumLagMs;
    if (!this.#ticks) return limit;
    const seq = tickSequence(this.#ticks.schedule, this.#ticks.zone, limit);
    const f = seq.floorOrdinal(limit);
    return seq.instantAt(f + 1);
  }

  toString(): string {
    return `FreshnessPolicy(maximumLagMinutes=${this.maximumLagMinutes}${this.cronSchedule ? `, cronSchedule="${this.cronSchedule}", timezone=${this.cronScheduleTimezone}` : ""})`;
  }
}

