// StaticPartitionMapping: an explicit table from upstream keys to downstream keys between two static definitions.
import type { PartitionLoadingOptions, PartitionsDefinition } from "../partitions-definition.js";
import type { PartitionsSubset } from "../partitions-subset.js";
import { incompatible, upstreamResult, type PartitionMapping, type UpstreamPartitionsResult } from "./partition-mapping.js";

/**
 * Maps each upstream key to one or more downstream keys, between two StaticPartitionsDefinitions.
 *
 * @example
 * new StaticPartitionMapping({ eu_west: "eu", eu_north: "eu", us_east: ["us", "global"] });
 */
export class StaticPartitionMapping implements PartitionMapping {
  readonly kind = "static" as const;
  readonly downstreamPartitionKeysByUpstreamPartitionKey: Readonly<Record<string, readonly string[]>>;
  readonly #inverse: ReadonlyMap<string, readonly string[]>;

  constructor(downstreamPartitionKeysByUpstreamPartitionKey: Record<string, string | readonly string[]>) {
    const forward: Record<string, readonly string[]> = {};
    const inverse = new Map<string, string[]>();
    for (const [up, down] of Object.entries(downstreamPartitionKeysByUpstreamPartitionKey ?? {})) {
      const downs = typeof down === "string" ? [down] : [...down];
      forward[up] = Object.freeze(downs);
      for (const d of downs) {
        const ups = inverse.get(d) ?? [];
        ups.push(up);
        inverse.set(d, ups);
      }
    }
    this.downstreamPartitionKeysByUpstreamPartitionKey = Object.freeze(forward);
    this.#inverse = inverse;
    Object.freeze(this);
  }

  get description(): string {
    return "Maps upstream partitions to downstream partitions by an explicit table.";
  }

  validatePartitionMapping(upstream: PartitionsDefinition | undefined, downstream: PartitionsDefinition | undefined): void {
    if (upstream?.kind !== "static") throw incompatible(this, "the upstream asset must have a StaticPartitionsDefinition");
    if (downstream?.kind !== "static") throw incompatible(this, "the downstream asset must have a StaticPartitionsDefinition");
    const badUp = Object.keys(this.downstreamPartitionKeysByUpstreamPartitionKey).filter((k) => !upstream.hasPartitionKey(k));
    if (badUp.length) throw incompatible(this, `mapped keys ${badUp.map((k) => JSON.stringify(k)).join(", ")} are not upstream partitions`);
    const badDown = [...this.#inverse.keys()].filter((k) => !downstream.hasPartitionKey(k));
    if (badDown.length) throw incompatible(this, `target keys ${badDown.map((k) => JSON.stringify(k)).join(", ")} are not downstream partitions`);
  }

  getUpstreamMappedPartitionsResultForPartitions(
    downstreamSubset: PartitionsSubset | undefined,
    _downstreamDef: PartitionsDefinition | undefined,
    upstreamDef: PartitionsDefinition,
    _options?: PartitionLoadingOptions,
  ): UpstreamPartitionsResult {
    const keys = new Set<string>();
    for (const k of downstreamSubset?.getPartitionKeys() ?? []) for (const up of this.#inverse.get(k) ?? []) keys.add(up);
    return upstreamResult(upstreamDef.subsetWithPartitionKeys(keys));
  }

  getDownstreamPartitionsForPartitions(
    upstreamSubset: PartitionsSubset,
    _upstreamDef: PartitionsDefinition,
    downstreamDef: PartitionsDefinition,
  ): PartitionsSubset {
    const keys = new Set<string>();
    for (const k of upstreamSubset.getPartitionKeys()) for (const d of this.downstreamPartitionKeysByUpstreamPartitionKey[k] ?? []) keys.add(d);
    return downstreamDef.subsetWithPartitionKeys(keys);
  }
}
