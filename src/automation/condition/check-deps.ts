// any_deps_match / all_deps_match evaluated on an asset check: its deps are the checked asset and the check's
// additional deps; the check is true when any (or all) of them are true for some partition.
import type { AutomationCondition } from "../../definitions/index.js";
import { conditionResult, type ConditionResult, type EvaluationContext } from "./context.js";
import { EntitySubset } from "./subset.js";

/** any_deps_match / all_deps_match on a check: over the checked asset and the check's additional deps. */
export function evaluateCheckDeps(
  condition: AutomationCondition,
  ctx: EvaluationContext,
  // Passed in by operators.ts, which calls this: importing it here would make an import cycle.
  evaluateCondition: (condition: AutomationCondition, ctx: EvaluationContext) => ConditionResult,
): ConditionResult {
  // Each dep is an asset: evaluated as one (no check), under the same root, at the path evaluateDeps would give it.
  const evaluateDep = (dep: number, candidate: EntitySubset, path: string): ConditionResult =>
    evaluateCondition(condition.children[0] as AutomationCondition, { ...ctx, node: dep, candidate, path: `${path}.0`, check: undefined, ancestors: { condition, up: ctx.ancestors } });
  const { tick } = ctx;
  const check = tick.graph.checks[ctx.check as number];
  const deps = check ? [...new Set([check.asset, ...check.additionalDeps])] : [];
  const any = condition.kind === "any_deps_match";
  let matched = !any;
  const children: ConditionResult[] = [];
  for (const dep of deps) {
    const r = evaluateDep(dep, tick.full(dep), `${ctx.path}@${tick.graph.ids[dep]}`);
    children.push(r);
    matched = any ? matched || !r.trueSubset.isEmpty : matched && !r.trueSubset.isEmpty;
  }
  const trueSubset = matched ? ctx.candidate : EntitySubset.of(ctx.node, false);
  return conditionResult(condition, ctx.node, ctx.candidate, trueSubset, children, undefined, undefined);
}
