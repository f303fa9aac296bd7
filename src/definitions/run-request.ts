// What schedules and sensors return: RunRequest, SkipReason and SensorResult (with dynamic partitions requests and a cursor).
import { AssetKey, validateTags, type AssetKeyLike, type Tags } from "../core/index.js";
import type { DynamicPartitionsRequest } from "../partitions/index.js";
import { InvalidRunRequestError } from "./errors.js";

export type { DynamicPartitionsRequest } from "../partitions/index.js";

/** Options for `new RunRequest(options)`. */
export interface RunRequestOptions {
  /** Identifies the run: a run key already used by a run of the same schedule or sensor is not launched again. */
  runKey?: string;
  /** Run config of the run: `{ ops: { <op>: { config } }, resources: { <key>: { config } } }`. @default the job's config */
  runConfig?: Readonly<Record<string, unknown>>;
  tags?: Readonly<Record<string, string>>;
  /** The job to run, when the schedule or sensor targets several. @default its only target */
  jobName?: string;
  /** The assets to materialize, a subset of the target's. @default every asset of the target */
  assetSelection?: readonly AssetKeyLike[];
  /** The partition to run, which must be a partition of the target job's partitionsDef. */
  partitionKey?: string;
  /** The asset checks to run (the reference's asset_check_keys): with no assetSelection, only these checks run. */
  assetCheckKeys?: readonly { readonly assetKey: AssetKeyLike; readonly name: string }[];
}

/**
 * A request, made by a schedule or sensor tick, to launch one run.
 *
 * @example
 * sensor({ name: "new_files", job: ingest }, () => new RunRequest({ runKey: "file-1.csv", partitionKey: "file-1.csv" }));
 */
export class RunRequest {
  readonly kind = "run_request";
  readonly runKey: string | undefined;
  readonly runConfig: Readonly<Record<string, unknown>> | undefined;
  readonly tags: Tags;
  readonly jobName: string | undefined;
  readonly assetSelection: readonly AssetKey[] | undefined;
  readonly partitionKey: string | undefined;
  readonly assetCheckKeys: readonly { readonly assetKey: AssetKey; readonly name: string }[] | undefined;

  constructor(options: RunRequestOptions = {}) {
    if (options === null || typeof options !== "object") {
      throw new InvalidRunRequestError(`new RunRequest() takes an options object { runKey?, runConfig?, tags?, jobName?, assetSelection?, partitionKey? }, got ${String(options)}.`);
    }
    const { runKey, runConfig, jobName, partitionKey, assetSelection } = options;
    if (runKey !== undefined && (typeof runKey !== "string" || runKey === "")) {
      throw new InvalidRunRequestError(`RunRequest runKey must be a non-empty string, got ${JSON.stringify(runKey)}.`);
    }
    if (runConfig !== undefined && (runConfig === null || typeof runConfig !== "object" || Array.isArray(runConfig))) {
      throw new InvalidRunRequestError(`RunRequest runConfig must be an object such as { ops: { <op>: { config } } }, got ${JSON.stringify(runConfig)}.`);
    }
    if (jobName !== undefined && (typeof jobName !== "string" || jobName === "")) {
      throw new InvalidRunRequestError(`RunRequest jobName must be a job's name, got ${JSON.stringify(jobName)}.`);
    }
    if (partitionKey !== undefined && typeof partitionKey !== "string") {
      throw new InvalidRunRequestError(`RunRequest partitionKey must be a string, got ${typeof partitionKey}; use String(key) for a MultiPartitionKey.`);
    }
    if (assetSelection !== undefined && !Array.isArray(assetSelection)) {
      throw new InvalidRunRequestError(`RunRequest assetSelection must be an array of asset keys, got ${JSON.stringify(assetSelection)}.`);
    }
    this.runKey = runKey;
    this.runConfig = runConfig === undefined ? undefined : Object.freeze({ ...runConfig });
    this.tags = validateTags(options.tags, "a RunRequest");
    this.jobName = jobName;
    this.assetSelection = assetSelection === undefined ? undefined : Object.freeze(assetSelection.map((k) => AssetKey.from(k)));
    this.partitionKey = partitionKey;
    if (options.assetCheckKeys !== undefined && !Array.isArray(options.assetCheckKeys)) {
      throw new InvalidRunRequestError(`RunRequest assetCheckKeys must be an array of { assetKey, name }, got ${JSON.stringify(options.assetCheckKeys)}.`);
    }
    this.assetCheckKeys =
      options.assetCheckKeys === undefined ? undefined : Object.freeze(options.assetCheckKeys.map((c) => Object.freeze({ assetKey: AssetKey.from(c.assetKey), name: c.name })));
    Object.freeze(this);
  }

  /** A copy with some fields replaced. */
  with(changes: Partial<Omit<RunRequestOptions, "assetSelection">> & { assetSelection?: readonly AssetKeyLike[] }): RunRequest {
    return new RunRequest({
      ...this.#options(),
      ...changes,
    });
  }

  #options(): RunRequestOptions {
    const o: RunRequestOptions = { tags: this.tags };
    if (this.runKey !== undefined) o.runKey = this.runKey;
    if (this.runConfig !== undefined) o.runConfig = this.runConfig;
    if (this.jobName !== undefined) o.jobName = this.jobName;
    if (this.assetSelection !== undefined) o.assetSelection = this.assetSelection;
    if (this.assetCheckKeys !== undefined) o.assetCheckKeys = this.assetCheckKeys;
    if (this.partitionKey !== undefined) o.partitionKey = this.partitionKey;
    return o;
  }
}

/** Says why a tick requested no run; shown with the tick. */
export class SkipReason {
  readonly kind = "skip_reason";
  readonly skipMessage: string | undefined;

  constructor(skipMessage?: string) {
    if (skipMessage !== undefined && typeof skipMessage !== "string") {
      throw new InvalidRunRequestError(`new SkipReason(message) takes a string message, got ${typeof skipMessage}.`);
    }
    this.skipMessage = skipMessage;
    Object.freeze(this);
  }
}

/** Options for `new SensorResult(options)`. */
export interface SensorResultOptions {
  runRequests?: readonly RunRequest[];
  /** Why no run was requested; only without run requests. */
  skipReason?: SkipReason | string;
  /** Dynamic partitions to add or delete before the run requests are launched. */
  dynamicPartitionsRequests?: readonly DynamicPartitionsRequest[];
  /** The cursor the next tick starts from. */
  cursor?: string;
}

/**
 * Everything one sensor tick decided: runs, dynamic partition changes and the new cursor.
 *
 * @example
 * return new SensorResult({ runRequests, dynamicPartitionsRequests: [files.buildAddRequest(newKeys)], cursor: String(latest) });
 */
export class SensorResult {
  readonly kind = "sensor_result";
  readonly runRequests: readonly RunRequest[];
  readonly skipReason: SkipReason | undefined;
  readonly dynamicPartitionsRequests: readonly DynamicPartitionsRequest[];
  readonly cursor: string | undefined;

  constructor(options: SensorResultOptions = {}) {
    const runRequests = options.runRequests ?? [];
    if (!Array.isArray(runRequests) || runRequests.some((r) => !(r instanceof RunRequest))) {
      throw new InvalidRunRequestError("SensorResult runRequests must be an array of RunRequest (build each with new RunRequest({...})).");
    }
    const skip = typeof options.skipReason === "string" ? new SkipReason(options.skipReason) : options.skipReason;
    if (skip !== undefined && !(skip instanceof SkipReason)) {
      throw new InvalidRunRequestError("SensorResult skipReason must be a SkipReason or a string.");
    }
    if (skip && runRequests.length > 0) {
      throw new InvalidRunRequestError("A SensorResult has either run requests or a skip reason, not both: drop the skipReason when requesting runs.");
    }
    const dynamic = options.dynamicPartitionsRequests ?? [];
    if (!Array.isArray(dynamic) || dynamic.some((d) => !isDynamicPartitionsRequest(d))) {
      throw new InvalidRunRequestError(
        "SensorResult dynamicPartitionsRequests must come from partitionsDef.buildAddRequest(keys) or buildDeleteRequest(keys) of a DynamicPartitionsDefinition.",
      );
    }
    if (options.cursor !== undefined && typeof options.cursor !== "string") {
      throw new InvalidRunRequestError(`SensorResult cursor must be a string, got ${typeof options.cursor}; serialize it (e.g. JSON.stringify).`);
    }
    this.runRequests = Object.freeze(runRequests.slice());
    this.skipReason = skip;
    this.dynamicPartitionsRequests = Object.freeze(dynamic.slice());
    this.cursor = options.cursor;
    Object.freeze(this);
  }
}

export function isDynamicPartitionsRequest(value: unknown): value is DynamicPartitionsRequest {
  if (value === null || typeof value !== "object") return false;
  const v = value as Partial<DynamicPartitionsRequest>;
  return (
    (v.kind === "add_dynamic_partitions" || v.kind === "delete_dynamic_partitions") &&
    typeof v.partitionsDefName === "string" &&
    Array.isArray(v.partitionKeys)
  );
}
