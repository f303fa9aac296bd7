// A partitioned observable source's observed partitions, read incrementally across ticks (only the observations
// stored since the previous tick), give the results, cursor and trees of a full evaluation: with partitions
// observed, wiped one by one, and the whole source wiped between ticks.
import fc from "fast-check";
import { describe, it } from "vitest";
import { AssetKey, DataVersion, Instance, ManualClock, StaticPartitionsDefinition, asset, observableSourceAsset } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { expectIncrementalEqualsFull } from "./test-incremental.js";

const KEYS = ["w", "x", "y", "z"];
const PARTS = new StaticPartitionsDefinition(KEYS);

type Action = { kind: "observe"; partition: number } | { kind: "wipe_partition"; partition: number } | { kind: "materialize"; partition: number } | { kind: "wipe" } | { kind: "nothing" };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constantFrom("observe" as const, "wipe_partition" as const, "materialize" as const), partition: fc.nat(KEYS.length - 1) }),
  fc.record({ kind: fc.constantFrom("wipe" as const, "nothing" as const) }),
);

describe("observed partitions of an observable source", () => {
  it("read incrementally, equal a full read tick after tick", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(action, { maxLength: 4 }), { minLength: 2, maxLength: 8 }), async (ticks) => {
        const source = observableSourceAsset({ name: "feed", partitionsDef: PARTS }, () => new DataVersion("v"));
        const report = asset({ name: "report", deps: ["feed"], partitionsDef: PARTS }, () => 1);
        const defs = new Definitions({ assets: [source, report] });
        const clock = new ManualClock(Date.UTC(2026, 0, 1));
        const instance = Instance.ephemeral({ clock });
        // missing() on the source reads its observed partitions; eager() on the report reads the source's missing ones.
        const conditions = { feed: AutomationCondition.missing(), report: AutomationCondition.eager() };
        try {
          let cursor: string | undefined;
          for (const actions of ticks) {
            for (const a of actions) {
              if (a.kind === "nothing") continue;
              if (a.kind === "wipe") {
                await instance.wipeAssets(["feed"]);
                continue;
              }
              const partition = KEYS[a.partition] as string;
              if (a.kind === "wipe_partition") {
                await instance.wipeAssetPartitions("feed", [partition]);
                continue;
              }
              const name = a.kind === "observe" ? "feed" : "report";
              const run = await instance.createRun({ jobName: "__test__", tags: {}, assetSelection: [name], runConfig: {} });
              const eventType = a.kind === "observe" ? "ASSET_OBSERVATION" : "ASSET_MATERIALIZATION";
              await instance.storeEvents([{ runId: run.runId, stepKey: name, timestamp: clock.now(), eventType, assetKey: new AssetKey(name), partition }]);
            }
            clock.advance(60_000);
            const options = { defs, instance, conditions, evaluationTime: clock.now(), ...(cursor === undefined ? {} : { cursor }) };
            cursor = await expectIncrementalEqualsFull(options);
          }
        } finally {
          await instance.close();
        }
      }),
      { numRuns: 60 },
    );
  }, 300_000);
});
