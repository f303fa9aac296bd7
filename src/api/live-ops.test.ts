// The operations pages' subscriptions: schedules and sensors, backfills and daemons are sent at once, then again when
// they change (writes the event log never sees: ticks, backfill records, leases), and never when nothing changed.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { asset, defineAssetJob, sensor } from "../definitions/index.js";
import { Definitions, InProcessWorkspace } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { EventWatcher } from "./event-watcher.js";
import { createGraphQLHandler, type GraphQLHandler } from "./graphql-handler.js";
import { stateChanges } from "./state-changes.js";
import { subscribe as subscribeSse } from "../../test/support/sse.js";

const orders = asset({ name: "orders" }, async () => 1);
const job = defineAssetJob({ name: "orders_job", selection: "orders" });
const inbox = sensor({ name: "inbox", job, minimumIntervalSeconds: 30 }, () => undefined);
const defs = new Definitions({ assets: [orders], jobs: [job], sensors: [inbox] });

/** An SSE subscription read message by message; `next()` resolves with the next `data:` payload, or null once it ended. */
const subscribe = (yoga: GraphQLHandler, query: string, variables: Record<string, unknown> = {}) => subscribeSse(yoga.fetch, "http://localhost/graphql", query, variables);

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

async function setup() {
  const instance = Instance.open({ storage: { sqlite: { path: join(mkdtempSync(join(tmpdir(), "tessera-api-live-ops-")), "t.db") } } });
  const workspace = await InProcessWorkspace.load({ instance, locations: [{ name: "shop", load: defs }] });
  const watcher = new EventWatcher(instance, { pollIntervalMs: 10 });
  const yoga = createGraphQLHandler({ instance, workspace, watcher });
  open.push(async () => {
    watcher.stop();
    yoga.close();
    await instance.close();
  });
  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await yoga.fetch("http://localhost/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: Record<string, any>; errors?: { message: string }[] };
    if (body.errors) throw new Error(body.errors.map((e) => e.message).join("\n"));
    return body.data as Record<string, any>;
  };
  return { instance, yoga, gql, watcher };
}

describe("live operations subscriptions", () => {
  it("automationChanged sends the sensors, then each start, cursor change and tick", async () => {
    const { instance, yoga, gql } = await setup();
    const sub = await subscribe(yoga, `subscription { automationChanged { schedules { name } sensors { name status cursor ticks(limit: 5) { ticks { status skipReason } } } } }`);
    expect((await sub.next())?.["automationChanged"]).toEqual({ schedules: [], sensors: [{ name: "inbox", status: "STOPPED", cursor: null, ticks: { ticks: [] } }] });
    await gql(`mutation { startSensor(name: "inbox") { __typename } }`);
    expect((await sub.next())?.["automationChanged"].sensors[0]).toMatchObject({ status: "RUNNING", cursor: null });
    await gql(`mutation { setSensorCursor(name: "inbox", cursor: "file-7") { __typename } }`);
    expect((await sub.next())?.["automationChanged"].sensors[0]).toMatchObject({ status: "RUNNING", cursor: "file-7" });
    // A skipped tick writes no event: the server's own re-read finds it.
    await instance.storage.addTick({ instigatorName: "inbox", instigatorType: "SENSOR", status: "SKIPPED", timestamp: 1_000, endTimestamp: 1_001, runIds: [], runKeys: [], skipReason: "no new files" });
    expect((await sub.next())?.["automationChanged"].sensors[0].ticks.ticks).toEqual([{ status: "SKIPPED", skipReason: "no new files" }]);
    await sub.cancel();
  });

  it("backfillsChanged sends the list, then each backfill that moves; with backfillId, that one only", async () => {
    const { instance, yoga } = await setup();
    const base = { assetSelection: ["orders"], partitionKeys: ["a", "b"], runIds: [], materializedPartitions: [], failedPartitions: [], tags: {} };
    await instance.storage.addBackfill({ ...base, backfillId: "b1", status: "REQUESTED", createTime: 1, updateTime: 1 });
    const all = await subscribe(yoga, `subscription { backfillsChanged { backfillId status numMaterialized } }`);
    const one = await subscribe(yoga, `subscription { backfillsChanged(backfillId: "b2") { backfillId status } }`);
    expect((await all.next())?.["backfillsChanged"]).toEqual([{ backfillId: "b1", status: "REQUESTED", numMaterialized: 0 }]);
    expect((await one.next())?.["backfillsChanged"]).toEqual([]);
    await instance.storage.addBackfill({ ...base, backfillId: "b2", status: "REQUESTED", createTime: 2, updateTime: 2 });
    expect((await all.next())?.["backfillsChanged"].map((b: { backfillId: string }) => b.backfillId)).toEqual(["b2", "b1"]);
    expect((await one.next())?.["backfillsChanged"]).toEqual([{ backfillId: "b2", status: "REQUESTED" }]);
    await instance.storage.updateBackfill({ ...base, backfillId: "b1", status: "IN_PROGRESS", createTime: 1, updateTime: 3, materializedPartitions: ["a"] });
    expect((await all.next())?.["backfillsChanged"][1]).toEqual({ backfillId: "b1", status: "IN_PROGRESS", numMaterialized: 1 });
    await instance.storage.updateBackfill({ ...base, backfillId: "b2", status: "COMPLETED", createTime: 2, updateTime: 4, materializedPartitions: ["a", "b"] });
    // b1 did not move for `one`: its next message is b2's.
    expect((await one.next())?.["backfillsChanged"]).toEqual([{ backfillId: "b2", status: "COMPLETED" }]);
    await all.cancel();
    await one.cancel();
  });

  it("daemonStatusChanged sends each loop's health as the lease is taken and released", async () => {
    const { instance, yoga } = await setup();
    const sub = await subscribe(yoga, `subscription { daemonStatusChanged { locationName running loops { name status lastIterationAt } } }`);
    const first = (await sub.next())?.["daemonStatusChanged"];
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ locationName: "shop", running: false });
    expect(first[0].loops.map((l: { name: string }) => l.name)).toEqual(["scheduler", "sensors", "automation", "backfills", "run_queue", "run_monitoring"]);
    expect(new Set(first[0].loops.map((l: { status: string }) => l.status))).toEqual(new Set(["NOT_RUNNING"]));

    const now = Date.now();
    // A scheduler that went round an hour ago, under a lease renewed now for a minute: it is stuck.
    await instance.storage.acquireLease("daemon", "me", now, 60_000, { heartbeat: now, loops: { scheduler: now - 3_600_000, sensors: now, automation: now, backfills: now } });
    const taken = (await sub.next())?.["daemonStatusChanged"][0];
    expect(taken.running).toBe(true);
    const byName = Object.fromEntries(taken.loops.map((l: { name: string; status: string }) => [l.name, l.status]));
    expect(byName).toEqual({ scheduler: "LATE", sensors: "HEALTHY", automation: "HEALTHY", backfills: "HEALTHY", run_queue: "NOT_RUN", run_monitoring: "NOT_RUN" });

    await instance.storage.releaseLease("daemon", "me");
    expect((await sub.next())?.["daemonStatusChanged"][0]).toMatchObject({ running: false });
    await sub.cancel();
  });

  it("wakes state subscriptions when a mutation is done, and not on a query", async () => {
    const { gql, watcher } = await setup();
    const wakes: number[] = [];
    const stop = watcher.listen((max) => wakes.push(max));
    // The watcher's first poll tells where the log ends (nothing is written after it): from then on it is quiet.
    while (wakes.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    wakes.length = 0;
    await gql(`{ sensors { name } }`);
    expect(wakes).toEqual([]);
    await gql(`mutation { startSensor(name: "inbox") { __typename } }`);
    expect(wakes).toHaveLength(1);
    stop();
  });

  it("stops listening as soon as the client goes, even with no change pending", async () => {
    const { watcher } = await setup();
    let reads = 0;
    const read = async () => {
      reads++;
      return "same";
    };
    const changes = stateChanges({ watcher, read, fingerprint: (s) => s, intervalMs: 5 });
    expect(await changes.next()).toEqual({ done: false, value: "same" });
    const pending = changes.next();
    // It keeps re-reading, but sends nothing: the state did not change.
    while (reads < 4) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(watcher.listenerCount).toBe(1);
    await changes.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(watcher.listenerCount).toBe(0);
  });
});
