// The API fields the UI's launchpad and run page add (src/api/schema/ops-pages.ts).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { asset } from "../definitions/index.js";
import { BackfillPolicy, DailyPartitionsDefinition, DynamicPartitionsDefinition, StaticPartitionsDefinition } from "../partitions/index.js";
import { Definitions, InProcessWorkspace } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { createGraphQLHandler, type GraphQLHandler } from "./graphql-handler.js";

const days = asset(
  { name: "days", partitionsDef: new DailyPartitionsDefinition({ startDate: "2024-01-01", endDate: "2024-02-01" }), backfillPolicy: BackfillPolicy.singleRun() },
  async () => 1,
);
const regions = asset({ name: "regions", partitionsDef: new StaticPartitionsDefinition(["eu", "us", "apac"]), backfillPolicy: BackfillPolicy.multiRun(2) }, async () => 1);
const tenants = asset({ name: "tenants", partitionsDef: new DynamicPartitionsDefinition({ name: "tenant" }) }, async () => 1);
const plain = asset({ name: "plain" }, async () => 1);
const defs = new Definitions({ assets: [days, regions, tenants, plain] });

const open: { instance: Instance; yoga: GraphQLHandler }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    o.yoga.close();
    await o.instance.close();
  }
});

async function setup() {
  const instance = Instance.open({ storage: { sqlite: { path: join(mkdtempSync(join(tmpdir(), "tessera-ops-api-")), "t.db") } } });
  const workspace = await InProcessWorkspace.load({ instance, locations: [{ name: "ops", load: defs }] });
  const yoga = createGraphQLHandler({ instance, workspace, readOnly: false, pollIntervalMs: 10 });
  open.push({ instance, yoga });
  return {
    instance,
    gql: async (query: string) => {
      const response = await yoga.fetch("http://localhost/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
      return (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
    },
  };
}

type Node = { key: { path: string[] }; backfillPolicy: string | null; partitionKeyCount: number | null; partitionKeys: string[] | null };

describe("launchpad fields", () => {
  it("gives each asset's backfill policy, partition count and keys, the last ones with fromEnd", async () => {
    const { gql } = await setup();
    const result = await gql(`{ assetNodes { key { path } backfillPolicy partitionKeyCount partitionKeys(limit: 2, fromEnd: true) } }`);
    expect(result.errors).toBeUndefined();
    const byName = Object.fromEntries((result.data?.["assetNodes"] as Node[]).map((n) => [n.key.path.join("/"), n]));
    expect(byName["days"]).toMatchObject({ backfillPolicy: "SINGLE_RUN", partitionKeyCount: 31, partitionKeys: ["2024-01-30", "2024-01-31"] });
    expect(byName["regions"]).toMatchObject({ backfillPolicy: "MULTI_RUN", partitionKeyCount: 3, partitionKeys: ["us", "apac"] });
    expect(byName["plain"]).toMatchObject({ backfillPolicy: null, partitionKeyCount: null, partitionKeys: null });
  });

  it("reads a dynamic definition's keys from the instance", async () => {
    const { gql, instance } = await setup();
    await instance.addDynamicPartitions("tenant", ["acme", "globex"]);
    const result = await gql(`{ assetNodes(selection: "tenants") { partitionKeyCount partitionKeys } }`);
    expect(result.data?.["assetNodes"]).toEqual([{ partitionKeyCount: 2, partitionKeys: ["acme", "globex"] }]);
  });
});

describe("run page fields", () => {
  it("names the planned steps on RUN_START only", async () => {
    const { gql, instance } = await setup();
    const run = await defs.materialize(["plain"], { instance });
    const result = await gql(`{ logsForRun(runId: "${run.runId}") { events { eventType stepKeys } } }`);
    const events = (result.data?.["logsForRun"] as { events: { eventType: string; stepKeys: string[] | null }[] }).events;
    expect(events.find((e) => e.eventType === "RUN_START")?.stepKeys).toEqual(["plain"]);
    expect(events.filter((e) => e.eventType !== "RUN_START").every((e) => e.stepKeys === null)).toBe(true);
  });
});
