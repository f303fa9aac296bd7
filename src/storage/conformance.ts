// The storage conformance suite: every backend runs these same cases (SQLite now, PostgreSQL with its issue).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AssetKey, LeaseLostError, MetadataValue, RunFinishedWriteError, type TesseraEvent } from "../core/index.js";
import type { Storage } from "./storage.js";

export interface ConformanceTarget {
  /** A fresh, empty, migrated storage. */
  create(): Promise<Storage>;
}

let clockMs = 1_700_000_000_000;
const at = (): number => (clockMs += 1000);

function event(runId: string, eventType: TesseraEvent["eventType"], extra: Partial<TesseraEvent> = {}): TesseraEvent {
  return { runId, eventType, timestamp: at(), ...extra };
}

export function describeStorageConformance(name: string, target: ConformanceTarget): void {
  describe(`Storage conformance: ${name}`, () => {
    let storage: Storage;
    beforeEach(async () => {
      storage = await target.create();
    });
    afterEach(async () => {
      await storage.close();
    });

    async function addRun(runId: string, extra: { jobName?: string; tags?: Record<string, string> } = {}): Promise<void> {
      await storage.addRun({
        runId,
        jobName: extra.jobName ?? "__ASSET_JOB",
        status: "NOT_STARTED",
        tags: extra.tags ?? {},
        assetSelection: ["a"],
        runConfig: { ops: { a: { config: { n: 1 } } } },
        createTime: at(),
      });
    }

    it("stores a run and reads it back with its tags and config", async () => {
      await addRun("r1", { tags: { team: "sales" } });
      const run = await storage.getRun("r1");
      expect(run).toMatchObject({ runId: "r1", status: "NOT_STARTED", tags: { team: "sales" }, assetSelection: ["a"] });
      expect(run?.runConfig).toEqual({ ops: { a: { config: { n: 1 } } } });
      expect(await storage.getRun("missing")).toBeUndefined();
    });

    it("moves a run's status with its lifecycle events, keeping start and end times and the failure reason", async () => {
      await addRun("r1");
      await storage.storeEvents([event("r1", "RUN_START")]);
      expect((await storage.getRun("r1"))?.status).toBe("STARTED");
      const [failure] = await storage.storeEvents([event("r1", "RUN_FAILURE", { message: "step x failed" })]);
      const run = await storage.getRun("r1");
      expect(run).toMatchObject({ status: "FAILURE", failureReason: "step x failed", endTime: failure?.timestamp });
      expect(run?.startTime).toBeLessThan(run?.endTime as number);
    });

    it("lists runs newest first, filtered by status, job and tags, a page at a time", async () => {
      await addRun("r1", { jobName: "daily", tags: { team: "sales" } });
      await addRun("r2", { jobName: "hourly", tags: { team: "ops" } });
      await addRun("r3", { jobName: "daily", tags: { team: "sales", env: "prod" } });
      await storage.storeEvents([event("r3", "RUN_START"), event("r3", "RUN_SUCCESS")]);
      expect((await storage.getRuns()).map((r) => r.runId)).toEqual(["r3", "r2", "r1"]);
      expect((await storage.getRuns({ statuses: ["SUCCESS"] })).map((r) => r.runId)).toEqual(["r3"]);
      expect((await storage.getRuns({ jobName: "daily" })).map((r) => r.runId)).toEqual(["r3", "r1"]);
      expect((await storage.getRuns({ tags: { team: "sales", env: "prod" } })).map((r) => r.runId)).toEqual(["r3"]);
      const page1 = await storage.getRuns({ limit: 2 });
      expect(page1.map((r) => r.runId)).toEqual(["r3", "r2"]);
      expect((await storage.getRuns({ limit: 2, cursor: "r2" })).map((r) => r.runId)).toEqual(["r1"]);
      expect(await storage.getRuns({ statuses: [] })).toEqual([]);
    });

    it("lists the runs that wrote an event of an asset, newest first", async () => {
      await addRun("r1", { jobName: "daily" });
      await addRun("r2", { jobName: "daily" });
      await addRun("r3", { jobName: "daily" });
      await storage.storeEvents([
        event("r1", "ASSET_MATERIALIZATION", { assetKey: AssetKey.from(["shop", "orders"]) }),
        event("r2", "ASSET_MATERIALIZATION", { assetKey: AssetKey.from("orders") }),
        event("r3", "ASSET_MATERIALIZATION_PLANNED", { assetKey: AssetKey.from(["shop", "orders"]) }),
        event("r3", "ASSET_MATERIALIZATION", { assetKey: AssetKey.from(["shop", "orders"]) }),
      ]);
      expect((await storage.getRuns({ assetKey: AssetKey.from(["shop", "orders"]) })).map((r) => r.runId)).toEqual(["r3", "r1"]);
      expect((await storage.getRuns({ assetKey: AssetKey.from(["shop", "orders"]), limit: 1, cursor: "r3" })).map((r) => r.runId)).toEqual(["r1"]);
      expect(await storage.getRuns({ assetKey: AssetKey.from("nothing") })).toEqual([]);
    });

    it("gives events increasing storage ids and returns a run's log in order, by type and after a cursor", async () => {
      await addRun("r1");
      const stored = await storage.storeEvents([
        event("r1", "RUN_START"),
        event("r1", "STEP_START", { stepKey: "a" }),
        event("r1", "LOG_MESSAGE", { stepKey: "a", level: "info", message: "hi", data: { rows: 3 } }),
        event("r1", "STEP_SUCCESS", { stepKey: "a", durationMs: 12.5 }),
      ]);
      const ids = stored.map((e) => e.storageId);
      expect([...ids].sort((x, y) => x - y)).toEqual(ids);
      expect(new Set(ids).size).toBe(4);
      const logs = await storage.getRunLogs("r1");
      expect(logs.map((e) => e.eventType)).toEqual(["RUN_START", "STEP_START", "LOG_MESSAGE", "STEP_SUCCESS"]);
      expect(logs[2]).toMatchObject({ stepKey: "a", level: "info", message: "hi", data: { rows: 3 } });
      expect(logs[3]?.durationMs).toBe(12.5);
      expect((await storage.getRunLogs("r1", { ofType: "STEP_START" })).map((e) => e.stepKey)).toEqual(["a"]);
      expect((await storage.getRunLogs("r1", { afterStorageId: ids[1] })).length).toBe(2);
      expect(await storage.getMaxStorageId()).toBe(ids[3]);
    });

    it("lists what changed in a range of storage ids: assets with events, their runs, assets a finished run had planned, wiped assets", async () => {
      await addRun("r1");
      await addRun("r2");
      const [old] = await storage.storeEvents([
        event("r1", "ASSET_MATERIALIZATION", { assetKey: new AssetKey("old") }),
        event("r2", "ASSET_MATERIALIZATION_PLANNED", { assetKey: new AssetKey(["lake", "planned"]), partition: "p1" }),
        event("r1", "ASSET_MATERIALIZATION", { assetKey: new AssetKey("wiped") }),
      ]);
      const start = await storage.getMaxStorageId();
      const sorted = (c: { assetKeys: readonly AssetKey[]; runIds: readonly string[] }) => ({ assetKeys: c.assetKeys.map(String).sort(), runIds: [...c.runIds].sort() });
      expect(await storage.getEventLogChanges(start, start)).toEqual({ assetKeys: [], runIds: [] });

      await storage.storeEvents([event("r1", "ASSET_OBSERVATION", { assetKey: new AssetKey(["a", "b"]) }), event("r1", "STEP_START")]);
      const middle = await storage.getMaxStorageId();
      await storage.storeEvents([event("r2", "RUN_SUCCESS")]);
      await storage.wipeAssets([new AssetKey("wiped")]);
      const end = await storage.getMaxStorageId();

      expect(sorted(await storage.getEventLogChanges(start, middle))).toEqual({ assetKeys: ["a/b", "wiped"], runIds: ["r1"] });
      // r2 ended after `middle`: the asset it planned changed status with no event of its own.
      expect(sorted(await storage.getEventLogChanges(middle, end))).toEqual({ assetKeys: ["lake/planned", "wiped"], runIds: ["r2"] });
      expect(sorted(await storage.getEventLogChanges(0, (old?.storageId ?? 0)))).toEqual({ assetKeys: ["old", "wiped"], runIds: ["r1"] });
    });

    it("keeps the asset index of the latest materialization and observation in the same write", async () => {
      await addRun("r1");
      const key = new AssetKey(["warehouse", "orders"]);
      await storage.storeEvents([
        event("r1", "ASSET_MATERIALIZATION", { assetKey: key, metadata: { rows: MetadataValue.int(10) }, tags: { "tessera/code_version": "v1" } }),
        event("r1", "ASSET_OBSERVATION", { assetKey: key }),
      ]);
      const [latest] = await storage.storeEvents([event("r1", "ASSET_MATERIALIZATION", { assetKey: key, metadata: { rows: MetadataValue.int(12) } })]);
      const [record] = await storage.getAssetRecords([key]);
      expect(record?.assetKey.equals(key)).toBe(true);
      expect(record?.lastMaterialization?.storageId).toBe(latest?.storageId);
      expect(record?.lastMaterialization?.metadata).toEqual({ rows: { type: "int", value: 12 } });
      expect(record?.lastObservation?.eventType).toBe("ASSET_OBSERVATION");
      expect(record?.lastRunId).toBe("r1");
      expect((await storage.getAssetKeys()).map(String)).toEqual(["warehouse/orders"]);
      expect((await storage.getAssetKeys(["warehouse"])).map(String)).toEqual(["warehouse/orders"]);
      expect(await storage.getAssetKeys(["lake"])).toEqual([]);
    });

    it("fetches an asset's materializations newest first or ascending, after or before a storage id", async () => {
      await addRun("r1");
      const key = new AssetKey("orders");
      const stored = await storage.storeEvents(
        [1, 2, 3].map((n) => event("r1", "ASSET_MATERIALIZATION", { assetKey: key, partition: `p${n}` })),
      );
      const newestFirst = await storage.getEventRecords({ eventType: "ASSET_MATERIALIZATION", assetKey: key });
      expect(newestFirst.map((e) => e.partition)).toEqual(["p3", "p2", "p1"]);
      const ascending = await storage.getEventRecords({ eventType: "ASSET_MATERIALIZATION", assetKey: key, ascending: true, limit: 2 });
      expect(ascending.map((e) => e.partition)).toEqual(["p1", "p2"]);
      const after = await storage.getEventRecords({ eventType: "ASSET_MATERIALIZATION", assetKey: key, afterStorageId: stored[0]?.storageId, ascending: true });
      expect(after.map((e) => e.partition)).toEqual(["p2", "p3"]);
      const byPartition = await storage.getEventRecords({ eventType: "ASSET_MATERIALIZATION", assetKey: key, partitions: ["p2"] });
      expect(byPartition.map((e) => e.partition)).toEqual(["p2"]);
      expect(await storage.getMaterializedPartitions(key)).toEqual(["p1", "p2", "p3"]);
    });

    it("fetches the events of several assets in one read, each above its own wipe line", async () => {
      await addRun("r1");
      const keys = Array.from({ length: 20 }, (_, i) => new AssetKey(`asset_${i}`));
      await storage.storeEvents(keys.map((assetKey, i) => event("r1", "ASSET_MATERIALIZATION", { assetKey, partition: `p${i}` })));
      await storage.wipeAssets([keys[3] as AssetKey]);
      const stored = await storage.storeEvents(keys.slice(0, 5).map((assetKey, i) => event("r1", "ASSET_MATERIALIZATION", { assetKey, partition: `q${i}` })));
      // Short and long lists (the SQLite dialect passes a long list as one parameter).
      const few = await storage.getEventRecords({ eventType: "ASSET_MATERIALIZATION", assetKeys: [keys[1] as AssetKey, keys[3] as AssetKey], ascending: true });
      expect(few.map((e) => `${e.assetKey?.toString()}:${e.partition}`)).toEqual(["asset_1:p1", "asset_1:q1", "asset_3:q3"]);
      const many = await storage.getEventRecords({ eventType: "ASSET_MATERIALIZATION", assetKeys: [...keys.slice(2), keys[2] as AssetKey], afterStorageId: 0, ascending: true });
      expect(many.map((e) => e.partition)).toEqual([...Array.from({ length: 18 }, (_, i) => `p${i + 2}`).filter((p) => p !== "p3"), "q2", "q3", "q4"]);
      const since = await storage.getEventRecords({ eventType: "ASSET_MATERIALIZATION", assetKeys: keys, afterStorageId: stored[1]?.storageId });
      expect(since.map((e) => e.partition)).toEqual(["q4", "q3", "q2"]);
      expect(await storage.getEventRecords({ eventType: "ASSET_MATERIALIZATION", assetKeys: [] })).toEqual([]);
      expect(await storage.getEventRecords({ eventType: "ASSET_OBSERVATION", assetKeys: keys })).toEqual([]);
    });

    it("wipes an asset's history from the index while its runs keep their logs", async () => {
      await addRun("r1");
      const key = new AssetKey("orders");
      const other = new AssetKey("customers");
      await storage.storeEvents([
        event("r1", "ASSET_MATERIALIZATION", { assetKey: key, partition: "p1" }),
        event("r1", "ASSET_MATERIALIZATION", { assetKey: other }),
      ]);
      await storage.wipeAssets([key]);
      expect((await storage.getAssetKeys()).map(String)).toEqual(["customers"]);
      expect(await storage.getAssetRecords([key])).toEqual([]);
      expect(await storage.getEventRecords({ eventType: "ASSET_MATERIALIZATION", assetKey: key })).toEqual([]);
      expect(await storage.getMaterializedPartitions(key)).toEqual([]);
      expect((await storage.getRunLogs("r1")).length).toBe(2);
      await storage.storeEvents([event("r1", "ASSET_MATERIALIZATION", { assetKey: key })]);
      expect((await storage.getEventRecords({ eventType: "ASSET_MATERIALIZATION", assetKey: key })).length).toBe(1);
      expect((await storage.getAssetKeys()).map(String).sort()).toEqual(["customers", "orders"]);
    });

    it("wipes some partitions of an asset: their history goes, the other partitions and the run logs stay", async () => {
      await addRun("r1");
      const key = new AssetKey("daily");
      await storage.storeEvents([
        event("r1", "ASSET_MATERIALIZATION", { assetKey: key, partition: "p1" }),
        event("r1", "ASSET_MATERIALIZATION", { assetKey: key, partition: "p2" }),
        event("r1", "ASSET_FAILED_TO_MATERIALIZE", { assetKey: key, partition: "p3" }),
        event("r1", "ASSET_OBSERVATION", { assetKey: key, partition: "p2" }),
        event("r1", "ASSET_MATERIALIZATION", { assetKey: key, partition: "p3" }),
      ]);
      const before = await storage.getMaxStorageId();
      const wiped = await storage.wipeAssetPartitions(key, ["p3", "p2", "p3"], at());
      expect(wiped.map((e) => [e.eventType, e.partition, e.runId])).toEqual([
        ["ASSET_WIPED", "p3", ""],
        ["ASSET_WIPED", "p2", ""],
      ]);
      expect(wiped.every((e) => e.storageId > before)).toBe(true);
      expect(await storage.getMaterializedPartitions(key)).toEqual(["p1"]);
      const mats = await storage.getEventRecords({ eventType: "ASSET_MATERIALIZATION", assetKey: key });
      expect(mats.map((e) => e.partition)).toEqual(["p1"]);
      expect(await storage.getEventRecords({ eventType: "ASSET_FAILED_TO_MATERIALIZE", assetKey: key })).toEqual([]);
      expect(await storage.getEventRecords({ eventType: "ASSET_OBSERVATION", assetKey: key })).toEqual([]);
      expect((await storage.getEventRecords({ eventType: "ASSET_WIPED", assetKey: key })).map((e) => e.partition)).toEqual(["p2", "p3"]);
      // Several assets in one read, each above its own wipe lines.
      await storage.storeEvents([event("r1", "ASSET_MATERIALIZATION", { assetKey: new AssetKey("other"), partition: "p2" })]);
      const both = await storage.getEventRecords({ eventType: "ASSET_MATERIALIZATION", assetKeys: [key, new AssetKey("other")], ascending: true });
      expect(both.map((e) => `${e.assetKey?.toString()}:${e.partition}`)).toEqual(["daily:p1", "other:p2"]);
      expect(await storage.getEventRecords({ eventType: "ASSET_MATERIALIZATION", assetKeys: [] })).toEqual([]);
      // The index's latest materialization was p3's: now it is the newest one left.
      const [record] = await storage.getAssetRecords([key]);
      expect(record?.lastMaterialization?.partition).toBe("p1");
      expect(record?.lastObservation).toBeUndefined();
      expect((await storage.getAssetKeys()).map(String)).toEqual(["daily", "other"]);
      expect((await storage.getRunLogs("r1")).length).toBe(6);
      // What changed since: the asset (and the other one written since), so incremental readers look at them again.
      expect((await storage.getEventLogChanges(before, await storage.getMaxStorageId())).assetKeys.map(String).sort()).toEqual(["daily", "other"]);
      // A partition materialized again after its wipe is back.
      await storage.storeEvents([event("r1", "ASSET_MATERIALIZATION", { assetKey: key, partition: "p2" })]);
      expect(await storage.getMaterializedPartitions(key)).toEqual(["p1", "p2"]);
      expect((await storage.getAssetRecords([key]))[0]?.lastMaterialization?.partition).toBe("p2");
      expect(await storage.wipeAssetPartitions(key, [], at())).toEqual([]);
    });

    it("writes a batch of events atomically: a failing batch leaves nothing behind", async () => {
      await addRun("r1");
      const bad = { runId: "r1", eventType: "STEP_START", timestamp: Number.NaN, stepKey: undefined } as unknown as TesseraEvent;
      const poisoned = { ...bad, timestamp: null } as unknown as TesseraEvent;
      await expect(storage.storeEvents([event("r1", "STEP_START", { stepKey: "a" }), poisoned])).rejects.toThrow();
      expect(await storage.getRunLogs("r1")).toEqual([]);
      const lifecycle = [event("r1", "RUN_START"), event("r1", "ASSET_MATERIALIZATION", { assetKey: new AssetKey("a") })];
      await expect(storage.storeEvents([...lifecycle, poisoned])).rejects.toThrow();
      expect(await storage.getRunLogs("r1")).toEqual([]);
      expect((await storage.getRun("r1"))?.status).toBe("NOT_STARTED");
      expect(await storage.getAssetKeys()).toEqual([]);
      expect(await storage.getMaxStorageId()).toBe(0);
    });

    it("deletes a run with its tags and events", async () => {
      await addRun("r1", { tags: { team: "sales" } });
      await storage.storeEvents([event("r1", "RUN_START")]);
      await storage.deleteRun("r1");
      expect(await storage.getRun("r1")).toBeUndefined();
      expect(await storage.getRunLogs("r1")).toEqual([]);
      expect(await storage.getRuns({ tags: { team: "sales" } })).toEqual([]);
    });

    it("deletes a run with asset events: its assets are indexed from the events left, and the head counts the deletion", async () => {
      const a = new AssetKey("a");
      await addRun("old");
      await addRun("new");
      await addRun("plain");
      const [kept] = await storage.storeEvents([event("old", "ASSET_MATERIALIZATION", { assetKey: a }), event("old", "ASSET_OBSERVATION", { assetKey: a })]);
      await storage.storeEvents([event("new", "ASSET_MATERIALIZATION", { assetKey: a }), event("new", "ASSET_OBSERVATION", { assetKey: a })]);
      await storage.storeEvents([event("plain", "RUN_START")]);
      expect(await storage.getEventLogHead()).toEqual({ maxStorageId: await storage.getMaxStorageId(), deletions: 0 });
      // No asset event: nothing a reader built from asset events changes, so nothing is counted.
      await storage.deleteRun("plain");
      expect((await storage.getEventLogHead()).deletions).toBe(0);
      await storage.deleteRun("new");
      const [record] = await storage.getAssetRecords([a]);
      expect(record?.lastMaterialization?.storageId).toBe(kept?.storageId);
      expect(record?.lastObservation?.runId).toBe("old");
      expect(record?.lastRunId).toBe("old");
      expect(await storage.getEventLogHead()).toEqual({ maxStorageId: await storage.getMaxStorageId(), deletions: 1 });
      await storage.deleteRun("old");
      expect(await storage.getAssetRecords([a])).toEqual([]);
      expect(await storage.getAssetKeys()).toEqual([]);
      expect((await storage.getEventLogHead()).deletions).toBe(2);
    });

    it("finds run and backfill ids by prefix: literally (no LIKE wildcards), case-sensitively, in byte order, counting beyond the limit", async () => {
      for (const id of ["abc1-x", "abc1-y", "abc2", "ABC1-z", "a%c1", "a_c1", "a\\c1", "zz"]) await addRun(id);
      expect(await storage.runIds("abc1")).toEqual({ ids: ["abc1-x", "abc1-y"], total: 2 });
      expect(await storage.runIds("abc")).toEqual({ ids: ["abc1-x", "abc1-y", "abc2"], total: 3 });
      expect(await storage.runIds("abc", { limit: 2 })).toEqual({ ids: ["abc1-x", "abc1-y"], total: 3 });
      expect(await storage.runIds("ABC")).toEqual({ ids: ["ABC1-z"], total: 1 });
      expect(await storage.runIds("a%")).toEqual({ ids: ["a%c1"], total: 1 });
      expect(await storage.runIds("a_")).toEqual({ ids: ["a_c1"], total: 1 });
      expect(await storage.runIds("a\\")).toEqual({ ids: ["a\\c1"], total: 1 });
      expect(await storage.runIds("abc2")).toEqual({ ids: ["abc2"], total: 1 });
      expect(await storage.runIds("nope")).toEqual({ ids: [], total: 0 });
      const backfill = { status: "REQUESTED" as const, assetSelection: ["a"], partitionKeys: [], runIds: [], materializedPartitions: [], failedPartitions: [], tags: {}, createTime: 1, updateTime: 1 };
      for (const id of ["1a2b3c4d", "1a2b9999", "1_2b0000", "ffff0000"]) await storage.addBackfill({ ...backfill, backfillId: id });
      expect(await storage.backfillIds("1a2b")).toEqual({ ids: ["1a2b3c4d", "1a2b9999"], total: 2 });
      expect(await storage.backfillIds("1_2b")).toEqual({ ids: ["1_2b0000"], total: 1 });
      expect(await storage.backfillIds("1a2b3", { limit: 5 })).toEqual({ ids: ["1a2b3c4d"], total: 1 });
      expect(await storage.backfillIds("abc1")).toEqual({ ids: [], total: 0 });
    });

    it("adds, lists, checks and deletes dynamic partitions in insertion order, ignoring duplicates", async () => {
      await storage.addDynamicPartitions("customers", ["acme", "globex"]);
      await storage.addDynamicPartitions("customers", ["acme", "initech"]);
      expect(await storage.getDynamicPartitions("customers")).toEqual(["acme", "globex", "initech"]);
      expect(await storage.hasDynamicPartition("customers", "globex")).toBe(true);
      await storage.deleteDynamicPartition("customers", "globex");
      expect(await storage.getDynamicPartitions("customers")).toEqual(["acme", "initech"]);
      expect(await storage.getDynamicPartitions("other")).toEqual([]);
    });

    it("records backfills, updates them in place and lists them newest first by status", async () => {
      const base = {
        status: "REQUESTED" as const,
        assetSelection: ["daily_sales"],
        partitionKeys: ["2026-11-01", "2026-11-02"],
        runIds: [],
        materializedPartitions: [],
        failedPartitions: [],
        tags: { team: "sales" },
      };
      await storage.addBackfill({ ...base, backfillId: "b1", createTime: 1, updateTime: 1 });
      await storage.addBackfill({ ...base, backfillId: "b2", createTime: 2, updateTime: 2, fromFailureOf: "b1" });
      await storage.updateBackfill({ ...base, backfillId: "b1", createTime: 1, updateTime: 3, status: "COMPLETED_FAILED", runIds: ["r1"], failedPartitions: ["2026-11-02"] });
      expect(await storage.getBackfill("b1")).toMatchObject({ status: "COMPLETED_FAILED", runIds: ["r1"], failedPartitions: ["2026-11-02"], updateTime: 3, tags: { team: "sales" } });
      expect((await storage.getBackfill("b2"))?.fromFailureOf).toBe("b1");
      expect(await storage.getBackfill("nope")).toBeUndefined();
      expect((await storage.getBackfills()).map((b) => b.backfillId)).toEqual(["b2", "b1"]);
      expect((await storage.getBackfills({ statuses: ["REQUESTED"] })).map((b) => b.backfillId)).toEqual(["b2"]);
      expect((await storage.getBackfills({ limit: 1 })).map((b) => b.backfillId)).toEqual(["b2"]);
    });

    it("keeps each schedule's and sensor's state, replacing it in place, listed by name and type", async () => {
      await storage.setInstigatorState({ name: "nightly", type: "SCHEDULE", status: "RUNNING", updateTime: 1, lastTickTimestamp: 1000 });
      await storage.setInstigatorState({ name: "new_files", type: "SENSOR", status: "RUNNING", updateTime: 2, cursor: '{"seen":["a,b"]}' });
      await storage.setInstigatorState({ name: "nightly", type: "SCHEDULE", status: "STOPPED", updateTime: 3, lastTickTimestamp: 2000 });
      expect(await storage.getInstigatorState("nightly")).toEqual({ name: "nightly", type: "SCHEDULE", status: "STOPPED", updateTime: 3, lastTickTimestamp: 2000 });
      expect(await storage.getInstigatorState("new_files")).toEqual({ name: "new_files", type: "SENSOR", status: "RUNNING", updateTime: 2, cursor: '{"seen":["a,b"]}' });
      expect(await storage.getInstigatorState("missing")).toBeUndefined();
      expect((await storage.getInstigatorStates()).map((s) => s.name)).toEqual(["new_files", "nightly"]);
      expect((await storage.getInstigatorStates("SENSOR")).map((s) => s.name)).toEqual(["new_files"]);
    });

    it("records ticks, updates them in place and lists an instigator's ticks newest first", async () => {
      const base = { instigatorName: "nightly", instigatorType: "SCHEDULE" as const, runIds: [], runKeys: [] };
      const first = await storage.addTick({ ...base, status: "STARTED", timestamp: 1000 });
      const second = await storage.addTick({ ...base, status: "STARTED", timestamp: 2000 });
      await storage.addTick({ ...base, instigatorName: "other", status: "SKIPPED", timestamp: 3000, skipReason: "nothing new" });
      expect(second.tickId).toBeGreaterThan(first.tickId);
      await storage.updateTick({ ...first, status: "SUCCESS", endTimestamp: 1500, runIds: ["r1", "r2"], runKeys: ["k1", "k2"], cursor: "c1", evaluationId: 4, requestedCount: 2 });
      await storage.updateTick({ ...second, status: "FAILURE", endTimestamp: 2500, error: "Error: boom\n    at sensor (defs.ts:3)" });
      const ticks = await storage.getTicks("nightly");
      expect(ticks.map((t) => [t.tickId, t.status])).toEqual([
        [second.tickId, "FAILURE"],
        [first.tickId, "SUCCESS"],
      ]);
      expect(ticks[1]).toEqual({ ...base, tickId: first.tickId, status: "SUCCESS", timestamp: 1000, endTimestamp: 1500, runIds: ["r1", "r2"], runKeys: ["k1", "k2"], cursor: "c1", evaluationId: 4, requestedCount: 2 });
      expect(ticks[0]?.error).toBe("Error: boom\n    at sensor (defs.ts:3)");
      expect((await storage.getTicks("nightly", { statuses: ["SUCCESS"] })).map((t) => t.tickId)).toEqual([first.tickId]);
      expect((await storage.getTicks("nightly", { beforeTimestamp: 2000 })).map((t) => t.tickId)).toEqual([first.tickId]);
      expect((await storage.getTicks("nightly", { limit: 1 })).map((t) => t.tickId)).toEqual([second.tickId]);
      expect(await storage.getTicks("nightly", { statuses: [] })).toEqual([]);
      expect(await storage.getTicks("missing")).toEqual([]);
    });

    it("stores automation evaluations per asset and reads them newest first, or one evaluation", async () => {
      const tree = (n: number) => ({ label: "Any deps updated", trueSubset: { size: n, partitions: ["2026-11-01", 'q"uote'] }, children: [] });
      await storage.addAutomationEvaluations([
        { assetKey: "a/b", evaluationId: 1, timestamp: 1000, sensorName: "default_automation_condition_sensor", numRequested: 0, tree: tree(0) },
        { assetKey: "c", evaluationId: 1, timestamp: 1000, sensorName: "default_automation_condition_sensor", numRequested: 1, tree: tree(1) },
      ]);
      await storage.addAutomationEvaluations([{ assetKey: "a/b", evaluationId: 2, timestamp: 2000, sensorName: "default_automation_condition_sensor", numRequested: 3, tree: tree(3) }]);
      await storage.addAutomationEvaluations([]);
      const evaluations = await storage.getAutomationEvaluations("a/b");
      expect(evaluations.map((e) => [e.evaluationId, e.numRequested, e.timestamp])).toEqual([
        [2, 3, 2000],
        [1, 0, 1000],
      ]);
      expect(evaluations[0]).toEqual({ assetKey: "a/b", evaluationId: 2, timestamp: 2000, sensorName: "default_automation_condition_sensor", numRequested: 3, tree: tree(3) });
      expect((await storage.getAutomationEvaluations("a/b", { limit: 1 })).map((e) => e.evaluationId)).toEqual([2]);
      expect((await storage.getAutomationEvaluations("a/b", { evaluationId: 1 })).map((e) => e.tree)).toEqual([tree(0)]);
      expect(await storage.getAutomationEvaluations("missing")).toEqual([]);
    });

    it("grants a lease to one holder at a time: renewed by its holder, taken over only once expired, released by its holder", async () => {
      const first = await storage.acquireLease("daemon", "host-a:1", 1000, 30_000, { pid: 1 });
      expect(first).toEqual({ name: "daemon", holder: "host-a:1", acquiredAt: 1000, expiresAt: 31_000, info: { pid: 1 } });
      const refused = await storage.acquireLease("daemon", "host-b:2", 20_000, 30_000, { pid: 2 });
      expect(refused).toEqual(first);
      const renewed = await storage.acquireLease("daemon", "host-a:1", 25_000, 30_000, { pid: 1, loops: { scheduler: 25_000 } });
      expect(renewed).toEqual({ name: "daemon", holder: "host-a:1", acquiredAt: 1000, expiresAt: 55_000, info: { pid: 1, loops: { scheduler: 25_000 } } });
      await storage.releaseLease("daemon", "host-b:2");
      expect((await storage.getLease("daemon"))?.holder).toBe("host-a:1");
      const takenOver = await storage.acquireLease("daemon", "host-b:2", 55_000, 30_000);
      expect(takenOver).toMatchObject({ holder: "host-b:2", acquiredAt: 55_000, expiresAt: 85_000, info: {} });
      await storage.releaseLease("daemon", "host-b:2");
      expect(await storage.getLease("daemon")).toBeUndefined();
      const contenders = await Promise.all(["x", "y", "z"].map((holder) => storage.acquireLease("pool", holder, 1, 1000)));
      expect(new Set(contenders.map((l) => l.holder)).size).toBe(1);
    });

    it("never changes a finished run: step and status events for it are refused in the transaction, notes still accepted", async () => {
      await addRun("r1");
      await storage.storeEvents([event("r1", "RUN_START"), event("r1", "STEP_START", { stepKey: "a" })]);
      await storage.storeEvents([event("r1", "RUN_FAILURE", { message: "its worker died" })]);
      const before = (await storage.getRunLogs("r1")).length;
      await expect(storage.storeEvents([event("r1", "STEP_SUCCESS", { stepKey: "a" })])).rejects.toBeInstanceOf(RunFinishedWriteError);
      await expect(storage.storeEvents([event("r1", "RUN_SUCCESS")])).rejects.toThrow(/already ended FAILURE/);
      // A batch mixing a live run and a finished one is refused whole.
      await addRun("r2");
      await expect(storage.storeEvents([event("r2", "RUN_START"), event("r1", "ASSET_MATERIALIZATION", { assetKey: new AssetKey("a") })])).rejects.toThrow(RunFinishedWriteError);
      expect((await storage.getRun("r2"))?.status).toBe("NOT_STARTED");
      expect(await storage.getAssetRecords([new AssetKey("a")])).toEqual([]);
      await storage.storeEvents([event("r1", "ENGINE_EVENT", { message: "note" })]);
      expect((await storage.getRunLogs("r1")).length).toBe(before + 1);
      expect(await storage.getRun("r1")).toMatchObject({ status: "FAILURE", failureReason: "its worker died" });
    });

    it("stores a fenced batch only while its holder holds the lease unexpired (the fencing token)", async () => {
      await addRun("r1");
      await storage.acquireLease("worker:w1", "w1", 1000, 5000);
      const fence = { lease: "worker:w1", holder: "w1", now: 2000 };
      await storage.storeEvents([event("r1", "RUN_START")], { fence });
      await expect(storage.storeEvents([event("r1", "STEP_START", { stepKey: "a" })], { fence: { ...fence, now: 6000 } })).rejects.toThrow(/lost its lease worker:w1 \(it expired 0 s ago\)/);
      await expect(storage.storeEvents([event("r1", "STEP_START", { stepKey: "a" })], { fence: { ...fence, holder: "w2" } })).rejects.toBeInstanceOf(LeaseLostError);
      await expect(storage.storeEvents([event("r1", "STEP_START", { stepKey: "a" })], { fence: { ...fence, lease: "worker:none" } })).rejects.toThrow(/no longer exists/);
      expect((await storage.getRunLogs("r1")).map((e) => e.eventType)).toEqual(["RUN_START"]);
      expect((await storage.getRun("r1"))?.status).toBe("STARTED");
    });

    it("writes fenced key-values only while the fence's holder holds its lease unexpired", async () => {
      await storage.acquireLease("worker:w1", "w1", 1000, 5000);
      const fence = { lease: "worker:w1", holder: "w1", now: 2000 };
      await storage.setKv({ "step_report/r1/a/0": "kept" }, { fence });
      await expect(storage.setKv({ "step_report/r1/a/0": "late" }, { fence: { ...fence, now: 6000 } })).rejects.toThrow(/lost its lease worker:w1 \(it expired 0 s ago\)/);
      await expect(storage.setKv({ "step_report/r1/b/0": "other" }, { fence: { ...fence, holder: "w2" } })).rejects.toThrow(/w1 holds it now/);
      await expect(storage.setKv({ "step_report/r1/b/0": "none" }, { fence: { ...fence, lease: "worker:none" } })).rejects.toThrow(/no longer exists/);
      expect(await storage.getKv(["step_report/r1/a/0", "step_report/r1/b/0"])).toEqual({ "step_report/r1/a/0": "kept" });
    });

    it("stores key-value cursors and overwrites them", async () => {
      await storage.setKv({ a: "1", b: "2" });
      await storage.setKv({ a: "3" });
      expect(await storage.getKv(["a", "b", "c"])).toEqual({ a: "3", b: "2" });
    });

    it("reads back run ids, tags, partitions and messages with quotes, commas, braces, backslashes, NULL and non-ASCII text", async () => {
      const odd = ['a,"b"', "{c}", "back\\slash", "NULL", "", "naïve ☃ 日本", "line\nbreak", "it's"];
      const runId = odd.join("|");
      await addRun(runId, { tags: Object.fromEntries(odd.map((v, i) => [`k${i}${v}`, v])) });
      const key = new AssetKey(["odd-key", "v1.2_x"]);
      const stored = await storage.storeEvents(
        odd.map((v) => event(runId, "ASSET_MATERIALIZATION", { assetKey: key, partition: v, stepKey: v, message: v, data: { v } })),
      );
      expect((await storage.getRun(runId))?.tags).toEqual(Object.fromEntries(odd.map((v, i) => [`k${i}${v}`, v])));
      expect(await storage.getRuns({ tags: { "k1{c}": "{C}" } })).toEqual([]);
      expect((await storage.getRuns({ tags: { "k1{c}": "{c}" } })).map((r) => r.runId)).toEqual([runId]);
      const logs = await storage.getRunLogs(runId);
      expect(logs.map((e) => [e.partition, e.stepKey, e.message, e.data?.v])).toEqual(odd.map((v) => [v, v, v, v]));
      expect(logs.map((e) => e.storageId)).toEqual(stored.map((e) => e.storageId));
      expect((await storage.getEventRecords({ eventType: "ASSET_MATERIALIZATION", assetKey: key, partitions: ["NULL", "{c}"], ascending: true })).map((e) => e.partition)).toEqual(["{c}", "NULL"]);
      await storage.addDynamicPartitions("odd", odd);
      expect(await storage.getDynamicPartitions("odd")).toEqual(odd);
      await storage.setKv(Object.fromEntries(odd.map((v) => [v, v])));
      expect(await storage.getKv(odd)).toEqual(Object.fromEntries(odd.map((v) => [v, v])));
    });

    it("lists asset keys and partitions in byte order, and asset records in the order asked", async () => {
      await addRun("r1");
      const names = ["b", "B", "a_z", "a-z", "A", "a.z", "10", "9"];
      await storage.storeEvents(names.map((n) => event("r1", "ASSET_MATERIALIZATION", { assetKey: new AssetKey(n), partition: n })));
      await storage.storeEvents(names.map((n) => event("r1", "ASSET_MATERIALIZATION", { assetKey: new AssetKey("parts"), partition: n })));
      const byteOrder = [...names, "parts"].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      expect((await storage.getAssetKeys()).map(String)).toEqual(byteOrder);
      expect((await storage.getAssetRecords()).map((r) => r.assetKey.toString())).toEqual(byteOrder);
      expect(await storage.getMaterializedPartitions(new AssetKey("parts"))).toEqual([...names].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
      const asked = ["b", "missing", "A", "10"].map((n) => new AssetKey(n));
      expect((await storage.getAssetRecords(asked)).map((r) => r.assetKey.toString())).toEqual(["b", "A", "10"]);
    });

    it("treats empty inputs as no-ops", async () => {
      expect(await storage.storeEvents([])).toEqual([]);
      await storage.wipeAssets([]);
      await storage.addDynamicPartitions("customers", []);
      await storage.setKv({});
      expect(await storage.getKv([])).toEqual({});
      expect(await storage.getAssetRecords([])).toEqual([]);
      expect(await storage.getRuns({ runIds: [] })).toEqual([]);
      expect(await storage.getEventRecords({ eventType: "ASSET_MATERIALIZATION", partitions: [] })).toEqual([]);
      expect(await storage.getMaxStorageId()).toBe(0);
      expect(await storage.info()).toMatchObject({ runs: 0, events: 0, assets: 0 });
    });

    it("reports its schema as current and counts what it holds", async () => {
      await addRun("r1");
      await storage.storeEvents([event("r1", "ASSET_MATERIALIZATION", { assetKey: new AssetKey("a") })]);
      const info = await storage.info();
      expect(info.schema.version).toBe(info.schema.latest);
      expect(info).toMatchObject({ runs: 1, events: 1, assets: 1 });
    });
  });
}
