// The definitions layer: everything users write, as immutable data. Evaluating it is the work of the layers above.
export {
  asset,
  type AssetCompute,
  type AssetEvent,
  type AssetInputSource,
  type AssetInputs,
  type AssetOptions,
  type AssetOutputOf,
  type ConfigValue,
  type InputValue,
  type RequiredResources,
} from "./asset.js";
export type { ResourceRequirement } from "./op-options.js";
export { AssetDep, AssetIn, refToKey, type AssetDepOptions, type AssetInOptions, type AssetRef } from "./asset-dep.js";
export { AssetSpec, DEFAULT_GROUP_NAME, IO_MANAGER_KEY_METADATA, mapAssetSpecs, type AssetSpecAttributes } from "./asset-spec.js";
export {
  AssetsDefinition,
  type AssetInputDefinition,
  type AssetOutputDefinition,
  type AssetsDefinitionParts,
  type OpNode,
} from "./assets-definition.js";
export type { AssetExecutionContext, PipesClient, PipesRunOptions, SelectedAssetCheckKey } from "./context.js";
export { configIssues, parseConfig } from "./config.js";
export { DefinitionsData, type AssetsItem, type DefinitionsOptions } from "./definitions.js";
export {
  inProcessExecutor,
  multiprocessExecutor,
  queueExecutor,
  type ExecutorDefinition,
  type InProcessExecutorOptions,
  type MultiprocessExecutorOptions,
  type QueueExecutorOptions,
} from "./executor.js";
export { DEFAULT_IO_MANAGER_KEY, isIOManager, type IOLogger, type IOManager, type InputContext, type OutputContext } from "./io-manager.js";
export {
  ResourceDefinition,
  isResourceDefinition,
  resource,
  type ResourceOptions,
  type ResourceSetupContext,
  type ResourceValue,
} from "./resource.js";
export { AssetObservation, MaterializeResult, type AssetObservationOptions, type MaterializeResultOptions } from "./results.js";
export { Backoff, Jitter, RetryPolicy, type RetryPolicyOptions } from "./retry-policy.js";
export { runTypeCheck, type TypeCheck, type TypePredicate } from "./type-check.js";
export { AssetJobDefinition, defineAssetJob, type AssetJobOptions } from "./asset-job.js";
export {
  AssetOut,
  multiAsset,
  type AssetOutOptions,
  type MultiAssetCompute,
  type MultiAssetOptions,
  type MultiAssetOutputs,
  type MultiAssetReturn,
} from "./multi-asset.js";
export {
  AssetCheckResult,
  AssetCheckSeverity,
  AssetCheckSpec,
  AssetChecksDefinition,
  assetCheck,
  checkId,
  type AssetCheckCompute,
  type AssetCheckOptions,
  type AssetCheckResultOptions,
  type AssetCheckSpecOptions,
} from "./asset-check.js";
export {
  DataVersionsByPartition,
  ObserveResult,
  multiObservableSourceAsset,
  observableSourceAsset,
  type DataVersionLike,
  type MultiObservableSourceAssetOptions,
  type ObservableSourceAssetOptions,
  type ObserveFunction,
  type ObserveResultOptions,
  type ObserveReturn,
} from "./observable-source-asset.js";
export { SourceAsset, type SourceAssetOptions } from "./source-asset.js";
export { In, Out, isOpDefinition, op, type OpCompute, type OpDefinition, type OpOptions } from "./op.js";
export { OutputHandle, type GraphBody, type Invocation } from "./composition.js";
export { graph, graphAsset, graphMultiAsset, type FromGraphOptions, type GraphAssetOptions, type GraphDefinition, type InputHandles } from "./graph-asset.js";
export {
  loadAssetChecksFromCurrentModule,
  loadAssetChecksFromModules,
  loadAssetChecksFromPackageModule,
  loadAssetChecksFromPackageName,
  loadAssetsFromCurrentModule,
  loadAssetsFromModules,
  loadAssetsFromPackageModule,
  loadAssetsFromPackageName,
  type LoadAssetChecksOptions,
  type LoadAssetsOptions,
  type LoadFromPackageNameOptions,
  type ModuleLike,
  type PackageLocation,
} from "./load-assets.js";
export { AutomationCondition, type ConditionKind, type ConditionParams, type OperandKind, type OperatorKind, type RunTagsOptions } from "./automation-condition.js";
export { FreshnessPolicy, type FreshnessPolicyOptions } from "./freshness-policy.js";
export {
  InvalidAutomationConditionError,
  InvalidEvaluationResultError,
  InvalidFreshnessPolicyError,
  InvalidRunRequestError,
  UnknownJobTargetError,
  type InstigatorKind,
} from "./errors.js";
export * from "./selection/index.js";
export {
  RunRequest,
  SkipReason,
  SensorResult,
  type RunRequestOptions,
  type SensorResultOptions,
  type DynamicPartitionsRequest,
} from "./run-request.js";
export {
  buildScheduleContext,
  buildSensorContext,
  ScheduleEvaluationContext,
  SensorEvaluationContext,
  type ScheduleContextOptions,
  type SensorContextOptions,
} from "./instigator-context.js";
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
export { AutomationTags, collectItems, cronTicks, expectResultItem, resolveRunRequests, type TickEvaluation } from "./evaluate-tick.js";
export {
  ANONYMOUS_JOB_PREFIX,
  describeValue,
  jobAssetIds,
  jobPartitionsDef,
  lookupJob,
  resolveTargetOptions,
  type AutomationTarget,
  type TargetOptions,
  type TargetRef,
} from "./instigator-target.js"
