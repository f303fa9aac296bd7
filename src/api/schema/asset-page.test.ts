import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AssetKey, MetadataValue } from "../../core/index.js";
import { AssetCheckResult, asset, assetCheck } from "../../definitions/index.js";
import { DailyPartitionsDefinition, StaticPartitionsDefinition } from "../../partitions/index.js";
import { Definitions, InProcessWorkspace } from "../../code-location/index.js";
import { Instance } from "../../instance/index.js";
import { createGraphQLHandler, type GraphQLHandler } from "../graphql-handler.js";

const letters = asset({ name: "letters", partitionsDef: new StaticPartitionsDefinition(["a", "b", "c", "d", "e", "f"]) }, async () => 1);
const days = asset({ name: "days", partitionsDef: new DailyPartitionsDefinition({ startDate: "2024-01-01", endDate: "2024-01-11" }) }, async () => 1);
const plain = asset(
  { name: "plain", metadata: { owner_note: "kept by hand", columns: MetadataValue.tableSchema([{ name: "id", type: "int", description: "The order" }, { name: "total", type: "float" }]) } },
  async () => 1,
);
const checked = asset({ name: "checked" }, async () => 1);
const ok = assetCheck({ asset: checked, name: "ok" }, async () => new AssetCheckResult({ passed: true }));
const warn = assetCheck({ asset: checked, name: "warn" }, async () => new AssetCheckResult({ passed: true }));
const defs = new Definitions({ assets: [letters, days, plain, checked], assetChecks: [ok, warn] });

const open: { instance: Instance; yoga: GraphQLHandler }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    o.yoga.close();
    await o.instance.close();
  }
});

async function setup() {
  const instance = Instance.open({ storage: { sqlite: { path: join(mkdtempSync(join(tmpdir(), "tessera-api-asset-page-")), "t.db") } } });
  const workspace = await InProcessWorkspace.load({ instance, locations: [{ name: "loc", load: defs }] });
  const yoga = createGraphQLHandler({ instance, workspace, readOnly: false, pollIntervalMs: 10 });
  open.push({ instance, yoga });
  const gql = async (query: string) => {
    const response = await yoga.fetch("http://localhost/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
    return (await response.json()) as { data?: Record<string, any>; errors?: { message: string }[] };
  };
  const run = await instance.createRun({ jobName: "j", tags: {}, assetSelection: [], runConfig: {} });
  return { instance, gql, runId: run.runId };
}

describe("asset page fields", () => {
  it("gives the metadata the definition declares, typed, and {} when it declares none", async () => {
    const { gql } = await setup();
    const result = await gql(`{ assetNodes { key { path } definitionMetadata } }`);
    expect(result.errors).toBeUndefined();
    const byKey = Object.fromEntries((result.data?.["assetNodes"] as { key: { path: string[] }; definitionMetadata: unknown }[]).map((n) => [n.key.path.join("/"), n.definitionMetadata]));
    expect(byKey["plain"]).toEqual({
      owner_note: { type: "text", value: "kept by hand" },
      columns: { type: "table_schema", value: { columns: [{ name: "id", type: "int", description: "The order" }, { name: "total", type: "float" }] } },
    });
    expect(byKey["letters"]).toEqual({});
  });

  it("draws partitions as runs of positions: materialized, failed, missing left out", async () => {
    const { gql, instance, runId } = await setup();
    const event = (eventType: "ASSET_MATERIALIZATION" | "ASSET_FAILED_TO_MATERIALIZE", key: string, partition: string) => ({ runId, timestamp: 1, eventType, assetKey: AssetKey.from(key), partition });
    await instance.storeEvents([
      ...["a", "b", "d"].map((p) => event("ASSET_MATERIALIZATION", "letters", p)),
      event("ASSET_FAILED_TO_MATERIALIZE", "letters", "e"),
      ...["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-10"].map((p) => event("ASSET_MATERIALIZATION", "days", p)),
    ]);
    const result = await gql(`{ assetNodes { key { path } partitionHealth { numPartitions runs } } }`);
    expect(result.errors).toBeUndefined();
    const health = Object.fromEntries((result.data?.["assetNodes"] as { key: { path: string[] }; partitionHealth: unknown }[]).map((n) => [n.key.path.join("/"), n.partitionHealth]));
    expect(health).toEqual({
      letters: { numPartitions: 6, runs: [0, 1, 1, 3, 3, 1, 4, 4, 2] },
      days: { numPartitions: 10, runs: [1, 3, 1, 9, 9, 1] },
      plain: null,
      checked: null,
    });
  });

  it("maps positions to partition keys and back, and names the culprit of a bad position", async () => {
    const { gql } = await setup();
    const result = await gql(`{ assetNodes(selection: "days") { partitionKeysAt(indices: [0, 9]) partitionIndex(partitionKey: "2024-01-05") unknown: partitionIndex(partitionKey: "2023-12-31") } }`);
    expect(result.data?.["assetNodes"]).toEqual([{ partitionKeysAt: ["2024-01-01", "2024-01-10"], partitionIndex: 4, unknown: null }]);
    const bad = await gql(`{ assetNodes(selection: "days") { partitionKeysAt(indices: [10]) } }`);
    expect(bad.errors?.[0]?.message).toMatch(/has 10 partitions; position 10 is out of range \(0 to 9\)/);
    const unpartitioned = await gql(`{ assetNodes(selection: "plain") { partitionKeysAt(indices: [0]) } }`);
    expect(unpartitioned.errors?.[0]?.message).toMatch(/plain is not partitioned/);
  });

  it("sums up an asset's checks by their worst latest result", async () => {
    const { gql, instance, runId } = await setup();
    const status = async () => ((await gql(`{ assetNodes { key { path } checkStatus } }`)).data?.["assetNodes"] as { key: { path: string[] }; checkStatus: string | null }[]).map((n) => n.checkStatus);
    expect(await status()).toEqual([null, null, null, "NOT_EVALUATED"]);
    const evaluation = (checkName: string, passed: boolean, severity?: "WARN" | "ERROR") => ({ runId, timestamp: 1, eventType: "ASSET_CHECK_EVALUATION" as const, assetKey: AssetKey.from("checked"), checkName, passed, ...(severity ? { severity } : {}) });
    await instance.storeEvents([evaluation("ok", true), evaluation("warn", true)]);
    expect((await status())[3]).toBe("PASSED");
    await instance.storeEvents([evaluation("warn", false, "WARN")]);
    expect((await status())[3]).toBe("WARN");
    await instance.storeEvents([evaluation("ok", false, "ERROR")]);
    expect((await status())[3]).toBe("FAILED");
  });

  it("gives each asset's latest materialization attempt: failed, in progress, then materialized, however many runs came since", async () => {
    const { gql, instance, runId } = await setup();
    const attempt = async () =>
      ((await gql(`{ assetNodes(selection: "plain") { latestMaterializationAttempt { runId status runStatus } } }`)).data?.["assetNodes"] as { latestMaterializationAttempt: unknown }[])[0]
        ?.latestMaterializationAttempt;
    expect(await attempt()).toBeNull();
    const plain = AssetKey.from("plain");
    const at = (eventType: "ASSET_MATERIALIZATION_PLANNED" | "RUN_START" | "RUN_FAILURE" | "ASSET_MATERIALIZATION", run: string) => ({ runId: run, timestamp: 1, eventType, ...(eventType.startsWith("ASSET") ? { assetKey: plain } : {}) });
    await instance.storeEvents([at("ASSET_MATERIALIZATION_PLANNED", runId), at("RUN_START", runId), at("RUN_FAILURE", runId)]);
    // Far more runs since than a page of recent runs holds: the failure still shows.
    for (let i = 0; i < 210; i++) await instance.createRun({ jobName: "other", tags: {}, assetSelection: [], runConfig: {} });
    expect(await attempt()).toEqual({ runId, status: "FAILED", runStatus: "FAILURE" });
    const next = (await instance.createRun({ jobName: "j", tags: {}, assetSelection: ["plain"], runConfig: {} })).runId;
    await instance.storeEvents([at("ASSET_MATERIALIZATION_PLANNED", next), at("RUN_START", next)]);
    expect(await attempt()).toEqual({ runId: next, status: "IN_PROGRESS", runStatus: "STARTED" });
    await instance.storeEvents([at("ASSET_MATERIALIZATION", next)]);
    expect(await attempt()).toEqual({ runId: next, status: "MATERIALIZED", runStatus: "STARTED" });
  });
});
