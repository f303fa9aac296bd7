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
    this.#checkUpstream(upstream);
    this.#checkDownstream(downstream);
  }

  // The reference checks the table against a definition each time it maps through it, not only at validation:
  // a mapping used outside Definitions (or with dynamic keys gone) must not hand out keys that do not exist.
  #checkUpstream(upstream: PartitionsDefinition): void {
    const bad = Object.keys(this.downstreamPartitionKeysByUpstreamPartitionKey).filter((k) => !upstream.hasPartitionKey(k));
    if (bad.length) {
      throw incompatible(this, `mapped keys ${bad.map((k) => JSON.stringify(k)).join(", ")} are not upstream partitions; remove them from the table or add them to the upstream definition`);
    }
  }

  #checkDownstream(downstream: PartitionsDefinition): void {
    const bad = [...this.#inverse.keys()].filter((k) => !downstream.hasPartitionKey(k));
    if (bad.length) {
      throw incompatible(this, `target keys ${bad.map((k) => JSON.stringify(k)).join(", ")} are not downstream partitions; remove them from the table or add them to the downstream definition`);
    }
  }

  getUpstreamMappedPartitionsResultForPartitions(
    downstreamSubset: PartitionsSubset | undefined,
    _downstreamDef: PartitionsDefinition | undefined,
    upstreamDef: PartitionsDefinition,
    _options?: PartitionLoadingOptions,
  ): UpstreamPartitionsResult {
    this.#checkUpstream(upstreamDef);
    const keys = new Set<string>();
    for (const k of downstreamSubset?.getPartitionKeys() ?? []) for (const up of this.#inverse.get(k) ?? []) keys.add(up);
    return upstreamResult(upstreamDef.subsetWithPartitionKeys(keys));
  }

  getDownstreamPartitionsForPartitions(
    upstreamSubset: PartitionsSubset,
    _upstreamDef: PartitionsDefinition,
    downstreamDef: PartitionsDefinition,
  ): PartitionsSubset {
    this.#checkDownstream(downstreamDef);
    const keys = new Set<string>();
    for (const k of upstreamSubset.getPartitionKeys()) for (const d of this.downstreamPartitionKeysByUpstreamPartitionKey[k] ?? []) keys.add(d);
    return downstreamDef.subsetWithPartitionKeys(keys);
  }
}
