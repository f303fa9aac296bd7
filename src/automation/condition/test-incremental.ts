// For the tests that hold incremental evaluation to a full one: one tick evaluated both ways, compared as plain data.
import { expect } from "vitest";
import type { ConditionResult } from "./context.js";
import { evaluateAutomationConditions, evaluateAutomationConditionsFully, type AutomationConditionEvaluationResult } from "./evaluator.js";

type EvaluationOptions = Parameters<typeof evaluateAutomationConditions>[0];

/** Everything a caller can read of an evaluation, as plain data. */
export function snapshotOf(result: AutomationConditionEvaluationResult): unknown {
  const tree = (r: ConditionResult): unknown => ({
    label: r.condition.describeNode(),
    node: r.node,
    candidate: r.candidateSubset.serialize(),
    true: r.trueSubset.serialize(),
    metadata: r.metadata,
    children: r.children.map(tree),
  });
  return {
    cursor: result.cursor,
    totalRequested: result.totalRequested,
    runRequests: result.runRequests.map((r) => ({ keys: r.assetSelection?.map(String), partitionKey: r.partitionKey })),
    results: result.results.map((r) => ({ key: r.key.toString(), requested: r.requestedSubset.serialize(), tree: tree(r.result) })),
  };
}

/** Evaluates one tick fully and incrementally, expects the same results, cursor and trees, and returns the cursor. */
export async function expectIncrementalEqualsFull(options: EvaluationOptions): Promise<string> {
  const full = await evaluateAutomationConditionsFully(options);
  const incremental = await evaluateAutomationConditions(options);
  expect(snapshotOf(incremental)).toEqual(snapshotOf(full));
  return incremental.cursor;
}
