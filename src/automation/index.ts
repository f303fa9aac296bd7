// The automation layer: schedules and sensors as definitions, evaluated tick by tick for tests (no daemon here).
import "./validate-definitions.js";

export { RunRequest, SkipReason, SensorResult, type RunRequestOptions, type SensorResultOptions, type DynamicPartitionsRequest } from "./run-request.js";
export {
  buildScheduleContext,
  buildSensorContext,
  ScheduleEvaluationContext,
  SensorEvaluationContext,
  type ScheduleContextOptions,
  type SensorContextOptions,
} from "./context.js";
export {
  DefaultScheduleStatus,
  ScheduleDefinition,
  nextTicks,
  schedule,
  type ScheduleDefinitionOptions,
  type ScheduleEvaluationResult,
  type ScheduleFunction,
} from "./schedule-definition.js";
export {
  DEFAULT_SENSOR_INTERVAL_SECONDS,
  DefaultSensorStatus,
  SensorDefinition,
  sensor,
  type SensorDefinitionOptions,
  type SensorEvaluationResult,
  type SensorFunction,
} from "./sensor-definition.js";
export { assetSensor, type AssetSensorFunction, type AssetSensorOptions } from "./asset-sensor.js";
export { buildScheduleFromPartitionedJob, type PartitionedScheduleOptions } from "./partitioned-schedule.js";
export { AutomationTags, type TickEvaluation } from "./evaluate-tick.js";
export { executeRunRequests, type ExecuteRunRequestsOptions, type ExecutedRunRequests } from "./execute-run-requests.js";
export { ANONYMOUS_JOB_PREFIX, type AutomationTarget, type TargetOptions, type TargetRef } from "./target.js";
export {
  AutomationConditionSensorDefinition,
  AutomationSensorTags,
  DEFAULT_AUTOMATION_CONDITION_SENSOR_NAME,
  automationConditionSensorsOf,
  type AutomationBackfillRequest,
  type AutomationConditionSensorOptions,
  type AutomationSensorEvaluateOptions,
  type AutomationSensorEvaluation,
} from "./automation-condition-sensor.js";
export {
  FreshnessPolicy,
  FreshnessStatus,
  InvalidFreshnessPolicyError,
  evaluateFreshness,
  type AssetFreshness,
  type EvaluateFreshnessOptions,
  type FreshnessPolicyOptions,
} from "./freshness-policy.js";
export { AutomationConditionReferenceError } from "./condition-references.js";
export { MAX_LISTED_PARTITIONS, isEvaluationTreeNode, renderEvaluationTree, serializeEvaluationTree, type EvaluationTreeNode } from "./evaluation-tree.js";
export { InvalidEvaluationResultError, InvalidRunRequestError, UnknownJobTargetError, type InstigatorKind } from "./errors.js";
export {
  AutomationCondition,
  AutomationConditionEvaluationResult,
  EntitySubset,
  InvalidAutomationConditionError,
  InvalidAutomationCursorError,
  evaluateAutomationConditions,
  type AssetConditionEvaluation,
  type AutomationCursor,
  type ConditionKind,
  type ConditionParams,
  type ConditionResult,
  type EvaluateAutomationConditionsOptions,
  type OperandKind,
  type OperatorKind,
} from "./condition/index.js";
export { Daemon, DAEMON_LEASE, DaemonLoop, inProcessDaemonLauncher, queuedDaemonLauncher, InvalidDaemonOptionError, setInstigatorStatus, summarizeInstigators, UnknownInstigatorError, type DaemonIteration, type DaemonLogger, type DaemonOptions, type InstigatorSummary, type LaunchedRun, type LaunchRequest, type DaemonRunLauncher } from "./daemon/index.js";
