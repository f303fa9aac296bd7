// A queued run plans its assets when it is created, as the reference's create_run does: while it waits in the queue
// its assets and partitions are in progress for automation, the partition status and the UI.
import { describe, expect, it } from "vitest";
import { asset } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { StaticPartitionsDefinition } from "../partitions/index.js";
import { executeSubmittedRun } from "./execute-run.js";
import { submitDefinitions } from "./materialize.js";

const regions = new StaticPartitionsDefinition(["eu", "us", "apac"]);
const sales = asset({ name: "sales", partitionsDef: regions }, (ctx) => ctx.partitionKey);
const report = asset({ name: "report" }, () => "report");
const defs = new Definitions({ assets: [sales, report] });

const plannedOf = async (instance: Instance, runId: string) =>
  (await instance.allLogs(runId, { ofType: "ASSET_MATERIALIZATION_PLANNED" })).map((e) => `${e.assetKey?.toString()}${e.partition ? `[${e.partition}]` : ""}`);

describe("a submitted run", () => {
  it("plans its assets and partitions before its enqueue event, and shows them in progress while queued", async () => {
    const instance = Instance.ephemeral();
    const run = await submitDefinitions(defs, "sales", { instance, partitionKey: "us" });
    expect(run.status).toBe("QUEUED");
    expect((await instance.allLogs(run.runId)).map((e) => e.eventType)).toEqual(["ASSET_MATERIALIZATION_PLANNED", "RUN_ENQUEUED"]);
    expect(await plannedOf(instance, run.runId)).toEqual(["sales[us]"]);
    const status = await instance.getStatusByPartition("sales", regions);
    expect(Object.fromEntries(status)).toEqual({ eu: "MISSING", us: "IN_PROGRESS", apac: "MISSING" });

    const unpartitioned = await submitDefinitions(defs, "report", { instance });
    const [attempt] = await instance.getLatestMaterializationAttempts(["report"]);
    expect(attempt).toMatchObject({ status: "IN_PROGRESS", run: { runId: unpartitioned.runId, status: "QUEUED" } });
  });

  it("is planned once: executing it writes no second plan, and its assets end materialized", async () => {
    const instance = Instance.ephemeral();
    const queued = await submitDefinitions(defs, "sales", { instance, partitionKey: "eu" });
    const result = await executeSubmittedRun(defs, queued, { instance });
    expect(result.success).toBe(true);
    expect(await plannedOf(instance, queued.runId)).toEqual(["sales[eu]"]);
    expect((await instance.getStatusByPartition("sales", regions)).get("eu")).toBe("MATERIALIZED");
  });

  it("queued by an older version without a plan, is planned as it starts", async () => {
    const instance = Instance.ephemeral();
    const old = await instance.createRun({ jobName: "__ASSET_JOB", tags: {}, assetSelection: ["report"], runConfig: {}, status: "QUEUED" });
    await instance.storeEvents([{ runId: old.runId, timestamp: 1, eventType: "RUN_ENQUEUED" }]);
    expect(await plannedOf(instance, old.runId)).toEqual([]);
    const result = await executeSubmittedRun(defs, old, { instance });
    expect(result.success).toBe(true);
    expect(await plannedOf(instance, old.runId)).toEqual(["report"]);
  });

  it("canceled while queued, leaves its partitions missing, not in progress", async () => {
    const instance = Instance.ephemeral();
    const run = await submitDefinitions(defs, "sales", { instance, partitionKey: "apac" });
    await instance.cancelRun(run.runId);
    expect((await instance.getStatusByPartition("sales", regions)).get("apac")).toBe("MISSING");
  });
});
