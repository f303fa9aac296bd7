// Checks, when a Definitions is built, that each asset's automationCondition refers only to assets and checks that exist.
import { TesseraError } from "../core/index.js";
import type { AutomationCondition, DefinitionsData, SelectionExpression } from "../definitions/index.js";
import { AssetGraph } from "./asset-graph.js";
import { AssetSelection } from "./selection/index.js";

/** An automation condition that names an asset or check the Definitions do not hold, or checks where there are none. */
export class AutomationConditionReferenceError extends TesseraError {
  readonly assetKey: string;
  constructor(assetKey: string, message: string, cause?: unknown) {
    super("AUTOMATION_CONDITION_REFERENCE", message, cause === undefined ? {} : { cause });
    this.assetKey = assetKey;
  }
}

const DEPS_KINDS = new Set(["any_deps_match", "all_deps_match", "asset_matches", "any_downstream_conditions"]);

/**
 * Walks `condition` as evaluated on asset `node` and throws an AutomationConditionReferenceError naming the asset
 * and the culprit: a selection (allow/ignore) naming an unknown asset or check, assetMatches on an unknown asset,
 * checkPassed()/checkFailed() outside anyChecksMatch/allChecksMatch, or (when `strictChecks`) a checks operator
 * on an asset that has no (blocking) checks.
 */
export function checkConditionReferences(graph: AssetGraph, node: number, condition: AutomationCondition, strictChecks: boolean): void {
  const id = graph.ids[node] as string;
  const where = `The automationCondition of asset "${id}"`;
  const walk = (c: AutomationCondition, onChecks: boolean, onOtherAsset: boolean): void => {
    for (const [field, selection] of [
      ["allow", c.params.allowSelection],
      ["ignore", c.params.ignoreSelection],
    ] as const) {
      if (selection) checkSelection(graph, id, `${where} ${field}s ${AssetSelection.from(selection).toString()}`, selection);
    }
    if (c.kind === "asset_matches" && c.params.key && graph.indexOf(c.params.key) === undefined) {
      throw new AutomationConditionReferenceError(id, `${where} uses assetMatches("${c.params.key.toString()}"), but no asset "${c.params.key.toString()}" is defined. Fix the key or add the asset to Definitions.`);
    }
    if (c.kind === "check_result" && !onChecks) {
      throw new AutomationConditionReferenceError(
        id,
        `${where} uses ${c.params.passed ? "checkPassed()" : "checkFailed()"} outside anyChecksMatch/allChecksMatch, where it refers to no check. Wrap it: AutomationCondition.anyChecksMatch(AutomationCondition.${c.params.passed ? "checkPassed" : "checkFailed"}()).`,
      );
    }
    if ((c.kind === "any_checks_match" || c.kind === "all_checks_match") && strictChecks && !onOtherAsset) {
      const checks = graph.checksOf(node).filter((i) => !c.params.blockingOnly || graph.checks[i]?.spec.blocking === true);
      if (checks.length === 0) {
        const op = c.kind === "any_checks_match" ? "anyChecksMatch" : "allChecksMatch";
        throw new AutomationConditionReferenceError(
          id,
          `${where} uses ${op}${c.params.blockingOnly ? " (blocking only)" : ""}, but "${id}" has no ${c.params.blockingOnly ? "blocking " : ""}asset checks. Define one with assetCheck({ asset: "${id}"${c.params.blockingOnly ? ", blocking: true" : ""} }) or checkSpecs, or remove ${op}.`,
        );
      }
    }
    const checks = onChecks || c.kind === "any_checks_match" || c.kind === "all_checks_match";
    const other = onOtherAsset || DEPS_KINDS.has(c.kind);
    for (const child of c.children) walk(child, checks, other);
  };
  walk(condition, false, false);
}

function checkSelection(graph: AssetGraph, id: string, what: string, expression: SelectionExpression): void {
  const selection = AssetSelection.from(expression);
  try {
    selection.resolveIndices(graph);
    selection.resolveCheckIndices(graph);
  } catch (e) {
    if (e instanceof TesseraError) throw new AutomationConditionReferenceError(id, `${what}: ${e.message}`, e);
    throw e;
  }
}

/** Every asset's automationCondition refers only to assets and checks that exist. */
export function validateConditionReferences(defs: DefinitionsData): void {
  const graph = AssetGraph.of(defs);
  for (const node of graph.nodesWithConditions()) {
    const condition = graph.specs[node]?.automationCondition;
    if (condition) checkConditionReferences(graph, node, condition, true);
  }
}
