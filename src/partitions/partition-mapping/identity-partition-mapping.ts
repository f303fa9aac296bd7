// IdentityPartitionMapping: downstream partition k depends on upstream partition k.
import type { PartitionLoadingOptions, PartitionsDefinition } from "../partitions-definition.js";
import type { PartitionsSubset } from "../partitions-subset.js";
import { incompatible, upstreamResult, type PartitionMapping, type UpstreamPartitionsResult } from "./partition-mapping.js";

/** Each downstream partition depends on the upstream partition with the same key (the default between two non-time definitions). */
export class IdentityPartitionMapping implements PartitionMapping {
  readonly kind = "identity" as const;
  readonly description = "Each downstream partition depends on the upstream partition with the same key.";

  constructor() {
    Object.freeze(this);
  }

  validatePartitionMapping(upstream: PartitionsDefinition | undefined, downstream: PartitionsDefinition | undefined): void {
    if (!upstream || !downstream) throw incompatible(this, "both assets must be partitioned");
  }

  getUpstreamMappedPartitionsResultForPartitions(
    downstreamSubset: PartitionsSubset | undefined,
    downstreamDef: PartitionsDefinition | undefined,
    upstreamDef: PartitionsDefinition,
    options?: PartitionLoadingOptions,
  ): UpstreamPartitionsResult {
    if (!downstreamSubset) return upstreamResult(upstreamDef.emptySubset());
    if (downstreamDef && downstreamDef.equals(upstreamDef)) {
      return upstreamResult(upstreamDef.emptySubset().union(downstreamSubset));
    }
    const existing: string[] = [];
    const missing: string[] = [];
    for (const key of downstreamSubset.getPartitionKeys()) (upstreamDef.hasPartitionKey(key, options) ? existing : missing).push(key);
    return upstreamResult(upstreamDef.subsetWithPartitionKeys(existing), keysSubset(upstreamDef, missing));
  }

  getDownstreamPartitionsForPartitions(
    upstreamSubset: PartitionsSubset,
    upstreamDef: PartitionsDefinition,
    downstreamDef: PartitionsDefinition,
    options?: PartitionLoadingOptions,
  ): PartitionsSubset {
    if (downstreamDef.equals(upstreamDef)) return downstreamDef.emptySubset().union(upstreamSubset);
    return downstreamDef.subsetWithPartitionKeys(upstreamSubset.getPartitionKeys().filter((k) => downstreamDef.hasPartitionKey(k, options)));
  }
}

// Keys that may not parse in `def` (time windows) still need a subset: fall back to a plain key set.
function keysSubset(def: PartitionsDefinition, keys: string[]): PartitionsSubset {
  try {
    return def.subsetWithPartitionKeys(keys);
  } catch {
    return def.emptySubset();
  }
}
