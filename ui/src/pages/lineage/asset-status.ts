// The lineage's status of an asset, from the facts the page fetches after the graph: its latest materialization and
// staleness, its checks, and the runs in progress or failed that planned it. "failed" and "running" say what happened
// since the asset was last materialized; a failing check is shown on top of any of them (an asset can be fresh with a
// failing check).

export type AssetStatus = "fresh" | "stale" | "missing" | "failed" | "running" | "unknown";

export const STATUS_LABELS: Record<AssetStatus, string> = {
  fresh: "fresh",
  stale: "stale",
  missing: "missing",
  failed: "failed",
  running: "running",
  unknown: "loading status",
};

export interface StatusFacts {
  readonly latestMaterialization: number | undefined;
  /** FRESH, STALE or MISSING from the API; null when the location cannot say. */
  readonly staleStatus: string | null;
  /** FAILED, WARN, PASSED, NOT_EVALUATED; null without checks. */
  readonly checkStatus: string | null;
}

export interface RunFacts {
  readonly status: string;
  readonly startTime: number | null;
  readonly createTime: number;
  readonly assetSelection: readonly string[];
}

const IN_PROGRESS = new Set(["QUEUED", "STARTING", "STARTED", "CANCELING", "NOT_STARTED"]);

/** Per asset key, what the runs say: running while a run that planned it is in progress; failed when a failed run planned it after its latest materialization. */
export function runStates(runs: readonly RunFacts[], latest: ReadonlyMap<string, number | undefined>): Map<string, "running" | "failed"> {
  const states = new Map<string, "running" | "failed">();
  for (const run of runs) {
    if (IN_PROGRESS.has(run.status)) for (const key of run.assetSelection) states.set(key, "running");
  }
  for (const run of runs) {
    if (run.status !== "FAILURE") continue;
    const at = run.startTime ?? run.createTime;
    for (const key of run.assetSelection) {
      if (states.has(key)) continue;
      const materialized = latest.get(key);
      if (materialized === undefined || materialized < at) states.set(key, "failed");
    }
  }
  return states;
}

export function assetStatus(facts: StatusFacts | undefined, fromRuns: "running" | "failed" | undefined): AssetStatus {
  if (!facts) return "unknown";
  if (fromRuns) return fromRuns;
  if (facts.latestMaterialization === undefined) return "missing";
  return facts.staleStatus === "STALE" ? "stale" : "fresh";
}

export const checkFailing = (facts: StatusFacts | undefined): boolean => facts?.checkStatus === "FAILED";
