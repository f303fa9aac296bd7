// The contexts schedule and sensor functions receive, and their builders for tests.
import { InvalidDefinitionError } from "../core/index.js";
import type { DefinitionsData } from "./definitions.js";
import type { Instance } from "../instance/index.js";

interface CommonContextOptions {
  /** The instance the tick reads (materializations, dynamic partitions, runs). */
  instance?: Instance;
  /** Resources by key, as the function reads them from `ctx.resources`; they override the definitions' resources. */
  resources?: Readonly<Record<string, unknown>>;
  /**
   * The Definitions the schedule or sensor belongs to: needed to check a partitioned run request against its
   * job's partitions when the job infers them from its assets, and supplies resources.
   */
  definitions?: DefinitionsData;
}

/** Options for `buildScheduleContext()`, which makes a schedule's context to evaluate a tick by hand (in tests). */
export interface ScheduleContextOptions extends CommonContextOptions {
  /** The time of the tick being evaluated, e.g. one of `nextTicks(schedule, after, n)`. */
  scheduledExecutionTime: Date | number;
}

/** Options for `buildSensorContext()`, which makes a sensor's context to evaluate a tick by hand (in tests). */
export interface SensorContextOptions extends CommonContextOptions {
  /** The cursor the previous tick left. */
  cursor?: string;
  /** When the previous tick was evaluated. */
  lastTickTime?: Date | number;
  /**
   * The time of this tick: time partitions that a run request names must have ended by then.
   * @default the instance's clock, or the wall clock without an instance
   */
  currentTime?: Date | number;
}

abstract class EvaluationContext {
  readonly #instance: Instance | undefined;
  readonly resources: Readonly<Record<string, unknown>>;
  readonly definitions: DefinitionsData | undefined;

  constructor(options: CommonContextOptions) {
    this.#instance = options.instance;
    this.definitions = options.definitions;
    this.resources = Object.freeze({ ...(options.definitions?.resources ?? {}), ...(options.resources ?? {}) });
  }

  /** The instance; reading it without one is an error that says how to pass one. */
  get instance(): Instance {
    if (!this.#instance) {
      throw new InvalidDefinitionError(`This ${this.label} context has no instance: build it with { instance } (e.g. Instance.ephemeral()).`);
    }
    return this.#instance;
  }

  get hasInstance(): boolean {
    return this.#instance !== undefined;
  }

  protected abstract get label(): string;
}

/**
 * What a schedule's function receives.
 */
export class ScheduleEvaluationContext extends EvaluationContext {
  readonly scheduledExecutionTime: Date;

  constructor(options: ScheduleContextOptions) {
    super(options);
    this.scheduledExecutionTime = toDate(options?.scheduledExecutionTime, "scheduledExecutionTime", "buildScheduleContext");
  }

  protected get label(): string {
    return "schedule";
  }
}

/**
 * What a sensor's function receives. `updateCursor` sets the cursor the next tick gets (or return a
 * SensorResult with a cursor; not both).
 */
export class SensorEvaluationContext extends EvaluationContext {
  readonly lastTickTime: Date | undefined;
  readonly currentTime: Date;
  #cursor: string | undefined;
  #cursorUpdated = false;

  constructor(options: SensorContextOptions = {}) {
    super(options);
    if (options.cursor !== undefined && typeof options.cursor !== "string") {
      throw new InvalidDefinitionError(`buildSensorContext cursor must be a string (the cursor a previous tick returned), got ${typeof options.cursor}.`);
    }
    this.#cursor = options.cursor;
    this.lastTickTime = options.lastTickTime === undefined ? undefined : toDate(options.lastTickTime, "lastTickTime", "buildSensorContext");
    this.currentTime =
      options.currentTime !== undefined
        ? toDate(options.currentTime, "currentTime", "buildSensorContext")
        : new Date(options.instance ? options.instance.clock.now() : Date.now());
  }

  get cursor(): string | undefined {
    return this.#cursor;
  }

  get cursorUpdated(): boolean {
    return this.#cursorUpdated;
  }

  /** Sets the cursor the next tick starts from. */
  updateCursor(cursor: string | undefined): void {
    if (cursor !== undefined && typeof cursor !== "string") {
      throw new InvalidDefinitionError(`ctx.updateCursor takes a string, got ${typeof cursor}; serialize the cursor (e.g. JSON.stringify).`);
    }
    this.#cursor = cursor;
    this.#cursorUpdated = true;
  }

  protected get label(): string {
    return "sensor";
  }
}

/**
 * A schedule context for tests: `await mySchedule.evaluateTick(buildScheduleContext({ scheduledExecutionTime }))`.
 */
export function buildScheduleContext(options: ScheduleContextOptions): ScheduleEvaluationContext {
  return new ScheduleEvaluationContext(options);
}

/**
 * A sensor context for tests: `await mySensor.evaluateTick(buildSensorContext({ instance, cursor }))`.
 */
export function buildSensorContext(options: SensorContextOptions = {}): SensorEvaluationContext {
  return new SensorEvaluationContext(options);
}

function toDate(value: unknown, what: string, builder: string): Date {
  const ms = value instanceof Date ? value.getTime() : typeof value === "number" ? value : NaN;
  if (!Number.isFinite(ms)) {
    throw new InvalidDefinitionError(`${builder} ${what} must be a Date or epoch milliseconds, got ${value === undefined ? "nothing" : JSON.stringify(value)}.`);
  }
  return new Date(ms);
}
