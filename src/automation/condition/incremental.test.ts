// Incremental evaluation equals full evaluation: random graphs, conditions and histories, over consecutive ticks.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, it } from "vitest";
import { AssetCheckSpec, AssetKey, HourlyPartitionsDefinition, Instance, ManualClock, StaticPartitionsDefinition, asset, type PartitionsDefinition, type AssetsDefinition, type TesseraEvent } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { expectIncrementalEqualsFull } from "./test-incremental.js";

const CONDITIONS = [
  () => AutomationCondition.eager(),
  () => AutomationCondition.onMissing(),
  () => AutomationCondition.onCron("*/20 * * * *"),
  () => AutomationCondition.newlyUpdated(),
  () => AutomationCondition.missing().since(AutomationCondition.newlyUpdated()),
  () => AutomationCondition.anyDepsUpdated().newlyTrue(),
  () => AutomationCondition.executionFailed().or(AutomationCondition.inProgress()),
  () => AutomationCondition.anyDepsMatch(AutomationCondition.newlyRequested()),
  () => AutomationCondition.eager().and(AutomationCondition.allDepsBlockingChecksPassed()),
  () => AutomationCondition.anyChecksMatch(AutomationCondition.checkFailed()).or(AutomationCondition.anyDepsMatch(AutomationCondition.anyChecksMatch(AutomationCondition.newlyUpdated()))),
] as const;
const STATIC = new StaticPartitionsDefinition(["x", "y", "z"]);
// Hourly partitions appear as the ticks' clock moves: the full subset and the latest window change between ticks.
const HOURLY = new HourlyPartitionsDefinition({ startDate: "2025-12-31-20:00" });

type Action =
  | { kind: "materialize"; assets: number[]; partition: number }
  | { kind: "observe"; asset: number }
  | { kind: "queue"; assets: number[]; partition: number; started: boolean }
  | { kind: "finish"; failed: boolean }
  | { kind: "wipe"; asset: number }
  | { kind: "check"; asset: number; passed: boolean; partition: number }
  | { kind: "nothing" };

const action = (size: number): fc.Arbitrary<Action> =>
  fc.oneof(
    fc.record({ kind: fc.constant("materialize" as const), assets: fc.uniqueArray(fc.nat(size - 1), { maxLength: size }), partition: fc.nat(2) }),
    fc.record({ kind: fc.constant("observe" as const), asset: fc.nat(size - 1) }),
    fc.record({ kind: fc.constant("queue" as const), assets: fc.uniqueArray(fc.nat(size - 1), { minLength: 1, maxLength: size }), partition: fc.nat(2), started: fc.boolean() }),
    fc.record({ kind: fc.constant("finish" as const), failed: fc.boolean() }),
    fc.record({ kind: fc.constant("wipe" as const), asset: fc.nat(size - 1) }),
    fc.record({ kind: fc.constant("check" as const), asset: fc.nat(size - 1), passed: fc.boolean(), partition: fc.nat(2) }),
    fc.constant({ kind: "nothing" as const }),
  );

const scenario = fc.integer({ min: 2, max: 7 }).chain((size) =>
  fc.record({
    size: fc.constant(size),
    // Each asset's deps among the assets before it: a DAG by construction.
    deps: fc.tuple(...Array.from({ length: size }, (_, i) => fc.uniqueArray(fc.nat(Math.max(0, i - 1)), { maxLength: i === 0 ? 0 : Math.min(i, 3) }))),
    conditions: fc.array(fc.nat(CONDITIONS.length - 1), { minLength: size, maxLength: size }),
    partitioned: fc.constantFrom<PartitionsDefinition | undefined>(undefined, STATIC, HOURLY),
    ticks: fc.array(fc.record({ actions: fc.array(action(size), { maxLength: 3 }), minutes: fc.nat(45) }), { minLength: 2, maxLength: 7 }),
  }),
);

describe("incremental evaluation", () => {
  it("returns the results, cursor and trees of a full evaluation, tick after tick, on random graphs and histories", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-incremental-"));
    let round = 0;
    try {
      await fc.assert(
        fc.asyncProperty(scenario, async ({ size, deps, conditions, partitioned, ticks }) => {
          const names = Array.from({ length: size }, (_, i) => `n${i}`);
          const assets: AssetsDefinition<unknown>[] = [];
          for (let i = 0; i < size; i++) {
            const own = [...new Set((deps[i] ?? []).filter((d) => d < i))].map((d) => names[d] as string);
            // Every asset has a check, blocking on odd ones: check conditions read the latest evaluations.
            const checkSpecs = [new AssetCheckSpec("c", { asset: names[i] as string, blocking: i % 2 === 1 })];
            assets.push(asset({ name: names[i] as string, deps: own, checkSpecs, ...(partitioned ? { partitionsDef: partitioned } : {}) }, () => i));
          }
          const defs = new Definitions({ assets });
          const byKey = Object.fromEntries(names.map((n, i) => [n, CONDITIONS[conditions[i] as number]!()]));
          const clock = new ManualClock(Date.UTC(2026, 0, 1, 0, 5));
          const instance = Instance.open({ storage: { sqlite: { path: join(dir, `${round++}.db`) } }, clock });
          const open: string[] = [];
          try {
            let cursor: string | undefined;
            for (const { actions, minutes } of ticks) {
              for (const a of actions) await apply(instance, a, names, partitioned, open);
              clock.advance(minutes * 60_000);
              const options = { defs, instance, conditions: byKey, evaluationTime: clock.now(), ...(cursor === undefined ? {} : { cursor }) };
              cursor = await expectIncrementalEqualsFull(options);
            }
          } finally {
            await instance.close();
          }
        }),
        { numRuns: 60 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

async function apply(instance: Instance, a: Action, names: readonly string[], partitioned: PartitionsDefinition | undefined, open: string[]): Promise<void> {
  const now = instance.clock.now();
  // One of the three latest partitions at this moment.
  const keys = partitioned?.getPartitionKeys({ currentTime: now }).slice(-3) ?? [];
  const partitionOf = (p: number) => (partitioned ? { partition: keys[Math.min(p, keys.length - 1)] as string } : {});
  switch (a.kind) {
    case "materialize": {
      if (a.assets.length === 0) return;
      const run = await instance.createRun({ jobName: "__test__", tags: {}, assetSelection: a.assets.map((n) => names[n] as string), runConfig: {} });
      const events: TesseraEvent[] = a.assets.map((n) => ({ runId: run.runId, stepKey: names[n], timestamp: now, eventType: "ASSET_MATERIALIZATION", assetKey: new AssetKey(names[n] as string), ...partitionOf(a.partition) }));
      await instance.storeEvents([...events, { runId: run.runId, timestamp: now, eventType: "RUN_SUCCESS" }]);
      return;
    }
    case "observe": {
      const run = await instance.createRun({ jobName: "__test__", tags: {}, assetSelection: [names[a.asset] as string], runConfig: {} });
      await instance.storeEvents([{ runId: run.runId, timestamp: now, eventType: "ASSET_OBSERVATION", assetKey: new AssetKey(names[a.asset] as string) }]);
      return;
    }
    case "queue": {
      const run = await instance.createRun({ jobName: "__test__", tags: {}, assetSelection: a.assets.map((n) => names[n] as string), runConfig: {}, ...(partitioned ? { partitionKey: partitionOf(a.partition).partition } : {}) });
      const planned: TesseraEvent[] = partitioned
        ? a.assets.map((n) => ({ runId: run.runId, timestamp: now, eventType: "ASSET_MATERIALIZATION_PLANNED", assetKey: new AssetKey(names[n] as string), ...partitionOf(a.partition) }))
        : [];
      // A run not yet started has written no event: only the list of active runs tells it apart.
      if (a.started) await instance.storeEvents([{ runId: run.runId, timestamp: now, eventType: "RUN_START" }, ...planned]);
      open.push(run.runId);
      return;
    }
    case "finish": {
      const runId = open.shift();
      if (runId !== undefined) await instance.storeEvents([{ runId, timestamp: now, eventType: a.failed ? "RUN_FAILURE" : "RUN_SUCCESS" }]);
      return;
    }
    case "wipe":
      await instance.wipeAssets([names[a.asset] as string]);
      return;
    case "check": {
      const name = names[a.asset] as string;
      const run = await instance.createRun({ jobName: "__test__", tags: {}, assetSelection: [name], runConfig: {} });
      await instance.storeEvents([
        { runId: run.runId, stepKey: name, timestamp: now, eventType: "ASSET_CHECK_EVALUATION", assetKey: new AssetKey(name), checkName: "c", passed: a.passed, ...partitionOf(a.partition) },
        { runId: run.runId, timestamp: now, eventType: "RUN_SUCCESS" },
      ]);
      return;
    }
    case "nothing":
      return;
  }
}
