// Evaluating declarative automation: conditions on assets (definitions/automation-condition.ts), evaluated tick by
// tick over subsets of their partitions.
export {
  AutomationConditionEvaluationResult,
  evaluateAutomationConditions,
  type AssetConditionEvaluation,
  type EvaluateAutomationConditionsOptions,
} from "./evaluator.js";
export type { ConditionResult } from "./context.js";
export type { AutomationCursor, SinceData } from "./cursor.js";
export { EntitySubset } from "./subset.js";
export { InvalidAutomationCursorError } from "./errors.js";
