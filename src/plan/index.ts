export { ExecutionPlan, parseRunConfig, parseWithDefaults, type PlanInput, type PlanStep, type RunConfig } from "./execution-plan.js";
