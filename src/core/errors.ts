// The error hierarchy every user-caused failure belongs to: a stable `code`, the culprit in fields, the fix in the message.

export interface TesseraErrorOptions {
  cause?: unknown;
}

/**
 * Base class of every error Tessera raises for something a user can fix.
 * `code` is stable across versions: match on it, not on the message.
 */
export class TesseraError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options: TesseraErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
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
  constructor(subject: string, issues: readonly { path: string; message: string }[]) {
    const lines = issues.map((i) => `  at ${i.path || "(root)"}: ${i.message}`);
    super(
      "INVALID_CONFIG",
      `Invalid config for ${subject}:\n${lines.join("\n")}\nFix the value at that path in the run config (or the config file passed with --config).`,
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

/** A user module that cannot serve as a code location. */
export class CodeLocationError extends TesseraError {
  readonly modulePath: string;
  constructor(modulePath: string, message: string, options: TesseraErrorOptions = {}) {
    super("CODE_LOCATION_ERROR", message, options);
    this.modulePath = modulePath;
  }
}

/** The instance's storage cannot be used as it is (corrupt, foreign, too old, too new). */
export class InstanceError extends TesseraError {
  readonly location: string;
  constructor(code: string, location: string, message: string, options: TesseraErrorOptions = {}) {
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
