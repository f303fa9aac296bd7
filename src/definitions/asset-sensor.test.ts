import { describe, expect, it } from "vitest";
import { asset, defineAssetJob } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { materialize } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { assetSensor, buildSensorContext, RunRequest, SensorResult } from "./index.js";

const orders = asset({ name: "orders" }, () => [1, 2]);
const report = asset({ name: "report" }, () => "report");
const reportJob = defineAssetJob({ name: "report_job", selection: "report" });

describe("assetSensor", () => {
  const onOrders = assetSensor({ assetKey: "orders", name: "on_orders", job: reportJob }, (_ctx, event) =>
    new RunRequest({ runKey: String(event.storageId), tags: { run: event.runId } }),
  );

  it("skips while the asset has no materialization", async () => {
    const instance = Instance.ephemeral();
    const tick = await onOrders.evaluateTick(buildSensorContext({ instance }));
    expect(tick).toMatchObject({ runRequests: [], skipMessage: 'No new materialization events found for asset key "orders"', cursor: undefined });
    await instance.close();
  });

  it("fires once per new materialization, moving its cursor to the materialization's storage id", async () => {
    const instance = Instance.ephemeral();
    const first = await materialize([orders], { instance });
    const event = first.getAssetMaterializationEvents()[0];
    const tick = await onOrders.evaluateTick(buildSensorContext({ instance }));
    const stored = (await instance.getLatestMaterializationEvent("orders"))?.storageId;
    expect(tick.cursor).toBe(String(stored));
    expect(tick.runRequests.map((r) => [r.runKey, r.tags.run, r.jobName])).toEqual([[String(stored), event?.runId, "report_job"]]);

    const quiet = await onOrders.evaluateTick(buildSensorContext({ instance, cursor: tick.cursor }));
    expect(quiet.skipMessage).toMatch(/No new materialization/);
    expect(quiet.cursor).toBe(tick.cursor);

    await materialize([orders], { instance });
    await materialize([orders], { instance });
    const again = await onOrders.evaluateTick(buildSensorContext({ instance, cursor: tick.cursor }));
    const latest = await instance.getLatestMaterializationEvent("orders");
    // Only the newest materialization is passed; the cursor moves past both.
    expect(again.runRequests.map((r) => r.runKey)).toEqual([String(latest?.storageId)]);
    expect(again.cursor).toBe(String(latest?.storageId));
    await instance.close();
  });

  it("refuses a SensorResult that sets the cursor the asset sensor keeps", async () => {
    const instance = Instance.ephemeral();
    await materialize([orders], { instance });
    const s = assetSensor({ assetKey: "orders", name: "own_cursor", job: reportJob }, () => new SensorResult({ cursor: "mine" }));
    await expect(s.evaluateTick({ instance })).rejects.toThrow(/an asset sensor keeps its own cursor/);
    await instance.close();
  });

  it("refuses a cursor that is not a storage id, and is checked in Definitions like any sensor", async () => {
    const instance = Instance.ephemeral();
    await expect(onOrders.evaluateTick({ instance, cursor: "yesterday" })).rejects.toThrow(/an asset sensor's cursor is the storage id/);
    expect(new Definitions({ assets: [orders, report], sensors: [onOrders] }).sensors).toEqual([onOrders]);
    await instance.close();
  });
});
