// AutomationCondition: an immutable tree of operands and operators, with the reference's built-ins composed of parts.
import { AssetKey, type AssetKeyLike } from "../core/index.js";
import { CronSchedule, resolveTimeZone } from "../partitions/index.js";
import { InvalidAutomationConditionError } from "./errors.js";
import {
  describeSelection,
  selectionExpressionOf,
  unionOfSelections,
  type CoercibleToAssetSelection,
  type SelectionExpression,
} from "./selection/index.js";

/** Leaves: each reads one fact about an asset (or its partitions) at the evaluation. */
export type OperandKind =
  | "missing"
  | "run_in_progress"
  | "backfill_in_progress"
  | "execution_failed"
  | "newly_updated"
  | "newly_requested"
  | "will_be_requested"
  | "initial_evaluation"
  | "code_version_changed"
  | "cron_tick_passed"
  | "in_latest_time_window"
  | "executed_with_root_target"
  | "check_result"
  | "data_version_changed"
  | "executed_with_tags"
  | "any_new_update_has_run_tags"
  | "all_new_updates_have_run_tags"
  | "code_version_outdated";

/** Inner nodes: combine, remember or move their operands to other assets. */
export type OperatorKind =
  | "and"
  | "or"
  | "not"
  | "since"
  | "newly_true"
  | "any_deps_match"
  | "all_deps_match"
  | "asset_matches"
  | "any_downstream_conditions"
  | "any_checks_match"
  | "all_checks_match";

export type ConditionKind = OperandKind | OperatorKind;

/** Parameters of the nodes that take any. */
export interface ConditionParams {
  readonly cronSchedule?: string;
  readonly cronTimezone?: string;
  /** in_latest_time_window: partitions whose window ends within this many milliseconds of the latest one's end. */
  readonly lookbackMs?: number;
  /** Deps operators: only deps in this selection count. */
  readonly allowSelection?: SelectionExpression;
  /** Deps operators: deps in this selection never count. */
  readonly ignoreSelection?: SelectionExpression;
  /** check_result: whether the check must have passed (checkPassed) or failed (checkFailed). */
  readonly passed?: boolean;
  /** Checks operators: only blocking checks count. */
  readonly blockingOnly?: boolean;
  /** asset_matches: the asset the operand is evaluated on. */
  readonly key?: AssetKey;
  /** Run tag operands: tags the run must carry (any value), sorted. */
  readonly tagKeys?: readonly string[];
  /** Run tag operands: tags the run must carry with these values. */
  readonly tagValues?: Readonly<Record<string, string>>;
}

const NAMES: Readonly<Record<ConditionKind, string>> = Object.freeze({
  missing: "missing",
  run_in_progress: "run_in_progress",
  backfill_in_progress: "backfill_in_progress",
  execution_failed: "execution_failed",
  newly_updated: "newly_updated",
  newly_requested: "newly_requested",
  will_be_requested: "will_be_requested",
  initial_evaluation: "initial_evaluation",
  code_version_changed: "code_version_changed",
  cron_tick_passed: "cron_tick_passed",
  in_latest_time_window: "in_latest_time_window",
  executed_with_root_target: "executed_with_root_target",
  check_result: "check_result",
  data_version_changed: "data_version_changed",
  executed_with_tags: "executed_with_tags",
  any_new_update_has_run_tags: "any_new_update_has_run_tags",
  all_new_updates_have_run_tags: "all_new_updates_have_run_tags",
  code_version_outdated: "code_version_outdated",
  any_checks_match: "ANY_CHECKS_MATCH",
  any_downstream_conditions: "ANY_DOWNSTREAM_CONDITIONS",
  all_checks_match: "ALL_CHECKS_MATCH",
  and: "AND",
  or: "OR",
  not: "NOT",
  since: "SINCE",
  newly_true: "NEWLY_TRUE",
  any_deps_match: "ANY_DEPS_MATCH",
  all_deps_match: "ALL_DEPS_MATCH",
  asset_matches: "ASSET_MATCHES",
});

/**
 * A condition on an asset's partitions, evaluated tick by tick: `evaluateAutomationConditions` computes, for
 * each asset, the partitions its condition is true for and requests runs of them. Built from the statics and
 * combined with `and`, `or`, `not`, `since` and `newlyTrue`. Immutable.
 *
 * @example
 * const condition = AutomationCondition.eager().ignore(AssetSelection.keys("raw_logs"));
 * AutomationCondition.onCron("0 9 * * *", "Europe/Berlin").describe();
 */
export class AutomationCondition {
  readonly kind: ConditionKind;
  readonly label: string | undefined;
  readonly children: readonly AutomationCondition[];
  readonly params: ConditionParams;

  private constructor(kind: ConditionKind, children: readonly AutomationCondition[], params: ConditionParams = {}, label?: string) {
    this.kind = kind;
    this.children = Object.freeze(children.slice());
    this.params = Object.freeze({ ...params });
    this.label = label;
    Object.freeze(this);
  }

  /** The node's formal name, after its static constructor (operators in capitals, as the reference shows them). */
  get name(): string {
    return NAMES[this.kind];
  }

  /** A copy with a human-readable label; `replace` can find the node by it. */
  withLabel(label: string | undefined): AutomationCondition {
    return new AutomationCondition(this.kind, this.children, this.params, label);
  }

  /** True where both are; unlabeled ANDs are flattened into one, as the reference does. */
  and(other: AutomationCondition): AutomationCondition {
    return new AutomationCondition("and", [...flatten(this, "and"), ...flatten(other, "and")]);
  }

  or(other: AutomationCondition): AutomationCondition {
    return new AutomationCondition("or", [...flatten(this, "or"), ...flatten(other, "or")]);
  }

  not(): AutomationCondition {
    return new AutomationCondition("not", [this]);
  }

  /** True where this condition has been true at some evaluation since `reset` last was. */
  since(reset: AutomationCondition): AutomationCondition {
    return new AutomationCondition("since", [this, reset]);
  }

  /** True only at the evaluation where this condition goes from false to true. */
  newlyTrue(): AutomationCondition {
    return new AutomationCondition("newly_true", [this]);
  }

  /** True where this condition became true since the asset was last requested or updated, or the condition changed. */
  sinceLastHandled(): AutomationCondition {
    return this.since(AutomationCondition.newlyRequested().or(AutomationCondition.newlyUpdated()).or(AutomationCondition.initialEvaluation()).withLabel("handled"));
  }

  /**
   * Every deps operator in the tree only looks at deps in `selection` (added to any selection already allowed), and
   * every checks operator only at the checks `selection` selects (the checks of its assets, or the checks named).
   */
  allow(selection: CoercibleToAssetSelection): AutomationCondition {
    const s = selectionExpressionOf(selection);
    return this.#mapDeps((p) => ({ ...p, allowSelection: p.allowSelection ? unionOfSelections(p.allowSelection, s) : s }));
  }

  /** Every deps operator in the tree ignores deps in `selection`, and every checks operator the checks it selects. */
  ignore(selection: CoercibleToAssetSelection): AutomationCondition {
    const s = selectionExpressionOf(selection);
    return this.#mapDeps((p) => ({ ...p, ignoreSelection: p.ignoreSelection ? unionOfSelections(p.ignoreSelection, s) : s }));
  }

  #mapDeps(change: (p: ConditionParams) => ConditionParams): AutomationCondition {
    const isDeps = this.kind === "any_deps_match" || this.kind === "all_deps_match" || this.kind === "any_checks_match" || this.kind === "all_checks_match";
    const children = this.children.map((c) => c.#mapDeps(change));
    return new AutomationCondition(this.kind, children, isDeps ? change(this.params) : this.params, this.label);
  }

  /** Replaces every sub-condition equal to `old` (an equal tree, or a node with `old` as its label or name) with `replacement`. */
  replace(old: AutomationCondition | string, replacement: AutomationCondition): AutomationCondition {
    if (this.#matches(old)) return replacement;
    const children = this.children.map((c) => c.replace(old, replacement));
    return children.every((c, i) => c === this.children[i]) ? this : new AutomationCondition(this.kind, children, this.params, this.label);
  }

  /** An AND without its operands equal to `old` (an equal tree, or a node with `old` as its label or name), keeping its label. */
  without(old: AutomationCondition | string): AutomationCondition {
    if (this.kind !== "and") throw new InvalidAutomationConditionError(`without() removes operands of an AND; this is ${this.describeNode()}`);
    const children = this.children.filter((c) => !c.#matches(old));
    if (children.length === this.children.length) {
      throw new InvalidAutomationConditionError(`without(): no operand of ${this.describeNode()} is ${typeof old === "string" ? `labeled "${old}"` : old.describeNode()}`);
    }
    if (children.length < 2) {
      const left = children[0] === undefined ? "nothing" : children[0].describeNode();
      throw new InvalidAutomationConditionError(`without(): removing it would leave ${this.describeNode()} with fewer than 2 operands (only ${left}); use the remaining operand itself instead of an AND`);
    }
    return new AutomationCondition("and", children, this.params, this.label);
  }

  #matches(old: AutomationCondition | string): boolean {
    return typeof old === "string" ? this.label === old || this.name === old : this === old || this.uniqueId === old.uniqueId;
  }

  /** A short text for one node: its label (if any) and its name with parameters. */
  describeNode(): string {
    const p = this.params;
    let text = this.name;
    if (this.kind === "cron_tick_passed") text += `(${p.cronSchedule}, ${p.cronTimezone})`;
    if (this.kind === "in_latest_time_window" && p.lookbackMs !== undefined) text += `(${p.lookbackMs}ms)`;
    if (this.kind === "asset_matches") text += `(${p.key?.toString()})`;
    if (this.kind === "check_result") text = p.passed ? "check_passed" : "check_failed";
    if (p.tagKeys || p.tagValues) text = runTagsName(text, p.tagKeys, p.tagValues);
    if (p.blockingOnly) text += " (blocking only)";
    if (p.allowSelection) text += ` allow ${describeSelection(p.allowSelection)}`;
    if (p.ignoreSelection) text += ` ignore ${describeSelection(p.ignoreSelection)}`;
    return this.label === undefined ? text : `${this.label}: ${text}`;
  }

  /** The tree, one node a line, children indented under their parent. */
  describe(): string {
    const lines: string[] = [];
    const walk = (c: AutomationCondition, depth: number): void => {
      lines.push(`${"  ".repeat(depth)}${c.describeNode()}`);
      for (const child of c.children) walk(child, depth + 1);
    };
    walk(this, 0);
    return lines.join("\n");
  }

  /** A string that changes whenever the tree's structure, parameters or labels change (for initial_evaluation). */
  get uniqueId(): string {
    let id = uniqueIds.get(this);
    if (id === undefined) uniqueIds.set(this, (id = hash(this.describe())));
    return id;
  }

  toString(): string {
    return this.describe();
  }

  // Statics: operands.

  /** True where the asset (partition) has never been materialized. */
  static missing(): AutomationCondition {
    return new AutomationCondition("missing", []);
  }

  static runInProgress(): AutomationCondition {
    return new AutomationCondition("run_in_progress", []);
  }

  static backfillInProgress(): AutomationCondition {
    return new AutomationCondition("backfill_in_progress", []);
  }

  /** True where the latest execution failed (a failure after the latest materialization). */
  static executionFailed(): AutomationCondition {
    return new AutomationCondition("execution_failed", []);
  }

  /** True where the asset (partition) was materialized since the previous evaluation. */
  static newlyUpdated(): AutomationCondition {
    return new AutomationCondition("newly_updated", []);
  }

  /** True where the previous evaluation requested the asset (partition). */
  static newlyRequested(): AutomationCondition {
    return new AutomationCondition("newly_requested", []);
  }

  /** True where this evaluation requests the asset (partition); meaningful for deps, evaluated before their children. */
  static willBeRequested(): AutomationCondition {
    return new AutomationCondition("will_be_requested", []);
  }

  /** True at the first evaluation of the condition, and at the first after the condition changed. */
  static initialEvaluation(): AutomationCondition {
    return new AutomationCondition("initial_evaluation", []);
  }

  /** True where the asset's code version differs from the one at the previous evaluation. */
  static codeVersionChanged(): AutomationCondition {
    return new AutomationCondition("code_version_changed", []);
  }

  /** True at an evaluation when a tick of the cron schedule passed since the previous evaluation. */
  static cronTickPassed(cronSchedule: string, cronTimezone = "UTC"): AutomationCondition {
    try {
      CronSchedule.of(cronSchedule);
      resolveTimeZone(cronTimezone);
    } catch (e) {
      throw new InvalidAutomationConditionError(`cronTickPassed("${cronSchedule}", "${cronTimezone}"): ${(e as Error).message}`);
    }
    return new AutomationCondition("cron_tick_passed", [], { cronSchedule, cronTimezone });
  }

  /**
   * True for the latest time partition (every partition of assets not partitioned by time); with
   * `lookbackDeltaMs`, for every time partition whose window ends within that many milliseconds of the latest's end.
   */
  static inLatestTimeWindow(lookbackDeltaMs?: number): AutomationCondition {
    if (lookbackDeltaMs !== undefined && !(Number.isFinite(lookbackDeltaMs) && lookbackDeltaMs >= 0)) {
      throw new InvalidAutomationConditionError(`inLatestTimeWindow(lookbackDeltaMs) takes a non-negative number of milliseconds, got ${String(lookbackDeltaMs)}`);
    }
    return new AutomationCondition("in_latest_time_window", [], lookbackDeltaMs === undefined ? {} : { lookbackMs: lookbackDeltaMs });
  }

  /** True where the latest run that updated the asset also targeted the asset whose condition is evaluated. */
  static executedWithRootTarget(): AutomationCondition {
    return new AutomationCondition("executed_with_root_target", []);
  }

  /** True where the asset's (partition's) latest materialization was computed with a code version other than its declared one. */
  static codeVersionOutdated(): AutomationCondition {
    return new AutomationCondition("code_version_outdated", []);
  }

  /** True where the asset (partition) was updated since the previous evaluation with a data version other than the one it had then. */
  static dataVersionChanged(): AutomationCondition {
    return new AutomationCondition("data_version_changed", []);
  }

  /**
   * True where the latest run that materialized the asset (partition) carries every key of `tagKeys` and every
   * tag of `tagValues` with that value.
   */
  static executedWithTags(options: RunTagsOptions): AutomationCondition {
    return new AutomationCondition("executed_with_tags", [], runTagsParams("executedWithTags", options));
  }

  /** True where the asset (partition) was updated since the previous evaluation by at least one run with the tags (see `executedWithTags`). */
  static anyNewUpdateHasRunTags(options: RunTagsOptions = {}): AutomationCondition {
    return new AutomationCondition("any_new_update_has_run_tags", [], runTagsParams("anyNewUpdateHasRunTags", options));
  }

  /** True where the asset (partition) was updated since the previous evaluation, and only by runs with the tags (see `executedWithTags`). */
  static allNewUpdatesHaveRunTags(options: RunTagsOptions = {}): AutomationCondition {
    return new AutomationCondition("all_new_updates_have_run_tags", [], runTagsParams("allNewUpdatesHaveRunTags", options));
  }

  /** On a check (under anyChecksMatch/allChecksMatch): its latest evaluation, after the asset's latest materialization, passed. */
  static checkPassed(): AutomationCondition {
    return new AutomationCondition("check_result", [], { passed: true });
  }

  /** On a check: its latest evaluation, after the asset's latest materialization, failed. */
  static checkFailed(): AutomationCondition {
    return new AutomationCondition("check_result", [], { passed: false });
  }

  // Statics: operators and composites, built from parts as the reference builds them.

  /** True for every partition of the asset where at least one of its checks matches `condition`. */
  static anyChecksMatch(condition: AutomationCondition, options: { blockingOnly?: boolean } = {}): AutomationCondition {
    return new AutomationCondition("any_checks_match", [condition], options.blockingOnly ? { blockingOnly: true } : {});
  }

  /** True for every partition of the asset where all of its checks match `condition` (true when it has none). */
  static allChecksMatch(condition: AutomationCondition, options: { blockingOnly?: boolean } = {}): AutomationCondition {
    return new AutomationCondition("all_checks_match", [condition], options.blockingOnly ? { blockingOnly: true } : {});
  }

  /** True where every dep's blocking checks passed, or the dep will be requested in this evaluation. */
  static allDepsBlockingChecksPassed(): AutomationCondition {
    return AutomationCondition.allDepsMatch(
      AutomationCondition.allChecksMatch(AutomationCondition.checkPassed().or(AutomationCondition.willBeRequested()), { blockingOnly: true }).withLabel(
        "all_blocking_checks_passed",
      ),
    ).withLabel("all_deps_blocking_checks_passed");
  }

  static not(condition: AutomationCondition): AutomationCondition {
    return condition.not();
  }

  static inProgress(): AutomationCondition {
    return AutomationCondition.runInProgress().or(AutomationCondition.backfillInProgress()).withLabel("in_progress");
  }

  static newlyMissing(): AutomationCondition {
    return AutomationCondition.missing().newlyTrue().withLabel("newly_missing");
  }

  /** True where some partition of some dep matches `condition` (mapped through the dep's partition mapping). */
  static anyDepsMatch(condition: AutomationCondition): AutomationCondition {
    return new AutomationCondition("any_deps_match", [condition]);
  }

  /** True where every dep matches `condition`. */
  static allDepsMatch(condition: AutomationCondition): AutomationCondition {
    return new AutomationCondition("all_deps_match", [condition]);
  }

  /** `condition` evaluated on the asset `key`, true for every partition of the asset at hand when true for any of `key`'s. */
  static assetMatches(key: AssetKeyLike, condition: AutomationCondition): AutomationCondition {
    return new AutomationCondition("asset_matches", [condition], { key: AssetKey.from(key) });
  }

  /**
   * True where any distinct condition of the asset's descendants is true when evaluated on this asset: an
   * asset runs when something downstream would want it to.
   */
  static anyDownstreamConditions(): AutomationCondition {
    return new AutomationCondition("any_downstream_conditions", []);
  }

  /** Whether the tree holds a node of this kind. */
  contains(kind: ConditionKind): boolean {
    return this.kind === kind || this.children.some((c) => c.contains(kind));
  }

  static anyDepsUpdated(): AutomationCondition {
    return AutomationCondition.anyDepsMatch(
      AutomationCondition.newlyUpdated()
        .and(AutomationCondition.executedWithRootTarget().not())
        .withLabel("newly_updated_without_root")
        .or(AutomationCondition.willBeRequested()),
    ).withLabel("any_deps_updated");
  }

  static anyDepsMissing(): AutomationCondition {
    return AutomationCondition.anyDepsMatch(AutomationCondition.missing().and(AutomationCondition.willBeRequested().not())).withLabel("any_deps_missing");
  }

  static anyDepsInProgress(): AutomationCondition {
    return AutomationCondition.anyDepsMatch(AutomationCondition.inProgress()).withLabel("any_deps_in_progress");
  }

  static allDepsUpdatedSinceCron(cronSchedule: string, cronTimezone = "UTC"): AutomationCondition {
    return AutomationCondition.allDepsMatch(
      AutomationCondition.newlyUpdated().since(AutomationCondition.cronTickPassed(cronSchedule, cronTimezone)).or(AutomationCondition.willBeRequested()),
    ).withLabel(`all_deps_updated_since_cron(${cronSchedule}, ${cronTimezone})`);
  }

  /**
   * Requests the asset when a dep updates, and missing partitions that go missing after the condition is
   * applied; never while a dep is missing or in progress, or the asset is in progress. Latest time window only.
   */
  static eager(): AutomationCondition {
    return AutomationCondition.inLatestTimeWindow()
      .and(AutomationCondition.newlyMissing().or(AutomationCondition.anyDepsUpdated()).sinceLastHandled())
      .and(AutomationCondition.anyDepsMissing().not())
      .and(AutomationCondition.anyDepsInProgress().not())
      .and(AutomationCondition.inProgress().not())
      .withLabel("eager");
  }

  /** Requests the asset once per cron tick, after every dep has updated since that tick. Latest time window only. */
  static onCron(cronSchedule: string, cronTimezone = "UTC"): AutomationCondition {
    return AutomationCondition.inLatestTimeWindow()
      .and(AutomationCondition.cronTickPassed(cronSchedule, cronTimezone).sinceLastHandled())
      .and(AutomationCondition.allDepsUpdatedSinceCron(cronSchedule, cronTimezone))
      .withLabel(`on_cron(${cronSchedule}, ${cronTimezone})`);
  }

  /** Requests partitions that go missing after the condition is applied, once no dep is missing. Latest time window only. */
  static onMissing(): AutomationCondition {
    return AutomationCondition.inLatestTimeWindow()
      .and(AutomationCondition.missing().newlyTrue().sinceLastHandled().withLabel("missing_since_last_handled"))
      .and(AutomationCondition.anyDepsMissing().not())
      .withLabel("on_missing");
  }
}

const uniqueIds = new WeakMap<AutomationCondition, string>();

/** FNV-1a over the text, twice with different seeds: a short id for the cursor, not a security measure. */
function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return a.toString(36) + b.toString(36);
}

function flatten(c: AutomationCondition, kind: "and" | "or"): readonly AutomationCondition[] {
  return c.kind === kind && c.label === undefined ? c.children : [c];
}

/** The tags a run tag operand asks for: keys the run must carry, and tags it must carry with the given value. */
export interface RunTagsOptions {
  readonly tagKeys?: Iterable<string>;
  readonly tagValues?: Readonly<Record<string, string>>;
}

function runTagsParams(builder: string, options: RunTagsOptions): ConditionParams {
  const tagKeys = options.tagKeys === undefined ? undefined : [...new Set(options.tagKeys)].sort();
  const tagValues = options.tagValues;
  for (const k of tagKeys ?? []) {
    if (typeof k !== "string" || k.length === 0) throw new InvalidAutomationConditionError(`AutomationCondition.${builder}({ tagKeys }): tag keys are non-empty strings, got ${JSON.stringify(k)}`);
  }
  for (const [k, v] of Object.entries(tagValues ?? {})) {
    if (typeof v !== "string") throw new InvalidAutomationConditionError(`AutomationCondition.${builder}({ tagValues }): the value of tag "${k}" must be a string, got ${JSON.stringify(v)}`);
  }
  if (builder === "executedWithTags" && !tagKeys?.length && Object.keys(tagValues ?? {}).length === 0) {
    throw new InvalidAutomationConditionError(`AutomationCondition.executedWithTags() needs tagKeys or tagValues, e.g. executedWithTags({ tagKeys: ["my_tag"] })`);
  }
  return {
    ...(tagKeys === undefined ? {} : { tagKeys: Object.freeze(tagKeys) }),
    ...(tagValues === undefined ? {} : { tagValues: Object.freeze(Object.fromEntries(Object.entries(tagValues).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))) }),
  };
}

/** The reference's name of a run tag operand: `executed_with_tags(tag_keys={a,b}, tag_values={baz:1,foo:bar})`. */
function runTagsName(base: string, tagKeys: readonly string[] | undefined, tagValues: Readonly<Record<string, string>> | undefined): string {
  const props: string[] = [];
  if (tagKeys) props.push(`tag_keys={${tagKeys.join(",")}}`);
  if (tagValues) props.push(`tag_values={${Object.entries(tagValues).map(([k, v]) => `${k}:${v}`).join(",")}}`);
  return props.length === 0 ? base : `${base}(${props.join(", ")})`;
}
