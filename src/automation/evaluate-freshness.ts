// Evaluating FreshnessPolicy: whether each asset's data is fresh enough, from its roots' data times in the instance.
import type { AssetKey, EventRecord } from "../core/index.js";
import type { FreshnessPolicy } from "../definitions/index.js";
import type { DefinitionsData } from "../definitions/index.js";
import { AssetGraph } from "../graph/index.js";
import type { Instance } from "../instance/index.js";

/** Whether an asset meets its FreshnessPolicy: FRESH, STALE, or UNKNOWN (never materialized, or a root upstream never was). */
export const FreshnessStatus = Object.freeze({ FRESH: "FRESH", STALE: "STALE", UNKNOWN: "UNKNOWN" } as const);
export type FreshnessStatus = (typeof FreshnessStatus)[keyof typeof FreshnessStatus];

/** One asset's freshness at an evaluation time. */
export interface AssetFreshness {
  readonly key: AssetKey;
  readonly policy: FreshnessPolicy;
  /** UNKNOWN when the asset, or a root asset upstream of it, was never materialized. */
  readonly status: FreshnessStatus;
  /** Epoch ms: the oldest root data the latest materialization incorporates; undefined when UNKNOWN. */
  readonly dataTime: number | undefined;
  /** Milliseconds from `dataTime` to the evaluation time (the data's current age). */
  readonly currentLagMs: number | undefined;
  /** Epoch ms by which the asset must be materialized again (in the past when STALE); undefined when UNKNOWN. */
  readonly deadline: number | undefined;
  /** How late the data is at the evaluation (0 when FRESH), as the reference's minutes late. */
  readonly minutesLate: number | undefined;
}

/** Options for `evaluateFreshness()`. */
export interface EvaluateFreshnessOptions {
  defs: DefinitionsData;
  instance: Instance;
  /** @default the instance's clock */
  evaluationTime?: Date | number;
}

/**
 * Evaluates the freshness policy of every asset that has one. An asset's data time is the time of the root data
 * it incorporates: for a root asset its latest materialization, otherwise the oldest, over its computed root
 * ancestors, of their latest materialization before its own (external roots count as read live, at its own
 * materialization). It is FRESH while that data is no older than the policy's lag (at the latest cron tick, with
 * a cron schedule), STALE after, UNKNOWN before the asset and its roots were materialized.
 */
export async function evaluateFreshness(options: EvaluateFreshnessOptions): Promise<AssetFreshness[]> {
  const { defs, instance } = options;
  const now = options.evaluationTime === undefined ? instance.clock.now() : typeof options.evaluationTime === "number" ? options.evaluationTime : options.evaluationTime.getTime();
  const graph = AssetGraph.of(defs);
  const nodes = [...graph.topologicalOrder].filter((n) => graph.specs[n]?.freshnessPolicy !== undefined);
  if (nodes.length === 0) return [];
  const records = await instance.getAssetRecords(nodes.map((n) => graph.keys[n] as AssetKey));
  // An external asset is updated by observations when it is never materialized.
  const latest = new Map(records.map((r) => [r.assetKey.toString(), r.lastMaterialization ?? (graph.isExternal(graph.indexOf(r.assetKey) as number) ? r.lastObservation : undefined)]));
  const out: AssetFreshness[] = [];
  for (const node of nodes) {
    const policy = graph.specs[node]?.freshnessPolicy as FreshnessPolicy;
    const key = graph.keys[node] as AssetKey;
    const own = latest.get(key.toString());
    const dataTime = own ? await dataTimeOf(graph, instance, node, own) : undefined;
    if (dataTime === undefined) {
      out.push(Object.freeze({ key, policy, status: FreshnessStatus.UNKNOWN, dataTime: undefined, currentLagMs: undefined, deadline: undefined, minutesLate: undefined }));
      continue;
    }
    const required = policy.evaluationTick(now) - policy.maximumLagMs;
    const late = Math.max(0, required - dataTime);
    out.push(
      Object.freeze({
        key,
        policy,
        status: dataTime < required ? FreshnessStatus.STALE : FreshnessStatus.FRESH,
        dataTime,
        currentLagMs: Math.max(0, now - dataTime),
        deadline: policy.deadline(dataTime),
        minutesLate: late / 60_000,
      }),
    );
  }
  return out;
}

async function dataTimeOf(graph: AssetGraph, instance: Instance, node: number, own: EventRecord): Promise<number | undefined> {
  const roots = rootAncestors(graph, node);
  if (roots.length === 0) return own.timestamp;
  let dataTime = own.timestamp;
  for (const root of roots) {
    if (graph.isExternal(root)) continue;
    const [before] = await instance.storage.getEventRecords({ eventType: "ASSET_MATERIALIZATION", assetKey: graph.keys[root] as AssetKey, beforeStorageId: own.storageId, limit: 1 });
    if (!before) return undefined;
    dataTime = Math.min(dataTime, before.timestamp);
  }
  return dataTime;
}

/** The ancestors of `node` that have no parents themselves (not `node`). */
function rootAncestors(graph: AssetGraph, node: number): number[] {
  const seen = new Set<number>([node]);
  const stack = [...(graph.parents[node] ?? [])];
  const roots: number[] = [];
  while (stack.length) {
    const n = stack.pop() as number;
    if (seen.has(n)) continue;
    seen.add(n);
    const parents = graph.parents[n] ?? [];
    if (parents.length === 0) roots.push(n);
    else stack.push(...parents);
  }
  return roots;
}
