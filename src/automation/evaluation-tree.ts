// The evaluated condition tree of one asset as plain JSON (stored per evaluation), and its text for `tessera automation explain`.
import type { AssetGraph } from "../graph/index.js";
import type { ConditionResult } from "./condition/index.js";
import type { AutomationCondition, ConditionKind } from "../definitions/index.js";

/** How many ranges of true partitions a node lists; the count of partitions is always exact. */
export const MAX_LISTED_PARTITIONS = 20;

/** A run of consecutive partitions, `start` to `end` inclusive (the same key for one partition). */
export interface PartitionRangeJson {
  readonly start: string;
  readonly end: string;
}

/** One node of an evaluated tree, JSON-serializable. */
export interface EvaluationTreeNode {
  /** The node's label (`eager`, `any_deps_updated`, …) when it has one, else its name (`AND`, `missing`, …). */
  readonly label: string;
  /** The node's name with its parameters (`SINCE`, `cron_tick_passed(0 9 * * *, UTC)`). */
  readonly name: string;
  /** What the node is true for, in words. */
  readonly description: string;
  readonly uniqueId: string;
  /** The asset (`a/b`) the node was evaluated on: the evaluated asset, or a dep under a deps operator. */
  readonly assetKey: string;
  readonly partitioned: boolean;
  /** How many (asset, partition) pairs the node is true for; 0 or 1 for an unpartitioned asset. */
  readonly numTrue: number;
  /** How many it was evaluated over. */
  readonly numCandidates: number;
  /** Unpartitioned: whether the node is true. Partitioned: whether it is true for any partition. */
  readonly isTrue: boolean;
  /**
   * The first ranges of true partitions (at most MAX_LISTED_PARTITIONS), for partitioned assets: ranges, so that
   * years of hourly partitions stay one entry.
   */
  readonly truePartitions?: readonly PartitionRangeJson[];
  /** How many ranges the true partitions form, when more than are listed. */
  readonly numTrueRanges?: number;
  /** since: when its trigger and reset were last true (evaluation id and epoch ms). */
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly children: readonly EvaluationTreeNode[];
}

const DESCRIPTIONS: Readonly<Record<ConditionKind, string>> = Object.freeze({
  missing: "Missing",
  run_in_progress: "Part of an in-progress run",
  backfill_in_progress: "Part of an in-progress backfill",
  execution_failed: "Latest run failed",
  newly_updated: "Updated since the previous evaluation",
  newly_requested: "Requested by the previous evaluation",
  will_be_requested: "Will be requested in this evaluation",
  initial_evaluation: "First evaluation of this condition",
  code_version_changed: "Code version changed since the previous evaluation",
  cron_tick_passed: "New tick of the cron schedule",
  in_latest_time_window: "Within the latest time window",
  executed_with_root_target: "Latest run also targeted the evaluated asset",
  check_result: "Check result",
  data_version_changed: "Data version changed since the previous evaluation",
  executed_with_tags: "Latest run had the given tags",
  any_new_update_has_run_tags: "Updated since the previous evaluation by a run with the given tags",
  all_new_updates_have_run_tags: "Updated since the previous evaluation, only by runs with the given tags",
  code_version_outdated: "Latest materialization computed with another code version",
  and: "All of",
  or: "Any of",
  not: "Not",
  since: "True since the trigger, until the reset",
  newly_true: "Became true since the previous evaluation",
  any_deps_match: "Any dep matches",
  all_deps_match: "All deps match",
  asset_matches: "The given asset matches",
  any_downstream_conditions: "Any downstream condition",
  any_checks_match: "Any check matches",
  all_checks_match: "All checks match",
});

// The reference's descriptions of its named compositions, by label.
const LABELED: Readonly<Record<string, string>> = Object.freeze({
  eager: "Eager: when a dep updates or the asset goes missing, no dep missing or in progress",
  on_missing: "On missing: when the asset goes missing, no dep missing",
  any_deps_updated: "Any deps updated",
  any_deps_missing: "Any deps missing",
  any_deps_in_progress: "Any deps in progress",
  newly_updated_without_root: "Updated by a run that did not target the evaluated asset",
  missing_since_last_handled: "Missing since it was last requested or updated",
  handled: "Requested or updated",
  newly_missing: "Newly missing",
  in_progress: "In progress (a run or a backfill)",
  all_blocking_checks_passed: "All blocking checks passed",
  all_deps_blocking_checks_passed: "All deps' blocking checks passed",
});

function describeCondition(condition: AutomationCondition): string {
  if (condition.label !== undefined) {
    const known = LABELED[condition.label];
    if (known) return known;
    if (condition.label.startsWith("on_cron(")) return `On cron ${condition.label.slice(7)}: once per tick, after all deps updated`;
    if (condition.label.startsWith("all_deps_updated_since_cron(")) return `All deps updated since the cron tick ${condition.label.slice(27)}`;
    // A user's label: as written, or made readable when it is snake_case.
    return /^[a-z0-9_]+$/.test(condition.label) ? condition.label.charAt(0).toUpperCase() + condition.label.slice(1).replaceAll("_", " ") : condition.label;
  }
  if (condition.kind === "check_result") return condition.params.passed ? "Check passed" : "Check failed";
  return DESCRIPTIONS[condition.kind];
}

/**
 * One asset's evaluated tree as JSON: each node's label, description, unique id, true subset (count and the
 * first keys) and candidate size. `graph` names the assets nodes were evaluated on.
 */
export function serializeEvaluationTree(result: ConditionResult, graph: AssetGraph): EvaluationTreeNode {
  const t = result.trueSubset;
  const node: { -readonly [K in keyof EvaluationTreeNode]: EvaluationTreeNode[K] } = {
    label: result.condition.label ?? result.condition.name,
    name: result.condition.label === undefined ? result.condition.describeNode() : result.condition.describeNode().slice(result.condition.label.length + 2),
    description: describeCondition(result.condition),
    uniqueId: result.condition.uniqueId,
    assetKey: graph.ids[result.node] ?? String(result.node),
    partitioned: t.isPartitioned,
    numTrue: t.size,
    numCandidates: result.candidateSubset.size,
    isTrue: !t.isEmpty,
    children: result.children.map((c) => serializeEvaluationTree(c, graph)),
  };
  if (typeof t.value !== "boolean" && !t.isEmpty) {
    const ranges = t.value.getPartitionKeyRanges();
    node.truePartitions = ranges.slice(0, MAX_LISTED_PARTITIONS).map((r) => ({ start: r.start, end: r.end }));
    if (ranges.length > MAX_LISTED_PARTITIONS) node.numTrueRanges = ranges.length;
  }
  if (result.metadata && Object.keys(result.metadata).length > 0) node.metadata = { ...result.metadata };
  return node;
}

/** Whether a stored value has the shape of a serialized tree (storage hands back `unknown`). */
export function isEvaluationTreeNode(value: unknown): value is EvaluationTreeNode {
  if (value === null || typeof value !== "object") return false;
  const v = value as Partial<EvaluationTreeNode>;
  return typeof v.label === "string" && typeof v.numTrue === "number" && typeof v.isTrue === "boolean" && Array.isArray(v.children);
}

/**
 * The tree as indented text, one node a line: its description, label, and what it is true for.
 *
 * @example
 * ✓ Eager: when a dep updates … [eager] → true
 *   ✓ Within the latest time window [in_latest_time_window] → true
 */
export function renderEvaluationTree(tree: EvaluationTreeNode, options: { indent?: string } = {}): string {
  const indent = options.indent ?? "  ";
  const lines: string[] = [];
  const walk = (n: EvaluationTreeNode, depth: number, parentAsset: string): void => {
    const mark = n.isTrue ? "✓" : "✗";
    const on = n.assetKey !== parentAsset ? ` on ${n.assetKey}` : "";
    const name = n.label === n.name ? `[${n.name}]` : `[${n.label}: ${n.name}]`;
    let truth: string;
    if (!n.partitioned) truth = n.isTrue ? "true" : "false";
    else {
      truth = `${n.numTrue} of ${n.numCandidates} partitions`;
      const listed = n.truePartitions ?? [];
      const more = (n.numTrueRanges ?? listed.length) - listed.length;
      if (listed.length) truth += `: ${listed.map((r) => (r.start === r.end ? r.start : `${r.start}…${r.end}`)).join(", ")}${more > 0 ? `, … ${more} more ranges` : ""}`;
    }
    lines.push(`${indent.repeat(depth)}${mark} ${n.description} ${name}${on} → ${truth}${renderMetadata(n.metadata)}`);
    for (const c of n.children) walk(c, depth + 1, n.assetKey);
  };
  walk(tree, 0, tree.assetKey);
  return lines.join("\n");
}

function renderMetadata(metadata: Readonly<Record<string, unknown>> | undefined): string {
  if (!metadata) return "";
  const parts: string[] = [];
  const at = (id: unknown, ts: unknown): string => (typeof id === "number" ? `evaluation ${id}${typeof ts === "number" ? ` (${new Date(ts).toISOString()})` : ""}` : "never");
  if ("triggerEvaluationId" in metadata) parts.push(`trigger last true: ${at(metadata.triggerEvaluationId, metadata.triggerTimestamp)}`);
  if ("resetEvaluationId" in metadata) parts.push(`reset last true: ${at(metadata.resetEvaluationId, metadata.resetTimestamp)}`);
  for (const [k, v] of Object.entries(metadata)) {
    if (!/^(trigger|reset)(EvaluationId|Timestamp)$/.test(k)) parts.push(`${k}: ${JSON.stringify(v)}`);
  }
  return parts.length ? ` (${parts.join("; ")})` : "";
}
