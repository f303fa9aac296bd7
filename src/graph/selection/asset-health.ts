// The health of assets (what `status:` selects by), computed from an instance's materializations, failures and check results.
import type { AssetKey, EventRecord } from "../../core/index.js";
import type { PartitionsDefinition } from "../../partitions/index.js";
import type { AssetGraph } from "../asset-graph.js";
import { AssetHealthStatus } from "../../definitions/index.js";

/** Where `status:` gets the health of assets: the instance (`ResolveWithInstanceOptions.instance`) or anything else that knows. */
export interface AssetHealthSource {
  /** The health of the graph's assets by key (`a/b`); assets left out are UNKNOWN. */
  getAssetHealth(graph: AssetGraph): Promise<ReadonlyMap<string, AssetHealthStatus>>;
}

/** The part of an Instance that asset health reads (an Instance is one). */
export interface AssetHealthInstance {
  getAssetRecords(keys?: readonly AssetKey[]): Promise<readonly { readonly assetKey: AssetKey; readonly lastMaterialization: EventRecord | undefined; readonly wipedBelowStorageId: number }[]>;
  getPartitionStatus(key: AssetKey, partitionsDef: PartitionsDefinition): Promise<{ readonly materialized: { readonly isEmpty: boolean }; readonly failed: { readonly isEmpty: boolean } }>;
  getLatestAssetCheckEvaluations(key: AssetKey): Promise<Map<string, EventRecord>>;
  getRuns(options: { statuses?: readonly TerminalStatus[]; limit?: number; cursor?: string }): Promise<readonly HealthRun[]>;
}

type TerminalStatus = "SUCCESS" | "FAILURE" | "CANCELED";
const TERMINAL: readonly TerminalStatus[] = ["SUCCESS", "FAILURE", "CANCELED"];

/** What health reads of a run. */
interface HealthRun {
  readonly runId: string;
  readonly status: string;
  readonly assetSelection: readonly string[];
  readonly endTime?: number | undefined;
}

/**
 * Health as the reference computes it, from two parts:
 * - materialization: UNKNOWN when never materialized (all partitions missing); DEGRADED when the latest
 *   attempt failed (for partitioned assets: when any partition's latest attempt failed); else HEALTHY.
 *   An unpartitioned asset's latest attempt is the newest finished run that selected it: it failed when
 *   that run FAILED without materializing it and nothing materialized it after the run ended. A run in
 *   progress changes nothing until it ends.
 * - checks: none defined is not applicable; DEGRADED when the latest evaluation of a check failed with
 *   severity ERROR, WARNING when one failed with WARN, UNKNOWN when one never ran, else HEALTHY.
 * Overall: DEGRADED or WARNING if either part is; otherwise UNKNOWN while the materialization is
 * UNKNOWN; otherwise HEALTHY. (The reference's third part, freshness, is not included: its freshness
 * health follows its newer freshness policies, which Tessera does not have.)
 */
export function instanceHealthSource(instance: AssetHealthInstance): AssetHealthSource {
  return {
    async getAssetHealth(graph: AssetGraph): Promise<ReadonlyMap<string, AssetHealthStatus>> {
      const records = new Map((await instance.getAssetRecords()).map((r) => [r.assetKey.toString(), r]));
      const unpartitioned = new Set<string>();
      // External assets are not run (only observed or reported), so no run is looked for them.
      for (let i = 0; i < graph.size; i++) if (!graph.specs[i]?.partitionsDef && !graph.isExternal(i)) unpartitioned.add(graph.ids[i] as string);
      const latestRuns = await latestFinishedRuns(instance, unpartitioned);
      const out = new Map<string, AssetHealthStatus>();
      for (let i = 0; i < graph.size; i++) {
        const key = graph.keys[i] as AssetKey;
        const id = graph.ids[i] as string;
        const partitionsDef = graph.specs[i]?.partitionsDef;
        const materialization = partitionsDef
          ? await partitionedHealth(instance, key, partitionsDef)
          : unpartitionedHealth(records.get(id)?.lastMaterialization, latestRuns.get(id));
        const checks = await checkHealth(instance, key, graph.checksOf(i).map((c) => graph.checks[c]?.spec.name as string));
        out.set(id, overallHealth(materialization, checks));
      }
      return out;
    },
  };
}

/** A fixed answer, for tests and callers that computed health elsewhere. */
export function staticHealthSource(health: Readonly<Record<string, AssetHealthStatus>> | ReadonlyMap<string, AssetHealthStatus>): AssetHealthSource {
  const map = health instanceof Map ? health : new Map(Object.entries(health));
  return { getAssetHealth: async () => map };
}

/** The overall status from the materialization part and the checks part (`null` when the asset has no checks). */
export function overallHealth(materialization: AssetHealthStatus, checks: AssetHealthStatus | null): AssetHealthStatus {
  const parts = checks === null ? [materialization] : [materialization, checks];
  if (parts.includes("DEGRADED")) return "DEGRADED";
  if (parts.includes("WARNING")) return "WARNING";
  if (materialization === "UNKNOWN") return "UNKNOWN";
  return "HEALTHY";
}

function unpartitionedHealth(lastMaterialization: EventRecord | undefined, latestRun: HealthRun | undefined): AssetHealthStatus {
  const materialized = lastMaterialization ? AssetHealthStatus.HEALTHY : AssetHealthStatus.UNKNOWN;
  if (!latestRun || latestRun.status !== "FAILURE") return materialized;
  // The failed run materialized it before failing, or it was materialized (reported) after the run ended.
  if (lastMaterialization && (lastMaterialization.runId === latestRun.runId || lastMaterialization.timestamp > (latestRun.endTime ?? Infinity))) return materialized;
  return AssetHealthStatus.DEGRADED;
}

const RUN_PAGE = 500;

/** The newest finished run selecting each of `keys`, reading runs newest first until each key has one (or runs run out). */
async function latestFinishedRuns(instance: AssetHealthInstance, keys: ReadonlySet<string>): Promise<Map<string, HealthRun>> {
  const out = new Map<string, HealthRun>();
  let cursor: string | undefined;
  while (out.size < keys.size) {
    const page = await instance.getRuns({ statuses: TERMINAL, limit: RUN_PAGE, ...(cursor === undefined ? {} : { cursor }) });
    for (const run of page) for (const key of run.assetSelection) if (keys.has(key) && !out.has(key)) out.set(key, run);
    if (page.length < RUN_PAGE) break;
    cursor = (page[page.length - 1] as HealthRun).runId;
  }
  return out;
}

async function partitionedHealth(instance: AssetHealthInstance, key: AssetKey, partitionsDef: PartitionsDefinition): Promise<AssetHealthStatus> {
  const status = await instance.getPartitionStatus(key, partitionsDef);
  if (!status.failed.isEmpty) return AssetHealthStatus.DEGRADED;
  return status.materialized.isEmpty ? AssetHealthStatus.UNKNOWN : AssetHealthStatus.HEALTHY;
}

async function checkHealth(instance: AssetHealthInstance, key: AssetKey, checkNames: readonly string[]): Promise<AssetHealthStatus | null> {
  if (checkNames.length === 0) return null;
  const latest = await instance.getLatestAssetCheckEvaluations(key);
  let failing = 0;
  let warning = 0;
  let unexecuted = 0;
  for (const name of checkNames) {
    const evaluation = latest.get(name);
    if (evaluation === undefined) unexecuted++;
    else if (evaluation.passed === false) {
      if (evaluation.severity === "WARN") warning++;
      else failing++;
    }
  }
  if (failing > 0) return AssetHealthStatus.DEGRADED;
  if (warning > 0) return AssetHealthStatus.WARNING;
  if (unexecuted > 0) return AssetHealthStatus.UNKNOWN;
  return AssetHealthStatus.HEALTHY;
}
