// The mapping the reference applies when a dependency names none.
import type { PartitionsDefinition } from "../partitions-definition.js";
import { TimeWindowPartitionsDefinition } from "../time-window-partitions-definition.js";
import { AllPartitionMapping } from "./all-partition-mapping.js";
import { inferSingleToMultiDimensionDependency } from "./dimension-dependencies.js";
import { IdentityPartitionMapping } from "./identity-partition-mapping.js";
import { MultiToSingleDimensionPartitionMapping } from "./multi-to-single-dimension-partition-mapping.js";
import type { PartitionMapping } from "./partition-mapping.js";
import { TimeWindowPartitionMapping } from "./time-window-partition-mapping.js";

/**
 * The given mapping, or the default: AllPartitionMapping when either asset is unpartitioned;
 * MultiToSingleDimensionPartitionMapping when one side is multi-partitioned and a dimension matches the other;
 * TimeWindowPartitionMapping between two time-partitioned assets; IdentityPartitionMapping otherwise.
 */
export function inferPartitionMapping(
  partitionMapping: PartitionMapping | undefined,
  downstreamPartitionsDef: PartitionsDefinition | undefined,
  upstreamPartitionsDef: PartitionsDefinition | undefined,
): PartitionMapping {
  if (partitionMapping) return partitionMapping;
  if (!upstreamPartitionsDef || !downstreamPartitionsDef) return new AllPartitionMapping();
  if ("dependency" in inferSingleToMultiDimensionDependency(upstreamPartitionsDef, downstreamPartitionsDef)) {
    return new MultiToSingleDimensionPartitionMapping();
  }
  if (upstreamPartitionsDef instanceof TimeWindowPartitionsDefinition && downstreamPartitionsDef instanceof TimeWindowPartitionsDefinition) {
    return new TimeWindowPartitionMapping();
  }
  return new IdentityPartitionMapping();
}
