// Resolves the selection of each asset job against its Definitions, when the Definitions is built.
import { InvalidDefinitionError, UnknownAssetError } from "../core/index.js";
import type { AssetJobDefinition, AssetsDefinition, DefinitionsData } from "../definitions/index.js";
import { AssetGraph } from "./asset-graph.js";
import { AssetSelection, type ResolveOptions } from "./selection/index.js";

/**
 * The graph nodes a job materializes. External assets cannot be materialized, so selecting one is an error.
 * A selection with `status:` needs `options.assetHealth` (see ResolvedAssetJob.executeInProcess).
 */
export function resolveJobSelection(defs: DefinitionsData, job: AssetJobDefinition, options: ResolveOptions = {}): number[] {
  const graph = AssetGraph.of(defs);
  let nodes: number[];
  try {
    nodes = job.selection === undefined ? AssetSelection.all().resolveIndices(graph, options) : AssetSelection.from(job.selection).resolveIndices(graph, options);
  } catch (error) {
    if (error instanceof UnknownAssetError) {
      throw new UnknownAssetError(error.assetKey, `Job "${job.name}" selects an asset that is not defined: ${error.message}`, error.suggestions);
    }
    throw error;
  }
  // Observable sources are observed by the job; other external assets cannot be run at all.
  const external = nodes.filter((n) => graph.isExternal(n) && !graph.isObservable(n));
  if (external.length > 0) {
    throw new InvalidDefinitionError(
      `Job "${job.name}" selects external asset${external.length > 1 ? "s" : ""} ${external.map((n) => `"${graph.ids[n]}"`).join(", ")}, ` +
        `which Tessera records but cannot materialize. Remove ${external.length > 1 ? "them" : "it"} from the job's selection.`,
      `job "${job.name}"`,
    );
  }
  // A job holding part of a multi-asset that cannot run in part could never run: refuse it when it is built.
  const selected = new Set(nodes);
  const counted = new Map<AssetsDefinition, number>();
  for (const n of nodes) {
    const definition = graph.definitions[n];
    if (definition && !definition.canSubset && definition.specs.length > 1) counted.set(definition, (counted.get(definition) ?? 0) + 1);
  }
  for (const [definition, count] of counted) {
    if (count === definition.specs.length) continue;
    const missing = definition.keys.filter((k) => !selected.has(graph.indexOf(k) as number)).map(String);
    throw new InvalidDefinitionError(
      `Job "${job.name}" selects only some assets of op "${definition.op.name}", which cannot run in part: it leaves out ${missing.join(", ")}. ` +
        `Select them too (AssetSelection's requiredMultiAssetNeighbors() adds them), or make the multi-asset canSubset.`,
      `job "${job.name}"`,
    );
  }
  // A job runs one partition at a time, so its partitioned assets must share one partitioning.
  const partitioned = nodes.filter((n) => graph.specs[n]?.partitionsDef !== undefined);
  const expected = job.partitionsDef ?? graph.specs[partitioned[0] as number]?.partitionsDef;
  const mismatched = partitioned.filter((n) => !graph.specs[n]?.partitionsDef?.equals(expected));
  if (mismatched.length > 0) {
    throw new InvalidDefinitionError(
      `Job "${job.name}" selects assets with different partitions: ${partitioned.map((n) => `"${graph.ids[n]}" (${graph.specs[n]?.partitionsDef?.toString()})`).join(", ")}. ` +
        `A job runs one partition at a time: select assets that share one partitionsDef${job.partitionsDef ? " (the job's)" : ""}.`,
      `job "${job.name}"`,
    );
  }
  return nodes;
}

/** Whether the job selects by `status:`, which only an instance answers (so it is resolved when the job runs). */
export function jobNeedsInstance(job: AssetJobDefinition): boolean {
  return job.selection !== undefined && AssetSelection.from(job.selection).needsInstance();
}

/** Every job's selection resolves (a `status:` job's assets are only known when it runs). */
export function validateJobSelections(defs: DefinitionsData): void {
  for (const job of defs.jobs) if (!jobNeedsInstance(job)) resolveJobSelection(defs, job);
}
