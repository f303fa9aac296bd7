// FreshnessPolicy (the reference's legacy policy): how old the data an asset incorporates may be, and its evaluation.
import { TesseraError, type AssetKey, type EventRecord } from "../core/index.js";
import type { Definitions } from "../definitions/index.js";
import { AssetGraph } from "../graph/index.js";
import type { Instance } from "../instance/index.js";
import { CronSchedule, resolveTimeZone, tickSequence, ZoneOffsets } from "../partitions/index.js";

const MINUTE_MS = 60_000;

/** A FreshnessPolicy built with a bad lag, cron schedule or timezone. */
export class InvalidFreshnessPolicyError extends TesseraError {
  constructor(message: string, cause?: unknown) {
    super("INVALID_FRESHNESS_POLICY", message, cause === undefined ? {} : { cause });
  }
}

export interface FreshnessPolicyOptions {
  /** How old (in minutes) the data the asset incorporates may be: at any time, or at each cron tick. */
  maximumLagMinutes: number;
  /** When given, the lag is only required at each tick of this cron schedule (e.g. "0 9 * * *": by 9:00 every day). */
  cronSchedule?: string;
  /** The IANA timezone of `cronSchedule`. @default "UTC" */
  cronScheduleTimezone?: string;
}

/**
 * How up to date an asset should be: the data it incorporates (the data time of its root upstream assets at
 * its latest materialization) must be no older than `maximumLagMinutes` — at any time, or with `cronSchedule`
 * at each tick of the schedule. Recorded on the asset and evaluated by `evaluateFreshness`.
 *
 * @example
 * asset({ name: "daily_report", deps: [orders], freshnessPolicy: new FreshnessPolicy({ maximumLagMinutes: 60, cronSchedule: "0 9 * * *", cronScheduleTimezone: "Europe/Berlin" }) }, compute);
 */
export class FreshnessPolicy {
  readonly kind = "freshness_policy";
  readonly maximumLagMinutes: number;
  readonly cronSchedule: string | undefined;
  readonly cronScheduleTimezone: string | undefined;
  readonly #ticks: { schedule: CronSchedule; zone: ZoneOffsets } | undefined;

  constructor(options: FreshnessPolicyOptions) {
    if (options === null || typeof options !== "object") {
      throw new InvalidFreshnessPolicyError("new FreshnessPolicy(options) takes { maximumLagMinutes, cronSchedule?, cronScheduleTimezone? }.");
    }
    const { maximumLagMinutes, cronSchedule, cronScheduleTimezone } = options;
    if (typeof maximumLagMinutes !== "number" || !Number.isFinite(maximumLagMinutes) || maximumLagMinutes < 0) {
      throw new InvalidFreshnessPolicyError(`FreshnessPolicy maximumLagMinutes must be a number of minutes, 0 or more, got ${JSON.stringify(maximumLagMinutes)}.`);
    }
    if (cronScheduleTimezone !== undefined && cronSchedule === undefined) {
      throw new InvalidFreshnessPolicyError(`FreshnessPolicy cronScheduleTimezone "${String(cronScheduleTimezone)}" is given without a cronSchedule: add cronSchedule, or remove the timezone.`);
    }
    if (cronSchedule !== undefined) {
      let schedule: CronSchedule;
      try {
        schedule = CronSchedule.of(cronSchedule);
      } catch (e) {
        throw new InvalidFreshnessPolicyError(`FreshnessPolicy cronSchedule ${JSON.stringify(cronSchedule)} is not a valid cron schedule (${(e as Error).message}); use five fields, e.g. "0 9 * * *".`, e);
      }
      let zone: string;
      try {
        zone = resolveTimeZone(cronScheduleTimezone ?? "UTC");
      } catch (e) {
        throw new InvalidFreshnessPolicyError(`FreshnessPolicy cronScheduleTimezone ${JSON.stringify(cronScheduleTimezone)} is not an IANA timezone (${(e as Error).message}).`, e);
      }
      this.#ticks = { schedule, zone: ZoneOffsets.for(zone) };
    }
    this.maximumLagMinutes = maximumLagMinutes;
    this.cronSchedule = cronSchedule;
    this.cronScheduleTimezone = cronSchedule === undefined ? undefined : (cronScheduleTimezone ?? "UTC");
    Object.freeze(this);
  }

  get maximumLagMs(): number {
    return this.maximumLagMinutes * MINUTE_MS;
  }

  /** The latest cron tick at or before `time` (epoch ms); `time` itself without a cron schedule. */
  evaluationTick(time: number): number {
    if (!this.#ticks) return time;
    const seq = tickSequence(this.#ticks.schedule, this.#ticks.zone, time);
    return seq.instantAt(seq.floorOrdinal(time));
  }

  /**
   * When data of `dataTime` stops being fresh enough: `dataTime + maximumLag`, or with a cron schedule the first
   * tick after that (the first tick at which the lag is checked and exceeded).
   */
  deadline(dataTime: number): number {
    const limit = dataTime + this.maximumLagMs;
    if (!this.#ticks) return limit;
    const seq = tickSequence(this.#ticks.schedule, this.#ticks.zone, limit);
    const f = seq.floorOrdinal(limit);
    return seq.instantAt(f + 1);
  }

  toString(): string {
    return `FreshnessPolicy(maximumLagMinutes=${this.maximumLagMinutes}${this.cronSchedule ? `, cronSchedule="${this.cronSchedule}", timezone=${this.cronScheduleTimezone}` : ""})`;
  }
}

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

export interface EvaluateFreshnessOptions {
  defs: Definitions;
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
        minutesLate: late / MINUTE_MS,
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
