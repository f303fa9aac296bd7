// Deleting a run takes its events out of every answer: the asset index, and the partition statuses an instance keeps
// in memory and in storage give what a fresh instance reading the same storage gives, on SQLite and PostgreSQL.
import { afterEach, describe, expect, it } from "vitest";
import { AssetKey, ManualClock, type EventType } from "../core/index.js";
import { StaticPartitionsDefinition } from "../partitions/index.js";
import { postgresForTests } from "../../test/support/postgres.js";
import { storageBackends } from "../../test/support/storage-backends.js";
import { Instance } from "./instance.js";
import { partitionStatusKeys } from "./test-partition-status.js";

const server = await postgresForTests();
const PARTS = new StaticPartitionsDefinition(["x", "y", "z"]);

const BACKENDS = storageBackends(server, "tessera-delrun-");


async function runWith(instance: Instance, asset: string, events: readonly { eventType: EventType; partition?: string }[]): Promise<string> {
  const run = await instance.createRun({ jobName: "__test__", tags: {}, assetSelection: [asset], runConfig: {} });
  await instance.storeEvents([
    { runId: run.runId, timestamp: 1, eventType: "RUN_START" },
    ...events.map((e) => ({ runId: run.runId, timestamp: 1, eventType: e.eventType, assetKey: new AssetKey(asset), ...(e.partition === undefined ? {} : { partition: e.partition }) })),
    { runId: run.runId, timestamp: 1, eventType: "RUN_SUCCESS" },
  ]);
  return run.runId;
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`a deleted run's events on ${backend.name}`, () => {
    const open: Instance[] = [];
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((i) => i.close()));
      for (const c of cleanups.splice(0)) await c();
    });
    function storage(): () => Instance {
      const s = backend.make();
      cleanups.push(s.cleanup);
      return () => {
        const instance = Instance.open({ storage: s.config, clock: new ManualClock(Date.UTC(2026, 0, 1)) });
        open.push(instance);
        return instance;
      };
    }

    it("leave the asset index: the latest materialization and observation are the newest remaining ones", async () => {
      const instance = storage()();
      const kept = await runWith(instance, "a", [{ eventType: "ASSET_MATERIALIZATION" }, { eventType: "ASSET_OBSERVATION" }]);
      const deleted = await runWith(instance, "a", [{ eventType: "ASSET_MATERIALIZATION" }, { eventType: "ASSET_OBSERVATION" }]);
      expect((await instance.getLatestMaterializationEvent("a"))?.runId).toBe(deleted);
      await instance.deleteRun(deleted);
      expect((await instance.getLatestMaterializationEvent("a"))?.runId).toBe(kept);
      expect((await instance.getLatestObservationEvent("a"))?.runId).toBe(kept);
    });

    it("leave no asset behind when the deleted run held its only events", async () => {
      const instance = storage()();
      await runWith(instance, "b", [{ eventType: "ASSET_MATERIALIZATION" }]);
      const only = await runWith(instance, "a", [{ eventType: "ASSET_MATERIALIZATION" }]);
      await instance.deleteRun(only);
      expect(await instance.getLatestMaterializationEvent("a")).toBeUndefined();
      expect((await instance.getAssetKeys()).map(String)).toEqual(["b"]);
    });

    it("leave the partition status held in memory and in storage, as a fresh instance and a read from scratch find it", async () => {
      const at = storage();
      const instance = at();
      await runWith(instance, "p", [{ eventType: "ASSET_MATERIALIZATION", partition: "z" }]);
      const deleted = await runWith(instance, "p", [
        { eventType: "ASSET_MATERIALIZATION", partition: "x" },
        { eventType: "ASSET_FAILED_TO_MATERIALIZE", partition: "y" },
      ]);
      // Warm: held in this process and stored.
      expect(partitionStatusKeys(await instance.getPartitionStatus("p", PARTS))).toMatchObject({ materialized: ["x", "z"], failed: ["y"] });
      await instance.deleteRun(deleted);
      const warm = partitionStatusKeys(await instance.getPartitionStatus("p", PARTS));
      expect(warm).toEqual({ materialized: ["z"], failed: [], inProgress: [], missing: ["x", "y"] });
      // Another process: reads the stored status.
      expect(partitionStatusKeys(await at().getPartitionStatus("p", PARTS))).toEqual(warm);
      // From scratch: the stored status forgotten.
      const scratch = at();
      await scratch.storage.setKv({ "partition_status/p": "" });
      expect(partitionStatusKeys(await scratch.getPartitionStatus("p", PARTS))).toEqual(warm);
    });

    it("leave a partition status read by another process than the one that deleted the run", async () => {
      const at = storage();
      const daemon = at();
      const deleted = await runWith(daemon, "p", [{ eventType: "ASSET_MATERIALIZATION", partition: "x" }]);
      expect(partitionStatusKeys(await daemon.getPartitionStatus("p", PARTS))).toMatchObject({ materialized: ["x"] });
      await at().deleteRun(deleted);
      expect(partitionStatusKeys(await daemon.getPartitionStatus("p", PARTS))).toMatchObject({ materialized: [], missing: ["x", "y", "z"] });
    });

    it("leave the latest check evaluations held in memory, as a fresh instance finds them", async () => {
      const at = storage();
      const instance = at();
      const evaluate = async (passed: boolean): Promise<string> => {
        const run = await instance.createRun({ jobName: "__test__", tags: {}, assetSelection: ["a"], runConfig: {} });
        await instance.storeEvents([{ runId: run.runId, timestamp: 1, eventType: "ASSET_CHECK_EVALUATION", assetKey: new AssetKey("a"), checkName: "rows", passed }]);
        return run.runId;
      };
      const kept = await evaluate(true);
      const deleted = await evaluate(false);
      expect((await instance.getLatestAssetCheckEvaluationsOf(["a"]))[0]?.get("rows")?.runId).toBe(deleted);
      await instance.deleteRun(deleted);
      expect((await instance.getLatestAssetCheckEvaluationsOf(["a"]))[0]?.get("rows")?.runId).toBe(kept);
      expect((await at().getLatestAssetCheckEvaluationsOf(["a"]))[0]?.get("rows")?.runId).toBe(kept);
    });

    it("leave the latest materialization attempt held in memory, as a fresh instance finds it", async () => {
      const at = storage();
      const instance = at();
      const kept = await runWith(instance, "a", [{ eventType: "ASSET_MATERIALIZATION_PLANNED" }]);
      const deleted = await runWith(instance, "a", [{ eventType: "ASSET_MATERIALIZATION_PLANNED" }]);
      expect((await instance.getLatestMaterializationAttempts(["a"]))[0]?.planned.runId).toBe(deleted);
      await instance.deleteRun(deleted);
      expect((await instance.getLatestMaterializationAttempts(["a"]))[0]?.planned.runId).toBe(kept);
      expect((await at().getLatestMaterializationAttempts(["a"]))[0]?.planned.runId).toBe(kept);
    });

    it("leave no partition status stored before deletions were counted: it is built again from the events", async () => {
      const at = storage();
      const instance = at();
      await runWith(instance, "p", [{ eventType: "ASSET_MATERIALIZATION", partition: "z" }]);
      expect(partitionStatusKeys(await instance.getPartitionStatus("p", PARTS))).toMatchObject({ materialized: ["z"] });
      // As an older Tessera stored it after a run that materialized x was deleted: x kept, no count of deletions.
      const stored = JSON.parse((await instance.storage.getKv(["partition_status/p"]))["partition_status/p"] as string) as Record<string, unknown>;
      delete stored["deletions"];
      stored["materialized"] = PARTS.subsetWithPartitionKeys(["x", "z"]).serialize();
      await instance.storage.setKv({ "partition_status/p": JSON.stringify(stored) });
      expect(partitionStatusKeys(await at().getPartitionStatus("p", PARTS))).toEqual({ materialized: ["z"], failed: [], inProgress: [], missing: ["x", "y"] });
    });

    it("leave a planned partition in progress no more", async () => {
      const at = storage();
      const instance = at();
      const run = await instance.createRun({ jobName: "__test__", tags: {}, assetSelection: ["p"], runConfig: {} });
      await instance.storeEvents([{ runId: run.runId, timestamp: 1, eventType: "ASSET_MATERIALIZATION_PLANNED", assetKey: new AssetKey("p"), partition: "y" }]);
      expect(partitionStatusKeys(await instance.getPartitionStatus("p", PARTS))).toMatchObject({ inProgress: ["y"] });
      await instance.deleteRun(run.runId);
      expect(partitionStatusKeys(await instance.getPartitionStatus("p", PARTS))).toEqual({ materialized: [], failed: [], inProgress: [], missing: ["x", "y", "z"] });
    });
  });
}
