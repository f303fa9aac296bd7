import { describe, expect, it } from "vitest";
import { asset } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { DailyPartitionsDefinition } from "../partitions/index.js";
import { materialize } from "../code-location/index.js";
import { reexecuteRun } from "./reexecute.js";

describe("re-executing a run from failure", () => {
  it("runs only the failed and skipped steps, loading what succeeded, as a child of the failed run", async () => {
    const instance = Instance.ephemeral();
    let computedOrders = 0;
    let healthy = false;
    const orders = asset("orders", () => (computedOrders++, [1, 2, 3]));
    const flaky = asset({ name: "enriched", ins: { orders } }, (_ctx, { orders }) => {
      if (!healthy) throw new Error("enrichment API down");
      return orders.map((o) => o * 10);
    });
    const report = asset({ name: "report", ins: { flaky } }, (_ctx, { flaky }) => flaky.reduce((a, b) => a + b, 0));
    const defs = new Definitions({ assets: [orders, flaky, report] });
    const failed = await defs.materialize(undefined, { instance, raiseOnError: false, tags: { team: "data" } });
    expect(failed.success).toBe(false);
    healthy = true;
    const child = await reexecuteRun(defs, failed.runId, { instance });
    expect(child.success).toBe(true);
    expect(computedOrders).toBe(1);
    expect(child.allEvents.filter((e) => e.eventType === "STEP_START").map((e) => e.stepKey)).toEqual(["enriched", "report"]);
    expect(child.assetValue("report")).toBe(60);
    expect(child.run).toMatchObject({ parentRunId: failed.runId, rootRunId: failed.runId, tags: { team: "data" } });
  });

  it("keeps the parent's partition, and refuses to re-execute a run that succeeded from failure", async () => {
    const instance = Instance.ephemeral();
    let fail = true;
    const daily = asset({ name: "daily", partitionsDef: new DailyPartitionsDefinition({ startDate: "2026-11-01" }) }, (ctx) => {
      if (fail) throw new Error("not yet");
      return ctx.partitionKey;
    });
    const defs = new Definitions({ assets: [daily] });
    const failed = await defs.materialize(undefined, { instance, partitionKey: "2026-11-02", raiseOnError: false });
    fail = false;
    const child = await reexecuteRun(defs, failed.runId, { instance });
    expect(child.assetValue("daily", { partitionKey: "2026-11-02" })).toBe("2026-11-02");
    await expect(reexecuteRun(defs, child.runId, { instance })).rejects.toThrow(/ended SUCCESS, so there is no failure/);
    expect((await reexecuteRun(defs, child.runId, { instance, fromFailure: false })).success).toBe(true);
    await expect(reexecuteRun(defs, "nope", { instance })).rejects.toThrow(/No run with id "nope"/);
  });
});

describe("canceling a run through the instance", () => {
  it("stops a running run between steps when another caller cancels it, ending CANCELED", async () => {
    const instance = Instance.ephemeral();
    let runId = "";
    const first = asset("first", async (ctx) => {
      runId = ctx.runId;
      await instance.cancelRun(ctx.runId);
      return 1;
    });
    const second = asset({ name: "second", deps: [first] }, () => 2);
    const result = await materialize([first, second], { instance });
    expect(result.run.status).toBe("CANCELED");
    expect(result.materializedKeys.map(String)).toEqual(["first"]);
    expect(result.getStepSkippedEvents().map((e) => e.stepKey)).toEqual(["second"]);
    await expect(instance.cancelRun(runId)).rejects.toThrow(/already ended CANCELED/);
  });

  it("cancels a run that has not started at once", async () => {
    const instance = Instance.ephemeral();
    const run = await instance.createRun({ jobName: "j", tags: {}, assetSelection: [], runConfig: {} });
    expect((await instance.cancelRun(run.runId)).status).toBe("CANCELED");
  });
});
