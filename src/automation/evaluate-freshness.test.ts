import { describe, expect, it } from "vitest";
import {
  AssetOut,
  AssetSpec,
  FreshnessPolicy,
  FreshnessStatus,
  Instance,
  InvalidFreshnessPolicyError,
  ManualClock,
  asset,
  evaluateFreshness,
  materialize,
  multiAsset,
} from "../index.js";
import { Definitions } from "../code-location/index.js";

const MIN = 60_000;
const START = Date.UTC(2026, 10, 2, 8, 0); // Monday 2026-11-02 08:00 UTC

function scenario(policy: FreshnessPolicy) {
  const raw = asset({ name: "raw" }, () => 1);
  const report = asset({ name: "report", deps: [raw], freshnessPolicy: policy }, () => 2);
  const defs = new Definitions({ assets: [raw, report] });
  const clock = new ManualClock(START);
  const instance = Instance.ephemeral({ clock });
  const freshness = async () => {
    const [r] = await evaluateFreshness({ defs, instance });
    return r!;
  };
  return { raw, report, defs, clock, instance, freshness };
}

describe("FreshnessPolicy", () => {
  it("keeps its lag, cron schedule and timezone (UTC by default with a cron schedule)", () => {
    expect(new FreshnessPolicy({ maximumLagMinutes: 30 })).toMatchObject({ kind: "freshness_policy", maximumLagMinutes: 30, cronSchedule: undefined, cronScheduleTimezone: undefined });
    expect(new FreshnessPolicy({ maximumLagMinutes: 60, cronSchedule: "0 9 * * *" }).cronScheduleTimezone).toBe("UTC");
  });

  it("rejects an invalid cron schedule, naming it", () => {
    expect(() => new FreshnessPolicy({ maximumLagMinutes: 60, cronSchedule: "0 25 * * *" })).toThrow(InvalidFreshnessPolicyError);
    expect(() => new FreshnessPolicy({ maximumLagMinutes: 60, cronSchedule: "every morning" })).toThrow(/cronSchedule "every morning" is not a valid cron schedule/);
  });

  it("rejects an unknown timezone, naming it", () => {
    expect(() => new FreshnessPolicy({ maximumLagMinutes: 60, cronSchedule: "0 9 * * *", cronScheduleTimezone: "Europe/Berlinn" })).toThrow(/cronScheduleTimezone "Europe\/Berlinn" is not an IANA timezone/);
    expect(() => new FreshnessPolicy({ maximumLagMinutes: 60, cronScheduleTimezone: "UTC" })).toThrow(/without a cronSchedule/);
  });

  it("rejects a negative or non-numeric lag", () => {
    expect(() => new FreshnessPolicy({ maximumLagMinutes: -5 })).toThrow(/maximumLagMinutes must be a number of minutes, 0 or more, got -5/);
    expect(() => new FreshnessPolicy({ maximumLagMinutes: "60" as never })).toThrow(InvalidFreshnessPolicyError);
  });

  it("is carried by asset(), AssetSpec and multiAsset outputs, and an asset refuses a lookalike", () => {
    const policy = new FreshnessPolicy({ maximumLagMinutes: 10 });
    expect(asset({ name: "a", freshnessPolicy: policy }, () => 1).getAssetSpec("a").freshnessPolicy).toBe(policy);
    expect(new AssetSpec("ext", { freshnessPolicy: policy }).freshnessPolicy).toBe(policy);
    const m = multiAsset({ name: "m", outs: { x: new AssetOut({ freshnessPolicy: policy }), y: new AssetOut() } }, () => ({ x: 1, y: 2 }));
    expect(m.getAssetSpec("x").freshnessPolicy).toBe(policy);
    expect(m.getAssetSpec("y").freshnessPolicy).toBeUndefined();
    expect(() => asset({ name: "b", freshnessPolicy: { maximumLagMinutes: 10 } as never }, () => 1)).toThrow(/freshnessPolicy of asset "b" must be a FreshnessPolicy/);
  });
});

describe("evaluateFreshness", () => {
  it("is UNKNOWN before the asset is materialized", async () => {
    const s = scenario(new FreshnessPolicy({ maximumLagMinutes: 30 }));
    expect(await s.freshness()).toMatchObject({ status: FreshnessStatus.UNKNOWN, dataTime: undefined, deadline: undefined });
    // the asset alone, its root never materialized: still unknown
    await materialize([s.raw, s.report], { instance: s.instance, selection: ["report"] });
    expect((await s.freshness()).status).toBe(FreshnessStatus.UNKNOWN);
  });

  it("is FRESH until the root data it incorporates is older than the lag, then STALE", async () => {
    const s = scenario(new FreshnessPolicy({ maximumLagMinutes: 30 }));
    await materialize([s.raw], { instance: s.instance });
    s.clock.advance(10 * MIN);
    await materialize([s.raw, s.report], { instance: s.instance, selection: ["report"] });
    // the data time is raw's materialization (08:00), not report's (08:10)
    let f = await s.freshness();
    expect(f).toMatchObject({ status: "FRESH", dataTime: START, currentLagMs: 10 * MIN, deadline: START + 30 * MIN, minutesLate: 0 });
    s.clock.advance(20 * MIN); // 08:30: exactly the lag
    expect((await s.freshness()).status).toBe("FRESH");
    s.clock.advance(5 * MIN); // 08:35
    f = await s.freshness();
    expect(f).toMatchObject({ status: "STALE", currentLagMs: 35 * MIN, minutesLate: 5 });
    // new root data alone does not make it fresh; a materialization incorporating it does
    await materialize([s.raw], { instance: s.instance });
    expect((await s.freshness()).status).toBe("STALE");
    await materialize([s.raw, s.report], { instance: s.instance, selection: ["report"] });
    expect(await s.freshness()).toMatchObject({ status: "FRESH", dataTime: START + 35 * MIN });
  });

  it("with a cron schedule, only requires the lag at each tick (in its timezone)", async () => {
    // by 09:00 Berlin (08:00 UTC in November) every day, data from 08:00 Berlin or later
    const s = scenario(new FreshnessPolicy({ maximumLagMinutes: 60, cronSchedule: "0 9 * * *", cronScheduleTimezone: "Europe/Berlin" }));
    s.clock.set(START - 3 * 60 * MIN); // 05:00 UTC
    await materialize([s.raw, s.report], { instance: s.instance });
    // before the tick, the previous day's tick (yesterday 08:00 UTC) is what counts: fresh
    s.clock.set(START - MIN);
    let f = await s.freshness();
    expect(f.status).toBe("FRESH");
    // the deadline is the first tick after data time + lag: today's 09:00 Berlin
    expect(f.deadline).toBe(START);
    s.clock.set(START);
    f = await s.freshness();
    expect(f).toMatchObject({ status: "STALE", minutesLate: 120 });
    s.clock.set(START + 60 * MIN);
    await materialize([s.raw, s.report], { instance: s.instance });
    f = await s.freshness();
    expect(f.status).toBe("FRESH");
    expect(f.deadline).toBe(START + 24 * 60 * MIN);
  });

  it("takes an external asset's observations as its updates", async () => {
    const feed = new AssetSpec("feed", { freshnessPolicy: new FreshnessPolicy({ maximumLagMinutes: 10 }) });
    const defs = new Definitions({ assets: [feed] });
    const instance = Instance.ephemeral({ clock: new ManualClock(START) });
    expect((await evaluateFreshness({ defs, instance }))[0]?.status).toBe("UNKNOWN");
    const run = await instance.createRun({ jobName: "__observe__", tags: {}, assetSelection: [], runConfig: {} });
    await instance.storeEvents([{ runId: run.runId, timestamp: START, eventType: "ASSET_OBSERVATION", assetKey: feed.key }]);
    expect((await evaluateFreshness({ defs, instance, evaluationTime: START + 5 * MIN }))[0]).toMatchObject({ status: "FRESH", dataTime: START });
    expect((await evaluateFreshness({ defs, instance, evaluationTime: START + 11 * MIN }))[0]?.status).toBe("STALE");
  });

  it("lists only assets with a policy, with an injected evaluation time", async () => {
    const s = scenario(new FreshnessPolicy({ maximumLagMinutes: 30 }));
    await materialize([s.raw, s.report], { instance: s.instance });
    const all = await evaluateFreshness({ defs: s.defs, instance: s.instance, evaluationTime: START + 31 * MIN });
    expect(all.map((r) => [r.key.toString(), r.status])).toEqual([["report", "STALE"]]);
  });
});
