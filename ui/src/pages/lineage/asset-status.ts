// An asset's status, from the facts the pages fetch: its latest materialization and staleness, its checks, and its
// latest materialization attempt as the API reads it (however old the run). "failed" and "running" say what happened
// since the asset was last materialized; a failing check is shown on top of any of them (an asset can be fresh with a
// failing check). The lineage, the catalog and the asset page all say it the same way.

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
  /** The status of the asset's latest materialization attempt (IN_PROGRESS, FAILED, MATERIALIZED, ...); null when never attempted. */
  readonly attemptStatus?: string | null;
}

/** The state the asset's latest materialization attempt puts it in, from the API's attempt status: running or failed, else none. */
export function attemptState(attemptStatus: string | null | undefined): "running" | "failed" | undefined {
  if (attemptStatus === "IN_PROGRESS") return "running";
  if (attemptStatus === "FAILED") return "failed";
  return undefined;
}

export function assetStatus(facts: StatusFacts | undefined): AssetStatus {
  if (!facts) return "unknown";
  const attempt = attemptState(facts.attemptStatus);
  if (attempt) return attempt;
  if (facts.latestMaterialization === undefined) return "missing";
  return facts.staleStatus === "STALE" ? "stale" : "fresh";
}

export const checkFailing = (facts: StatusFacts | undefined): boolean => facts?.checkStatus === "FAILED";
