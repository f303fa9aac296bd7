// MultiToSingleDimensionPartitionMapping: a single-dimension asset against one dimension of a multi-partitioned asset.
import type { PartitionLoadingOptions, PartitionsDefinition } from "../partitions-definition.js";
import type { PartitionsSubset } from "../partitions-subset.js";
import { inferSingleToMultiDimensionDependency, mapThroughDimensions, resultFromDimensions, type DimensionDependency } from "./dimension-dependencies.js";
import { incompatible, type PartitionMapping, type UpstreamPartitionsResult } from "./partition-mapping.js";

/**
 * Relates a single-dimension definition to the matching dimension of a multi-partitions definition
 * (either side may be the multi one): key X depends on (or feeds) every multi key with X in that dimension.
 * The default when one side is multi-partitioned and a dimension matches the other side.
 */
export class MultiToSingleDimensionPartitionMapping implements PartitionMapping {
  readonly kind = "multi_to_single_dimension" as const;
  readonly partitionDimensionName: string | undefined;
  readonly description =
    "Each single-dimension partition X relates to every multi-partition whose matching dimension is X.";

  constructor(options: { partitionDimensionName?: string } = {}) {
    this.partitionDimensionName = options.partitionDimensionName;
    Object.freeze(this);
  }

  #dependency(upstream: PartitionsDefinition | undefined, downstream: PartitionsDefinition | undefined): DimensionDependency {
    if (!upstream || !downstream) throw incompatible(this, "both assets must be partitioned");
    const r = inferSingleToMultiDimensionDependency(upstream, downstream, this.partitionDimensionName);
    if ("reason" in r) throw incompatible(this, r.reason);
    return r.dependency;
  }

  validatePartitionMapping(upstream: PartitionsDefinition | undefined, downstream: PartitionsDefinition | undefined): void {
    this.#dependency(upstream, downstream);
  }

  getUpstreamMappedPartitionsResultForPartitions(
    downstreamSubset: PartitionsSubset | undefined,
    downstreamDef: PartitionsDefinition | undefined,
    upstreamDef: PartitionsDefinition,
    options?: PartitionLoadingOptions,
  ): UpstreamPartitionsResult {
    const dep = this.#dependency(upstreamDef, downstreamDef);
    const down = downstreamDef as PartitionsDefinition;
    return resultFromDimensions(mapThroughDimensions(down, downstreamSubset ?? down.emptySubset(), upstreamDef, false, [dep], options), upstreamDef);
  }

  getDownstreamPartitionsForPartitions(
    upstreamSubset: PartitionsSubset,
    upstreamDef: PartitionsDefinition,
    downstreamDef: PartitionsDefinition,
    options?: PartitionLoadingOptions,
  ): PartitionsSubset {
    const dep = this.#dependency(upstreamDef, downstreamDef);
    return mapThroughDimensions(upstreamDef, upstreamSubset, downstreamDef, true, [dep], options).subset;
  }
}
