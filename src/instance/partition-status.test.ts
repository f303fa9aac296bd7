// Partition status and latest check evaluations read in batches and kept in memory equal what a fresh read finds.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AssetKey, ManualClock, type EventRecord, type TesseraEvent } from "../core/index.js";
import { DynamicPartitionsDefinition, HourlyPartitionsDefinition, StaticPartitionsDefinition, type PartitionsDefinition } from "../partitions/index.js";
import { Instance } from "./instance.js";
import { partitionStatusKeys } from "./test-partition-status.js";

const DEFS: readonly PartitionsDefinition[] = [
  new StaticPartitionsDefinition(["a", "b", "c"]),
  new HourlyPartitionsDefinition({ startDate: "2026-01-01-00:00" }),
  new DynamicPartitionsDefinition({ name: "files" }),
];
const ASSETS = ["s", "h", "d"].map((n) => new AssetKey(n));

type Action =
  | { kind: "materialize" | "fail" | "plan" | "check"; asset: number; partition: number; passed: boolean }
  | { kind: "finish" }
  | { kind: "wipe"; asset: number }
  | { kind: "addKey" };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constantFrom("materialize" as const, "fail" as const, "plan" as const, "check" as const), asset: fc.nat(2), partition: fc.nat(3), passed: fc.boolean() }),
  fc.constant({ kind: "finish" as const }),
  fc.record({ kind: fc.constant("wipe" as const), asset: fc.nat(2) }),
  fc.constant({ kind: "addKey" as const }),
);


function checksOf(latest: Map<string, EventRecord>): unknown {
  return [...latest].map(([name, r]) => [name, r.storageId, r.passed]);
}

describe("partition status and check evaluations of many assets", () => {
  it("equal a read from scratch after every change, read one by one or in a batch, kept in memory between reads", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-status-"));
    let round = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(action, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }), async (steps) => {
          const path = join(dir, `${round++}.db`);
          const clock = new ManualClock(Date.UTC(2026, 0, 1, 5, 30));
          const instance = Instance.open({ storage: { sqlite: { path } }, clock });
          const open: string[] = [];
          let added = 0;
          try {
            for (const actions of steps) {
              for (const a of actions) {
                // Partitions that exist when the event is written and one that does not yet (the next dynamic key, the
                // next hour's partition): its events count once it exists, as a read from scratch would count them.
                const keysOf = (asset: number): readonly string[] => {
                  const def = DEFS[asset] as PartitionsDefinition;
                  if (def instanceof DynamicPartitionsDefinition) return Array.from({ length: added + 1 }, (_, i) => `f${i}`);
                  const existing = def.getPartitionKeys({ currentTime: clock.now() });
                  return def instanceof HourlyPartitionsDefinition ? [...existing, def.getPartitionKeys({ currentTime: clock.now() + 3_600_000 }).at(-1) as string] : existing;
                };
                if (a.kind === "finish") {
                  const runId = open.shift();
                  if (runId) await instance.storeEvents([{ runId, timestamp: clock.now(), eventType: "RUN_SUCCESS" }]);
                } else if (a.kind === "wipe") {
                  await instance.wipeAssets([ASSETS[a.asset] as AssetKey]);
                } else if (a.kind === "addKey") {
                  await instance.addDynamicPartitions("files", [`f${added++}`]);
                } else {
                  const keys = keysOf(a.asset);
                  if (keys.length === 0) continue;
                  const partition = keys[a.partition % keys.length] as string;
                  const assetKey = ASSETS[a.asset] as AssetKey;
                  const run = await instance.createRun({ jobName: "__test__", tags: {}, assetSelection: [assetKey.toString()], runConfig: {}, partitionKey: partition });
                  const event: TesseraEvent =
                    a.kind === "materialize"
                      ? { runId: run.runId, timestamp: clock.now(), eventType: "ASSET_MATERIALIZATION", assetKey, partition }
                      : a.kind === "fail"
                        ? { runId: run.runId, timestamp: clock.now(), eventType: "ASSET_FAILED_TO_MATERIALIZE", assetKey, partition }
                        : a.kind === "plan"
                          ? { runId: run.runId, timestamp: clock.now(), eventType: "ASSET_MATERIALIZATION_PLANNED", assetKey, partition }
                          : { runId: run.runId, timestamp: clock.now(), eventType: "ASSET_CHECK_EVALUATION", assetKey, checkName: a.partition % 2 ? "x" : "y", passed: a.passed };
                  await instance.storeEvents([{ runId: run.runId, timestamp: clock.now(), eventType: "RUN_START" }, event]);
                  open.push(run.runId);
                }
              }
              clock.advance(20 * 60_000);
              const items = ASSETS.map((key, i) => ({ key, partitionsDef: DEFS[i] as PartitionsDefinition }));
              const batched = await instance.getPartitionStatuses(items);
              const single = await Promise.all(items.map((item) => instance.getPartitionStatus(item.key, item.partitionsDef)));
              const checks = await instance.getLatestAssetCheckEvaluationsOf(ASSETS);
              // From scratch: another storage object (nothing in memory) with the stored statuses forgotten.
              const fresh = Instance.open({ storage: { sqlite: { path } }, clock });
              try {
                await fresh.storage.setKv(Object.fromEntries(ASSETS.map((k) => [`partition_status/${k.toString()}`, ""])));
                const expected = await Promise.all(items.map((item) => fresh.getPartitionStatus(item.key, item.partitionsDef)));
                expect(batched.map(partitionStatusKeys)).toEqual(expected.map(partitionStatusKeys));
                expect(single.map(partitionStatusKeys)).toEqual(expected.map(partitionStatusKeys));
                for (const [i, key] of ASSETS.entries()) {
                  const latest = new Map<string, EventRecord>();
                  for (const r of await fresh.getAssetCheckEvaluations(key)) if (r.checkName !== undefined && !latest.has(r.checkName)) latest.set(r.checkName, r);
                  expect(checksOf(checks[i] as Map<string, EventRecord>)).toEqual(checksOf(latest));
                }
              } finally {
                await fresh.close();
              }
            }
          } finally {
            await instance.close();
          }
        }),
        { numRuns: 40 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
