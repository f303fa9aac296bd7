import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { asset } from "../definitions/index.js";
import { DailyPartitionsDefinition, PartitionKeyRange, StaticPartitionsDefinition } from "../partitions/index.js";
import { Definitions, InProcessWorkspace, materialize } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { dropSchema, freshSchemaName, postgresForTests } from "../../test/support/postgres.js";
import { createGraphQLHandler, type GraphQLHandler } from "./graphql-handler.js";

const server = await postgresForTests();
const schemas: string[] = [];
const STORAGES = [
  { name: "SQLite", skip: false, open: async () => Instance.open({ storage: { sqlite: { path: join(mkdtempSync(join(tmpdir(), "tessera-api-wipe-")), "t.db") } } }) },
  {
    name: "PostgreSQL",
    skip: !server.reachable,
    open: async () => {
      const schema = freshSchemaName();
      schemas.push(schema);
      return Instance.connect({ storage: { postgres: { url: server.url, schema } } });
    },
  },
];

const dailyDef = new DailyPartitionsDefinition({ startDate: "2024-01-01", endDate: "2024-01-06" });
const regionsDef = new StaticPartitionsDefinition(["a", "b", "c", "d", "e"]);
const daily = asset({ name: "daily", partitionsDef: dailyDef }, async () => 1);
const regions = asset({ name: "regions", partitionsDef: regionsDef }, async () => 1);
const plain = asset({ name: "plain" }, async () => 1);
const defs = new Definitions({ assets: [daily, regions, plain] });

const open: { instance: Instance; yoga: GraphQLHandler }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    o.yoga.close();
    await o.instance.close();
  }
  await Promise.all(schemas.splice(0).map((s) => dropSchema(server.url, s)));
});

async function setup(options: { readOnly?: boolean; storage?: (typeof STORAGES)[number] } = {}) {
  const instance = await (options.storage ?? (STORAGES[0] as (typeof STORAGES)[number])).open();
  for (const day of ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]) await materialize([daily], { instance, partitionKey: day });
  for (const region of ["a", "b", "c", "d"]) await materialize([regions], { instance, partitionKey: region });
  await materialize([plain], { instance });
  const workspace = await InProcessWorkspace.load({ instance, locations: [{ name: "shop", load: defs }] });
  const yoga = createGraphQLHandler({ instance, workspace, readOnly: options.readOnly ?? false, pollIntervalMs: 10 });
  open.push({ instance, yoga });
  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await yoga.fetch("http://localhost/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: Record<string, any>; errors?: { message: string }[] };
    if (body.errors) throw new Error(body.errors.map((e) => e.message).join("\n"));
    return body.data as Record<string, any>;
  };
  return { instance, gql };
}

const STATUS = `query($s: String!) { assetNodes(selection: $s) {
  partitionStatus { materialized { start end } missing { start end } }
  partitionStats { numMaterialized numMissing }
  latestMaterialization { partition }
  materializations(limit: 100) { events { partition } }
} }`;
const WIPE = `mutation($r: [AssetPartitionsInput!]) { wipeAssets(assetPartitionRanges: $r) {
  __typename
  ... on AssetWipeSuccess { assetPartitionRanges { assetKey { path } partitionRange { start end } } message }
  ... on Error { message }
} }`;

describe.each(STORAGES)("wipeAssets with partition ranges on $name", (storage) => {
  if (storage.skip) return void it.skip("needs the PostgreSQL server", () => {});
  it("makes the wiped partitions missing, keeps the others, and moves the latest materialization back", async () => {
    const { gql, instance } = await setup({ storage });
    // Read once before the wipe, so the partition status cache holds the materializations the wipe must undo.
    const before = (await gql(STATUS, { s: "daily" }))["assetNodes"][0];
    expect(before.partitionStatus.materialized).toEqual([{ start: "2024-01-01", end: "2024-01-05" }]);

    const result = (
      await gql(WIPE, {
        r: [
          { assetKey: { path: ["daily"] }, partitions: { ranges: [{ start: "2024-01-02", end: "2024-01-03" }, { start: "2024-01-05", end: "2024-01-05" }] } },
          { assetKey: { path: ["regions"] }, partitions: { partitionKeys: ["b", "d"] } },
        ],
      })
    )["wipeAssets"];
    expect(result.__typename).toBe("AssetWipeSuccess");
    expect(result.assetPartitionRanges).toEqual([
      { assetKey: { path: ["daily"] }, partitionRange: { start: "2024-01-02", end: "2024-01-03" } },
      { assetKey: { path: ["daily"] }, partitionRange: { start: "2024-01-05", end: "2024-01-05" } },
      { assetKey: { path: ["regions"] }, partitionRange: { start: "b", end: "b" } },
      { assetKey: { path: ["regions"] }, partitionRange: { start: "d", end: "d" } },
    ]);
    expect(result.message).toBe("Wiped 5 partition(s).");

    const after = (await gql(STATUS, { s: "daily" }))["assetNodes"][0];
    expect(after.partitionStatus.materialized).toEqual([
      { start: "2024-01-01", end: "2024-01-01" },
      { start: "2024-01-04", end: "2024-01-04" },
    ]);
    expect(after.partitionStatus.missing).toEqual([{ start: "2024-01-02", end: "2024-01-03" }, { start: "2024-01-05", end: "2024-01-05" }]);
    expect(after.partitionStats).toEqual({ numMaterialized: 2, numMissing: 3 });
    // 2024-01-05 was the latest materialization; the newest one left is 2024-01-04's.
    expect(after.latestMaterialization).toEqual({ partition: "2024-01-04" });
    expect(after.materializations.events.map((e: { partition: string }) => e.partition)).toEqual(["2024-01-04", "2024-01-01"]);

    const regionsAfter = (await gql(STATUS, { s: "regions" }))["assetNodes"][0];
    expect(regionsAfter.partitionStatus.materialized).toEqual([{ start: "a", end: "a" }, { start: "c", end: "c" }]);
    expect(regionsAfter.latestMaterialization).toEqual({ partition: "c" });
    expect([...(await instance.getMaterializedPartitions("regions"))].sort()).toEqual(["a", "c"]);
    // The unpartitioned asset was not touched.
    expect((await gql(STATUS, { s: "plain" }))["assetNodes"][0].latestMaterialization).toEqual({ partition: null });

    // Materializing a wiped partition again brings it back.
    await materialize([daily], { instance, partitionKey: "2024-01-02" });
    const again = (await gql(STATUS, { s: "daily" }))["assetNodes"][0];
    expect(again.partitionStatus.missing).toEqual([{ start: "2024-01-03", end: "2024-01-03" }, { start: "2024-01-05", end: "2024-01-05" }]);
  });

  it("refuses a range the definition does not have, and wipes nothing of the request", async () => {
    const { gql, instance } = await setup({ storage });
    const result = (
      await gql(WIPE, {
        r: [
          { assetKey: { path: ["regions"] }, partitions: { partitionKeys: ["a"] } },
          { assetKey: { path: ["daily"] }, partitions: { ranges: [{ start: "2024-01-02", end: "2023-13-01" }] } },
        ],
      })
    )["wipeAssets"];
    expect(result.__typename).toBe("InvalidPartitionError");
    expect(result.message).toMatch(/daily.*2023-13-01/);
    expect([...(await instance.getMaterializedPartitions("regions"))].sort()).toEqual(["a", "b", "c", "d"]);
    expect(await instance.storage.getEventRecords({ eventType: "ASSET_WIPED" })).toEqual([]);
  });

});

describe("wipeAssets refusals", () => {
  it("says why partitions of an unpartitioned or unknown asset cannot be wiped, and wipes whole assets without partitions", async () => {
    const { gql, instance } = await setup();
    const unpartitioned = (await gql(WIPE, { r: [{ assetKey: { path: ["plain"] }, partitions: { partitionKeys: ["x"] } }] }))["wipeAssets"];
    expect(unpartitioned).toMatchObject({ __typename: "TesseraApiError", message: expect.stringMatching(/plain is not partitioned/) });
    const unknown = (await gql(WIPE, { r: [{ assetKey: { path: ["nope"] }, partitions: { partitionKeys: ["x"] } }] }))["wipeAssets"];
    expect(unknown.message).toMatch(/No loaded code location defines asset nope/);
    const whole = (await gql(WIPE, { r: [{ assetKey: { path: ["regions"] } }] }))["wipeAssets"];
    expect(whole.assetPartitionRanges).toEqual([{ assetKey: { path: ["regions"] }, partitionRange: null }]);
    expect(await instance.getMaterializedPartitions("regions")).toEqual(new Set());
    expect((await instance.getMaterializedPartitions("daily")).size).toBe(5);
    const byKeys = (await gql(`mutation { wipeAssets(assetKeys: [{ path: ["plain"] }]) { __typename } }`))["wipeAssets"];
    expect(byKeys.__typename).toBe("AssetWipeSuccess");
    expect(await instance.getLatestMaterializationEvent("plain")).toBeUndefined();
  });

  it("is refused on a read-only server", async () => {
    const { gql, instance } = await setup({ readOnly: true });
    const result = (await gql(WIPE, { r: [{ assetKey: { path: ["regions"] }, partitions: { partitionKeys: ["a"] } }] }))["wipeAssets"];
    expect(result.__typename).toBe("ReadOnlyError");
    expect((await instance.getMaterializedPartitions("regions")).size).toBe(4);
  });
});

describe("Instance.wipeAssetPartitions", () => {
  it("takes keys or ranges of the definition, and the partition status cache follows incrementally", async () => {
    const instance = Instance.ephemeral();
    for (const day of ["2024-01-01", "2024-01-02", "2024-01-03"]) await materialize([daily], { instance, partitionKey: day });
    expect((await instance.getPartitionStatus("daily", dailyDef)).materialized.size).toBe(3);
    const wiped = await instance.wipeAssetPartitions("daily", { partitionsDef: dailyDef, ranges: [new PartitionKeyRange("2024-01-01", "2024-01-02")] });
    expect(wiped.map((e) => [e.eventType, e.partition])).toEqual([
      ["ASSET_WIPED", "2024-01-01"],
      ["ASSET_WIPED", "2024-01-02"],
    ]);
    const status = await instance.getPartitionStatus("daily", dailyDef);
    expect(status.materialized.getPartitionKeys()).toEqual(["2024-01-03"]);
    expect(status.missing.getPartitionKeys()).toEqual(["2024-01-01", "2024-01-02", "2024-01-04", "2024-01-05"]);
    await instance.wipeAssetPartitions("daily", ["2024-01-03"]);
    expect((await instance.getPartitionStatus("daily", dailyDef)).materialized.isEmpty).toBe(true);
    expect(await instance.getLatestMaterializationEvent("daily")).toBeUndefined();
    await expect(instance.wipeAssetPartitions("daily", { partitionsDef: dailyDef, ranges: [new PartitionKeyRange("2023-01-01", "2024-01-02")] })).rejects.toThrow(/no partition "2023-01-01"/);
    await instance.close();
  });
});
