// SensorDefinition and sensor(): a function evaluated every minimumIntervalSeconds that requests runs, keeping a cursor.
import { coerceMetadata, InvalidDefinitionError, validateName, validateTags, type MetadataMap, type RawMetadata, type Tags } from "../core/index.js";
import type { AssetJobDefinition } from "./asset-job.js";
import { buildSensorContext, SensorEvaluationContext, type SensorContextOptions } from "./instigator-context.js";
import { InvalidEvaluationResultError } from "./errors.js";
import { collectItems, expectResultItem, resolveRunRequests, type TickEvaluation } from "./evaluate-tick.js";
import { RunRequest, SensorResult, SkipReason, type DynamicPartitionsRequest } from "./run-request.js";
import { resolveTargetOptions, type TargetOptions, type TargetRef } from "./instigator-target.js";

/** Whether a sensor runs when its code location is first loaded. */
export const DefaultSensorStatus = Object.freeze({ RUNNING: "RUNNING", STOPPED: "STOPPED" } as const);
export type DefaultSensorStatus = (typeof DefaultSensorStatus)[keyof typeof DefaultSensorStatus];

/** The reference's default interval between two evaluations of a sensor. */
export const DEFAULT_SENSOR_INTERVAL_SECONDS = 30;

type SensorItem = RunRequest | SkipReason | SensorResult;
/** What a sensor function may return (or resolve to, or yield). */
export type SensorEvaluationResult = SensorItem | readonly SensorItem[] | Iterable<SensorItem> | AsyncIterable<SensorItem> | null | undefined | void;
/** A sensor's evaluation function: given the tick's context (cursor, instance, resources), it returns runs to request, a skip reason or a SensorResult. */
export type SensorFunction = (ctx: SensorEvaluationContext) => SensorEvaluationResult | Promise<SensorEvaluationResult>;

/** Options for `new SensorDefinition(options, fn)` and `sensor()`. */
export interface SensorDefinitionOptions extends TargetOptions {
  name: string;
  /** Several jobs; each RunRequest then names one with jobName. */
  jobs?: readonly AssetJobDefinition[];
  /** The least time between two evaluations. @default 30 */
  minimumIntervalSeconds?: number;
  description?: string;
  /** Tags of the sensor (not put on its runs: give RunRequests their own tags). */
  tags?: Readonly<Record<string, string>>;
  metadata?: RawMetadata;
  /** @default DefaultSensorStatus.STOPPED */
  defaultStatus?: DefaultSensorStatus;
}

/**
 * A sensor: its function looks at the world (the instance, files, an API) and returns the runs to launch,
 * dynamic partitions to add or delete, and a cursor that the next evaluation starts from.
 *
 * @example
 * const files = new SensorDefinition({ name: "new_files", job: ingest, minimumIntervalSeconds: 60 }, async (ctx) => {
 *   const seen = Number(ctx.cursor ?? 0);
 *   const fresh = (await listFiles()).filter((f) => f.mtime > seen);
 *   return new SensorResult({ runRequests: fresh.map((f) => new RunRequest({ runKey: f.name })), cursor: String(Date.now()) });
 * });
 */
export class SensorDefinition {
  readonly kind = "sensor_definition";
  readonly name: string;
  readonly minimumIntervalSeconds: number;
  readonly description: string | undefined;
  readonly tags: Tags;
  readonly metadata: MetadataMap;
  readonly defaultStatus: DefaultSensorStatus;
  readonly targets: readonly TargetRef[];
  readonly #evaluate: SensorFunction;

  constructor(options: SensorDefinitionOptions, evaluate: SensorFunction) {
    if (options === null || typeof options !== "object") {
      throw new InvalidDefinitionError("new SensorDefinition(options, evaluate) takes an options object { name, target | job | jobs | jobName, minimumIntervalSeconds?, ... }.");
    }
    const name = validateName(options.name, "Sensor name");
    const where = `sensor "${name}"`;
    if (typeof evaluate !== "function") {
      throw new InvalidDefinitionError(`The ${where} needs an evaluation function (its second argument) returning RunRequests, a SkipReason or a SensorResult.`, where);
    }
    const interval = options.minimumIntervalSeconds ?? DEFAULT_SENSOR_INTERVAL_SECONDS;
    if (typeof interval !== "number" || !Number.isFinite(interval) || interval <= 0) {
      throw new InvalidDefinitionError(`The ${where} minimumIntervalSeconds must be a positive number of seconds, got ${JSON.stringify(interval)}.`, where);
    }
    const status = options.defaultStatus ?? DefaultSensorStatus.STOPPED;
    if (status !== "RUNNING" && status !== "STOPPED") {
      throw new InvalidDefinitionError(`The ${where} defaultStatus must be DefaultSensorStatus.RUNNING or DefaultSensorStatus.STOPPED, got ${JSON.stringify(status)}.`, where);
    }
    this.name = name;
    this.minimumIntervalSeconds = interval;
    this.description = options.description;
    this.tags = validateTags(options.tags, where, { strictKeys: true });
    this.metadata = coerceMetadata(options.metadata, `metadata of ${where}`);
    this.defaultStatus = status;
    this.targets = Object.freeze(resolveTargetOptions("sensor", name, options));
    this.#evaluate = evaluate;
    Object.freeze(this);
  }

  /** The name of the job the sensor runs, when it has exactly one target. */
  get jobName(): string {
    if (this.targets.length !== 1) {
      throw new InvalidDefinitionError(
        this.targets.length === 0 ? `The sensor "${this.name}" has no target.` : `The sensor "${this.name}" targets several jobs; read sensor.targets.`,
      );
    }
    return (this.targets[0] as TargetRef).jobName;
  }

  /** When the sensor may next be evaluated, given when it last was: `minimumIntervalSeconds` later (now, if never). */
  nextEvaluationTime(lastTickTime: Date | number | undefined, now: Date | number): Date {
    const nowMs = typeof now === "number" ? now : now.getTime();
    if (lastTickTime === undefined) return new Date(nowMs);
    const last = typeof lastTickTime === "number" ? lastTickTime : lastTickTime.getTime();
    return new Date(Math.max(nowMs, last + this.minimumIntervalSeconds * 1000));
  }

  /**
   * Evaluates one tick: the function's run requests (checked against the targets and, after this tick's dynamic
   * partitions requests, the job's partitions), its dynamic partitions requests and the cursor for the next tick.
   */
  async evaluateTick(ctx: SensorEvaluationContext | SensorContextOptions = {}): Promise<TickEvaluation> {
    const context = ctx instanceof SensorEvaluationContext ? ctx : buildSensorContext(ctx);
    const items = (await collectItems(this.#evaluate(context))).map((item) => expectResultItem("sensor", this.name, item, true));
    let requests: RunRequest[] = [];
    let skipMessage: string | undefined;
    let dynamic: readonly DynamicPartitionsRequest[] = [];
    let cursor = context.cursor;
    if (items.length === 0) {
      skipMessage = "Sensor function returned an empty result";
    } else if (items.some((i) => i instanceof SensorResult)) {
      if (items.length > 1) {
        throw new InvalidEvaluationResultError("sensor", this.name, "returned a SensorResult among other results: a SensorResult must be the only thing returned; put the run requests in it.");
      }
      const result = items[0] as SensorResult;
      requests = [...result.runRequests];
      skipMessage = result.skipReason ? (result.skipReason.skipMessage ?? "") : requests.length ? undefined : "Sensor function returned an empty result";
      dynamic = result.dynamicPartitionsRequests;
      if (result.cursor !== undefined) {
        if (context.cursorUpdated) {
          throw new InvalidEvaluationResultError("sensor", this.name, "both called ctx.updateCursor() and returned a SensorResult with a cursor: set the cursor one way only.");
        }
        cursor = result.cursor;
      }
    } else if (items.some((i) => i instanceof SkipReason)) {
      if (items.length > 1) {
        throw new InvalidEvaluationResultError("sensor", this.name, "returned a SkipReason together with other results: return either one SkipReason or only RunRequests.");
      }
      skipMessage = (items[0] as SkipReason).skipMessage ?? "";
    } else {
      requests = items as RunRequest[];
    }
    const runRequests = await resolveRunRequests({ kind: "sensor", name: this.name, targets: this.targets }, requests, dynamic, {
      definitions: context.definitions,
      instance: context.hasInstance ? context.instance : undefined,
      currentTime: context.currentTime,
    });
    return Object.freeze({ runRequests: Object.freeze(runRequests), skipMessage, cursor, dynamicPartitionsRequests: dynamic });
  }
}

/**
 * A sensor from a function.
 *
 * @example
 * export const onDrop = sensor({ name: "on_drop", job: ingest }, async () => (await hasNewDrop()) ? new RunRequest() : new SkipReason("no drop"));
 */
export function sensor(options: Omit<SensorDefinitionOptions, "name"> & { name?: string }, fn: SensorFunction): SensorDefinition {
  if (typeof fn !== "function") {
    throw new InvalidDefinitionError("sensor(options, fn) needs a function as its second argument, returning RunRequests, a SkipReason or a SensorResult.");
  }
  const name = options?.name ?? (fn.name || undefined);
  if (name === undefined) throw new InvalidDefinitionError(`sensor() needs a name: sensor({ name: "on_drop", job }, fn), or a named function.`);
  return new SensorDefinition({ ...options, name }, fn);
}
