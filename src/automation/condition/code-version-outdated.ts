// code_version_outdated: true where the asset's (partition's) latest materialization was computed with a code
// version other than the one the asset declares now.
import { SystemTags, type EventRecord } from "../../core/index.js";
import type { EvaluationContext } from "./context.js";
import { EntitySubset } from "./subset.js";

// Only a declared code version can be outdated: without one, the run id stands in for it in the provenance.
const outdated = (event: EventRecord | undefined, current: string): boolean => {
  const recorded = event?.tags?.[SystemTags.CODE_VERSION];
  return recorded !== undefined && recorded !== current;
};

export function codeVersionOutdated(ctx: EvaluationContext): EntitySubset {
  const { tick, node, candidate } = ctx;
  const current = tick.graph.specs[node]?.codeVersion;
  if (current === undefined) return tick.empty(node);
  const def = tick.partitionsDef(node);
  if (!def) return EntitySubset.of(node, outdated(tick.lastMaterialization(node), current));
  const keys = candidate.partitionKeys();
  if (keys.length === 0) return tick.empty(node);
  const latest = tick.latestMaterializationByPartition(node, keys);
  const matching = [...latest].filter(([, r]) => outdated(r, current)).map(([p]) => p);
  return EntitySubset.of(node, def.subsetWithPartitionKeys(matching.filter((k) => def.hasPartitionKey(k, tick.options))));
}
