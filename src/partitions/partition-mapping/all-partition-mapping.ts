// AllPartitionMapping: every downstream partition depends on every upstream partition.
import type { PartitionLoadingOptions, PartitionsDefinition } from "../partitions-definition.js";
import type { PartitionsSubset } from "../partitions-subset.js";
import { upstreamResult, type PartitionMapping, type UpstreamPartitionsResult } from "./partition-mapping.js";

/** Each downstream partition depends on all upstream partitions (the default when either side is unpartitioned). */
export class AllPartitionMapping implements PartitionMapping {
  readonly kind = "all" as const;
  readonly description = "Each downstream partition depends on all partitions of the upstream asset.";

  constructor() {
    Object.freeze(this);
  }

  validatePartitionMapping(): void {}

  getUpstreamMappedPartitionsResultForPartitions(
    _downstreamSubset: PartitionsSubset | undefined,
    _downstreamDef: PartitionsDefinition | undefined,
    upstreamDef: PartitionsDefinition,
    options?: PartitionLoadingOptions,
  ): UpstreamPartitionsResult {
    return upstreamResult(upstreamDef.subsetWithAllPartitions(options));
  }

  getDownstreamPartitionsForPartitions(
    upstreamSubset: PartitionsSubset,
    _upstreamDef: PartitionsDefinition,
    downstreamDef: PartitionsDefinition,
    options?: PartitionLoadingOptions,
  ): PartitionsSubset {
    return upstreamSubset.isEmpty ? downstreamDef.emptySubset() : downstreamDef.subsetWithAllPartitions(options);
  }
}
