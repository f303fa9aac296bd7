// buildScheduleFromPartitionedJob(): a schedule that runs a partitioned job once per time partition, for the partition that just ended.
import { InvalidDefinitionError, type RawMetadata } from "../core/index.js";
import { AssetJobDefinition } from "./asset-job.js";
import { StaticPartitionsDefinition, TimeWindowPartitionsDefinition } from "../partitions/index.js";
import { RunRequest, SkipReason } from "./run-request.js";
import { DefaultScheduleStatus, ScheduleDefinition } from "./schedule-definition.js";

/** Options for `buildScheduleFromPartitionedJob()`. */
export interface PartitionedScheduleOptions {
  /** @default `${job.name}_schedule` */
  name?: string;
  description?: string;
  metadata?: RawMetadata;
  /** Minute past the hour to fire at, instead of the partitions' minute offset. */
  minuteOfHour?: number;
  /** Hour of the day to fire at (not for hourly partitions), instead of the partitions' hour offset. */
  hourOfDay?: number;
  /** Day of the week to fire on (weekly partitions only; 0 = Sunday). */
  dayOfWeek?: number;
  /** Day of the month to fire on (monthly partitions only). */
  dayOfMonth?: number;
  /** @default DefaultScheduleStatus.STOPPED */
  defaultStatus?: DefaultScheduleStatus;
  /** Tags put on each run. */
  tags?: Readonly<Record<string, string>>;
  /** For a job over static partitions only: when to run every partition. */
  cronSchedule?: string;
  /** For a job over static partitions only. @default "UTC" */
  executionTimezone?: string;
}

/**
 * A schedule for a partitioned job. For time partitions it ticks once per partition, at the partitions' cadence in
 * their timezone (the minute, hour and day may be moved with the options), and requests the latest partition that
 * has ended by the tick, with the partition key as run key. For static partitions it needs a `cronSchedule` and
 * requests every partition at each tick.
 *
 * @example
 * const daily = defineAssetJob({ name: "daily_job", selection: "events", partitionsDef: new DailyPartitionsDefinition({ startDate: "2024-01-01" }) });
 * const dailySchedule = buildScheduleFromPartitionedJob(daily, { hourOfDay: 2 }); // at 02:00, runs yesterday's partition
 */
export function buildScheduleFromPartitionedJob(job: AssetJobDefinition, options: PartitionedScheduleOptions = {}): ScheduleDefinition {
  if (!(job instanceof AssetJobDefinition)) {
    throw new InvalidDefinitionError("buildScheduleFromPartitionedJob(job) takes a job built with defineAssetJob({ name, selection, partitionsDef }).");
  }
  const where = `the schedule of job "${job.name}"`;
  const def = job.partitionsDef;
  if (def === undefined) {
    throw new InvalidDefinitionError(
      `Job "${job.name}" has no partitionsDef, so ${where} cannot know its cadence. Give the job one: defineAssetJob({ name: "${job.name}", selection, partitionsDef }).`,
      where,
    );
  }
  const { minuteOfHour, hourOfDay, dayOfWeek, dayOfMonth } = options;
  const offsets = { minuteOfHour, hourOfDay, dayOfWeek, dayOfMonth };
  const givenOffsets = Object.entries(offsets).filter(([, v]) => v !== undefined).map(([k]) => k);
  const name = options.name ?? `${job.name}_schedule`;
  const tags = options.tags;
  const common = {
    name,
    job,
    defaultStatus: options.defaultStatus ?? DefaultScheduleStatus.STOPPED,
    ...(options.description === undefined ? {} : { description: options.description }),
    ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
  };
  if (def instanceof StaticPartitionsDefinition) {
    if (options.cronSchedule === undefined) {
      throw new InvalidDefinitionError(`Job "${job.name}" has static partitions, which have no cadence: pass { cronSchedule } to buildScheduleFromPartitionedJob.`, where);
    }
    if (givenOffsets.length) {
      throw new InvalidDefinitionError(`${givenOffsets.join(", ")} apply to time partitions only; job "${job.name}" has static partitions: put the time in cronSchedule.`, where);
    }
    return new ScheduleDefinition({
      ...common,
      cronSchedule: options.cronSchedule,
      ...(options.executionTimezone === undefined ? {} : { executionTimezone: options.executionTimezone }),
      executionFn: (ctx) =>
        def.getPartitionKeys({ currentTime: ctx.scheduledExecutionTime }).map((key) => new RunRequest({ runKey: key, partitionKey: key, ...(tags ? { tags } : {}) })),
    });
  }
  if (!(def instanceof TimeWindowPartitionsDefinition)) {
    throw new InvalidDefinitionError(
      `Job "${job.name}" has ${def.toString()}; a partitioned schedule needs time window partitions (Hourly/Daily/Weekly/Monthly or TimeWindowPartitionsDefinition) or static partitions with a cronSchedule.`,
      where,
    );
  }
  if (options.cronSchedule !== undefined || options.executionTimezone !== undefined) {
    throw new InvalidDefinitionError(
      `Job "${job.name}" has time partitions, whose cadence and timezone the schedule follows: leave out cronSchedule and executionTimezone (move the time with minuteOfHour, hourOfDay, dayOfWeek or dayOfMonth).`,
      where,
    );
  }
  return new ScheduleDefinition({
    ...common,
    cronSchedule: cronForPartitions(def, offsets, where),
    executionTimezone: def.timezone,
    executionFn: (ctx) => {
      // The latest partition that has ended by the tick; earlier ones were requested by earlier ticks.
      const key = def.getLastPartitionKey({ currentTime: ctx.scheduledExecutionTime });
      if (key === null) return new SkipReason("The job's PartitionsDefinition has no partitions");
      return new RunRequest({ runKey: key, partitionKey: key, ...(tags ? { tags } : {}) });
    },
  });
}

type Offsets = { minuteOfHour: number | undefined; hourOfDay: number | undefined; dayOfWeek: number | undefined; dayOfMonth: number | undefined };

/** The partitions' own schedule, with its minute, hour or day replaced by the ones given. */
function cronForPartitions(def: TimeWindowPartitionsDefinition, o: Offsets, where: string): string {
  if (o.minuteOfHour === undefined && o.hourOfDay === undefined && o.dayOfWeek === undefined && o.dayOfMonth === undefined) return def.cronSchedule;
  const type = def.scheduleType;
  if (type === undefined) {
    throw new InvalidDefinitionError(
      `Partitions with the custom schedule "${def.cronSchedule}" cannot take minuteOfHour, hourOfDay, dayOfWeek or dayOfMonth (only hourly, daily, weekly and monthly ones can).`,
      where,
    );
  }
  const check = (value: number | undefined, what: string, lo: number, hi: number): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < lo || value > hi)) {
      throw new InvalidDefinitionError(`${what} must be an integer from ${lo} to ${hi}, got ${JSON.stringify(value)}.`, where);
    }
  };
  check(o.minuteOfHour, "minuteOfHour", 0, 59);
  check(o.hourOfDay, "hourOfDay", 0, 23);
  check(o.dayOfWeek, "dayOfWeek", 0, 6);
  check(o.dayOfMonth, "dayOfMonth", 1, 31);
  const refuse = (field: string): never => {
    throw new InvalidDefinitionError(`${field} cannot be set for ${type.toLowerCase()} partitions.`, where);
  };
  if (type === "HOURLY" && o.hourOfDay !== undefined) refuse("hourOfDay");
  if (type !== "WEEKLY" && o.dayOfWeek !== undefined) refuse("dayOfWeek");
  if (type !== "MONTHLY" && o.dayOfMonth !== undefined) refuse("dayOfMonth");
  const minute = o.minuteOfHour ?? def.minuteOffset;
  const hour = o.hourOfDay ?? def.hourOffset;
  switch (type) {
    case "HOURLY":
      return `${minute} * * * *`;
    case "DAILY":
      return `${minute} ${hour} * * *`;
    case "WEEKLY":
      return `${minute} ${hour} * * ${o.dayOfWeek ?? def.dayOffset}`;
    case "MONTHLY":
      return `${minute} ${hour} ${o.dayOfMonth ?? (def.dayOffset || 1)} * *`;
  }
}
