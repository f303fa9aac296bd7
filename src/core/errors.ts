// The error hierarchy every user-caused failure belongs to: a stable `code`, the culprit in fields, the fix in the message.

export interface TesseraErrorOptions {
  cause?: unknown;
}

/**
 * Every code a TesseraError can carry, the closed set `TesseraError.code` is typed as: match on these,
 * not on messages. A code is never renamed or reused; a new failure gets a new code here.
 */
export const TesseraErrorCode = {
  // Assets and definitions (core)
  INVALID_ASSET_KEY: "INVALID_ASSET_KEY",
  INVALID_DEFINITION: "INVALID_DEFINITION",
  DUPLICATE_ASSET_KEY: "DUPLICATE_ASSET_KEY",
  DEPENDENCY_CYCLE: "DEPENDENCY_CYCLE",
  UNKNOWN_ASSET: "UNKNOWN_ASSET",
  MISSING_RESOURCE: "MISSING_RESOURCE",
  INVALID_CONFIG: "INVALID_CONFIG",
  OUTPUT_TYPE_CHECK_FAILED: "OUTPUT_TYPE_CHECK_FAILED",
  MISSING_ASSET_VALUE: "MISSING_ASSET_VALUE",
  UNSTORABLE_VALUE: "UNSTORABLE_VALUE",
  ASSET_CHECK_FAILED: "ASSET_CHECK_FAILED",
  // Code locations: the module a command or process loads
  CODE_LOCATION_ERROR: "CODE_LOCATION_ERROR",
  CODE_LOCATION_NOT_FOUND: "CODE_LOCATION_NOT_FOUND",
  CODE_LOCATION_IMPORT_FAILED: "CODE_LOCATION_IMPORT_FAILED",
  CODE_LOCATION_NO_DEFS: "CODE_LOCATION_NO_DEFS",
  CODE_LOCATION_INVALID_DEFS: "CODE_LOCATION_INVALID_DEFS",
  CODE_LOCATION_FOREIGN_DEFS: "CODE_LOCATION_FOREIGN_DEFS",
  CODE_LOCATION_UNAVAILABLE: "CODE_LOCATION_UNAVAILABLE",
  // Partitions
  INVALID_PARTITIONS_DEFINITION: "INVALID_PARTITIONS_DEFINITION",
  UNKNOWN_PARTITION_KEY: "UNKNOWN_PARTITION_KEY",
  INVALID_PARTITION_KEY_RANGE: "INVALID_PARTITION_KEY_RANGE",
  INVALID_PARTITION_KEY: "INVALID_PARTITION_KEY",
  INVALID_TIMEZONE: "INVALID_TIMEZONE",
  INVALID_PARTITION_FORMAT: "INVALID_PARTITION_FORMAT",
  INVALID_CRON_SCHEDULE: "INVALID_CRON_SCHEDULE",
  INCOMPATIBLE_PARTITION_MAPPING: "INCOMPATIBLE_PARTITION_MAPPING",
  DYNAMIC_PARTITIONS_STORE_REQUIRED: "DYNAMIC_PARTITIONS_STORE_REQUIRED",
  INVALID_PARTITIONS_SUBSET: "INVALID_PARTITIONS_SUBSET",
  // Schedules, sensors, automation conditions, selections (definitions)
  UNKNOWN_JOB_TARGET: "UNKNOWN_JOB_TARGET",
  INVALID_EVALUATION_RESULT: "INVALID_EVALUATION_RESULT",
  INVALID_RUN_REQUEST: "INVALID_RUN_REQUEST",
  INVALID_FRESHNESS_POLICY: "INVALID_FRESHNESS_POLICY",
  INVALID_AUTOMATION_CONDITION: "INVALID_AUTOMATION_CONDITION",
  SELECTION_SYNTAX: "SELECTION_SYNTAX",
  SELECTION_NOT_EXPRESSIBLE: "SELECTION_NOT_EXPRESSIBLE",
  // The asset graph and its selections
  AUTOMATION_CONDITION_REFERENCE: "AUTOMATION_CONDITION_REFERENCE",
  SELECTION_UNSUPPORTED: "SELECTION_UNSUPPORTED",
  UNKNOWN_ASSET_CHECK: "UNKNOWN_ASSET_CHECK",
  // The instance and its storage
  INSTANCE_UNREADABLE: "INSTANCE_UNREADABLE",
  INSTANCE_CLOSED: "INSTANCE_CLOSED",
  CORRUPT_INSTANCE: "CORRUPT_INSTANCE",
  INSTANCE_DISK_FULL: "INSTANCE_DISK_FULL",
  INSTANCE_READ_ONLY: "INSTANCE_READ_ONLY",
  FOREIGN_DATABASE: "FOREIGN_DATABASE",
  MIGRATION_REQUIRED: "MIGRATION_REQUIRED",
  SCHEMA_TOO_NEW: "SCHEMA_TOO_NEW",
  INVALID_SETTINGS: "INVALID_SETTINGS",
  INVALID_STORAGE_CONFIG: "INVALID_STORAGE_CONFIG",
  POSTGRES_UNREACHABLE: "POSTGRES_UNREACHABLE",
  INVALID_CURSOR: "INVALID_CURSOR",
  WORKERS_NEED_POSTGRES: "WORKERS_NEED_POSTGRES",
  INSTANCE_NOT_FOUND: "INSTANCE_NOT_FOUND",
  INSTANCE_LOCKED: "INSTANCE_LOCKED",
  // Packages
  MISSING_PACKAGE: "MISSING_PACKAGE",
  // Integrations: asset values kept as database tables, external processes
  INVALID_TABLE_NAME: "INVALID_TABLE_NAME",
  TABLE_NOT_FOUND: "TABLE_NOT_FOUND",
  INVALID_TABLE_ROWS: "INVALID_TABLE_ROWS",
  PIPES_PROCESS_FAILED: "PIPES_PROCESS_FAILED",
  PIPES_PROTOCOL_ERROR: "PIPES_PROTOCOL_ERROR",
  DUCKDB_FILE_LOCKED: "DUCKDB_FILE_LOCKED",
  // Runs and backfills the instance holds
  RUN_NOT_FOUND: "RUN_NOT_FOUND",
  STEP_NOT_FOUND: "STEP_NOT_FOUND",
  RUN_FINISHED: "RUN_FINISHED",
  LEASE_LOST: "LEASE_LOST",
  STEP_TIMEOUT: "STEP_TIMEOUT",
  NOTHING_TO_REEXECUTE: "NOTHING_TO_REEXECUTE",
  BACKFILL_NOT_FOUND: "BACKFILL_NOT_FOUND",
  BACKFILL_IN_PROGRESS: "BACKFILL_IN_PROGRESS",
  // Execution
  RUN_FAILED: "RUN_FAILED",
  RESOURCE_SETUP_FAILED: "RESOURCE_SETUP_FAILED",
  INVALID_EXECUTION_OPTION: "INVALID_EXECUTION_OPTION",
  NOTHING_TO_RUN: "NOTHING_TO_RUN",
  // Automation: the daemon and condition evaluation
  UNKNOWN_INSTIGATOR: "UNKNOWN_INSTIGATOR",
  INVALID_DAEMON_OPTION: "INVALID_DAEMON_OPTION",
  INVALID_AUTOMATION_CURSOR: "INVALID_AUTOMATION_CURSOR",
  // The command line
  CLI_USAGE: "CLI_USAGE",
  AMBIGUOUS_ID: "AMBIGUOUS_ID",
  ID_PREFIX_TOO_SHORT: "ID_PREFIX_TOO_SHORT",
} as const;
export type TesseraErrorCode = (typeof TesseraErrorCode)[keyof typeof TesseraErrorCode];

/** The property where an error records the brands of its class chain (one symbol, shared by every copy of Tessera). */
const BRANDS: unique symbol = Symbol.for("tessera.error.brands") as never;

/** The brand of an error class: `Symbol.for("tessera.error.<ClassName>")`, the same in every copy of Tessera loaded in the process. */
export function errorBrandOf(errorClass: abstract new (...args: never[]) => unknown): symbol {
  return Symbol.for(`tessera.error.${errorClass.name}`);
}

/**
 * Base class of every error Tessera raises for something a user can fix.
 * `code` is stable across versions: match on it, not on the message.
 *
 * `instanceof` works across copies of Tessera in one process (two installs, a bundled and an imported one):
 * each error records the brands of its class chain, and `X[Symbol.hasInstance]` asks whether a value carries
 * X's brand, so an UnknownAssetError thrown by another copy is `instanceof UnknownAssetError` here.
 */
export class TesseraError extends Error {
  readonly code: TesseraErrorCode;
  declare readonly [BRANDS]: readonly symbol[];

  constructor(code: TesseraErrorCode, message: string, options: TesseraErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
    const brands: symbol[] = [];
    for (let c: unknown = new.target; typeof c === "function" && c !== Error; c = Object.getPrototypeOf(c)) {
      brands.push(errorBrandOf(c as abstract new () => unknown));
    }
    Object.defineProperty(this, BRANDS, { value: Object.freeze(brands), enumerable: false, writable: false, configurable: false });
  }

  /** True for a value whose class chain, in any copy of Tessera, includes a class with this class's brand. */
  static override [Symbol.hasInstance]<T>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    if (typeof value !== "object" || value === null) return false;
    const brands = (value as { [BRANDS]?: unknown })[BRANDS];
    if (!Array.isArray(brands)) return Function.prototype[Symbol.hasInstance].call(this, value);
    return brands.includes(errorBrandOf(this));
  }
}

/** An asset key, name or prefix that breaks the naming rules. */
export class InvalidAssetKeyError extends TesseraError {
  readonly value: unknown;
  constructor(value: unknown, reason: string) {
    super("INVALID_ASSET_KEY", `Invalid asset key ${describe(value)}: ${reason}`);
    this.value = value;
  }
}

/** A definition that cannot be built as written (bad option, conflicting options, missing name). */
export class InvalidDefinitionError extends TesseraError {
  readonly definition: string | undefined;
  constructor(message: string, definition?: string) {
    super("INVALID_DEFINITION", message);
    this.definition = definition;
  }
}

/** Two definitions claim the same asset key. */
export class DuplicateAssetKeyError extends TesseraError {
  readonly assetKey: string;
  constructor(assetKey: string, where: string) {
    super(
      "DUPLICATE_ASSET_KEY",
      `Asset key "${assetKey}" is defined more than once (${where}). Each asset key must be defined by exactly one definition: rename one of them or give it a keyPrefix.`,
    );
    this.assetKey = assetKey;
  }
}

/** The dependencies between assets form a cycle. */
export class DependencyCycleError extends TesseraError {
  readonly cycle: readonly string[];
  constructor(cycle: readonly string[]) {
    super(
      "DEPENDENCY_CYCLE",
      `Assets depend on each other in a cycle: ${cycle.join(" -> ")}. Remove one of these dependencies (ins or deps) to break it.`,
    );
    this.cycle = cycle;
  }
}

/** A reference to an asset key that is not defined where a defined one was required. */
export class UnknownAssetError extends TesseraError {
  readonly assetKey: string;
  readonly suggestions: readonly string[];
  constructor(assetKey: string, message: string, suggestions: readonly string[] = []) {
    super("UNKNOWN_ASSET", message);
    this.assetKey = assetKey;
    this.suggestions = suggestions;
  }
}

/** A resource key required by a definition that no resource provides. */
export class MissingResourceError extends TesseraError {
  readonly resourceKey: string;
  readonly requiredBy: string;
  constructor(resourceKey: string, requiredBy: string, available: readonly string[]) {
    super(
      "MISSING_RESOURCE",
      `${requiredBy} requires resource "${resourceKey}", but no resource with that key was provided` +
        ` (available: ${available.length ? available.map((k) => `"${k}"`).join(", ") : "none"}).` +
        ` Pass it in \`resources: { ${safeIdent(resourceKey)}: ... }\` of Definitions or materialize().`,
    );
    this.resourceKey = resourceKey;
    this.requiredBy = requiredBy;
  }
}

/** Config (run config, resource config, settings) that fails its schema. */
export class ConfigValidationError extends TesseraError {
  readonly configPath: string;
  readonly issues: readonly { path: string; message: string }[];
  /** `fix` replaces the closing advice, for config that is not run config (a settings file names itself). */
  constructor(subject: string, issues: readonly { path: string; message: string }[], fix?: string) {
    const lines = issues.map((i) => `  at ${i.path || "(root)"}: ${i.message}`);
    super(
      "INVALID_CONFIG",
      `Invalid config for ${subject}:\n${lines.join("\n")}\n${fix ?? "Fix the value at that path in the run config (or the config file passed with --config)."}`,
    );
    this.configPath = issues[0]?.path ?? "";
    this.issues = issues;
  }
}

/** A value returned by a compute that fails the asset's declared `type`. */
export class OutputTypeCheckError extends TesseraError {
  readonly assetKey: string;
  constructor(assetKey: string, detail: string) {
    super("OUTPUT_TYPE_CHECK_FAILED", `The value returned for asset "${assetKey}" failed its type check: ${detail}`);
    this.assetKey = assetKey;
  }
}

/**
 * A value an IO manager cannot store so that it loads back the same: a function, a symbol, a class instance
 * (which would load as a plain object without its methods). `valuePath` says where in the value it sits.
 */
export class UnstorableValueError extends TesseraError {
  readonly assetKey: string;
  readonly valuePath: string;
  constructor(assetKey: string, valuePath: string, detail: string, fix: string) {
    super("UNSTORABLE_VALUE", `The value returned for asset "${assetKey}" cannot be stored: ${valuePath} is ${detail}. ${fix}`);
    this.assetKey = assetKey;
    this.valuePath = valuePath;
  }
}

type CodeLocationErrorCode = Extract<TesseraErrorCode, `CODE_LOCATION_${string}`>;

/** A user module that cannot serve as a code location. Its subclasses name each way loading one fails. */
export class CodeLocationError extends TesseraError {
  readonly modulePath: string;
  constructor(modulePath: string, message: string, options: TesseraErrorOptions = {}, code: CodeLocationErrorCode = "CODE_LOCATION_ERROR") {
    super(code, message, options);
    this.modulePath = modulePath;
  }
}

/** A code location module path that names no file (nothing there, or a directory). */
export class CodeLocationNotFoundError extends CodeLocationError {
  constructor(modulePath: string, message: string) {
    super(modulePath, message, {}, "CODE_LOCATION_NOT_FOUND");
  }
}

/** A code location module that throws while it is imported (a syntax error, a missing package, its own code). The cause is what it threw. */
export class CodeLocationImportError extends CodeLocationError {
  constructor(modulePath: string, message: string, cause: unknown) {
    super(modulePath, message, { cause }, "CODE_LOCATION_IMPORT_FAILED");
  }
}

/** A code location module without a `defs` export. `exportNames` are the exports it has. */
export class MissingDefsExportError extends CodeLocationError {
  readonly exportNames: readonly string[];
  constructor(modulePath: string, message: string, exportNames: readonly string[]) {
    super(modulePath, message, {}, "CODE_LOCATION_NO_DEFS");
    this.exportNames = exportNames;
  }
}

/** A code location whose `defs` export is not a Definitions at all. */
export class InvalidDefsExportError extends CodeLocationError {
  constructor(modulePath: string, message: string) {
    super(modulePath, message, {}, "CODE_LOCATION_INVALID_DEFS");
  }
}

/** A code location whose `defs` is a Definitions built by another copy of Tessera than the one loading it. */
export class ForeignDefinitionsError extends CodeLocationError {
  constructor(modulePath: string, message: string) {
    super(modulePath, message, {}, "CODE_LOCATION_FOREIGN_DEFS");
  }
}

/** A code location of a workspace (`tessera dev`) that cannot answer now: unknown, failed to load, or its process is gone. */
export class CodeLocationUnavailableError extends CodeLocationError {
  constructor(modulePath: string, message: string) {
    super(modulePath, message, {}, "CODE_LOCATION_UNAVAILABLE");
  }
}

/** The instance's storage cannot be used as it is (corrupt, foreign, too old, too new). */
export class InstanceError extends TesseraError {
  readonly location: string;
  constructor(code: TesseraErrorCode, location: string, message: string, options: TesseraErrorOptions = {}) {
    super(code, message, options);
    this.location = location;
  }
}

/** A run id that the instance does not hold. */
export class RunNotFoundError extends TesseraError {
  readonly runId: string;
  constructor(runId: string) {
    super("RUN_NOT_FOUND", `No run with id "${runId}" in this instance. List runs with \`tessera run list\`.`);
    this.runId = runId;
  }
}

/** A backfill id that the instance does not hold. An InstanceError (code BACKFILL_NOT_FOUND) whose location is the id. */
export class BackfillNotFoundError extends InstanceError {
  readonly backfillId: string;
  constructor(backfillId: string, message = `No backfill with id "${backfillId}". List them with \`tessera backfill list\`.`) {
    super("BACKFILL_NOT_FOUND", backfillId, message);
    this.backfillId = backfillId;
  }
}

/** A value asked of an IO manager that was never stored. */
export class MissingAssetValueError extends TesseraError {
  readonly assetKey: string;
  constructor(assetKey: string, message: string) {
    super("MISSING_ASSET_VALUE", message);
    this.assetKey = assetKey;
  }
}

/** A run that failed, raised by materialize() when `raiseOnError` is true. The cause is the first failed step's error. */
export class RunFailedError extends TesseraError {
  readonly runId: string;
  readonly stepKey: string | undefined;
  constructor(runId: string, stepKey: string | undefined, message: string, cause: unknown) {
    super("RUN_FAILED", message, { cause });
    this.runId = runId;
    this.stepKey = stepKey;
  }
}

export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function safeIdent(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
}

/** A blocking asset check failed with severity ERROR: the assets downstream of its asset do not run. */
export class AssetCheckFailedError extends TesseraError {
  readonly checks: readonly string[];
  constructor(checks: readonly string[]) {
    super(
      "ASSET_CHECK_FAILED",
      `Blocking asset check${checks.length > 1 ? "s" : ""} ${checks.map((c) => `"${c}"`).join(", ")} failed, so the assets downstream of ${checks.length > 1 ? "them" : "it"} were not materialized in this run. Fix the data (or the check) and run again.`,
    );
    this.checks = checks;
  }
}

/** A step key that a run does not have (`tessera run logs --step`); the message lists the run's steps. */
export class StepNotFoundError extends TesseraError {
  readonly runId: string;
  readonly stepKey: string;
  readonly steps: readonly string[];
  constructor(runId: string, stepKey: string, steps: readonly string[], suggestions: readonly string[] = []) {
    super(
      "STEP_NOT_FOUND",
      `Run ${runId} has no step "${stepKey}"${suggestions.length ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(" or ")}?` : "."} ` +
        (steps.length ? `Its steps: ${steps.join(", ")}.` : "It ran no step."),
    );
    this.runId = runId;
    this.stepKey = stepKey;
    this.steps = steps;
  }
}

/**
 * A write for a run that already ended: a finished run's status and steps never change again. Raised in the
 * transaction that would have written, so a holder that lost its run (stopped past its lease, cut off) writes
 * nothing after run monitoring ended the run. An InstanceError (code RUN_FINISHED) whose location is the run id.
 */
export class RunFinishedWriteError extends InstanceError {
  readonly runId: string;
  readonly status: string;
  constructor(runId: string, status: string, eventType: string) {
    super(
      "RUN_FINISHED",
      runId,
      `Refused ${eventType} for run ${runId}: the run already ended ${status}, and a finished run never changes. ` +
        `Its holder likely lost it (stopped or cut off past its lease); re-execute it with \`tessera run reexecute ${runId} --from-failure\`.`,
    );
    this.runId = runId;
    this.status = status;
  }
}

/**
 * A holder (worker or run process) wrote with a lease it no longer holds: it expired (the process was stopped or
 * cut off from the instance longer than the lease) or another holder took it. The write is refused in the
 * transaction that checks the lease (the fencing token), and the holder stops its steps.
 */
export class LeaseLostError extends TesseraError {
  readonly lease: string;
  readonly holder: string;
  constructor(lease: string, holder: string, detail: string) {
    super(
      "LEASE_LOST",
      `Holder ${holder} lost its lease ${lease} (${detail}); its writes are refused and its steps stop. ` +
        `Run monitoring ends its runs; keep the process responsive and connected, or lengthen the lease.`,
    );
    this.lease = lease;
    this.holder = holder;
  }
}

/** A step that ran longer than its `tessera/max_runtime` (op tag, run tag or the instance's default). */
export class StepTimeoutError extends TesseraError {
  readonly stepKey: string;
  readonly maxRuntimeSeconds: number;
  constructor(stepKey: string, maxRuntimeSeconds: number, source: string) {
    super(
      "STEP_TIMEOUT",
      `Step "${stepKey}" exceeded its max runtime of ${maxRuntimeSeconds} s (${source}) and was failed. ` +
        `Make the compute finish sooner, or raise tessera/max_runtime.`,
    );
    this.stepKey = stepKey;
    this.maxRuntimeSeconds = maxRuntimeSeconds;
  }
}
