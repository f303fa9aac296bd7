// LastPartitionMapping: every downstream partition depends on the upstream's last partition.
import type { PartitionLoadingOptions, PartitionsDefinition } from "../partitions-definition.js";
import type { PartitionsSubset } from "../partitions-subset.js";
import { incompatible, upstreamResult, type PartitionMapping, type UpstreamPartitionsResult } from "./partition-mapping.js";

/** Each downstream partition (or the unpartitioned downstream asset) depends on the last upstream partition. */
export class LastPartitionMapping implements PartitionMapping {
  readonly kind = "last" as const;
  readonly description = "Each downstream partition depends on the last partition of the upstream asset.";

  constructor() {
    Object.freeze(this);
  }

  validatePartitionMapping(upstream: PartitionsDefinition | undefined): void {
    if (!upstream) throw incompatible(this, "the upstream asset must be partitioned");
  }

  getUpstreamMappedPartitionsResultForPartitions(
    _downstreamSubset: PartitionsSubset | undefined,
    _downstreamDef: PartitionsDefinition | undefined,
    upstreamDef: PartitionsDefinition,
    options?: PartitionLoadingOptions,
  ): UpstreamPartitionsResult {
    const last = upstreamDef.getLastPartitionKey(options);
    return upstreamResult(last === null ? upstreamDef.emptySubset() : upstreamDef.subsetWithPartitionKeys([last]));
  }

  getDownstreamPartitionsForPartitions(
    upstreamSubset: PartitionsSubset,
    upstreamDef: PartitionsDefinition,
    downstreamDef: PartitionsDefinition,
    options?: PartitionLoadingOptions,
  ): PartitionsSubset {
    const last = upstreamDef.getLastPartitionKey(options);
    return last !== null && upstreamSubset.has(last) ? downstreamDef.subsetWithAllPartitions(options) : downstreamDef.emptySubset();
  }
}
