import { mkdtempSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/index.js";
import { In, RetryPolicy, asset, graphAsset, graphMultiAsset, op, AssetOut } from "../definitions/index.js";
import { Definitions, materialize } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { SqliteStorage } from "../storage/index.js";
import { materializeDefinitions } from "./materialize.js";
import { reexecuteRun } from "./reexecute.js";

const raw = asset("raw", () => [1, 2, 3]);

describe("graph-backed assets: each op is a step of its own", () => {
  it("names each op's step <asset>.<op> and gives it its own start and success events", async () => {
    const clean = op({ name: "clean", ins: { rows: new In<number[]>() } }, (_ctx, { rows }) => rows.filter((n) => n > 1));
    const sum = op({ name: "sum", ins: { rows: new In<number[]>() } }, (ctx, { rows }) => (ctx.log.info(`op ${ctx.opName}`), rows.reduce((a, b) => a + b, 0)));
    const total = graphAsset({ name: "total", ins: { raw } }, ({ raw }) => sum({ rows: clean({ rows: raw }) }));
    const result = await materialize([raw, total]);
    expect(result.assetValue("total")).toBe(5);
    const started = result.allEvents.filter((e) => e.eventType === "STEP_START").map((e) => e.stepKey);
    expect(started).toEqual(["raw", "total.clean", "total.sum", "total"]);
    expect(result.allEvents.filter((e) => e.eventType === "STEP_SUCCESS").map((e) => e.stepKey)).toContain("total.clean");
    expect(result.allEvents.find((e) => e.eventType === "LOG_MESSAGE" && e.message === "op sum")?.stepKey).toBe("total.sum");
    expect(result.getAssetMaterializationEvents().map((e) => e.stepKey)).toEqual(["raw", "total"]);
  });

  it("retries an op by its own RetryPolicy: failing twice then succeeding with maxRetries 5 makes the run succeed", async () => {
    let calls = 0;
    const flaky = op({ name: "flaky", ins: { rows: new In<number[]>() }, retryPolicy: new RetryPolicy({ maxRetries: 5 }) }, (_ctx, { rows }) => {
      calls++;
      if (calls <= 2) throw new Error(`flaky attempt ${calls}`);
      return rows.length;
    });
    const counted = graphAsset({ name: "counted", ins: { raw } }, ({ raw }) => flaky({ rows: raw }));
    const result = await materialize([raw, counted], { clock: new ManualClock(0) });
    expect(result.success).toBe(true);
    expect(result.assetValue("counted")).toBe(3);
    expect(calls).toBe(3);
    expect(result.allEvents.filter((e) => e.eventType === "STEP_UP_FOR_RETRY").map((e) => e.stepKey)).toEqual(["counted.flaky", "counted.flaky"]);
  });

  it("does not retry the other ops of the graph when one op's policy retries", async () => {
    let firstCalls = 0;
    let secondCalls = 0;
    const first = op({ name: "first", ins: { rows: new In<number[]>() } }, (_ctx, { rows }) => (firstCalls++, rows));
    const second = op({ name: "second", ins: { rows: new In<number[]>() }, retryPolicy: new RetryPolicy({ maxRetries: 2 }) }, (_ctx, { rows }) => {
      if (++secondCalls === 1) throw new Error("once");
      return rows.length;
    });
    const g = graphAsset({ name: "g", ins: { raw } }, ({ raw }) => second({ rows: first({ rows: raw }) }));
    expect((await materialize([raw, g], { clock: new ManualClock(0) })).assetValue("g")).toBe(3);
    expect([firstCalls, secondCalls]).toEqual([1, 2]);
  });

  it("re-executes from the failed op, loading what the ops before it stored under the instance's home", async () => {
    const home = mkdtempSync(join(tmpdir(), "tessera-op-steps-"));
    const instance = Instance.open({ storage: { sqlite: { path: join(home, "tessera.db") } }, home });
    try {
      let extracted = 0;
      let healthy = false;
      const extract = op({ name: "extract", ins: { rows: new In<number[]>() } }, (_ctx, { rows }) => (extracted++, rows.map((r) => r * 10)));
      const load = op({ name: "load", ins: { rows: new In<number[]>() } }, (_ctx, { rows }) => {
        if (!healthy) throw new Error("warehouse down");
        return rows.reduce((a, b) => a + b, 0);
      });
      const etl = graphAsset({ name: "etl", ins: { raw } }, ({ raw }) => load({ rows: extract({ rows: raw }) }));
      const defs = new Definitions({ assets: [raw, etl] });
      const failed = await defs.materialize(undefined, { instance, raiseOnError: false });
      expect(failed.success).toBe(false);
      expect(failed.getStepFailureEvents().map((e) => e.stepKey)).toEqual(["etl.load"]);
      expect(existsSync(join(home, "storage", "op_outputs", failed.runId, "etl.extract"))).toBe(true);
      healthy = true;
      const child = await reexecuteRun(defs, failed.runId, { instance });
      expect(child.success).toBe(true);
      expect(child.assetValue("etl")).toBe(60);
      expect(extracted).toBe(1);
      expect(child.allEvents.filter((e) => e.eventType === "STEP_START").map((e) => e.stepKey)).toEqual(["etl.load", "etl"]);
      // A whole re-execution runs every op again.
      await reexecuteRun(defs, child.runId, { instance, fromFailure: false });
      expect(extracted).toBe(2);
    } finally {
      await instance.close();
    }
  });

  it("holds each op's step to its own pool", async () => {
    const instance = new Instance(new SqliteStorage(":memory:"), { clock: new ManualClock(1_700_000_000_000), settings: { concurrency: { pools: { api: 1 } } } });
    let inFlight = 0;
    let most = 0;
    const call = (name: string) =>
      op({ name, ins: { rows: new In<number[]>() }, pool: "api" }, async (_ctx, { rows }) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight--;
        return rows.length;
      });
    const left = call("left");
    const right = call("right");
    const both = graphMultiAsset({ name: "both", ins: { raw }, outs: { l: new AssetOut<number>(), r: new AssetOut<number>() } }, ({ raw }) => ({ l: left({ rows: raw }), r: right({ rows: raw }) }));
    const result = await materializeDefinitions(new Definitions({ assets: [raw, both] }), undefined, { instance });
    expect(result.success).toBe(true);
    expect([result.assetValue("l"), result.assetValue("r")]).toEqual([3, 3]);
    expect(most).toBe(1);
    expect(result.allEvents.some((e) => e.eventType === "ENGINE_EVENT" && /^Step "both\.(left|right)" waits for a slot of pool "api"/.test(e.message ?? ""))).toBe(true);
  });
});
