// Errors users cause in what they define: schedules and sensors (each names the schedule or sensor and the fix), automation conditions, freshness policies.
import { TesseraError, type TesseraErrorOptions } from "../core/index.js";

/** Which kind of instigator (what starts runs on its own) an error or tick is about: a schedule or a sensor. */
export type InstigatorKind = "schedule" | "sensor";

/** A schedule or sensor targets a job that the Definitions it is passed to do not hold. */
export class UnknownJobTargetError extends TesseraError {
  readonly instigatorName: string;
  readonly jobName: string;
  readonly suggestions: readonly string[];
  constructor(kind: InstigatorKind, instigatorName: string, jobName: string, available: readonly string[], suggestions: readonly string[]) {
    const hint = suggestions.length ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(" or ")}?` : "";
    super(
      "UNKNOWN_JOB_TARGET",
      `The ${kind} "${instigatorName}" targets job "${jobName}", which is not defined.${hint} ` +
        `Jobs: ${available.length ? available.map((j) => `"${j}"`).join(", ") : "none"}. ` +
        `Pass the job in Definitions jobs (or give the ${kind} the job itself: { job: myJob }).`,
    );
    this.instigatorName = instigatorName;
    this.jobName = jobName;
    this.suggestions = suggestions;
  }
}

/** An evaluation function returned something a schedule or sensor cannot act on. The message says what to return. */
export class InvalidEvaluationResultError extends TesseraError {
  readonly instigatorName: string;
  constructor(kind: InstigatorKind, instigatorName: string, detail: string) {
    super("INVALID_EVALUATION_RESULT", `The ${kind} "${instigatorName}" ${detail}`);
    this.instigatorName = instigatorName;
  }
}

/** A run request that cannot be carried out for its target: unknown job, a partition the job does not have. */
export class InvalidRunRequestError extends TesseraError {
  readonly instigatorName: string | undefined;
  readonly partitionKey: string | undefined;
  readonly jobName: string | undefined;
  constructor(
    message: string,
    fields: { instigatorName?: string; partitionKey?: string; jobName?: string } = {},
    options: TesseraErrorOptions = {},
  ) {
    super("INVALID_RUN_REQUEST", message, options);
    this.instigatorName = fields.instigatorName;
    this.partitionKey = fields.partitionKey;
    this.jobName = fields.jobName;
  }
}

/** A FreshnessPolicy built with a bad lag, cron schedule or timezone. */
export class InvalidFreshnessPolicyError extends TesseraError {
  constructor(message: string, cause?: unknown) {
    super("INVALID_FRESHNESS_POLICY", message, cause === undefined ? {} : { cause });
  }
}

/** A condition built with a bad argument (an invalid cron string, a negative lookback). */
export class InvalidAutomationConditionError extends TesseraError {
  constructor(message: string) {
    super("INVALID_AUTOMATION_CONDITION", message);
  }
}
