// Mapping between definitions with dimensions: per-dimension mappings, unmapped dimensions take every key.
import { MultiPartitionsDefinition } from "../multi-partitions-definition.js";
import type { PartitionLoadingOptions, PartitionsDefinition } from "../partitions-definition.js";
import type { PartitionsSubset } from "../partitions-subset.js";
import { TimeWindowPartitionsDefinition } from "../time-window-partitions-definition.js";
import { IdentityPartitionMapping } from "./identity-partition-mapping.js";
import { upstreamResult, type PartitionMapping, type UpstreamPartitionsResult } from "./partition-mapping.js";
import { TimeWindowPartitionMapping } from "./time-window-partition-mapping.js";

/** A dependency between one dimension (or the whole single-dimension definition, `undefined`) on each side. */
export interface DimensionDependency {
  readonly partitionMapping: PartitionMapping;
  readonly upstreamDimensionName: string | undefined;
  readonly downstreamDimensionName: string | undefined;
}

function dimensionDef(def: PartitionsDefinition, name: string | undefined): PartitionsDefinition {
  return def instanceof MultiPartitionsDefinition ? def.getPartitionsDefForDimension(name as string) : def;
}

function dimensionsOf(def: PartitionsDefinition): (string | undefined)[] {
  return def instanceof MultiPartitionsDefinition ? def.dimensionNames : [undefined];
}

function splitKey(def: PartitionsDefinition, key: string): Map<string | undefined, string> {
  if (def instanceof MultiPartitionsDefinition) return new Map(Object.entries(def.getPartitionKeyFromStr(key).keysByDimension));
  return new Map([[undefined, key]]);
}

function joinKey(def: PartitionsDefinition, parts: Map<string | undefined, string>): string {
  if (def instanceof MultiPartitionsDefinition) return def.dimensionNames.map((n) => parts.get(n)).join("|");
  return parts.get(undefined) as string;
}

/**
 * The partitions of `b` related to `aSubset` of `a` through per-dimension dependencies.
 * `aUpstreamOfB` says the direction: true maps upstream → downstream.
 */
export function mapThroughDimensions(
  a: PartitionsDefinition,
  aSubset: PartitionsSubset,
  b: PartitionsDefinition,
  aUpstreamOfB: boolean,
  dependencies: readonly DimensionDependency[],
  options: PartitionLoadingOptions | undefined,
): { subset: PartitionsSubset; nonexistent: Set<string> } {
  const nonexistent = new Set<string>();
  // a-dimension → [b-dimension, mapping]
  const byADim = new Map<string | undefined, [string | undefined, PartitionMapping]>();
  for (const d of dependencies) {
    if (aUpstreamOfB) byADim.set(d.upstreamDimensionName, [d.downstreamDimensionName, d.partitionMapping]);
    else byADim.set(d.downstreamDimensionName, [d.upstreamDimensionName, d.partitionMapping]);
  }
  const mappedBDims = new Set([...byADim.values()].map(([bd]) => bd));
  const unmapped = dimensionsOf(b).filter((d) => !mappedBDims.has(d));
  const allKeysOfUnmapped = unmapped.map((d) => dimensionDef(b, d).getPartitionKeys(options));

  const cache = new Map<string, string[]>(); // `${aDim}\u0000${key}` → b keys of that dimension
  const mapOne = (aDim: string | undefined, key: string): string[] => {
    const id = `${aDim ?? ""}\u0000${key}`;
    const hit = cache.get(id);
    if (hit) return hit;
    const [bDim, mapping] = byADim.get(aDim) as [string | undefined, PartitionMapping];
    const aDef = dimensionDef(a, aDim);
    const bDef = dimensionDef(b, bDim);
    const one = aDef.subsetWithPartitionKeys([key]);
    let keys: string[];
    if (aUpstreamOfB) keys = mapping.getDownstreamPartitionsForPartitions(one, aDef, bDef, options).getPartitionKeys();
    else {
      const r: UpstreamPartitionsResult = mapping.getUpstreamMappedPartitionsResultForPartitions(one, aDef, bDef, options);
      keys = r.partitionsSubset.getPartitionKeys();
      for (const k of r.requiredButNonexistentSubset.getPartitionKeys()) nonexistent.add(k);
    }
    cache.set(id, keys);
    return keys;
  };

  const out = new Set<string>();
  for (const key of aSubset.getPartitionKeys()) {
    const parts = splitKey(a, key);
    const lists: { dim: string | undefined; keys: string[] }[] = [];
    for (const [aDim, [bDim]] of byADim) lists.push({ dim: bDim, keys: mapOne(aDim, parts.get(aDim) as string) });
    unmapped.forEach((d, i) => lists.push({ dim: d, keys: allKeysOfUnmapped[i] as string[] }));
    const combo = new Map<string | undefined, string>();
    const walk = (i: number): void => {
      if (i === lists.length) {
        out.add(joinKey(b, combo));
        return;
      }
      const { dim, keys } = lists[i] as { dim: string | undefined; keys: string[] };
      for (const k of keys) {
        combo.set(dim, k);
        walk(i + 1);
      }
    };
    walk(0);
  }
  return { subset: b.subsetWithPartitionKeys(out), nonexistent };
}

/** The reference's inference for a single-dimension definition against a multi one: the matching (or only time) dimension. */
export function inferSingleToMultiDimensionDependency(
  upstream: PartitionsDefinition,
  downstream: PartitionsDefinition,
  dimensionName?: string,
): { dependency: DimensionDependency } | { reason: string } {
  const multis = [upstream, downstream].filter((d) => d instanceof MultiPartitionsDefinition) as MultiPartitionsDefinition[];
  if (multis.length !== 1) {
    return { reason: `exactly one of the two assets must be multi-partitioned, but ${multis.length} are` };
  }
  const multi = multis[0] as MultiPartitionsDefinition;
  const single = multi === upstream ? downstream : upstream;
  const upstreamIsMulti = multi === upstream;
  let dims = multi.partitionsDefs;
  if (dimensionName !== undefined) {
    dims = dims.filter((d) => d.name === dimensionName);
    if (dims.length !== 1) return { reason: `the multi-partitions definition has no dimension "${dimensionName}" (dimensions: ${multi.dimensionNames.join(", ")})` };
  }
  const dependency = (name: string, partitionMapping: PartitionMapping): { dependency: DimensionDependency } => ({
    dependency: Object.freeze({
      partitionMapping,
      upstreamDimensionName: upstreamIsMulti ? name : undefined,
      downstreamDimensionName: upstreamIsMulti ? undefined : name,
    }),
  });
  const matching = dims.filter((d) => d.partitionsDef.equals(single));
  if (matching.length === 1) return dependency((matching[0] as { name: string }).name, new IdentityPartitionMapping());
  if (matching.length > 1) return { reason: "several dimensions match the single-dimension definition; name one with partitionDimensionName" };
  const time = dims.filter((d) => d.partitionsDef instanceof TimeWindowPartitionsDefinition);
  if (time.length === 1 && single instanceof TimeWindowPartitionsDefinition) {
    return dependency((time[0] as { name: string }).name, new TimeWindowPartitionMapping());
  }
  return {
    reason:
      "the single-dimension definition must equal one dimension of the multi-partitions definition, or be time-partitioned against a multi-partitions definition with exactly one time dimension",
  };
}

export function resultFromDimensions(mapped: { subset: PartitionsSubset; nonexistent: Set<string> }, upstream: PartitionsDefinition): UpstreamPartitionsResult {
  let missing = upstream.emptySubset();
  try {
    missing = upstream.subsetWithPartitionKeys(mapped.nonexistent);
  } catch {
    // nonexistent keys of a dimension are not keys of the whole definition: report them as a plain set
  }
  return upstreamResult(mapped.subset, missing);
}
