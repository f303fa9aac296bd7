import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AssetKey } from "../core/index.js";
import { asset } from "../definitions/index.js";
import { Definitions, InProcessWorkspace } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { dropSchema, freshSchemaName, postgresForTests } from "../../test/support/postgres.js";
import { EventWatcher } from "./event-watcher.js";
import { createGraphQLHandler, type GraphQLHandler } from "./graphql-handler.js";
import { subscribe as subscribeSse } from "../../test/support/sse.js";

const server = await postgresForTests();
const orders = asset("orders", async () => 1);
const refunds = asset("refunds", async () => 2);
const defs = new Definitions({ assets: [orders, refunds] });

/** An SSE subscription read message by message; `next()` resolves with the next `data:` payload, or null once it ended. */
const subscribe = (yoga: GraphQLHandler, query: string, variables: Record<string, unknown> = {}) => subscribeSse(yoga.fetch, "http://localhost/graphql", query, variables);

type Backend = { name: string; open(): Promise<{ instance: Instance; cleanup(): Promise<void> }> };
const backends: Backend[] = [
  {
    name: "SQLite (polled)",
    open: async () => ({ instance: Instance.open({ storage: { sqlite: { path: join(mkdtempSync(join(tmpdir(), "tessera-api-sub-")), "t.db") } } }), cleanup: async () => {} }),
  },
];
if (server.reachable) {
  backends.push({
    name: "PostgreSQL (LISTEN/NOTIFY)",
    open: async () => {
      const schema = freshSchemaName();
      const instance = await Instance.connect({ storage: { postgres: { url: server.url, schema } } });
      return { instance, cleanup: () => dropSchema(server.url, schema) };
    },
  });
}

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

async function setup(backend: Backend) {
  const { instance, cleanup } = await backend.open();
  const workspace = await InProcessWorkspace.load({ instance, locations: [{ name: "shop", load: defs }] });
  // A slow poll: on PostgreSQL nothing is polled, so the test shows notifications arrive without it.
  const watcher = new EventWatcher(instance, { pollIntervalMs: backend.name.startsWith("SQLite") ? 10 : 60_000 });
  const yoga = createGraphQLHandler({ instance, workspace, watcher });
  open.push(async () => {
    watcher.stop();
    yoga.close();
    await instance.close();
    await cleanup();
  });
  return { instance, yoga, watcher };
}

describe.each(backends)("subscriptions on $name", (backend) => {
  it("runEvents sends the history, then new events, and completes once the run has ended", async () => {
    const { instance, yoga } = await setup(backend);
    const run = await instance.createRun({ jobName: "j", tags: {}, assetSelection: ["orders"], runConfig: {} });
    await instance.storeEvents([{ runId: run.runId, timestamp: 1, eventType: "RUN_START", message: "start" }]);
    const sub = await subscribe(yoga, `subscription($id: ID!) { runEvents(runId: $id) { events { eventType } cursor } }`, { id: run.runId });
    expect((await sub.next())?.["runEvents"].events).toEqual([{ eventType: "RUN_START" }]);
    await instance.storeEvents([{ runId: run.runId, timestamp: 2, eventType: "RUN_SUCCESS", message: "done" }]);
    expect((await sub.next())?.["runEvents"].events).toEqual([{ eventType: "RUN_SUCCESS" }]);
    expect(await sub.next()).toBeNull();
  });

  it("runStatusChanged tells each move of the runs asked for, and nothing of the others", async () => {
    const { instance, yoga, watcher } = await setup(backend);
    const watched = await instance.createRun({ jobName: "j", tags: {}, assetSelection: ["orders"], runConfig: {} });
    const other = await instance.createRun({ jobName: "j", tags: {}, assetSelection: ["orders"], runConfig: {} });
    const sub = await subscribe(yoga, `subscription($ids: [ID!]) { runStatusChanged(runIds: $ids) { runId status } }`, { ids: [watched.runId] });
    const first = sub.next();
    await waitUntilListening(watcher);
    await instance.storeEvents([{ runId: other.runId, timestamp: 1, eventType: "RUN_START" }]);
    await instance.storeEvents([{ runId: watched.runId, timestamp: 1, eventType: "RUN_START" }]);
    expect((await first)?.["runStatusChanged"]).toEqual({ runId: watched.runId, status: "STARTED" });
    await instance.storeEvents([{ runId: watched.runId, timestamp: 2, eventType: "RUN_FAILURE", message: "boom" }]);
    expect((await sub.next())?.["runStatusChanged"]).toEqual({ runId: watched.runId, status: "FAILURE" });
    await sub.cancel();
  });

  it("assetStatusChanged sends the new materialization of a watched asset", async () => {
    const { instance, yoga, watcher } = await setup(backend);
    const run = await instance.createRun({ jobName: "j", tags: {}, assetSelection: ["orders", "refunds"], runConfig: {} });
    const sub = await subscribe(yoga, `subscription { assetStatusChanged(assetKeys: [{ path: ["orders"] }]) { assets { assetKey { path } latestMaterialization { timestamp runId } wiped } } }`);
    const first = sub.next();
    await waitUntilListening(watcher);
    await instance.storeEvents([{ runId: run.runId, timestamp: 7, eventType: "ASSET_MATERIALIZATION", assetKey: AssetKey.from("refunds") }]);
    await instance.storeEvents([{ runId: run.runId, timestamp: 8, eventType: "ASSET_MATERIALIZATION", assetKey: AssetKey.from("orders") }]);
    expect((await first)?.["assetStatusChanged"].assets).toEqual([{ assetKey: { path: ["orders"] }, latestMaterialization: { timestamp: 8, runId: run.runId }, wiped: false }]);
    await sub.cancel();
  });
});

/** Waits until a subscription listens: it has read where the log ends, so that it tells of every write after this. */
async function waitUntilListening(watcher: EventWatcher): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (watcher.listenerCount === 0) {
    if (Date.now() > deadline) throw new Error("the subscription never started listening");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
