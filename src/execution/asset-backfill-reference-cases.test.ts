// Cases of Dagster's misc_execution_tests/test_asset_backfill.py that have a Tessera equivalent, ported to
// Tessera's API: test_scenario_to_completion over every scenario without cross-repo or cursor offsets (all and
// some partitions, no, root and half failures), and the per-test cases named after the reference tests.
import { describe, expect, it } from "vitest";
import { AssetKey, ManualClock } from "../core/index.js";
import { Definitions } from "../code-location/index.js";
import { AssetDep, AssetOut, asset, multiAsset, type AssetsDefinition } from "../definitions/index.js";
import { AssetGraph, partitionMappingOf } from "../graph/index.js";
import { Instance } from "../instance/index.js";
import {
  BackfillPolicy,
  DailyPartitionsDefinition,
  DynamicPartitionsDefinition,
  HourlyPartitionsDefinition,
  IdentityPartitionMapping,
  LastPartitionMapping,
  MultiPartitionMapping,
  MultiPartitionsDefinition,
  StaticPartitionMapping,
  StaticPartitionsDefinition,
  TimeWindowPartitionMapping,
  WeeklyPartitionsDefinition,
  type PartitionsDefinition,
} from "../partitions/index.js";
import type { BackfillRecord } from "../storage/index.js";
import { backfillAssetStatuses, launchBackfill, submitBackfill, type BackfillOptions } from "./backfill.js";

type Fails = (asset: string, partitionKey: string) => boolean;
const never: Fails = () => false;

interface NodeOptions {
  partitionsDef?: PartitionsDefinition;
  deps?: (string | AssetDep)[];
  backfillPolicy?: BackfillPolicy;
}

/** An asset that fails for the partitions `fails` names (a range run fails whole when one of them is in it). */
function node(name: string, options: NodeOptions, fails: Fails): AssetsDefinition<unknown> {
  const { partitionsDef } = options;
  return asset({ name, ...options }, (ctx) => {
    const keys = partitionsDef ? ctx.partitionKeys : [""];
    const failing = keys.find((k) => fails(name, k));
    if (failing !== undefined) throw new Error(`${name} fails for "${failing}"`);
    return partitionsDef && keys.length > 1 ? Object.fromEntries(keys.map((k) => [k, 1])) : 1;
  });
}

const one = new StaticPartitionsDefinition(["a"]);
const two = new StaticPartitionsDefinition(["a", "b"]);
const fannedOut = new StaticPartitionsDefinition(["a_1", "a_2", "a_3"]);
const otherTwo = new StaticPartitionsDefinition(["1", "2"]);
const daily2020 = new DailyPartitionsDefinition({ startDate: "2020-01-01" });
const hourly2013 = new HourlyPartitionsDefinition({ startDate: "2013-01-05-00:00" });
const daily2013 = new DailyPartitionsDefinition({ startDate: "2013-01-05" });
const foo = new DynamicPartitionsDefinition({ name: "foo" });
const selfMapping = () => new TimeWindowPartitionMapping({ startOffset: -1, endOffset: -1 });

interface Scenario {
  at: string;
  build: (fails: Fails) => AssetsDefinition<unknown>[];
  /** How the reference's "some" subset is asked for: its root keys, or (for what keys cannot say) per asset. */
  some: Omit<BackfillOptions, "instance">;
}

const scenarios: Record<string, Scenario> = {
  one_asset_one_partition: { at: "2026-01-01T00:00:00Z", build: (f) => [node("asset1", { partitionsDef: one }, f)], some: { partitionKeys: ["a"] } },
  one_asset_two_partitions: { at: "2026-01-01T00:00:00Z", build: (f) => [node("asset1", { partitionsDef: two }, f)], some: { partitionKeys: ["b"] } },
  two_assets_in_sequence_one_partition: {
    at: "2026-01-01T00:00:00Z",
    build: (f) => [node("asset1", { partitionsDef: one }, f), node("asset2", { partitionsDef: one, deps: ["asset1"] }, f)],
    some: { partitionKeys: ["a"] },
  },
  two_assets_in_sequence_two_partitions: {
    at: "2026-01-01T00:00:00Z",
    build: (f) => [node("asset1", { partitionsDef: two }, f), node("asset2", { partitionsDef: two, deps: ["asset1"] }, f)],
    some: { partitionKeys: ["b"] },
  },
  two_assets_in_sequence_fan_in_partitions: {
    at: "2026-01-01T00:00:00Z",
    build: (f) => [
      node("asset1", { partitionsDef: fannedOut }, f),
      node("asset2", { partitionsDef: one, deps: [new AssetDep("asset1", { partitionMapping: new StaticPartitionMapping({ a_1: "a", a_2: "a", a_3: "a" }) })] }, f),
    ],
    some: { partitionKeys: ["a_2", "a_3"] },
  },
  two_assets_in_sequence_fan_out_partitions: {
    at: "2026-01-01T00:00:00Z",
    build: (f) => [
      node("asset1", { partitionsDef: one }, f),
      node("asset2", { partitionsDef: fannedOut, deps: [new AssetDep("asset1", { partitionMapping: new StaticPartitionMapping({ a: ["a_1", "a_2", "a_3"] }) })] }, f),
    ],
    some: { partitionKeys: ["a"] },
  },
  one_asset_self_dependency: {
    at: "2020-01-07T04:00:00Z",
    build: (f) => [node("asset1", { partitionsDef: daily2020, deps: [new AssetDep("asset1", { partitionMapping: selfMapping() })] }, f)],
    some: { partitionKeys: ["2020-01-04", "2020-01-05", "2020-01-06"] },
  },
  non_partitioned_after_partitioned: {
    at: "2020-01-07T04:00:00Z",
    build: (f) => [node("asset1", { partitionsDef: daily2020 }, f), node("asset2", { deps: ["asset1"] }, f)],
    some: { partitionKeys: ["2020-01-04", "2020-01-05", "2020-01-06"] },
  },
  partitioned_after_non_partitioned: {
    at: "2020-01-07T04:00:00Z",
    build: (f) => [node("asset1", {}, f), node("asset2", {}, f), node("asset3", { partitionsDef: daily2020, deps: ["asset1", "asset2"] }, f)],
    // The reference's random subset keeps every other unpartitioned root (asset1), and all that is downstream.
    some: { partitionsByAsset: { asset1: null, asset3: null } },
  },
  unpartitioned_after_dynamic_asset: {
    at: "2026-01-01T00:00:00Z",
    build: (f) => [node("asset1", {}, f), node("asset2", { partitionsDef: foo, deps: ["asset1"] }, f)],
    some: { partitionsByAsset: { asset1: null, asset2: null } },
  },
  two_dynamic_assets: {
    at: "2026-01-01T00:00:00Z",
    build: (f) => [node("asset1", { partitionsDef: foo }, f), node("asset2", { partitionsDef: foo, deps: ["asset1"] }, f)],
    some: { partitionKeys: ["b"] },
  },
  hourly_to_daily_partiitons: {
    at: "2013-01-07T00:00:00Z",
    build: (f) => [node("hourly", { partitionsDef: hourly2013 }, f), node("daily", { partitionsDef: daily2013, deps: ["hourly"] }, f)],
    some: { partitionKeys: ["2013-01-05-22:00", "2013-01-05-23:00", "2013-01-06-00:00", "2013-01-06-01:00"] },
  },
  root_assets_different_partitions: {
    at: "2026-01-01T00:00:00Z",
    build: (f) => [
      node("root1", { partitionsDef: two }, f),
      node("root2", { partitionsDef: otherTwo }, f),
      node("downstream", { partitionsDef: two, deps: ["root1", new AssetDep("root2", { partitionMapping: new StaticPartitionMapping({ "1": "a", "2": "b" }) })] }, f),
    ],
    // Root keys of two partitionings cannot be one list: the reference's subset (half of each root, and downstream) per asset.
    some: { partitionsByAsset: { root1: ["b"], root2: ["2"], downstream: ["b"] } },
  },
  hourly_with_nonexistent_downstream_daily_partition: {
    at: "2013-01-07T10:00:00Z",
    build: (f) => [node("hourly", { partitionsDef: hourly2013 }, f), node("daily", { partitionsDef: daily2013, deps: ["hourly"] }, f)],
    some: { partitionKeys: ["2013-01-07-05:00"] },
  },
  multipartitioned_self_dependency: {
    at: "2020-01-07T04:00:00Z",
    build: (f) => {
      const def = new MultiPartitionsDefinition({ time: daily2020, abc: new StaticPartitionsDefinition(["a", "b", "c"]) });
      const mapping = new MultiPartitionMapping({
        time: { dimensionName: "time", partitionMapping: selfMapping() },
        abc: { dimensionName: "abc", partitionMapping: new IdentityPartitionMapping() },
      });
      return [node("asset1", { partitionsDef: def, deps: [new AssetDep("asset1", { partitionMapping: mapping })] }, f)];
    },
    some: { partitionKeys: ["a|2020-01-04", "a|2020-01-05", "a|2020-01-06", "b|2020-01-04", "b|2020-01-05", "b|2020-01-06", "c|2020-01-04", "c|2020-01-05", "c|2020-01-06"] },
  },
  // A scenario of the reference's asset graphs that an earlier port added: one run over the whole range.
  self_dependant_asset_with_single_run_backfill_policy: {
    at: "2023-01-10T00:00:00Z",
    build: (f) => [
      node("asset1", { partitionsDef: new DailyPartitionsDefinition({ startDate: "2023-01-01" }), backfillPolicy: BackfillPolicy.singleRun(), deps: [new AssetDep("asset1", { partitionMapping: selfMapping() })] }, f),
    ],
    some: { partitionKeys: ["2023-01-05", "2023-01-06", "2023-01-07", "2023-01-08", "2023-01-09"] },
  },
};

type Failures = "no_failures" | "root_failures" | "random_half_failures";

/** A fixed hash in place of the reference's `hash(...) % 2`: half of the asset partitions fail, the same each time. */
function halfOf(asset: string, key: string): boolean {
  let h = 2166136261;
  for (const ch of asset + key) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return (h >>> 0) % 2 === 0;
}

const id = (asset: string, key: string) => `${asset}[${key}]`;

/** Each asset's targeted, materialized and failed partitions ("" for an unpartitioned asset). */
function progressOf(backfill: BackfillRecord): Map<string, { targeted: string[]; materialized: Set<string>; failed: Set<string> }> {
  const out = new Map<string, { targeted: string[]; materialized: Set<string>; failed: Set<string> }>();
  if (backfill.assetPartitions) {
    for (const [asset, p] of Object.entries(backfill.assetPartitions)) out.set(asset, { targeted: [...p.targeted], materialized: new Set(p.materialized), failed: new Set(p.failed) });
  } else {
    for (const asset of backfill.assetSelection) out.set(asset, { targeted: [...backfill.partitionKeys], materialized: new Set(backfill.materializedPartitions), failed: new Set(backfill.failedPartitions) });
  }
  return out;
}

/**
 * The reference's run_backfill_to_completion, over the backfill as it ran: each asset partition requested
 * once; none materialized before a targeted upstream partition or after one of them failed; the given
 * failures never materialized; every targeted asset partition ends materialized or failed.
 */
async function runToCompletion(assets: AssetsDefinition<unknown>[], instance: Instance, options: Omit<BackfillOptions, "instance">, fails: Fails) {
  const defs = new Definitions({ assets });
  const graph = AssetGraph.of(defs);
  const requestedIn = new Map<string, number>();
  const runs: { assets: readonly string[]; partitions: readonly string[] }[] = [];
  const backfill = await launchBackfill(defs, {
    instance,
    ...options,
    onRun: (_result, partitions, assetKeys) => {
      for (const asset of assetKeys) {
        for (const key of partitions.length ? partitions : [""]) {
          expect(requestedIn.has(id(asset, key)), `${id(asset, key)} requested twice`).toBe(false);
          requestedIn.set(id(asset, key), runs.length);
        }
      }
      runs.push({ assets: assetKeys, partitions });
    },
  });
  const progress = progressOf(backfill);
  const loading = { currentTime: instance.clock.now(), dynamicPartitionsStore: { getDynamicPartitions: (n: string) => (n === "foo" ? ["a", "b"] : []) } };
  let anyFailed = false;
  for (const [asset, p] of progress) {
    const node = graph.require(asset);
    const def = graph.specs[node]?.partitionsDef;
    for (const key of p.targeted) {
      expect(p.materialized.has(key) || p.failed.has(key), `${id(asset, key)} neither materialized nor failed`).toBe(true);
      if (p.failed.has(key)) anyFailed = true;
      if (!p.materialized.has(key)) continue;
      expect(fails(asset, key), `${id(asset, key)} was to fail`).toBe(false);
      // Every targeted upstream partition was materialized, in an earlier run or the same one.
      const parents = graph.isSelfDependent(node) ? [...(graph.parents[node] ?? []), node] : (graph.parents[node] ?? []);
      for (const parent of parents) {
        const parentId = graph.ids[parent] as string;
        const upstream = progress.get(parentId);
        if (!upstream) continue;
        const parentDef = graph.specs[parent]?.partitionsDef;
        const upstreamKeys = parentDef
          ? partitionMappingOf(graph, node, parent).getUpstreamMappedPartitionsResultForPartitions(def?.subsetWithPartitionKeys([key]), def, parentDef, loading).partitionsSubset.getPartitionKeys()
          : [""];
        for (const upstreamKey of upstreamKeys.filter((k) => upstream.targeted.includes(k))) {
          expect(upstream.materialized.has(upstreamKey), `${id(asset, key)} materialized without ${id(parentId, upstreamKey)}`).toBe(true);
          expect(requestedIn.get(id(parentId, upstreamKey)) as number).toBeLessThanOrEqual(requestedIn.get(id(asset, key)) as number);
        }
      }
    }
  }
  expect(backfill.status).toBe(anyFailed ? "COMPLETED_FAILED" : "COMPLETED");
  // Each run materializes assets of one partitioning, and the backfill's runs carry its id.
  for (const run of runs) expect(new Set(run.assets.map((a) => graph.specs[graph.require(a)]?.partitionsDef?.toString() ?? "-")).size).toBe(1);
  const tagged = await instance.getRuns({ tags: { "tessera/backfill": backfill.backfillId } });
  expect(tagged.map((r) => r.runId).sort()).toEqual([...backfill.runIds].sort());
  return { backfill, progress, runs };
}

describe("reference cases: test_asset_backfill.py", () => {
  for (const [name, scenario] of Object.entries(scenarios)) {
    for (const failures of ["no_failures", "root_failures", "random_half_failures"] as const satisfies readonly Failures[]) {
      for (const someOrAll of ["all", "some"] as const) {
        it(`test_scenario_to_completion[${name}-${failures}-${someOrAll}]`, async () => {
          const instance = Instance.ephemeral({ clock: new ManualClock(new Date(scenario.at)) });
          await instance.addDynamicPartitions("foo", ["a", "b"]);
          const probe = scenario.build(never);
          const roots = new Set(probe.filter((a) => a.specs[0]?.deps.every((d) => d.key.equals(a.key)) ?? true).map((a) => a.key.toString()));
          const fails: Fails = failures === "no_failures" ? never : failures === "root_failures" ? (asset) => roots.has(asset) : halfOf;
          const options = someOrAll === "all" ? { allPartitions: true } : scenario.some;
          const { backfill, progress } = await runToCompletion(scenario.build(fails), instance, options, fails);
          const graph = AssetGraph.of(new Definitions({ assets: probe }));
          if (someOrAll === "all") {
            // Every partition of every asset is targeted.
            for (const a of probe) {
              const def = a.specs[0]?.partitionsDef;
              const keys = def ? def.getPartitionKeys({ currentTime: instance.clock.now(), dynamicPartitionsStore: { getDynamicPartitions: () => ["a", "b"] } }) : [""];
              expect(progress.get(a.key.toString())?.targeted).toEqual(keys);
            }
          } else if (scenario.some.partitionKeys) {
            // The keys asked for are the roots' partitions.
            for (const root of roots) {
              if (graph.specs[graph.require(root)]?.partitionsDef) expect(progress.get(root)?.targeted).toEqual(scenario.some.partitionKeys);
            }
          }
          if (failures === "no_failures") {
            expect(backfill.status).toBe("COMPLETED");
            for (const a of probe) {
              const key = a.key.toString();
              const p = progress.get(key);
              const expected = a.specs[0]?.partitionsDef ? p?.targeted : [];
              expect([...(await instance.getMaterializedPartitions(key))].sort()).toEqual([...(expected ?? [])].sort());
            }
          }
          if (failures === "root_failures") {
            // A failed root leaves everything downstream of it failed, never run.
            for (const [, p] of progress) expect(p.materialized.size).toBe(0);
          }
        });
      }
    }
  }

  const fanIn = scenarios.two_assets_in_sequence_fan_in_partitions as Scenario;
  const fanOut = scenarios.two_assets_in_sequence_fan_out_partitions as Scenario;
  const targetCases: [string, Scenario, string, string[], Record<string, string[]>][] = [
    ["two_assets_in_sequence_fan_in_partitions", fanIn, "2026-01-01T00:00:00Z", ["a_1", "a_2"], { asset1: ["a_1", "a_2"], asset2: ["a"] }],
    ["two_assets_in_sequence_fan_out_partitions", fanOut, "2026-01-01T00:00:00Z", ["a"], { asset1: ["a"], asset2: ["a_1", "a_2", "a_3"] }],
    // The reference's clock is 2020 with keys of 2022 (its store is a mock); Tessera refuses keys that do not exist yet.
    ["non_partitioned_after_partitioned", scenarios.non_partitioned_after_partitioned as Scenario, "2022-01-03T00:00:00Z", ["2022-01-01", "2022-01-02"], { asset1: ["2022-01-01", "2022-01-02"], asset2: [""] }],
    [
      "partitioned_after_non_partitioned",
      scenarios.partitioned_after_non_partitioned as Scenario,
      "2022-01-03T00:00:00Z",
      ["2022-01-01", "2022-01-02"],
      { asset1: [""], asset2: [""], asset3: ["2022-01-01", "2022-01-02"] },
    ],
  ];
  for (const [name, scenario, at, partitionKeys, expected] of targetCases) {
    it(`test_from_asset_partitions_target_subset[${name}]`, async () => {
      const instance = Instance.ephemeral({ clock: new ManualClock(new Date(at)) });
      const backfill = await submitBackfill(new Definitions({ assets: scenario.build(never) }), { instance, partitionKeys });
      expect(Object.fromEntries(Object.entries(backfill.assetPartitions ?? {}).map(([k, v]) => [k, v.targeted]))).toEqual(expected);
    });
  }

  it("test_materializations_outside_of_backfill", async () => {
    const instance = Instance.ephemeral();
    const assets = scenarios.one_asset_one_partition?.build(never) as AssetsDefinition<unknown>[];
    await launchBackfill(new Definitions({ assets }), { instance, partitionKeys: ["a"] });
    const { backfill } = await runToCompletion(assets, instance, { allPartitions: true }, never);
    expect(backfill.status).toBe("COMPLETED");
  });

  it("test_asset_backfill_status_counts", async () => {
    const instance = Instance.ephemeral({ clock: new ManualClock(new Date("2026-01-01T00:00:00Z")) });
    const fails: Fails = (asset, key) => asset === "upstream_daily_partitioned_asset" && key === "2023-01-09";
    const assets = [
      node("unpartitioned_upstream_of_partitioned", {}, fails),
      node("upstream_daily_partitioned_asset", { partitionsDef: new DailyPartitionsDefinition({ startDate: "2023-01-01" }), deps: ["unpartitioned_upstream_of_partitioned"] }, fails),
      node("downstream_weekly_partitioned_asset", { partitionsDef: new WeeklyPartitionsDefinition({ startDate: "2023-01-01" }), deps: ["upstream_daily_partitioned_asset"] }, fails),
    ];
    const { backfill } = await runToCompletion(assets, instance, { partitionKeys: ["2023-01-09"] }, fails);
    expect(backfillAssetStatuses(backfill)).toEqual([
      { assetKey: "unpartitioned_upstream_of_partitioned", partitioned: false, numTargeted: 1, numMaterialized: 1, numFailed: 0, numInProgress: 0 },
      { assetKey: "upstream_daily_partitioned_asset", partitioned: true, numTargeted: 1, numMaterialized: 0, numFailed: 1, numInProgress: 0 },
      { assetKey: "downstream_weekly_partitioned_asset", partitioned: true, numTargeted: 1, numMaterialized: 0, numFailed: 1, numInProgress: 0 },
    ]);
  });

  const hourlyToDaily = (fails: Fails) => [
    node("upstream_hourly_partitioned_asset", { partitionsDef: new HourlyPartitionsDefinition({ startDate: "2023-01-01-00:00" }) }, fails),
    node("downstream_daily_partitioned_asset", { partitionsDef: new DailyPartitionsDefinition({ startDate: "2023-01-01" }), deps: ["upstream_hourly_partitioned_asset"] }, fails),
  ];

  it("test_asset_backfill_selects_only_existent_partitions", async () => {
    // At 01:00 (the reference's midnight, when the hour does not exist yet in Tessera) the day has not ended.
    const instance = Instance.ephemeral({ clock: new ManualClock(new Date("2023-01-09T01:00:00Z")) });
    const backfill = await submitBackfill(new Definitions({ assets: hourlyToDaily(never) }), { instance, partitionKeys: ["2023-01-09-00:00"] });
    expect(backfill.assetPartitions?.upstream_hourly_partitioned_asset?.targeted).toEqual(["2023-01-09-00:00"]);
    expect(backfill.assetPartitions?.downstream_daily_partitioned_asset).toBeUndefined();
  });

  it("test_asset_backfill_throw_error_on_invalid_upstreams", async () => {
    const instance = Instance.ephemeral({ clock: new ManualClock(new Date("2023-05-15T00:00:00Z")) });
    const june = node("june_asset", { partitionsDef: new DailyPartitionsDefinition({ startDate: "2023-06-01" }) }, never);
    const may = node("may_asset", { partitionsDef: new DailyPartitionsDefinition({ startDate: "2023-05-01" }), deps: ["june_asset"] }, never);
    await expect(launchBackfill(new Definitions({ assets: [june, may] }), { instance, selection: "may_asset", partitionKeys: ["2023-05-10"] })).rejects.toThrow(
      /Partition "2023-05-10" of "may_asset" depends on partition "2023-05-10" of "june_asset", which does not exist/,
    );
    const [failed] = await instance.getBackfills();
    expect([failed?.status, failed?.runIds]).toEqual(["FAILED", []]);
  });

  it("test_asset_backfill_cancellation", async () => {
    const instance = Instance.ephemeral({ clock: new ManualClock(new Date("2023-01-09T01:00:00Z")) });
    const [upstream, downstream] = hourlyToDaily(never) as [AssetsDefinition<unknown>, AssetsDefinition<unknown>];
    const canceling = asset({ name: "upstream_hourly_partitioned_asset", partitionsDef: upstream.specs[0]?.partitionsDef }, async (ctx) => {
      await instance.cancelBackfill(ctx.runTags["tessera/backfill"] as string);
      return 1;
    });
    const backfill = await launchBackfill(new Definitions({ assets: [canceling, downstream] }), { instance, partitionKeys: ["2023-01-09-00:00"] });
    expect(backfill.status).toBe("CANCELED");
    expect(await instance.getRuns()).toHaveLength(1);
    // Every requested asset partition is marked: the hour materialized, the day (not yet a partition) untouched.
    expect(backfill.assetPartitions?.upstream_hourly_partitioned_asset?.materialized).toEqual(["2023-01-09-00:00"]);
    expect(backfill.assetPartitions?.downstream_daily_partitioned_asset).toBeUndefined();
    expect(backfillAssetStatuses(backfill).every((s) => s.numInProgress === 0)).toBe(true);
  });

  it("test_asset_backfill_cancels_without_fetching_downstreams_of_failed_partitions", async () => {
    const instance = Instance.ephemeral({ clock: new ManualClock(new Date("2023-01-10T00:00:00Z")) });
    const backfill = await launchBackfill(new Definitions({ assets: hourlyToDaily((a) => a === "upstream_hourly_partitioned_asset") }), { instance, partitionKeys: ["2023-01-09-00:00"] });
    expect(backfill.assetPartitions?.upstream_hourly_partitioned_asset?.failed).toEqual(["2023-01-09-00:00"]);
    expect(backfill.assetPartitions?.downstream_daily_partitioned_asset?.failed).toEqual(["2023-01-09"]);
    expect(backfill.runIds).toHaveLength(1);
    // Canceling an ended backfill changes nothing of it.
    await expect(instance.cancelBackfill(backfill.backfillId)).resolves.toMatchObject({ status: "COMPLETED_FAILED" });
  });

  const fooChain = (grandchildDef: PartitionsDefinition) => {
    const daily = new DailyPartitionsDefinition({ startDate: "2023-10-01" });
    return [
      node("foo", { partitionsDef: daily }, never),
      node("foo_child", { partitionsDef: daily, deps: ["foo"] }, never),
      node("foo_grandchild", { partitionsDef: grandchildDef, deps: ["foo_child"] }, never),
    ];
  };

  it("test_asset_backfill_target_asset_and_same_partitioning_grandchild", async () => {
    const instance = Instance.ephemeral({ clock: new ManualClock(new Date("2023-10-05T00:00:00Z")) });
    const assets = fooChain(new DailyPartitionsDefinition({ startDate: "2023-10-01" }));
    const { backfill, runs } = await runToCompletion(assets, instance, { selection: ["foo", "foo_grandchild"], allPartitions: true }, never);
    expect(backfill.partitionKeys).toEqual(["2023-10-01", "2023-10-02", "2023-10-03", "2023-10-04"]);
    // The grandchild waits for nothing of the backfill: it is requested with foo, in the same runs.
    expect(runs.map((r) => [...r.assets])).toEqual(Array(4).fill(["foo", "foo_grandchild"]));
  });

  it("test_asset_backfill_target_asset_and_differently_partitioned_grandchild", async () => {
    const instance = Instance.ephemeral({ clock: new ManualClock(new Date("2023-10-08T00:00:00Z")) });
    const assets = fooChain(new WeeklyPartitionsDefinition({ startDate: "2023-10-01" }));
    const { progress, runs } = await runToCompletion(assets, instance, { selection: ["foo", "foo_grandchild"], allPartitions: true }, never);
    expect(progress.get("foo")?.targeted).toEqual(["2023-10-01", "2023-10-02", "2023-10-03", "2023-10-04", "2023-10-05", "2023-10-06", "2023-10-07"]);
    expect(progress.get("foo_grandchild")?.targeted).toEqual(["2023-10-01"]);
    expect(runs).toHaveLength(8);
  });

  it("test_asset_backfill_nonexistent_parent_partitions", async () => {
    const instance = Instance.ephemeral({ clock: new ManualClock(new Date("2023-10-08T00:00:00Z")) });
    const assets = [
      node("foo", { partitionsDef: new DailyPartitionsDefinition({ startDate: "2023-10-05" }) }, never),
      node(
        "foo_child",
        { partitionsDef: new DailyPartitionsDefinition({ startDate: "2023-10-01" }), deps: [new AssetDep("foo", { partitionMapping: new TimeWindowPartitionMapping({ allowNonexistentUpstreamPartitions: true }) })] },
        never,
      ),
    ];
    const { backfill, progress } = await runToCompletion(assets, instance, { allPartitions: true }, never);
    expect(progress.get("foo")?.targeted).toEqual(["2023-10-05", "2023-10-06", "2023-10-07"]);
    expect(progress.get("foo_child")?.targeted).toEqual(["2023-10-01", "2023-10-02", "2023-10-03", "2023-10-04", "2023-10-05", "2023-10-06", "2023-10-07"]);
    expect(backfill.status).toBe("COMPLETED");
  });

  it("test_asset_backfill_unpartitioned_downstream_of_partitioned", async () => {
    const instance = Instance.ephemeral({ clock: new ManualClock(new Date("2023-10-08T00:00:00Z")) });
    const daily = new DailyPartitionsDefinition({ startDate: "2023-10-01" });
    const assets = [node("foo", { partitionsDef: daily }, never), node("foo_child", { partitionsDef: daily, deps: [new AssetDep("foo", { partitionMapping: new LastPartitionMapping() })] }, never)];
    const keys = daily.getPartitionKeys({ currentTime: instance.clock.now() });
    const { backfill, runs } = await runToCompletion(assets, instance, { partitionRange: { start: "2023-10-01", end: "2023-10-07" } }, never);
    expect(backfill.partitionKeys).toEqual(keys);
    // Each child partition reads foo's last partition: the children run once foo's last one is done.
    expect(runs.findIndex((r) => r.assets.includes("foo_child"))).toBeGreaterThan(runs.findIndex((r) => r.assets.includes("foo") && r.partitions.includes("2023-10-07")));
  });

  it("test_multi_asset_internal_deps_asset_backfill", async () => {
    const instance = Instance.ephemeral();
    const partitionsDef = new StaticPartitionsDefinition(["1", "2", "3"]);
    const abc = multiAsset(
      {
        name: "my_multi_asset",
        outs: { a: new AssetOut({ key: "a" }), b: new AssetOut({ key: "b" }), c: new AssetOut({ key: "c" }) },
        internalAssetDeps: { c: [AssetKey.from("a")], b: [AssetKey.from("a")], a: [] },
        partitionsDef,
      },
      () => ({ a: 1, b: 2, c: 3 }),
    );
    const { runs } = await runToCompletion([abc as AssetsDefinition<unknown>], instance, { partitionKeys: ["1"] }, never);
    expect(runs).toEqual([{ assets: ["a", "b", "c"], partitions: ["1"] }]);
  });

  it("test_run_request_partition_order", async () => {
    const instance = Instance.ephemeral({ clock: new ManualClock(new Date("2023-10-04T00:00:00Z")) });
    const daily = new DailyPartitionsDefinition({ startDate: "2023-10-01" });
    const assets = [node("foo", { partitionsDef: daily }, never), node("foo_child", { partitionsDef: daily, deps: ["foo"] }, never)];
    const { runs } = await runToCompletion(assets, instance, { partitionKeys: ["2023-10-02", "2023-10-01", "2023-10-03"] }, never);
    expect(runs.map((r) => r.partitions[0])).toEqual(["2023-10-01", "2023-10-02", "2023-10-03"]);
  });
});
