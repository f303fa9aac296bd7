// SpecificPartitionsPartitionMapping: every downstream partition depends on a fixed list of upstream partitions.
import type { PartitionLoadingOptions, PartitionsDefinition } from "../partitions-definition.js";
import type { PartitionsSubset } from "../partitions-subset.js";
import { incompatible, upstreamResult, type PartitionMapping, type UpstreamPartitionsResult } from "./partition-mapping.js";

/**
 * Each downstream partition depends on the given upstream partitions.
 *
 * @example
 * new AssetIn({ key: "fx_rates", partitionMapping: new SpecificPartitionsPartitionMapping(["EUR", "USD"]) });
 */
export class SpecificPartitionsPartitionMapping implements PartitionMapping {
  readonly kind = "specific_partitions" as const;
  readonly partitionKeys: readonly string[];

  constructor(partitionKeys: readonly string[]) {
    if (!Array.isArray(partitionKeys) || !partitionKeys.every((k) => typeof k === "string")) {
      throw incompatible({ kind: "specific_partitions" } as PartitionMapping, "expected an array of upstream partition keys");
    }
    this.partitionKeys = Object.freeze(partitionKeys.slice());
    Object.freeze(this);
  }

  get description(): string {
    return `Each downstream partition depends on the upstream partitions ${this.partitionKeys.map((k) => JSON.stringify(k)).join(", ")}.`;
  }

  validatePartitionMapping(upstream: PartitionsDefinition | undefined): void {
    if (!upstream) throw incompatible(this, "the upstream asset must be partitioned");
    if (upstream.kind === "static" || upstream.kind === "multi") {
      const bad = this.partitionKeys.filter((k) => !upstream.hasPartitionKey(k));
      if (bad.length) throw incompatible(this, `upstream ${upstream.toString()} has no partition ${bad.map((k) => JSON.stringify(k)).join(", ")}`);
    }
  }

  getUpstreamMappedPartitionsResultForPartitions(
    _downstreamSubset: PartitionsSubset | undefined,
    _downstreamDef: PartitionsDefinition | undefined,
    upstreamDef: PartitionsDefinition,
    options?: PartitionLoadingOptions,
  ): UpstreamPartitionsResult {
    const existing = this.partitionKeys.filter((k) => upstreamDef.hasPartitionKey(k, options));
    const missing = this.partitionKeys.filter((k) => !existing.includes(k));
    let missingSubset = upstreamDef.emptySubset();
    try {
      missingSubset = upstreamDef.subsetWithPartitionKeys(missing);
    } catch {
      // keys that name no partition at all stay out of the subset
    }
    return upstreamResult(upstreamDef.subsetWithPartitionKeys(existing), missingSubset);
  }

  getDownstreamPartitionsForPartitions(
    upstreamSubset: PartitionsSubset,
    _upstreamDef: PartitionsDefinition,
    downstreamDef: PartitionsDefinition,
    options?: PartitionLoadingOptions,
  ): PartitionsSubset {
    return this.partitionKeys.some((k) => upstreamSubset.has(k)) ? downstreamDef.subsetWithAllPartitions(options) : downstreamDef.emptySubset();
  }
}
