// PartitionMapping: which upstream partitions a downstream partition depends on, and back.
import { IncompatiblePartitionMappingError } from "../errors.js";
import type { PartitionLoadingOptions, PartitionsDefinition } from "../partitions-definition.js";
import type { PartitionsSubset } from "../partitions-subset.js";

/** The upstream partitions a set of downstream partitions depends on. */
export interface UpstreamPartitionsResult {
  /** Upstream partitions that exist (at `currentTime`). */
  readonly partitionsSubset: PartitionsSubset;
  /** Upstream partitions the mapping asks for that do not exist: a run of these downstream partitions cannot load them. */
  readonly requiredButNonexistentSubset: PartitionsSubset;
}

export type PartitionMappingKind =
  | "identity"
  | "all"
  | "last"
  | "static"
  | "specific_partitions"
  | "time_window"
  | "multi_to_single_dimension"
  | "multi";

/** A mapping between an upstream asset's partitions and a downstream asset's partitions. Immutable. */
export interface PartitionMapping {
  readonly kind: PartitionMappingKind;
  /** One sentence saying what the mapping does, for the UI. */
  readonly description: string;
  /** Throws IncompatiblePartitionMappingError when the mapping cannot relate these two definitions. */
  validatePartitionMapping(upstreamPartitionsDef: PartitionsDefinition | undefined, downstreamPartitionsDef: PartitionsDefinition | undefined): void;
  /** The upstream partitions that the given downstream partitions depend on. */
  getUpstreamMappedPartitionsResultForPartitions(
    downstreamPartitionsSubset: PartitionsSubset | undefined,
    downstreamPartitionsDef: PartitionsDefinition | undefined,
    upstreamPartitionsDef: PartitionsDefinition,
    options?: PartitionLoadingOptions,
  ): UpstreamPartitionsResult;
  /** The downstream partitions that depend on the given upstream partitions. */
  getDownstreamPartitionsForPartitions(
    upstreamPartitionsSubset: PartitionsSubset,
    upstreamPartitionsDef: PartitionsDefinition,
    downstreamPartitionsDef: PartitionsDefinition,
    options?: PartitionLoadingOptions,
  ): PartitionsSubset;
}

/** One side of a dependency, as the asset layer knows it. */
export interface PartitionedAssetSide {
  /** The asset key as a string (`a/b`) or anything with a `toString()`. */
  assetKey: { toString(): string } | string;
  partitionsDef: PartitionsDefinition | undefined;
}

/**
 * Checks at definition time that `mapping` can relate the two assets' partitions; the error names both assets.
 *
 * @example
 * validatePartitionMapping(new TimeWindowPartitionMapping(), { assetKey: "raw", partitionsDef: daily }, { assetKey: "report", partitionsDef: monthly });
 */
export function validatePartitionMapping(mapping: PartitionMapping, upstream: PartitionedAssetSide, downstream: PartitionedAssetSide): void {
  try {
    mapping.validatePartitionMapping(upstream.partitionsDef, downstream.partitionsDef);
  } catch (e) {
    const reason = e instanceof IncompatiblePartitionMappingError ? e.message.replace(/^.*? cannot be used: /, "") : (e as Error).message;
    throw new IncompatiblePartitionMappingError(mappingName(mapping), reason, String(upstream.assetKey), String(downstream.assetKey));
  }
}

export function mappingName(mapping: PartitionMapping): string {
  return (mapping as object).constructor?.name ?? mapping.kind;
}

export function incompatible(mapping: PartitionMapping, reason: string): IncompatiblePartitionMappingError {
  return new IncompatiblePartitionMappingError(mappingName(mapping), reason);
}

export function upstreamResult(partitionsSubset: PartitionsSubset, requiredButNonexistentSubset?: PartitionsSubset): UpstreamPartitionsResult {
  return Object.freeze({ partitionsSubset, requiredButNonexistentSubset: requiredButNonexistentSubset ?? partitionsSubset.partitionsDef.emptySubset() });
}
