export { ExecutionPlan, parseRunConfig, parseWithDefaults, type AssetPlanStep, type CheckPlanStep, type PlanInput, type PlanStep, type RunConfig } from "./execution-plan.js";
export { assetNodesOf, opStepKey, type OpPlanStep } from "./graph-op-steps.js";
