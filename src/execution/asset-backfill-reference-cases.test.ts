// Cases of Dagster's misc_execution_tests/test_asset_backfill.py that have a Tessera equivalent (one partitioning
// per backfill), ported to Tessera's API: test_scenario_to_completion over the single-partitioning scenarios.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/index.js";
import { Definitions } from "../code-location/index.js";
import { AssetDep, AssetIn, asset, type AssetsDefinition } from "../definitions/index.js";
import { Instance } from "../instance/index.js";
import {
  BackfillPolicy,
  DailyPartitionsDefinition,
  DynamicPartitionsDefinition,
  StaticPartitionsDefinition,
  TimeWindowPartitionMapping,
  type PartitionsDefinition,
} from "../partitions/index.js";
import { launchBackfill } from "./backfill.js";

type Failures = "no_failures" | "root_failures";

/** Roots fail in every partition under "root_failures", as the reference's scenario does. */
function chain(names: string[], partitionsDef: PartitionsDefinition, failures: Failures): AssetsDefinition<unknown>[] {
  const assets: AssetsDefinition<unknown>[] = [];
  for (const [i, name] of names.entries()) {
    const compute = () => {
      if (i === 0 && failures === "root_failures") throw new Error(`${name} fails`);
      return name;
    };
    const upstream = assets[i - 1];
    assets.push(upstream ? asset({ name, partitionsDef, ins: { upstream: new AssetIn({ key: upstream.key }) } }, compute) : asset({ name, partitionsDef }, compute));
  }
  return assets;
}

const scenarios: Record<string, { build: (failures: Failures) => AssetsDefinition<unknown>[]; at: string; dynamic?: Record<string, string[]> }> = {
  one_asset_one_partition: { build: (f) => chain(["asset1"], new StaticPartitionsDefinition(["a"]), f), at: "2026-01-01T00:00:00Z" },
  one_asset_two_partitions: { build: (f) => chain(["asset1"], new StaticPartitionsDefinition(["a", "b"]), f), at: "2026-01-01T00:00:00Z" },
  two_assets_in_sequence_one_partition: { build: (f) => chain(["asset1", "asset2"], new StaticPartitionsDefinition(["a"]), f), at: "2026-01-01T00:00:00Z" },
  two_assets_in_sequence_two_partitions: { build: (f) => chain(["asset1", "asset2"], new StaticPartitionsDefinition(["a", "b"]), f), at: "2026-01-01T00:00:00Z" },
  two_dynamic_assets: { build: (f) => chain(["asset1", "asset2"], new DynamicPartitionsDefinition({ name: "foo" }), f), at: "2026-01-01T00:00:00Z", dynamic: { foo: ["a", "b"] } },
  one_asset_self_dependency: {
    build: (f) => {
      const daily = new DailyPartitionsDefinition({ startDate: "2020-01-01" });
      return [
        asset({ name: "asset1", partitionsDef: daily, deps: [new AssetDep("asset1", { partitionMapping: new TimeWindowPartitionMapping({ startOffset: -1, endOffset: -1 }) })] }, () => {
          if (f === "root_failures") throw new Error("asset1 fails");
          return 1;
        }),
      ];
    },
    at: "2020-01-07T04:00:00Z",
  },
  self_dependant_asset_with_single_run_backfill_policy: {
    build: (f) => {
      const daily = new DailyPartitionsDefinition({ startDate: "2023-01-01" });
      return [
        asset(
          {
            name: "asset1",
            partitionsDef: daily,
            backfillPolicy: BackfillPolicy.singleRun(),
            deps: [new AssetDep("asset1", { partitionMapping: new TimeWindowPartitionMapping({ startOffset: -1, endOffset: -1 }) })],
          },
          (ctx) => {
            if (f === "root_failures") throw new Error("asset1 fails");
            return Object.fromEntries(ctx.partitionKeys.map((k) => [k, k]));
          },
        ),
      ];
    },
    at: "2023-01-10T00:00:00Z",
  },
};

describe("reference cases: test_asset_backfill.py", () => {
  for (const [name, scenario] of Object.entries(scenarios)) {
    for (const failures of ["no_failures", "root_failures"] as const) {
      it(`test_scenario_to_completion[${name}-${failures}-all]`, async () => {
        const instance = Instance.ephemeral({ clock: new ManualClock(new Date(scenario.at)) });
        for (const [dynamicName, keys] of Object.entries(scenario.dynamic ?? {})) await instance.addDynamicPartitions(dynamicName, keys);
        const assets = scenario.build(failures);
        const def = assets[0]?.specs[0]?.partitionsDef as PartitionsDefinition;
        const keys = def.getPartitionKeys({ currentTime: new Date(scenario.at), dynamicPartitionsStore: { getDynamicPartitions: (n) => scenario.dynamic?.[n] ?? [] } });
        const backfill = await launchBackfill(new Definitions({ assets }), { instance, allPartitions: true });
        const materialized = async (key: string) => new Set(await instance.getMaterializedPartitions(key));
        if (failures === "no_failures") {
          // Every targeted asset partition is materialized and the backfill completes.
          expect(backfill.status).toBe("COMPLETED");
          for (const a of assets) expect(await materialized(a.key.toString())).toEqual(new Set(keys));
        } else {
          // Failed roots leave every downstream partition unmaterialized, and the backfill ends having failed.
          expect(backfill.status).toBe("COMPLETED_FAILED");
          expect(backfill.failedPartitions.length).toBeGreaterThan(0);
          for (const a of assets) expect((await materialized(a.key.toString())).size).toBe(0);
        }
        // The backfill's runs are tagged with its id.
        const runs = await instance.getRuns({ tags: { "tessera/backfill": backfill.backfillId } });
        expect(runs.map((r) => r.runId).sort()).toEqual([...backfill.runIds].sort());
      });
    }
  }
});
