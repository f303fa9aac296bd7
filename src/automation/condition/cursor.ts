// The cursor of evaluateAutomationConditions: plain JSON carrying each asset's condition state to the next evaluation.
import { TimeWindowPartitionsDefinition, type PartitionsDefinition } from "../../partitions/index.js";
import { InvalidAutomationCursorError } from "./errors.js";

/** A node's remembered state: a subset (boolean or serialized PartitionsSubset) and, for some nodes, a value. */
export interface NodeState {
  /** since: the subset it was true for; newly_true: the subset its operand was true for. */
  readonly subset?: boolean | string;
  /**
   * since: when its trigger and its reset were last true, as [trigger evaluation id, trigger epoch ms, reset
   * evaluation id, reset epoch ms] (null for never). A tuple: every since node of a large graph carries one.
   */
  readonly since?: SinceTuple;
  /** code_version_changed: the code version seen. */
  readonly value?: string | null;
}

/** When a since node's trigger and reset were last true for any partition, as the reference reports it. */
export interface SinceData {
  readonly triggerEvaluationId: number | null;
  readonly triggerTimestamp: number | null;
  readonly resetEvaluationId: number | null;
  readonly resetTimestamp: number | null;
}

export type SinceTuple = readonly [number | null, number | null, number | null, number | null];

export function sinceFromTuple(tuple: SinceTuple | undefined): SinceData {
  const [triggerEvaluationId = null, triggerTimestamp = null, resetEvaluationId = null, resetTimestamp = null] = tuple ?? [];
  return { triggerEvaluationId, triggerTimestamp, resetEvaluationId, resetTimestamp };
}

/** One asset's entry. */
export interface AssetCursor {
  /** The condition's tree as evaluated: a different tree makes initial_evaluation true again. */
  conditionId: string;
  /**
   * How the asset was partitioned (see `partitioningOf`); absent when unpartitioned. Another partitioning makes
   * initial_evaluation true again.
   */
  partitioning?: Partitioning;
  /** What this evaluation requested of the asset (newly_requested at the next one); absent when nothing. */
  requested?: boolean | string;
  /** Node states by path in the tree (`0.2.1`, with `@dep` where a deps operator moved to a dep). */
  nodes: Record<string, NodeState>;
}

/** The whole cursor, as JSON. */
export interface AutomationCursor {
  readonly version: 1;
  /** Epoch milliseconds of the evaluation that wrote it (cron_tick_passed counts ticks since then). */
  readonly evaluationTime: number;
  /** Counts evaluations from 1: the id of the evaluation that wrote the cursor. */
  readonly evaluationId: number;
  /** The largest storage id that evaluation saw (newly_updated looks at events after it). */
  readonly maxStorageId: number;
  /**
   * Set by versions whose entries carry `partitioning`. A cursor without it is read as if each entry had the
   * asset's current partitioning, so that an upgrade does not make every initial_evaluation true at once.
   */
  readonly partitioning?: true;
  /** By asset key string. */
  readonly assets: Record<string, AssetCursor>;
}

/**
 * An asset's partitioning as initial_evaluation compares it: by kind — time windows, or keys (static, dynamic,
 * multi) — as the reference compares the kinds of subset its requested subsets are. Keys added to a static
 * definition or a time window's new start date keep the kind, and so do not count as a new definition there.
 */
export type Partitioning = "time_window" | "keys";

export function partitioningOf(def: PartitionsDefinition | undefined): Partitioning | undefined {
  if (def === undefined) return undefined;
  return def instanceof TimeWindowPartitionsDefinition ? "time_window" : "keys";
}

export function parseCursor(text: string | undefined): AutomationCursor | undefined {
  if (text === undefined || text === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidAutomationCursorError(`The automation cursor is not JSON: ${text.slice(0, 40)}`);
  }
  const c = parsed as Partial<AutomationCursor>;
  if (!c || typeof c !== "object" || c.version !== 1 || typeof c.evaluationTime !== "number" || typeof c.evaluationId !== "number" || typeof c.maxStorageId !== "number" || typeof c.assets !== "object" || c.assets === null) {
    throw new InvalidAutomationCursorError("The automation cursor lacks version 1, evaluationTime, evaluationId, maxStorageId or assets");
  }
  return c as AutomationCursor;
}
