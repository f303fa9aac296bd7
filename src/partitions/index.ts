export {
  PartitionsDefinition,
  INVALID_PARTITION_SUBSTRINGS,
  invalidPartitionKeyReason,
  type DynamicPartitionsStore,
  type PartitionLoadingOptions,
  type PartitionsDefinitionKind,
} from "./partitions-definition.js";
export { PartitionKeyRange } from "./partition-key-range.js";
export { timeWindow, type TimeWindow } from "./time-window.js";
export { StaticPartitionsDefinition } from "./static-partitions-definition.js";
export {
  TimeWindowPartitionsDefinition,
  type ScheduleType,
  type TimeWindowPartitionsDefinitionOptions,
} from "./time-window-partitions-definition.js";
export {
  HourlyPartitionsDefinition,
  DailyPartitionsDefinition,
  WeeklyPartitionsDefinition,
  MonthlyPartitionsDefinition,
  type CadencePartitionsOptions,
  type DailyPartitionsOptions,
  type WeeklyPartitionsOptions,
  type MonthlyPartitionsOptions,
} from "./time-window-cadences.js";
export {
  DynamicPartitionsDefinition,
  DynamicPartitionsSnapshot,
  validateDynamicPartitionKeys,
  type DynamicPartitionsRequest,
} from "./dynamic-partitions-definition.js";
export { MultiPartitionsDefinition, MultiPartitionKey, type PartitionDimensionDefinition } from "./multi-partitions-definition.js";
export { deserializePartitionsSubset, type PartitionsSubset } from "./partitions-subset.js";
export {
  snapshotPartitionsDefinition,
  partitionsDefinitionFromSnapshot,
  partitionsDefinitionFingerprint,
  type PartitionsDefinitionSnapshot,
} from "./partitions-definition-snapshot.js";
export { TimeWindowPartitionsSubset } from "./time-window-partitions-subset.js";
export { DefaultPartitionsSubset } from "./default-partitions-subset.js";
export { BackfillPolicy, type BackfillPolicyType } from "./backfill-policy.js";
// For the automation layer (schedules): the same cron + DST rules as time partitions.
export { CronSchedule, type CronShape } from "./cron.js";
export { resolveTimeZone, ZoneOffsets } from "./time-zone.js";
export { tickSequence, ceilOrdinal, type TickSequence } from "./tick-sequence.js";
export {
  validatePartitionMapping,
  type PartitionMapping,
  type PartitionMappingKind,
  type PartitionedAssetSide,
  type UpstreamPartitionsResult,
} from "./partition-mapping/partition-mapping.js";
export { IdentityPartitionMapping } from "./partition-mapping/identity-partition-mapping.js";
export { AllPartitionMapping } from "./partition-mapping/all-partition-mapping.js";
export { LastPartitionMapping } from "./partition-mapping/last-partition-mapping.js";
export { StaticPartitionMapping } from "./partition-mapping/static-partition-mapping.js";
export { SpecificPartitionsPartitionMapping } from "./partition-mapping/specific-partitions-partition-mapping.js";
export { TimeWindowPartitionMapping, type TimeWindowPartitionMappingOptions } from "./partition-mapping/time-window-partition-mapping.js";
export { MultiToSingleDimensionPartitionMapping } from "./partition-mapping/multi-to-single-dimension-partition-mapping.js";
export { MultiPartitionMapping, type DimensionPartitionMapping } from "./partition-mapping/multi-partition-mapping.js";
export { inferPartitionMapping } from "./partition-mapping/infer-partition-mapping.js";
export * from "./errors.js";
