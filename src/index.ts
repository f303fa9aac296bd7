// Tessera's public API. Everything users import comes from here, in the order they meet it; internals stay in their layers.

// ---- Core ----
// Asset keys, the errors Tessera throws, metadata and tags, the event model, and the clock time is read from.

export {
  // Keys
  AssetKey,
  type AssetKeyLike,
  // Errors
  TesseraError,
  TesseraErrorCode,
  type TesseraErrorOptions,
  AssetCheckFailedError,
  BackfillNotFoundError,
  CodeLocationError,
  CodeLocationImportError,
  CodeLocationNotFoundError,
  CodeLocationUnavailableError,
  ConfigValidationError,
  DependencyCycleError,
  DuplicateAssetKeyError,
  ForeignDefinitionsError,
  InstanceError,
  InvalidAssetKeyError,
  InvalidDefinitionError,
  InvalidDefsExportError,
  MissingPackageError,
  MissingAssetValueError,
  MissingDefsExportError,
  MissingResourceError,
  OutputTypeCheckError,
  UnstorableValueError,
  RunFailedError,
  RunNotFoundError,
  UnknownAssetError,
  type SerializedError,
  // Metadata and tags
  MetadataValue,
  type MetadataMap,
  type RawMetadata,
  type TableColumn,
  type TableSchema,
  SystemTags,
  type Tags,
  // Events
  EventType,
  RunStatus,
  type EventRecord,
  type LogLevel,
  type TesseraEvent,
  // Clock
  ManualClock,
  systemClock,
  type Clock,
} from "./core/index.js";

// ---- Defining assets ----
// What a code location is made of: assets and multi-assets, specs of external assets, dependencies and inputs,
// checks, ops and graphs, observable sources, resources, config, IO managers, retries, executors, jobs, and loaders.

export {
  // Assets
  asset,
  AssetsDefinition,
  MaterializeResult,
  AssetObservation,
  type AssetCompute,
  type AssetExecutionContext,
  type SelectedAssetCheckKey,
  type AssetInputs,
  type AssetObservationOptions,
  type AssetOptions,
  type AssetOutputOf,
  type MaterializeResultOptions,
  // Multi-assets
  multiAsset,
  AssetOut,
  type AssetOutOptions,
  type MultiAssetOptions,
  type MultiAssetOutputs,
  // Specs (external assets)
  AssetSpec,
  SourceAsset,
  mapAssetSpecs,
  type AssetSpecAttributes,
  type AssetsItem,
  type SourceAssetOptions,
  // Dependencies and inputs
  AssetDep,
  AssetIn,
  type AssetDepOptions,
  type AssetInOptions,
  type TypeCheck,
  // Checks
  assetCheck,
  AssetCheckResult,
  AssetCheckSeverity,
  AssetCheckSpec,
  AssetChecksDefinition,
  type AssetCheckOptions,
  type AssetCheckResultOptions,
  type AssetCheckSpecOptions,
  // Ops and graphs
  op,
  graph,
  graphAsset,
  graphMultiAsset,
  In,
  Out,
  OutputHandle,
  type FromGraphOptions,
  type GraphDefinition,
  type GraphAssetOptions,
  type InputHandles,
  type OpDefinition,
  type OpOptions,
  // Observable sources
  observableSourceAsset,
  multiObservableSourceAsset,
  ObserveResult,
  DataVersionsByPartition,
  type ObservableSourceAssetOptions,
  type MultiObservableSourceAssetOptions,
  type ObserveResultOptions,
  // Resources
  resource,
  ResourceDefinition,
  type ResourceOptions,
  type ResourceSetupContext,
  // IO managers
  type IOManager,
  type IOLogger,
  type InputContext,
  type OutputContext,
  // Retries
  RetryPolicy,
  Backoff,
  Jitter,
  type RetryPolicyOptions,
  // Executors
  inProcessExecutor,
  multiprocessExecutor,
  queueExecutor,
  type ExecutorDefinition,
  type InProcessExecutorOptions,
  type MultiprocessExecutorOptions,
  type QueueExecutorOptions,
  // Jobs
  defineAssetJob,
  AssetJobDefinition,
  type AssetJobOptions,
  // Loading definitions from modules
  loadAssetsFromCurrentModule,
  loadAssetsFromModules,
  loadAssetsFromPackageModule,
  loadAssetsFromPackageName,
  loadAssetChecksFromCurrentModule,
  loadAssetChecksFromModules,
  loadAssetChecksFromPackageModule,
  loadAssetChecksFromPackageName,
  type LoadAssetChecksOptions,
  type LoadAssetsOptions,
  type LoadFromPackageNameOptions,
  type ModuleLike,
  type PackageLocation,
} from "./definitions/index.js";
// Run config: `{ ops: { <op>: { config } }, resources: { <key>: { config } } }`.
export type { RunConfig } from "./plan/index.js";
// The IO managers Tessera provides.
export {
  FilesystemIOManager,
  InMemoryIOManager,
  type FilesystemIOManagerOptions,
} from "./execution/index.js";

// ---- Definitions and running ----
// Gathering definitions into a code location, and running them: materialize and observe, jobs in process,
// the result of a run, loading stored values, and re-executing a run.

export {
  Definitions,
  materialize,
  observe,
  type MaterializeOptions,
  type ObserveOptions,
} from "./code-location/index.js";
export type { DefinitionsOptions } from "./definitions/index.js";
export {
  ExecuteResult,
  ResolvedAssetJob,
  AssetValueLoader,
  reexecuteRun,
  submitReexecution,
  type ExecuteOptions,
  type JobExecuteOptions,
  type LoadAssetValueOptions,
  type ReexecuteOptions,
  type SelectionLike,
} from "./execution/index.js";

// ---- Asset graph and selection ----
// The graph of assets and the selections over it, written in code or in the selection grammar.

export {
  AssetGraph,
  AssetSelection,
  SelectionNeedsInstanceError,
  SelfDependencyError,
  UnknownAssetCheckError,
  UnsupportedSelectionError,
  type AssetHealthSource,
  type IncludeSourcesOptions,
  type ResolveOptions,
  type ResolveWithInstanceOptions,
  type SelectionScope,
} from "./graph/index.js";
export {
  AssetHealthStatus,
  SelectionNotExpressibleError,
  SelectionSyntaxError,
  type AssetCheckKeyLike,
  type AssetSelectionTarget,
  type CoercibleToAssetSelection,
  type FromStringOptions,
  type SelectionNode,
  type ToSelectionStringOptions,
} from "./definitions/index.js";

// ---- Partitions ----
// Splitting assets into partitions (time windows, static, dynamic, multi-dimensional), mapping partitions
// between assets, and backfilling ranges of partitions.

export { InvalidExecutionOptionError, NothingToRunError, ResourceSetupError } from "./execution/index.js";
export {
  // Partitions definitions
  PartitionsDefinition,
  TimeWindowPartitionsDefinition,
  HourlyPartitionsDefinition,
  DailyPartitionsDefinition,
  WeeklyPartitionsDefinition,
  MonthlyPartitionsDefinition,
  StaticPartitionsDefinition,
  DynamicPartitionsDefinition,
  DynamicPartitionsSnapshot,
  MultiPartitionsDefinition,
  MultiPartitionKey,
  PartitionKeyRange,
  timeWindow,
  type DynamicPartitionsRequest,
  type DynamicPartitionsStore,
  type PartitionLoadingOptions,
  type TimeWindow,
  type CadencePartitionsOptions,
  type DailyPartitionsOptions,
  type WeeklyPartitionsOptions,
  type MonthlyPartitionsOptions,
  type TimeWindowPartitionsDefinitionOptions,
  // Partition subsets
  DefaultPartitionsSubset,
  TimeWindowPartitionsSubset,
  deserializePartitionsSubset,
  type PartitionsSubset,
  // Partition mappings
  AllPartitionMapping,
  IdentityPartitionMapping,
  LastPartitionMapping,
  MultiPartitionMapping,
  MultiToSingleDimensionPartitionMapping,
  SpecificPartitionsPartitionMapping,
  StaticPartitionMapping,
  TimeWindowPartitionMapping,
  inferPartitionMapping,
  validatePartitionMapping,
  type PartitionMapping,
  type TimeWindowPartitionMappingOptions,
  type UpstreamPartitionsResult,
  // Backfill policies
  BackfillPolicy,
  type BackfillPolicyType,
  // Errors
  DynamicPartitionsStoreRequiredError,
  IncompatiblePartitionMappingError,
  InvalidCronScheduleError,
  InvalidPartitionFormatError,
  InvalidPartitionKeyError,
  InvalidPartitionKeyRangeError,
  InvalidPartitionsDefinitionError,
  InvalidTimezoneError,
  PartitionKeyNotFoundError,
  PartitionsSubsetDeserializationError,
} from "./partitions/index.js";
// Backfills: runs over many partitions, launched now or submitted for the daemon.
export {
  backfillAssetStatuses,
  launchBackfill,
  resumeBackfill,
  submitBackfill,
  type BackfillAssetStatus,
  type BackfillOptions,
  type ResumeBackfillOptions,
} from "./execution/index.js";

// ---- Automation ----
// What starts runs on its own: automation conditions, freshness policies, schedules and sensors, the run
// requests they return, and the contexts to evaluate them with by hand.

export {
  // Automation conditions
  AutomationCondition,
  type RunTagsOptions,
  // Freshness policies
  FreshnessPolicy,
  InvalidFreshnessPolicyError,
  type FreshnessPolicyOptions,
  // Schedules
  schedule,
  ScheduleDefinition,
  DefaultScheduleStatus,
  buildScheduleFromPartitionedJob,
  nextTicks,
  type PartitionedScheduleOptions,
  type ScheduleDefinitionOptions,
  type ScheduleEvaluationResult,
  type ScheduleFunction,
  // Sensors
  sensor,
  SensorDefinition,
  DefaultSensorStatus,
  DEFAULT_SENSOR_INTERVAL_SECONDS,
  assetSensor,
  type AssetSensorFunction,
  type AssetSensorOptions,
  type SensorDefinitionOptions,
  type SensorEvaluationResult,
  type SensorFunction,
  // What schedules and sensors return, and what they target
  RunRequest,
  SkipReason,
  SensorResult,
  AutomationTags,
  type AutomationTarget,
  type RunRequestOptions,
  type SensorResultOptions,
  type TargetOptions,
  type TargetRef,
  type TickEvaluation,
  type InstigatorKind,
  // Evaluation contexts
  ScheduleEvaluationContext,
  SensorEvaluationContext,
  buildScheduleContext,
  buildSensorContext,
  type ScheduleContextOptions,
  type SensorContextOptions,
  // Errors
  InvalidEvaluationResultError,
  InvalidRunRequestError,
  UnknownJobTargetError,
} from "./definitions/index.js";
export { AutomationConditionReferenceError } from "./graph/index.js";
export {
  // Automation condition sensors and evaluation
  AutomationConditionSensorDefinition,
  DEFAULT_AUTOMATION_CONDITION_SENSOR_NAME,
  automationConditionSensorsOf,
  evaluateAutomationConditions,
  AutomationConditionEvaluationResult,
  renderEvaluationTree,
  type AutomationBackfillRequest,
  type AutomationConditionSensorOptions,
  type AutomationSensorEvaluation,
  type AutomationSensorEvaluateOptions,
  type EvaluateAutomationConditionsOptions,
  type EvaluationTreeNode,
  // Freshness evaluation
  evaluateFreshness,
  FreshnessStatus,
  type AssetFreshness,
  type EvaluateFreshnessOptions,
  // Carrying out a tick's run requests in this process
  executeRunRequests,
  type ExecuteRunRequestsOptions,
  type ExecutedRunRequests,
} from "./automation/index.js";

// ---- Instance and storage ----
// The record of everything Tessera did: runs, event logs, asset records, ticks and backfills, and its settings.

export {
  Instance,
  type InstanceOptions,
  type FetchOptions,
  type FetchResult,
  type GetRunsOptions,
  type PartitionStatus,
  type StorageConfig,
  type RunQueueSettings,
  type SqliteStorageConfig,
  type PostgresStorageConfig,
  type ConcurrencySettings,
  type TagConcurrencyLimit,
} from "./instance/index.js";
export {
  BackfillStatus,
  InstigatorStatus,
  TickStatus,
  type AssetRecord,
  type AutomationEvaluationRecord,
  type BackfillAssetPartitions,
  type BackfillRecord,
  type InstigatorState,
  type InstigatorType,
  type LeaseRecord,
  type RunRecord,
  type Storage,
  type StorageInfo,
  type TickRecord,
  type RunsFilter,
  type EventRecordsFilter,
  type EventLogChanges,
  type RunLogsOptions,
  type TicksFilter,
} from "./storage/index.js";

// ---- Versioning and staleness ----
// Data versions, and whether an asset is stale against its code and its upstreams.

export {
  DataVersion,
  StaleCauseCategory,
  StaleStatus,
  StaleStatusResolver,
  type StaleCause,
  type StaleStatusResolverOptions,
} from "./versioning/index.js";

// ---- Run queue, workers and daemon ----
// Running in production: queued runs and their launchers, `tessera worker`s and run monitoring, and the daemon
// that ticks schedules, sensors and automation.

export {
  // Run queue and launchers
  QueuedRunCoordinator,
  ChildProcessRunLauncher,
  InProcessRunLauncher,
  WorkerRunLauncher,
  PRIORITY_TAG,
  POOL_TAG,
  MAX_RETRIES_TAG,
  WORKER_QUEUE_TAG,
  type DequeueResult,
  type RunQueueLauncher,
  // Workers and run monitoring
  startWorker,
  monitorRuns,
  type MonitorRunsOptions,
  type MonitorRunsResult,
  type WorkerHandle,
  type WorkerOptions,
} from "./execution/index.js";
export {
  Daemon,
  inProcessDaemonLauncher,
  queuedDaemonLauncher,
  InvalidDaemonOptionError,
  UnknownInstigatorError,
  type DaemonIteration,
  type DaemonLogger,
  type DaemonOptions,
  type DaemonRunLauncher,
  type LaunchedRun,
  type LaunchRequest,
} from "./automation/index.js";

// The GraphQL API and the workspace view it serves: code locations described as plain JSON snapshots, loaded
// in this process (InProcessWorkspace) or in child processes (`tessera dev`), behind one WorkspaceView.
export {
  InProcessWorkspace,
  LOCATION_SNAPSHOT_VERSION,
  runLocationOperation,
  snapshotDefinitions,
  type AssetNodeSnapshot,
  type CheckSnapshot,
  type InProcessLocation,
  type InProcessWorkspaceOptions,
  type JobSnapshot,
  type LocationEntry,
  type LocationEvent,
  type LocationOperationName,
  type LocationOperations,
  type LocationSnapshot,
  type LocationStatus,
  type OperationError,
  type OperationResult,
  type PartitionRangeInput,
  type ScheduleSnapshot,
  type SensorSnapshot,
  type WorkspaceView,
} from "./code-location/index.js";
export { createGraphQLHandler, type GraphQLHandler, type GraphQLHandlerOptions, type QueryLimits } from "./api/index.js";

// Compute logs: what steps wrote to stdout and stderr, kept per run and step (issue 12).
export { StepNotFoundError } from "./core/index.js";
export {
  InMemoryComputeLogManager,
  LocalComputeLogManager,
  NoOpComputeLogManager,
  type ComputeIOType,
  type ComputeLogChunk,
  type ComputeLogManager,
  type ComputeLogSettings,
  type ComputeLogSink,
} from "./instance/index.js";
