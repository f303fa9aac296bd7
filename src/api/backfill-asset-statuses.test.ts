// A backfill mixing partitionings in the GraphQL API: per-asset counts read back from SQLite storage.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { ManualClock } from "../core/index.js";
import { asset } from "../definitions/index.js";
import { Definitions, InProcessWorkspace } from "../code-location/index.js";
import { launchBackfill } from "../execution/index.js";
import { Instance } from "../instance/index.js";
import { DailyPartitionsDefinition, HourlyPartitionsDefinition } from "../partitions/index.js";
import { createGraphQLHandler, type GraphQLHandler } from "./graphql-handler.js";

const hourly = new HourlyPartitionsDefinition({ startDate: "2026-11-01-00:00" });
const daily = new DailyPartitionsDefinition({ startDate: "2026-11-01" });
const raw = asset({ name: "raw", partitionsDef: hourly }, (ctx) => {
  if (ctx.partitionKey === "2026-11-02-05:00") throw new Error("feed late");
  return 1;
});
const rollup = asset({ name: "rollup", partitionsDef: daily, deps: [raw] }, () => 2);
const report = asset({ name: "report", deps: [rollup] }, () => 3);
const defs = new Definitions({ assets: [raw, rollup, report] });

const open: { instance: Instance; yoga: GraphQLHandler }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    o.yoga.close();
    await o.instance.close();
  }
});

it("Backfill.assetStatuses counts each asset's own partitions of a backfill mixing hourly, daily and unpartitioned", async () => {
  const instance = Instance.open({
    storage: { sqlite: { path: join(mkdtempSync(join(tmpdir(), "tessera-api-backfill-")), "t.db") } },
    clock: new ManualClock(new Date("2026-11-03T00:00:00Z")),
  });
  const workspace = await InProcessWorkspace.load({ instance, locations: [{ name: "shop", load: defs }] });
  const yoga = createGraphQLHandler({ instance, workspace });
  open.push({ instance, yoga });
  const backfill = await launchBackfill(defs, { instance, allPartitions: true });
  expect(backfill.status).toBe("COMPLETED_FAILED");
  const response = await yoga.fetch("http://localhost/graphql", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: `query($id: ID!) { backfillOrError(backfillId: $id) { ... on Backfill { status numFailed assetStatuses { assetKey { path } partitioned numTargeted numMaterialized numFailed numInProgress } } } }`,
      variables: { id: backfill.backfillId },
    }),
  });
  const body = (await response.json()) as { data: { backfillOrError: Record<string, unknown> } };
  expect(body.data.backfillOrError).toEqual({
    status: "COMPLETED_FAILED",
    // By partition key: the failed hour and the day reading it.
    numFailed: 2,
    assetStatuses: [
      { assetKey: { path: ["raw"] }, partitioned: true, numTargeted: 48, numMaterialized: 47, numFailed: 1, numInProgress: 0 },
      { assetKey: { path: ["rollup"] }, partitioned: true, numTargeted: 2, numMaterialized: 1, numFailed: 1, numInProgress: 0 },
      { assetKey: { path: ["report"] }, partitioned: false, numTargeted: 1, numMaterialized: 0, numFailed: 1, numInProgress: 0 },
    ],
  });
});
