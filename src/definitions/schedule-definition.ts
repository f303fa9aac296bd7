// ScheduleDefinition and schedule(): runs requested at the ticks of a cron schedule in an IANA timezone.
import { coerceMetadata, InvalidDefinitionError, validateName, validateTags, type MetadataMap, type RawMetadata, type Tags } from "../core/index.js";
import { CronSchedule, resolveTimeZone } from "../partitions/index.js";
import { buildScheduleContext, ScheduleEvaluationContext, type ScheduleContextOptions } from "./instigator-context.js";
import { InvalidEvaluationResultError } from "./errors.js";
import { collectItems, cronTicks, expectResultItem, resolveRunRequests, type TickEvaluation } from "./evaluate-tick.js";
import { RunRequest, SkipReason } from "./run-request.js";
import { resolveTargetOptions, type TargetOptions, type TargetRef } from "./instigator-target.js";

/** Whether a schedule runs when its code location is first loaded. */
export const DefaultScheduleStatus = Object.freeze({ RUNNING: "RUNNING", STOPPED: "STOPPED" } as const);
export type DefaultScheduleStatus = (typeof DefaultScheduleStatus)[keyof typeof DefaultScheduleStatus];

type ScheduleItem = RunRequest | SkipReason;
/** What a schedule function may return (or resolve to, or yield). */
export type ScheduleEvaluationResult = ScheduleItem | readonly ScheduleItem[] | Iterable<ScheduleItem> | AsyncIterable<ScheduleItem> | null | undefined | void;
/** A schedule's evaluation function: given the tick's context, it returns the runs to request or a reason to skip. */
export type ScheduleFunction = (ctx: ScheduleEvaluationContext) => ScheduleEvaluationResult | Promise<ScheduleEvaluationResult>;

/** Options for `new ScheduleDefinition(options)` and `schedule()`. */
export interface ScheduleDefinitionOptions extends TargetOptions {
  name: string;
  /** A five-field cron expression (or several: the schedule ticks at each of their ticks). */
  cronSchedule: string | readonly string[];
  /** IANA zone the cron schedule is read in. @default "UTC" */
  executionTimezone?: string;
  /** Run config of each run, when the schedule has no evaluation function. */
  runConfig?: Readonly<Record<string, unknown>>;
  /** Tags of the schedule; put on its runs when it has no evaluation function. */
  tags?: Readonly<Record<string, string>>;
  description?: string;
  metadata?: RawMetadata;
  /** @default DefaultScheduleStatus.STOPPED */
  defaultStatus?: DefaultScheduleStatus;
  /** Called first at each tick; returning false skips the tick. */
  shouldExecute?: (ctx: ScheduleEvaluationContext) => boolean | Promise<boolean>;
  /** Decides the tick's runs. @default one RunRequest with `runConfig` and `tags` */
  executionFn?: ScheduleFunction;
}

/**
 * A schedule: at each tick of `cronSchedule` in `executionTimezone`, it requests runs of its target.
 * Daylight-saving time follows the rules of time partitions: a tick in a skipped hour fires when the gap ends,
 * a tick in a repeated hour fires once, at its second occurrence; schedules whose hour field is `*` fire at
 * every matching instant instead.
 *
 * @example
 * const nightly = new ScheduleDefinition({ name: "nightly", cronSchedule: "30 2 * * *", job: etl, executionTimezone: "Europe/Berlin" });
 * const result = await nightly.evaluateTick(buildScheduleContext({ scheduledExecutionTime: new Date("2024-03-31T01:00:00Z") }));
 */
export class ScheduleDefinition {
  readonly kind = "schedule_definition";
  readonly name: string;
  readonly cronSchedule: string | readonly string[];
  readonly executionTimezone: string;
  readonly runConfig: Readonly<Record<string, unknown>> | undefined;
  readonly tags: Tags;
  readonly description: string | undefined;
  readonly metadata: MetadataMap;
  readonly defaultStatus: DefaultScheduleStatus;
  readonly targets: readonly TargetRef[];
  readonly #crons: readonly string[];
  readonly #shouldExecute: ScheduleDefinitionOptions["shouldExecute"];
  readonly #executionFn: ScheduleFunction | undefined;

  constructor(options: ScheduleDefinitionOptions) {
    if (options === null || typeof options !== "object") {
      throw new InvalidDefinitionError("new ScheduleDefinition() takes an options object { name, cronSchedule, target | job | jobName, ... }.");
    }
    const name = validateName(options.name, "Schedule name");
    const where = `schedule "${name}"`;
    const crons = typeof options.cronSchedule === "string" ? [options.cronSchedule] : options.cronSchedule;
    if (!Array.isArray(crons) || crons.length === 0) {
      throw new InvalidDefinitionError(`The ${where} needs a cronSchedule such as "0 0 * * *" (or a non-empty array of them).`, where);
    }
    for (const cron of crons) CronSchedule.of(cron); // throws InvalidCronScheduleError naming the expression
    this.executionTimezone = resolveTimeZone(options.executionTimezone ?? "UTC");
    if (options.executionFn !== undefined && typeof options.executionFn !== "function") {
      throw new InvalidDefinitionError(`The ${where} executionFn must be a function returning RunRequests or a SkipReason.`, where);
    }
    if (options.executionFn && options.runConfig !== undefined) {
      throw new InvalidDefinitionError(
        `The ${where} was given both runConfig and an evaluation function: return new RunRequest({ runConfig }) from the function instead.`,
        where,
      );
    }
    if (options.runConfig !== undefined && (options.runConfig === null || typeof options.runConfig !== "object" || Array.isArray(options.runConfig))) {
      throw new InvalidDefinitionError(`The ${where} runConfig must be run config: { ops: { <op>: { config } } }.`, where);
    }
    const status = options.defaultStatus ?? DefaultScheduleStatus.STOPPED;
    if (status !== "RUNNING" && status !== "STOPPED") {
      throw new InvalidDefinitionError(`The ${where} defaultStatus must be DefaultScheduleStatus.RUNNING or DefaultScheduleStatus.STOPPED, got ${JSON.stringify(status)}.`, where);
    }
    this.name = name;
    this.cronSchedule = typeof options.cronSchedule === "string" ? options.cronSchedule : Object.freeze([...crons]);
    this.#crons = Object.freeze([...crons]);
    this.runConfig = options.runConfig;
    this.tags = validateTags(options.tags, where, { strictKeys: true });
    this.description = options.description;
    this.metadata = coerceMetadata(options.metadata, `metadata of ${where}`);
    this.defaultStatus = status;
    this.targets = Object.freeze(resolveTargetOptions("schedule", name, options));
    this.#shouldExecute = options.shouldExecute;
    this.#executionFn = options.executionFn;
    Object.freeze(this);
  }

  /** The name of the job the schedule runs (its only target). */
  get jobName(): string {
    const target = this.targets[0];
    if (!target) throw new InvalidDefinitionError(`The schedule "${this.name}" has no target: give it { job }, { jobName } or { target }.`);
    return target.jobName;
  }

  /** The next `count` tick times strictly after `after`, in the schedule's timezone. */
  nextTicks(after: Date | number, count: number): Date[] {
    return cronTicks(this.#crons, this.executionTimezone, typeof after === "number" ? after : after.getTime(), count);
  }

  /**
   * Evaluates one tick, as the daemon would at `ctx.scheduledExecutionTime`: the function's run requests, checked
   * against the target (a requested partition must exist at that time) and tagged with the schedule's name.
   */
  async evaluateTick(ctx: ScheduleEvaluationContext | ScheduleContextOptions): Promise<TickEvaluation> {
    const context = ctx instanceof ScheduleEvaluationContext ? ctx : buildScheduleContext(ctx);
    const skip = (skipMessage: string): TickEvaluation => Object.freeze({ runRequests: [], skipMessage, cursor: undefined, dynamicPartitionsRequests: [] });
    if (this.#shouldExecute && !(await this.#shouldExecute(context))) {
      return skip(`shouldExecute of schedule "${this.name}" returned false.`);
    }
    const items = this.#executionFn
      ? (await collectItems(this.#executionFn(context))).map((item) => expectResultItem("schedule", this.name, item, false))
      : [new RunRequest({ ...(this.runConfig ? { runConfig: this.runConfig } : {}), tags: this.tags })];
    if (items.length === 0) return skip("Schedule function returned an empty result");
    if (items.length === 1 && items[0] instanceof SkipReason) return skip(items[0].skipMessage ?? "");
    if (items.some((i) => i instanceof SkipReason)) {
      throw new InvalidEvaluationResultError(
        "schedule",
        this.name,
        "returned both RunRequests and a SkipReason: return either one SkipReason or only RunRequests.",
      );
    }
    const requests = items as RunRequest[];
    if (requests.length > 1 && requests.some((r) => r.runKey === undefined)) {
      throw new InvalidEvaluationResultError(
        "schedule",
        this.name,
        `returned ${requests.length} RunRequests, some without a runKey: a schedule that requests several runs must give each a distinct runKey.`,
      );
    }
    const runRequests = await resolveRunRequests({ kind: "schedule", name: this.name, targets: this.targets }, requests, [], {
      definitions: context.definitions,
      instance: context.hasInstance ? context.instance : undefined,
      currentTime: context.scheduledExecutionTime,
    });
    return Object.freeze({ runRequests: Object.freeze(runRequests), skipMessage: undefined, cursor: undefined, dynamicPartitionsRequests: [] });
  }
}

/**
 * A schedule whose function decides each tick's runs.
 *
 * @example
 * export const daily = schedule({ name: "daily", cronSchedule: "0 6 * * *", job: refresh }, (ctx) =>
 *   new RunRequest({ runKey: ctx.scheduledExecutionTime.toISOString(), tags: { reason: "daily" } }));
 */
export function schedule(options: Omit<ScheduleDefinitionOptions, "executionFn" | "name"> & { name?: string }, fn: ScheduleFunction): ScheduleDefinition {
  if (typeof fn !== "function") {
    throw new InvalidDefinitionError(`schedule(options, fn) needs a function as its second argument, returning RunRequests or a SkipReason.`);
  }
  const name = options?.name ?? (fn.name || undefined);
  if (name === undefined) throw new InvalidDefinitionError(`schedule() needs a name: schedule({ name: "daily", cronSchedule, job }, fn), or a named function.`);
  return new ScheduleDefinition({ ...options, name, executionFn: fn });
}

/** The next `count` ticks of a schedule strictly after `after`, in its executionTimezone. */
export function nextTicks(schedule: ScheduleDefinition, after: Date | number, count: number): Date[] {
  return schedule.nextTicks(after, count);
}
