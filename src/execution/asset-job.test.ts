import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ManualClock, UnknownAssetError } from "../core/index.js";
import { AssetSpec, RetryPolicy, asset, defineAssetJob, inProcessExecutor } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { AssetSelection } from "../graph/index.js";
import { Instance } from "../instance/index.js";
import { InProcessRunLauncher } from "./run-queue/launchers.js";
import { QueuedRunCoordinator } from "./run-queue/coordinator.js";

const rawOrders = new AssetSpec(["raw", "orders"], { groupName: "raw" });
const orders = asset({ name: "orders", deps: [rawOrders], groupName: "sales" }, () => [5, 7]);
const revenue = asset(
  { name: "revenue", ins: { orders }, groupName: "sales", config: z.object({ multiplier: z.number().default(1) }) },
  (ctx, { orders }) => orders.reduce((a, b) => a + b, 0) * ctx.config.multiplier,
);
const forecast = asset({ name: "forecast", ins: { revenue }, groupName: "planning" }, (_ctx, { revenue }) => revenue * 2);

describe("asset jobs", () => {
  it("materializes the job's selection, recording the job name and its tags on the run", async () => {
    const instance = Instance.ephemeral();
    const sales = defineAssetJob({ name: "sales", selection: "group:sales", tags: { team: "sales" } });
    const defs = new Definitions({ assets: [rawOrders, orders, revenue, forecast], jobs: [sales] });
    const job = defs.getJobDef("sales");
    expect(job.assetKeys.map(String)).toEqual(["orders", "revenue"]);
    const result = await job.executeInProcess({ instance, tags: { trigger: "test" } });
    expect(result.materializedKeys.map(String)).toEqual(["orders", "revenue"]);
    const run = await instance.getRunById(result.runId);
    expect(run?.jobName).toBe("sales");
    expect(run?.tags).toEqual({ team: "sales", trigger: "test" });
    expect((await instance.getRuns({ jobName: "sales" })).length).toBe(1);
  });

  it("puts runTags rather than the job's tags on runs when given", async () => {
    const job = defineAssetJob({ name: "j", selection: [orders], tags: { owner: "a" }, runTags: { priority: "high" } });
    const result = await new Definitions({ assets: [orders], jobs: [job] }).getJobDef("j").executeInProcess();
    expect(result.run.tags).toEqual({ priority: "high" });
  });

  it("selects every computed asset by default and accepts an AssetSelection", async () => {
    const all = defineAssetJob({ name: "everything" });
    const upstream = defineAssetJob({ name: "upstream_of_forecast", selection: AssetSelection.assets(forecast).upstream(1) });
    const defs = new Definitions({ assets: [rawOrders, orders, revenue, forecast], jobs: [all, upstream] });
    expect(defs.getJobDef("everything").assetKeys.map(String)).toEqual(["orders", "revenue", "forecast"]);
    expect(defs.getJobDef("upstream_of_forecast").assetKeys.map(String)).toEqual(["revenue", "forecast"]);
  });

  it("uses the job's config unless the run gives its own, validating it with the config path", async () => {
    const job = defineAssetJob({ name: "tripled", selection: "orders, revenue", config: { ops: { revenue: { config: { multiplier: 3 } } } } });
    const defs = new Definitions({ assets: [orders, revenue], jobs: [job] });
    expect((await defs.getJobDef("tripled").executeInProcess()).assetValue("revenue")).toBe(36);
    const own = await defs.getJobDef("tripled").executeInProcess({ runConfig: { ops: { revenue: { config: { multiplier: 2 } } } } });
    expect(own.assetValue("revenue")).toBe(24);
    await expect(defs.getJobDef("tripled").executeInProcess({ runConfig: { ops: { revenue: { config: { multiplier: "x" } } } } })).rejects.toThrow(
      /ops\.revenue\.config\.multiplier/,
    );
  });

  it("gives steps without a retry policy the job's opRetryPolicy", async () => {
    let attempts = 0;
    const flaky = asset("flaky", () => {
      if (attempts++ === 0) throw new Error("first attempt fails");
      return 1;
    });
    const job = defineAssetJob({ name: "retrying", opRetryPolicy: new RetryPolicy({ maxRetries: 1, delay: 5 }) });
    const result = await new Definitions({ assets: [flaky], jobs: [job] }).getJobDef("retrying").executeInProcess({ clock: new ManualClock(0, { autoAdvance: true }) });
    expect(result.success).toBe(true);
    expect(attempts).toBe(2);
  });

  it("runs its steps with its own executorDef rather than the Definitions' executor", async () => {
    let running = 0;
    let peak = 0;
    const assets = Array.from({ length: 4 }, (_, i) =>
      asset(`slow_${i}`, async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setImmediate(r));
        running--;
        return i;
      }),
    );
    const serial = defineAssetJob({ name: "serial", executorDef: inProcessExecutor({ maxConcurrent: 1 }) });
    const wide = defineAssetJob({ name: "wide" });
    const defs = new Definitions({ assets, jobs: [serial, wide], executor: inProcessExecutor({ maxConcurrent: 4 }) });
    await defs.getJobDef("serial").executeInProcess();
    expect(peak).toBe(1);
    await defs.getJobDef("wide").executeInProcess();
    expect(peak).toBe(4);
  });

  it("keeps its executorDef and opRetryPolicy when submitted to the run queue and launched from there", async () => {
    let running = 0;
    let peak = 0;
    let attempts = 0;
    const assets = Array.from({ length: 3 }, (_, i) =>
      asset(`queued_${i}`, async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setImmediate(r));
        running--;
        if (i === 0 && attempts++ === 0) throw new Error("first attempt fails");
        return i;
      }),
    );
    const job = defineAssetJob({ name: "serial_retrying", executorDef: inProcessExecutor({ maxConcurrent: 1 }), opRetryPolicy: new RetryPolicy({ maxRetries: 1 }) });
    const defs = new Definitions({ assets, jobs: [job], executor: inProcessExecutor({ maxConcurrent: 3 }) });
    const instance = Instance.ephemeral({ clock: new ManualClock(0, { autoAdvance: true }) });
    const queued = await defs.getJobDef("serial_retrying").submit({ instance });
    const launcher = new InProcessRunLauncher(defs, instance);
    await new QueuedRunCoordinator({ instance, launcher }).dequeue();
    await launcher.whenIdle();
    expect((await instance.getRunById(queued.runId))?.status).toBe("SUCCESS");
    expect(peak).toBe(1);
    expect(attempts).toBe(2);
  });

  it("keeps its description and metadata, coerced like an asset's", () => {
    const job = defineAssetJob({ name: "documented", description: "Nightly sales", metadata: { owner: "sales", retries: 2 } });
    expect(job.description).toBe("Nightly sales");
    expect(job.metadata).toEqual({ owner: { type: "text", value: "sales" }, retries: { type: "int", value: 2 } });
    expect(() => defineAssetJob({ name: "bad_metadata", metadata: { fn: () => 1 } as never })).toThrow(/entry "fn"/);
  });

  it("rejects a selection naming an undefined asset when the Definitions is built, naming it", () => {
    const job = defineAssetJob({ name: "typo", selection: ["revenu"] });
    expect(() => new Definitions({ assets: [orders, revenue], jobs: [job] })).toThrow(UnknownAssetError);
    expect(() => new Definitions({ assets: [orders, revenue], jobs: [job] })).toThrow(/Job "typo" selects an asset that is not defined.*Did you mean "revenue"/);
  });

  it("rejects a job that selects an external asset", () => {
    const job = defineAssetJob({ name: "raw", selection: AssetSelection.assets(rawOrders) });
    expect(() => new Definitions({ assets: [rawOrders, orders], jobs: [job] })).toThrow(/external asset "raw\/orders"/);
  });

  it("rejects duplicate and invalid job names, and names the jobs there are for an unknown one", () => {
    expect(() => defineAssetJob({ name: "bad name" })).toThrow(/Job name "bad name" is invalid/);
    const a = defineAssetJob({ name: "nightly" });
    expect(() => new Definitions({ assets: [orders], jobs: [a, defineAssetJob({ name: "nightly" })] })).toThrow(/Two jobs are named "nightly"/);
    const defs = new Definitions({ assets: [orders], jobs: [a] });
    expect(() => defs.getJobDef("nighty")).toThrow(/No job named "nighty". Did you mean "nightly"\? Jobs: nightly/);
  });

  it("rejects a syntax error in a job's selection string with its position", () => {
    const job = defineAssetJob({ name: "broken", selection: "group:sales and (" });
    expect(() => new Definitions({ assets: [orders], jobs: [job] })).toThrow(/SELECTION|column|expected/i);
  });
});
