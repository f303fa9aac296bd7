// Automation conditions of asset checks (assetCheck({ automationCondition })): each is evaluated on its check as an
// entity of its own — its deps are the checked asset and the check's additional deps — and a check it requests is
// run on its own (a run request naming the check keys). Their states ride in the cursor under "checks".
import { RunRequest } from "../../definitions/index.js";
import type { AutomationCondition } from "../../definitions/index.js";
import type { ConditionResult, TickData } from "./context.js";
import type { AssetCursor } from "./cursor.js";
import { evaluateCondition } from "./operators.js";
import { EntitySubset } from "./subset.js";

export interface CheckConditionsOutcome {
  /** Indices into graph.checks of the checks requested on their own. */
  readonly requested: readonly number[];
  readonly runRequests: readonly RunRequest[];
  /** Each check's state for the next evaluation, by check id. */
  readonly states: Readonly<Record<string, AssetCursor>>;
}

/** The condition of a check: its own, or its spec's. */
function conditionOf(tick: TickData, index: number): AutomationCondition | undefined {
  return tick.graph.checks[index]?.spec.automationCondition;
}

/**
 * Evaluates every check that has an automation condition, after the assets (whose requests `will_be_requested`
 * reads). `cursor` is the text of the previous evaluation's cursor, where the checks' states are.
 */
export async function evaluateCheckConditions(tick: TickData, cursor: string | undefined): Promise<CheckConditionsOutcome> {
  const { graph } = tick;
  const withConditions = graph.checks.filter((c) => conditionOf(tick, c.index) !== undefined);
  if (withConditions.length === 0) return { requested: [], runRequests: [], states: {} };
  const before = previousCheckStates(cursor);
  // Roots past the graph's nodes keep checks' states apart from the assets' in the tick's maps.
  const previous = tick.previous as Map<number, AssetCursor>;
  const requested: number[] = [];
  const states: Record<string, AssetCursor> = {};
  for (const check of withConditions) {
    const condition = conditionOf(tick, check.index) as AutomationCondition;
    const root = graph.size + check.index;
    const prior = before[check.id];
    if (prior) previous.set(root, prior);
    let entry: AssetCursor = { conditionId: condition.uniqueId, nodes: {} };
    try {
      if (tick.hasPending) await tick.loadPending();
      let result: ConditionResult;
      // As for assets: evaluated again while the tree asked for a fact not yet read.
      for (;;) {
        entry = { conditionId: condition.uniqueId, nodes: {} };
        tick.next.set(root, entry);
        result = evaluateCondition(condition, { tick, root, node: check.asset, candidate: EntitySubset.of(check.asset, true), path: "0", rootCondition: condition, check: check.index });
        if (!tick.missing) break;
        await tick.loadPending();
      }
      if (!result.trueSubset.isEmpty) {
        requested.push(check.index);
        entry.requested = true;
      }
    } finally {
      previous.delete(root);
      tick.next.delete(root);
    }
    states[check.id] = entry;
  }
  // A check whose asset is requested runs in that asset's run already.
  const alone = requested.filter((c) => {
    const check = graph.checks[c];
    return check !== undefined && (tick.requested.get(check.asset)?.isEmpty ?? true);
  });
  const runRequests = alone.length
    ? [new RunRequest({ assetSelection: [], assetCheckKeys: alone.map((c) => ({ assetKey: graph.checks[c]?.spec.assetKey as never, name: graph.checks[c]?.spec.name as string })) })]
    : [];
  return { requested, runRequests, states };
}

function previousCheckStates(cursor: string | undefined): Record<string, AssetCursor> {
  if (!cursor) return {};
  try {
    const parsed = JSON.parse(cursor) as { checks?: Record<string, AssetCursor> };
    return parsed.checks ?? {};
  } catch {
    return {};
  }
}

/** The cursor text with the checks' states added under "checks" (none: the text as it is). */
export function withCheckStates(cursor: string, outcome: CheckConditionsOutcome): string {
  if (Object.keys(outcome.states).length === 0) return cursor;
  return `${cursor.slice(0, -1)},"checks":${JSON.stringify(outcome.states)}}`;
}
