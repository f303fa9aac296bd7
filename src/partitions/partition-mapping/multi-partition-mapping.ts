// MultiPartitionMapping: between two multi-partitioned assets, a mapping per upstream dimension.
import { IncompatiblePartitionMappingError } from "../errors.js";
import { MultiPartitionsDefinition } from "../multi-partitions-definition.js";
import type { PartitionLoadingOptions, PartitionsDefinition } from "../partitions-definition.js";
import type { PartitionsSubset } from "../partitions-subset.js";
import { mapThroughDimensions, resultFromDimensions, type DimensionDependency } from "./dimension-dependencies.js";
import { incompatible, mappingName, type PartitionMapping, type UpstreamPartitionsResult } from "./partition-mapping.js";

/** The downstream dimension an upstream dimension maps to, and how. */
export interface DimensionPartitionMapping {
  dimensionName: string;
  partitionMapping: PartitionMapping;
}

/**
 * Maps between two MultiPartitionsDefinitions: keys are upstream dimension names, values name the
 * downstream dimension and the mapping between the two. Downstream dimensions that no entry names
 * depend on every key of theirs.
 *
 * @example
 * new MultiPartitionMapping({
 *   date: { dimensionName: "date", partitionMapping: new TimeWindowPartitionMapping({ startOffset: -1, endOffset: -1 }) },
 *   region: { dimensionName: "region", partitionMapping: new IdentityPartitionMapping() },
 * });
 */
export class MultiPartitionMapping implements PartitionMapping {
  readonly kind = "multi" as const;
  readonly downstreamMappingsByUpstreamDimension: Readonly<Record<string, Readonly<DimensionPartitionMapping>>>;
  /** One sentence per mapped dimension, naming both dimensions and the mapping; empty when none is mapped. */
  readonly description: string;

  constructor(downstreamMappingsByUpstreamDimension: Record<string, DimensionPartitionMapping>) {
    const entries = Object.entries(downstreamMappingsByUpstreamDimension ?? {});
    const targets = new Set<string>();
    for (const [up, m] of entries) {
      if (!m || typeof m.dimensionName !== "string" || !m.partitionMapping) {
        throw new IncompatiblePartitionMappingError("MultiPartitionMapping", `the entry for upstream dimension "${up}" needs { dimensionName, partitionMapping }`);
      }
      if (targets.has(m.dimensionName)) {
        throw new IncompatiblePartitionMappingError("MultiPartitionMapping", `downstream dimension "${m.dimensionName}" is mapped from more than one upstream dimension`);
      }
      targets.add(m.dimensionName);
    }
    this.downstreamMappingsByUpstreamDimension = Object.freeze(Object.fromEntries(entries.map(([k, v]) => [k, Object.freeze({ ...v })])));
    this.description = entries
      .map(([up, m]) => `Upstream dimension '${up}' mapped to downstream dimension '${m.dimensionName}' using ${mappingName(m.partitionMapping)}.`)
      .join("\n");
    Object.freeze(this);
  }

  #dependencies(): DimensionDependency[] {
    return Object.entries(this.downstreamMappingsByUpstreamDimension).map(([up, m]) => ({
      partitionMapping: m.partitionMapping,
      upstreamDimensionName: up,
      downstreamDimensionName: m.dimensionName,
    }));
  }

  validatePartitionMapping(upstream: PartitionsDefinition | undefined, downstream: PartitionsDefinition | undefined): void {
    if (!(upstream instanceof MultiPartitionsDefinition) || !(downstream instanceof MultiPartitionsDefinition)) {
      throw incompatible(this, "both assets must be multi-partitioned");
    }
    for (const [up, m] of Object.entries(this.downstreamMappingsByUpstreamDimension)) {
      if (!upstream.dimensionNames.includes(up)) throw incompatible(this, `the upstream asset has no dimension "${up}" (it has ${upstream.dimensionNames.join(", ")})`);
      if (!downstream.dimensionNames.includes(m.dimensionName)) {
        throw incompatible(this, `the downstream asset has no dimension "${m.dimensionName}" (it has ${downstream.dimensionNames.join(", ")})`);
      }
      try {
        m.partitionMapping.validatePartitionMapping(upstream.getPartitionsDefForDimension(up), downstream.getPartitionsDefForDimension(m.dimensionName));
      } catch (e) {
        throw incompatible(this, `dimension "${up}" → "${m.dimensionName}": ${(e as Error).message}`);
      }
    }
  }

  getUpstreamMappedPartitionsResultForPartitions(
    downstreamSubset: PartitionsSubset | undefined,
    downstreamDef: PartitionsDefinition | undefined,
    upstreamDef: PartitionsDefinition,
    options?: PartitionLoadingOptions,
  ): UpstreamPartitionsResult {
    this.validatePartitionMapping(upstreamDef, downstreamDef);
    const down = downstreamDef as PartitionsDefinition;
    return resultFromDimensions(mapThroughDimensions(down, downstreamSubset ?? down.emptySubset(), upstreamDef, false, this.#dependencies(), options), upstreamDef);
  }

  getDownstreamPartitionsForPartitions(
    upstreamSubset: PartitionsSubset,
    upstreamDef: PartitionsDefinition,
    downstreamDef: PartitionsDefinition,
    options?: PartitionLoadingOptions,
  ): PartitionsSubset {
    this.validatePartitionMapping(upstreamDef, downstreamDef);
    return mapThroughDimensions(upstreamDef, upstreamSubset, downstreamDef, true, this.#dependencies(), options).subset;
  }
}
