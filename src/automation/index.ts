// The automation layer: automation conditions evaluated tick by tick, freshness, running what schedules and sensors
// request, and the daemon.

export { executeRunRequests, type ExecuteRunRequestsOptions, type ExecutedRunRequests } from "./execute-run-requests.js";
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
export { FreshnessStatus, evaluateFreshness, type AssetFreshness, type EvaluateFreshnessOptions } from "./evaluate-freshness.js";
export {
  MAX_LISTED_PARTITIONS,
  isEvaluationTreeNode,
  renderEvaluationTree,
  serializeEvaluationTree,
  type EvaluationTreeNode,
} from "./evaluation-tree.js";
export {
  AutomationConditionEvaluationResult,
  EntitySubset,
  InvalidAutomationCursorError,
  evaluateAutomationConditions,
  type AssetConditionEvaluation,
  type AutomationCursor,
  type ConditionResult,
  type EvaluateAutomationConditionsOptions,
} from "./condition/index.js";
export {
  Daemon,
  DAEMON_LEASE,
  DEFAULT_DAEMON_LEASE_TTL_MS,
  DaemonLoop,
  inProcessDaemonLauncher,
  queuedDaemonLauncher,
  InvalidDaemonOptionError,
  setInstigatorStatus,
  summarizeInstigators,
  UnknownInstigatorError,
  type DaemonIteration,
  type DaemonLogger,
  type DaemonOptions,
  type InstigatorSummary,
  type LaunchedRun,
  type LaunchRequest,
  type DaemonRunLauncher,
} from "./daemon/index.js";
