import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AssetKey } from "../core/index.js";
import { AssetSpec, asset } from "../definitions/index.js";
import { StaticPartitionsDefinition } from "../partitions/index.js";
import { Definitions, InProcessWorkspace } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { createGraphQLHandler, type GraphQLHandler } from "./graphql-handler.js";
import type { QueryLimits } from "./query-limits.js";

const raw = new AssetSpec(["raw", "orders"], { groupName: "ingest" });
const orders = asset({ name: "orders", deps: [raw], groupName: "shop", partitionsDef: new StaticPartitionsDefinition(["a", "b", "c", "d", "e"]) }, async () => 1);
const revenue = asset({ name: "revenue", ins: { orders }, groupName: "shop" }, async () => 2);
const defs = new Definitions({ assets: [raw, orders, revenue] });

const open: { instance: Instance; yoga: GraphQLHandler }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    o.yoga.close();
    await o.instance.close();
  }
});

async function setup(options: { readOnly?: boolean; failing?: boolean; limits?: QueryLimits } = {}) {
  const instance = Instance.open({ storage: { sqlite: { path: join(mkdtempSync(join(tmpdir(), "tessera-api-")), "t.db") } } });
  const locations = [{ name: "shop", load: defs }, ...(options.failing ? [{ name: "broken", load: () => Promise.reject(new Error("cannot import ./missing.js")) }] : [])];
  const workspace = await InProcessWorkspace.load({ instance, locations });
  const yoga = createGraphQLHandler({ instance, workspace, readOnly: options.readOnly ?? false, pollIntervalMs: 10, ...(options.limits ? { limits: options.limits } : {}) });
  open.push({ instance, yoga });
  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await yoga.fetch("http://localhost/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as { data?: Record<string, any>; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  };
  return { instance, workspace, yoga, gql };
}

describe("GraphQL API queries", () => {
  it("lists locations with the load error of a failing one, and asset nodes with dependencies both ways", async () => {
    const { gql } = await setup({ failing: true });
    const result = await gql(`{ version locations { name status error { message } } assetNodes { key { path } groupName dependencyKeys { path } dependedByKeys { path } isPartitioned } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data?.["locations"]).toEqual([
      { name: "shop", status: "LOADED", error: null },
      { name: "broken", status: "FAILED", error: { message: "cannot import ./missing.js" } },
    ]);
    const nodes = result.data?.["assetNodes"] as { key: { path: string[] }; dependencyKeys: unknown[]; dependedByKeys: unknown[] }[];
    expect(nodes.map((n) => n.key.path.join("/"))).toEqual(["raw/orders", "orders", "revenue"]);
    expect(nodes[1]).toMatchObject({ groupName: "shop", isPartitioned: true, dependencyKeys: [{ path: ["raw", "orders"] }], dependedByKeys: [{ path: ["revenue"] }] });
  });

  it("selects asset nodes in either grammar and says where a bad selection breaks", async () => {
    const { gql } = await setup();
    const attribute = await gql(`{ assetNodes(selection: "group:shop") { key { path } } }`);
    const classic = await gql(`{ assetNodes(selection: "*revenue") { key { path } } }`);
    expect((attribute.data?.["assetNodes"] as unknown[]).length).toBe(2);
    expect((classic.data?.["assetNodes"] as { key: { path: string[] } }[]).map((n) => n.key.path.join("/"))).toEqual(["orders", "revenue"]);
    const bad = await gql(`{ assetNodesOrError(selection: "group:shop and (") { __typename ... on InvalidSelectionError { message position expected } } }`);
    expect(bad.data?.["assetNodesOrError"]).toMatchObject({ __typename: "InvalidSelectionError", position: expect.any(Number) });
    expect((bad.data?.["assetNodesOrError"] as { message: string }).message).toContain("column");
  });

  it("answers partition status as ranges, never one row per partition", async () => {
    const { gql, instance } = await setup();
    const run = await instance.createRun({ jobName: "j", tags: {}, assetSelection: ["orders"], runConfig: {} });
    await instance.storeEvents(["a", "b", "d"].map((p, i) => ({ runId: run.runId, timestamp: i, eventType: "ASSET_MATERIALIZATION" as const, assetKey: AssetKey.from("orders"), partition: p })));
    const result = await gql(`{ assetNodes(selection: "orders") { partitionStats { numMaterialized numMissing numPartitions } partitionStatus { materialized { start end } missing { start end } } latestMaterialization { partition } } }`);
    expect(result.data?.["assetNodes"]).toEqual([
      {
        partitionStats: { numMaterialized: 3, numMissing: 2, numPartitions: 5 },
        partitionStatus: { materialized: [{ start: "a", end: "b" }, { start: "d", end: "d" }], missing: [{ start: "c", end: "c" }, { start: "e", end: "e" }] },
        latestMaterialization: { partition: "d" },
      },
    ]);
  });

  it("pages a run's events by opaque cursor, and a run id that does not exist is a RunNotFoundError", async () => {
    const { gql, instance } = await setup();
    const run = await instance.createRun({ jobName: "j", tags: {}, assetSelection: [], runConfig: {} });
    await instance.storeEvents(Array.from({ length: 5 }, (_, i) => ({ runId: run.runId, timestamp: i, eventType: "ENGINE_EVENT" as const, message: `e${i}` })));
    const first = await gql(`query($id: ID!) { logsForRun(runId: $id, limit: 3) { events { message } cursor hasMore } }`, { id: run.runId });
    expect(first.data?.["logsForRun"]).toMatchObject({ events: [{ message: "e0" }, { message: "e1" }, { message: "e2" }], hasMore: true });
    const cursor = (first.data?.["logsForRun"] as { cursor: string }).cursor;
    const second = await gql(`query($id: ID!, $c: String) { logsForRun(runId: $id, afterCursor: $c, limit: 3) { events { message } hasMore } }`, { id: run.runId, c: cursor });
    expect(second.data?.["logsForRun"]).toEqual({ events: [{ message: "e3" }, { message: "e4" }], hasMore: false });
    const forged = await gql(`query($id: ID!) { logsForRun(runId: $id, afterCursor: "12") { hasMore } }`, { id: run.runId });
    expect(forged.errors?.[0]?.message).toContain("Invalid cursor");
    const missing = await gql(`{ runOrError(runId: "nope") { __typename ... on Error { message } } }`);
    expect(missing.data?.["runOrError"]).toMatchObject({ __typename: "RunNotFoundError" });
  });

  it("refuses queries nested deeper or wider than the limits before resolving anything", async () => {
    const { gql } = await setup({ limits: { maxDepth: 3 } });
    expect((await gql(`{ runs { runs { runId } } }`)).errors).toBeUndefined();
    const deep = await gql(`{ runs { runs { events { events { message } } } } }`);
    expect(deep.errors?.[0]?.message).toContain("more than 3 deep");
    const wide = "{ " + Array.from({ length: 2001 }, (_, i) => `a${i}: version`).join(" ") + " }";
    expect((await gql(wide)).errors?.[0]?.message).toContain("more than 2000 fields");
  });
});

describe("GraphQL API mutations", () => {
  it("queues a run of a selection and returns a bad selection as an InvalidSelectionError", async () => {
    const { gql } = await setup();
    const ok = await gql(`mutation { launchRun(selection: "revenue", tags: [{ key: "team", value: "shop" }]) { __typename ... on LaunchRunSuccess { run { status tags { key value } assetSelection { path } } } } }`);
    expect(ok.data?.["launchRun"]).toMatchObject({ __typename: "LaunchRunSuccess", run: { status: "QUEUED", assetSelection: [{ path: ["revenue"] }] } });
    const bad = await gql(`mutation { launchRun(selection: "revenue +") { __typename ... on InvalidSelectionError { position message } } }`);
    expect(bad.data?.["launchRun"]).toMatchObject({ __typename: "InvalidSelectionError", position: expect.any(Number) });
    const partition = await gql(`mutation { launchRun(selection: "orders", partitionKey: "zz") { __typename ... on Error { message } } }`);
    expect(partition.data?.["launchRun"]).toMatchObject({ __typename: "InvalidPartitionError" });
  });

  it("refuses every mutation when read-only", async () => {
    const { gql, instance } = await setup({ readOnly: true });
    const result = await gql(`mutation { launchRun(selection: "revenue") { __typename ... on Error { message } } wipeAssets(assetKeys: [{ path: ["orders"] }]) { __typename } }`);
    expect(result.data).toMatchObject({ launchRun: { __typename: "ReadOnlyError" }, wipeAssets: { __typename: "ReadOnlyError" } });
    expect((result.data?.["launchRun"] as { message: string }).message).toContain("read-only");
    expect(await instance.getRuns()).toEqual([]);
  });

  it("adds dynamic partitions and starts a schedule-less sensor name with a typed not-found error", async () => {
    const { gql, instance } = await setup();
    const added = await gql(`mutation { addDynamicPartitions(partitionsDefName: "regions", partitionKeys: ["eu", "us"]) { __typename } }`);
    expect(added.data?.["addDynamicPartitions"]).toEqual({ __typename: "Ok" });
    expect(await instance.getDynamicPartitions("regions")).toEqual(["eu", "us"]);
    const missing = await gql(`mutation { setInstigatorStatus(name: "nightly", status: "RUNNING") { __typename } }`);
    expect(missing.data?.["setInstigatorStatus"]).toEqual({ __typename: "InstigatorNotFoundError" });
  });
});

describe("GraphQL API subscriptions", () => {
  it("streams a run's history and then its new events over SSE", async () => {
    const { yoga, instance } = await setup();
    const run = await instance.createRun({ jobName: "j", tags: {}, assetSelection: [], runConfig: {} });
    await instance.storeEvents([{ runId: run.runId, timestamp: 1, eventType: "ENGINE_EVENT", message: "before" }]);
    const response = await yoga.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: `subscription($id: ID!) { runEvents(runId: $id) { events { message } cursor } }`, variables: { id: run.runId } }),
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const chunk = await reader.read();
        if (chunk.done) throw new Error(`stream ended before ${needle}: ${text}`);
        text += decoder.decode(chunk.value);
      }
    };
    await readUntil('"before"');
    await instance.storeEvents([{ runId: run.runId, timestamp: 2, eventType: "ENGINE_EVENT", message: "after" }]);
    await readUntil('"after"');
    await reader.cancel();
  });
});
