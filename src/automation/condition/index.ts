// Declarative automation: conditions on assets, evaluated tick by tick over subsets of their partitions.
export { AutomationCondition, type ConditionKind, type ConditionParams, type OperandKind, type OperatorKind } from "./automation-condition.js";
export {
  AutomationConditionEvaluationResult,
  evaluateAutomationConditions,
  type AssetConditionEvaluation,
  type EvaluateAutomationConditionsOptions,
} from "./evaluator.js";
export type { ConditionResult } from "./context.js";
export type { AutomationCursor, SinceData } from "./cursor.js";
export { EntitySubset } from "./subset.js";
export { InvalidAutomationConditionError, InvalidAutomationCursorError } from "./errors.js";
