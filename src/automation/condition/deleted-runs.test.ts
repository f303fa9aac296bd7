// A run deleted between ticks: the incremental evaluation (memo, partition statuses, observed partitions) gives what
// a fresh instance on the same storage evaluates from the same cursor, on SQLite and PostgreSQL.
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { AssetKey, DataVersion, Instance, ManualClock, StaticPartitionsDefinition, asset, observableSourceAsset, type EventType } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { postgresForTests } from "../../../test/support/postgres.js";
import { storageBackends, type StorageBackend } from "../../../test/support/storage-backends.js";
import { evaluateAutomationConditions } from "./evaluator.js";
import { snapshotOf } from "./test-incremental.js";

const server = await postgresForTests();

/** The partition keys of a serialized requested subset of a partitioned asset, sorted. */
function keysOf(serialized: unknown): string[] {
  return PARTS.deserializeSubset(serialized as string).getPartitionKeys().sort();
}
const KEYS = ["x", "y", "z"];
const PARTS = new StaticPartitionsDefinition(KEYS);

const BACKENDS = storageBackends(server, "tessera-delrun-");

/** One tick evaluated on the long-lived instance (its memo warm) and on a fresh one on the same storage: equal. */
async function expectWarmEqualsFresh(options: Omit<Parameters<typeof evaluateAutomationConditions>[0], "instance">, warm: Instance, fresh: Instance) {
  const result = await evaluateAutomationConditions({ ...options, instance: warm });
  expect(snapshotOf(result)).toEqual(snapshotOf(await evaluateAutomationConditions({ ...options, instance: fresh })));
  return result;
}

async function runWith(instance: Instance, name: string, eventType: EventType, partitions: readonly (string | undefined)[]): Promise<string> {
  const run = await instance.createRun({ jobName: "__test__", tags: {}, assetSelection: [name], runConfig: {} });
  const timestamp = instance.clock.now();
  await instance.storeEvents([
    { runId: run.runId, timestamp, eventType: "RUN_START" },
    ...partitions.map((partition) => ({ runId: run.runId, stepKey: name, timestamp, eventType, assetKey: new AssetKey(name), ...(partition === undefined ? {} : { partition }) })),
    { runId: run.runId, timestamp, eventType: "RUN_SUCCESS" },
  ]);
  return run.runId;
}

const source = observableSourceAsset({ name: "feed", partitionsDef: PARTS }, () => new DataVersion("v"));
const plain = asset({ name: "plain" }, () => 1);
const parted = asset({ name: "parted", partitionsDef: PARTS }, () => 1);
const down = asset({ name: "down", deps: ["plain"] }, () => 1);
const report = asset({ name: "report", deps: ["feed"], partitionsDef: PARTS }, () => 1);
const defs = new Definitions({ assets: [source, plain, parted, down, report] });
// missing() reads the asset index (unpartitioned), the partition status and the observed partitions; newly_updated
// and since read the latest materialization and the events since the previous tick; eager() reads them on deps.
const conditions = {
  feed: AutomationCondition.missing(),
  plain: AutomationCondition.missing().or(AutomationCondition.newlyUpdated()),
  parted: AutomationCondition.missing(),
  down: AutomationCondition.eager(),
  report: AutomationCondition.eager(),
};

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`automation after a run is deleted, on ${backend.name}`, () => {
    const open: Instance[] = [];
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((i) => i.close()));
      for (const c of cleanups.splice(0)) await c();
    });

    /** The same tick on the long-lived instance (its memo warm) and on a fresh one: equal; returns the cursor and the requests. */
    async function tick(setup: { at: (clock: ManualClock) => Instance; clock: ManualClock; instance: Instance }, cursor: string | undefined) {
      setup.clock.advance(60_000);
      const options = { defs, conditions, evaluationTime: setup.clock.now(), ...(cursor === undefined ? {} : { cursor }) };
      const fresh = setup.at(setup.clock);
      open.push(fresh);
      const warm = await expectWarmEqualsFresh(options, setup.instance, fresh);
      const requested = Object.fromEntries(warm.results.map((r) => [r.key.toString(), r.requestedSubset.serialize()]));
      return { cursor: warm.cursor, requested };
    }

    function setupOf() {
      const s = backend.make();
      cleanups.push(s.cleanup);
      const clock = new ManualClock(Date.UTC(2026, 0, 1));
      const at = (clock: ManualClock) => Instance.open({ storage: s.config, clock });
      const instance = at(clock);
      open.push(instance);
      return { at, clock, instance };
    }

    it("counts an unpartitioned asset materialized only by the deleted run as missing again", async () => {
      const setup = setupOf();
      const run = await runWith(setup.instance, "plain", "ASSET_MATERIALIZATION", [undefined]);
      let t = await tick(setup, undefined);
      t = await tick(setup, t.cursor);
      expect(t.requested["plain"]).toBe(false);
      await setup.instance.deleteRun(run);
      t = await tick(setup, t.cursor);
      expect(t.requested["plain"]).toBe(true);
    });

    it("counts the partitions of the deleted run missing again", async () => {
      const setup = setupOf();
      await runWith(setup.instance, "parted", "ASSET_MATERIALIZATION", ["z"]);
      const run = await runWith(setup.instance, "parted", "ASSET_MATERIALIZATION", ["x", "y"]);
      let t = await tick(setup, undefined);
      t = await tick(setup, t.cursor);
      expect(keysOf(t.requested["parted"])).toEqual([]);
      await setup.instance.deleteRun(run);
      t = await tick(setup, t.cursor);
      expect(keysOf(t.requested["parted"])).toEqual(["x", "y"]);
    });

    it("forgets the partitions of an observable source observed only by the deleted run", async () => {
      const setup = setupOf();
      await runWith(setup.instance, "feed", "ASSET_OBSERVATION", ["z"]);
      const run = await runWith(setup.instance, "feed", "ASSET_OBSERVATION", ["x"]);
      let t = await tick(setup, undefined);
      t = await tick(setup, t.cursor);
      expect(keysOf(t.requested["feed"])).toEqual(["y"]);
      await setup.instance.deleteRun(run);
      t = await tick(setup, t.cursor);
      expect(keysOf(t.requested["feed"])).toEqual(["x", "y"]);
    });

    it("reads newly_updated and since from what the deleted run left", async () => {
      const setup = setupOf();
      let t = await tick(setup, undefined);
      await runWith(setup.instance, "plain", "ASSET_MATERIALIZATION", [undefined]);
      const run = await runWith(setup.instance, "plain", "ASSET_MATERIALIZATION", [undefined]);
      t = await tick(setup, t.cursor);
      await setup.instance.deleteRun(run);
      t = await tick(setup, t.cursor);
      expect(t.requested["plain"]).toBe(false);
      await runWith(setup.instance, "plain", "ASSET_MATERIALIZATION", [undefined]);
      t = await tick(setup, t.cursor);
      expect(t.requested["plain"]).toBe(true);
    });
  });
}

type Action = { kind: "materialize" | "observe"; asset: number; partition: number } | { kind: "delete"; run: number } | { kind: "nothing" };
const NAMES = ["plain", "parted", "feed"];

describe("automation with runs deleted between ticks", () => {
  it("evaluated incrementally on one instance, equals a fresh instance's evaluation tick after tick (SQLite file)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(
            fc.oneof(
              fc.record({ kind: fc.constantFrom("materialize" as const, "observe" as const), asset: fc.nat(2), partition: fc.nat(2) }),
              fc.record({ kind: fc.constant("delete" as const), run: fc.nat(8) }),
              fc.constant({ kind: "nothing" as const }),
            ),
            { maxLength: 4 },
          ),
          { minLength: 2, maxLength: 7 },
        ),
        async (ticks: Action[][]) => {
          const storage = (BACKENDS.find((b) => b.name === "SQLite") as StorageBackend).make();
          const clock = new ManualClock(Date.UTC(2026, 0, 1));
          const instance = Instance.open({ storage: storage.config, clock });
          const runs: string[] = [];
          try {
            let cursor: string | undefined;
            for (const actions of ticks) {
              for (const a of actions) {
                if (a.kind === "nothing") continue;
                if (a.kind === "delete") {
                  const runId = runs.splice(a.run % Math.max(1, runs.length), 1)[0];
                  if (runId !== undefined) await instance.deleteRun(runId);
                  continue;
                }
                const name = a.kind === "observe" ? "feed" : (NAMES[a.asset] as string);
                const partition = name === "plain" ? undefined : KEYS[a.partition];
                runs.push(await runWith(instance, name === "feed" && a.kind === "materialize" ? "report" : name, a.kind === "observe" ? "ASSET_OBSERVATION" : "ASSET_MATERIALIZATION", [partition]));
              }
              clock.advance(60_000);
              const options = { defs, conditions, evaluationTime: clock.now(), ...(cursor === undefined ? {} : { cursor }) };
              const fresh = Instance.open({ storage: storage.config, clock });
              try {
                cursor = (await expectWarmEqualsFresh(options, instance, fresh)).cursor;
              } finally {
                await fresh.close();
              }
            }
          } finally {
            await instance.close();
            await storage.cleanup();
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 300_000);
});
