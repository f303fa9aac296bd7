import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AssetKey } from "../core/index.js";
import { AssetCheckResult, asset, assetCheck, defineAssetJob, sensor } from "../definitions/index.js";
import { Definitions, InProcessWorkspace } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { createGraphQLHandler, type GraphQLHandler } from "./graphql-handler.js";

const orders = asset({ name: "orders" }, async () => 1);
const refunds = asset({ name: "refunds" }, async () => 2);
const job = defineAssetJob({ name: "orders_job", selection: "orders" });
const watcher = sensor({ name: "watcher", job, minimumIntervalSeconds: 60 }, () => undefined);
const hasRows = assetCheck({ asset: orders, name: "has_rows" }, () => new AssetCheckResult({ passed: true }));
const noNulls = assetCheck({ asset: orders, name: "no_nulls" }, () => new AssetCheckResult({ passed: true }));
const defs = new Definitions({ assets: [orders, refunds], assetChecks: [hasRows, noNulls], jobs: [job], sensors: [watcher] });

const open: { instance: Instance; yoga: GraphQLHandler }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    o.yoga.close();
    await o.instance.close();
  }
});

async function setup() {
  const instance = Instance.open({ storage: { sqlite: { path: join(mkdtempSync(join(tmpdir(), "tessera-api-status-")), "t.db") } } });
  const workspace = await InProcessWorkspace.load({ instance, locations: [{ name: "shop", load: defs }] });
  const yoga = createGraphQLHandler({ instance, workspace });
  open.push({ instance, yoga });
  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await yoga.fetch("http://localhost/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: Record<string, any>; errors?: { message: string }[] };
    if (body.errors) throw new Error(body.errors.map((e) => e.message).join("\n"));
    return body.data as Record<string, any>;
  };
  return { instance, gql };
}

describe("status queries", () => {
  it("gives each check its own latest evaluation", async () => {
    const { instance, gql } = await setup();
    const run = await instance.createRun({ jobName: "j", tags: {}, assetSelection: ["orders"], runConfig: {} });
    const check = (name: string, passed: boolean, timestamp: number) => ({ runId: run.runId, timestamp, eventType: "ASSET_CHECK_EVALUATION" as const, assetKey: AssetKey.from("orders"), checkName: name, passed });
    await instance.storeEvents([check("has_rows", false, 1), check("no_nulls", true, 2), check("has_rows", true, 3)]);
    const result = await gql(`{ assetNodes(selection: "orders") { checks { name latestExecution { passed timestamp } } } }`);
    expect(result["assetNodes"][0].checks).toEqual([
      { name: "has_rows", latestExecution: { passed: true, timestamp: 3 } },
      { name: "no_nulls", latestExecution: { passed: true, timestamp: 2 } },
    ]);
  });

  it("filters runs by an asset they wrote events of", async () => {
    const { instance, gql } = await setup();
    const a = await instance.createRun({ jobName: "j", tags: {}, assetSelection: ["orders"], runConfig: {} });
    const b = await instance.createRun({ jobName: "j", tags: {}, assetSelection: ["refunds"], runConfig: {} });
    await instance.storeEvents([
      { runId: a.runId, timestamp: 1, eventType: "ASSET_MATERIALIZATION", assetKey: AssetKey.from("orders") },
      { runId: b.runId, timestamp: 2, eventType: "ASSET_MATERIALIZATION", assetKey: AssetKey.from("refunds") },
    ]);
    const result = await gql(`{ runs(filter: { assetKey: { path: ["orders"] } }) { runs { runId } hasMore } }`);
    expect(result["runs"]).toEqual({ runs: [{ runId: a.runId }], hasMore: false });
  });

  it("pages backfills by cursor, newest first, filtered by status", async () => {
    const { instance, gql } = await setup();
    const base = { assetSelection: ["orders"], partitionKeys: [], runIds: [], materializedPartitions: [], failedPartitions: [], tags: {} };
    for (const [i, status] of (["COMPLETED", "FAILED", "COMPLETED", "CANCELED"] as const).entries()) {
      await instance.storage.addBackfill({ ...base, backfillId: `b${i}`, status, createTime: i, updateTime: i });
    }
    const query = `query($c: String, $s: [BackfillStatus!]) { backfillConnection(limit: 2, cursor: $c, statuses: $s) { backfills { backfillId } cursor hasMore } }`;
    const first = (await gql(query))["backfillConnection"];
    expect(first).toMatchObject({ backfills: [{ backfillId: "b3" }, { backfillId: "b2" }], hasMore: true });
    expect((await gql(query, { c: first.cursor }))["backfillConnection"]).toMatchObject({ backfills: [{ backfillId: "b1" }, { backfillId: "b0" }], hasMore: false });
    expect((await gql(query, { s: ["COMPLETED"] }))["backfillConnection"].backfills).toEqual([{ backfillId: "b2" }, { backfillId: "b0" }]);
  });

  it("pages an asset's automation evaluations with their trees", async () => {
    const { instance, gql } = await setup();
    await instance.storage.addAutomationEvaluations(
      [1, 2, 3].map((id) => ({ assetKey: "orders", evaluationId: id, timestamp: id, sensorName: "default_automation_condition_sensor", numRequested: id % 2, tree: { label: `eager ${id}` } })),
    );
    const query = `query($c: String) { automationEvaluations(assetKey: { path: ["orders"] }, limit: 2, cursor: $c) { evaluations { evaluationId tree } cursor hasMore } }`;
    const first = (await gql(query))["automationEvaluations"];
    expect(first).toMatchObject({ evaluations: [{ evaluationId: 3, tree: { label: "eager 3" } }, { evaluationId: 2 }], hasMore: true });
    expect((await gql(query, { c: first.cursor }))["automationEvaluations"]).toMatchObject({ evaluations: [{ evaluationId: 1 }], hasMore: false });
  });

  it("says when a running sensor ticks next and that a stopped one does not, and shows the daemon's lease", async () => {
    const { instance, gql } = await setup();
    expect((await gql(`{ sensors { name nextTickTimestamp } }`))["sensors"]).toEqual([{ name: "watcher", nextTickTimestamp: null }]);
    const last = instance.clock.now();
    await instance.storage.setInstigatorState({ name: "watcher", type: "SENSOR", status: "RUNNING", updateTime: last, lastTickTimestamp: last + 1_000_000 });
    expect((await gql(`{ sensors { nextTickTimestamp } }`))["sensors"]).toEqual([{ nextTickTimestamp: last + 1_060_000 }]);
    expect((await gql(`{ daemonStatuses { locationName leaseName running holder } }`))["daemonStatuses"]).toEqual([{ locationName: "shop", leaseName: "daemon", running: false, holder: null }]);
    await instance.storage.acquireLease("daemon", "me", instance.clock.now(), 60_000, { pid: 1 });
    expect((await gql(`{ daemonStatuses { running holder info } }`))["daemonStatuses"]).toEqual([{ running: true, holder: "me", info: { pid: 1 } }]);
  });
});
