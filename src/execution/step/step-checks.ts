// Asset checks in a step: calling a check's own compute, and recording the results a step reported against
// the checks it evaluates (a failed blocking check fails the step).
import { AssetCheckFailedError, InvalidDefinitionError } from "../../core/index.js";
import { AssetCheckResult, type IOLogger } from "../../definitions/index.js";
import type { CheckNode } from "../../graph/index.js";
import type { CheckPlanStep, PlanStep } from "../../plan/index.js";
import type { RunState } from "../run-state.js";
import { stepPartitionKey } from "../step-partitions.js";
import { describeYield, runUserCode, type Compute } from "./run-compute.js";
import { openStepContext } from "./step-context.js";
import type { StepEmit } from "./step-events.js";

/** Calls a check's own compute; it must return an AssetCheckResult. */
export async function computeCheck(
  run: RunState,
  step: CheckPlanStep,
  inputs: Record<string, unknown>,
  attempt: number,
  log: IOLogger,
): Promise<AssetCheckResult> {
  const ctx = openStepContext(run, step, attempt, log);
  // Awaited as is: a check does not yield, so a generator here is a wrong return value, not a stream.
  const returned = await runUserCode(async () => (await (step.op.compute as Compute)(ctx, Object.freeze(inputs))) as unknown);
  if (!(returned instanceof AssetCheckResult)) {
    throw new InvalidDefinitionError(
      `Asset check "${step.check.id}" returned ${describeYield(returned)}; a check returns new AssetCheckResult({ passed, metadata? }).`,
    );
  }
  return returned;
}

/**
 * Records the step's check results against the checks it evaluates; a declared check with no result, or a
 * result for a check the step does not evaluate, fails the step. A failed blocking check with severity
 * ERROR fails the step after every evaluation is recorded, so the assets downstream do not run.
 */
export function evaluateChecks(
  run: RunState,
  step: PlanStep,
  results: readonly AssetCheckResult[],
  emit: StepEmit,
): void {
  if (results.length === 0 && step.checks.length === 0) return;
  const checks = step.checks.map((c) => run.graph.checks[c] as CheckNode);
  const declared = step.kind === "asset" ? run.graph.checks.filter((c) => c.definition === step.definition) : checks;
  const matched = new Map<number, AssetCheckResult>();
  for (const result of results) {
    const candidates = declared.filter(
      (c) => (result.checkName === undefined || c.spec.name === result.checkName) && (result.assetKey === undefined || c.spec.assetKey.equals(result.assetKey)),
    );
    const named = `${result.assetKey?.toString() ?? "?"}:${result.checkName ?? "?"}`;
    // A result for a declared check the run did not select is recorded as well (the reference's
    // test_execute_unselected_asset_check): the op evaluated it, and dropping it would lose the evaluation.
    if (candidates.length !== 1) {
      throw new InvalidDefinitionError(
        candidates.length === 0
          ? `Step "${step.key}" reported a result for check "${named}", which it does not declare (its checks: ${declared.map((c) => c.id).join(", ") || "none"}). Declare it in checkSpecs.`
          : `Step "${step.key}" reported a check result that matches several checks (${candidates.map((c) => c.id).join(", ")}); give it a checkName.`,
      );
    }
    const check = candidates[0] as CheckNode;
    if (matched.has(check.index)) throw new InvalidDefinitionError(`Step "${step.key}" reported check "${check.id}" twice`);
    matched.set(check.index, result);
  }
  // An op that can run in part may leave out a selected check (its check outputs are optional, as the reference's).
  const missing = step.definition.kind === "assets_definition" && step.definition.canSubset ? [] : checks.filter((c) => !matched.has(c.index));
  if (missing.length > 0) {
    throw new InvalidDefinitionError(
      `Step "${step.key}" did not report a result for check${missing.length > 1 ? "s" : ""} ${missing.map((c) => `"${c.id}"`).join(", ")}; yield an AssetCheckResult (or pass it in MaterializeResult.checkResults) for each of its checkSpecs.`,
    );
  }
  const blockingFailures: string[] = [];
  for (const [index, result] of matched) {
    const check = run.graph.checks[index] as CheckNode;
    emit({
      eventType: "ASSET_CHECK_EVALUATION",
      assetKey: check.spec.assetKey,
      partition: stepPartitionKey(run, step),
      checkName: check.spec.name,
      passed: result.passed,
      severity: result.severity,
      metadata: result.metadata,
      message: result.description ?? `Check "${check.id}" ${result.passed ? "passed" : "failed"}.`,
      data: { blocking: check.spec.blocking },
    });
    if (!result.passed && check.spec.blocking && result.severity === "ERROR") blockingFailures.push(check.id);
  }
  if (blockingFailures.length > 0) throw new AssetCheckFailedError(blockingFailures);
}
