import { describe, expect, it } from "vitest";
import { asset, defineAssetJob } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { DynamicPartitionsDefinition } from "../partitions/index.js";
import {
  buildSensorContext,
  DefaultSensorStatus,
  InvalidEvaluationResultError,
  InvalidRunRequestError,
  RunRequest,
  sensor,
  SensorDefinition,
  SensorResult,
  SkipReason,
} from "./index.js";
import { executeRunRequests } from "../automation/index.js";

const orders = asset({ name: "orders" }, () => 1);
const refunds = asset({ name: "refunds" }, () => 2);
const ordersJob = defineAssetJob({ name: "orders_job", selection: "orders" });
const refundsJob = defineAssetJob({ name: "refunds_job", selection: "refunds" });

describe("SensorDefinition", () => {
  it("returns its run requests for its job, tagged with its name, and keeps the cursor it was given", async () => {
    const s = new SensorDefinition({ name: "watcher", job: ordersJob }, () => new RunRequest({ runKey: "a", tags: { why: "new file" } }));
    const tick = await s.evaluateTick(buildSensorContext({ cursor: "7" }));
    expect(tick.runRequests.map((r) => [r.runKey, r.jobName, r.tags])).toEqual([["a", "orders_job", { why: "new file", "tessera/sensor_name": "watcher" }]]);
    expect(tick.cursor).toBe("7");
    expect(tick.skipMessage).toBeUndefined();
  });

  it("defaults to a 30 second interval, stopped, and says when it may next be evaluated", () => {
    const s = sensor({ name: "slow", job: ordersJob, minimumIntervalSeconds: 120 }, () => undefined);
    const fast = sensor({ name: "fast", job: ordersJob }, () => undefined);
    expect([fast.minimumIntervalSeconds, fast.defaultStatus]).toEqual([30, DefaultSensorStatus.STOPPED]);
    const last = Date.UTC(2024, 0, 1, 12, 0, 0);
    expect(s.nextEvaluationTime(last, last + 60_000).toISOString()).toBe("2024-01-01T12:02:00.000Z");
    expect(s.nextEvaluationTime(last, last + 600_000).toISOString()).toBe("2024-01-01T12:10:00.000Z");
    expect(s.nextEvaluationTime(undefined, last).getTime()).toBe(last);
    expect(() => sensor({ name: "never", job: ordersJob, minimumIntervalSeconds: 0 }, () => undefined)).toThrow(/positive number of seconds/);
  });

  it("moves the cursor with ctx.updateCursor or with SensorResult.cursor, but not both", async () => {
    const byContext = sensor({ name: "by_ctx", job: ordersJob }, (ctx) => {
      ctx.updateCursor(String(Number(ctx.cursor ?? 0) + 1));
      return new SkipReason("nothing new");
    });
    expect(await byContext.evaluateTick({ cursor: "4" })).toMatchObject({ cursor: "5", skipMessage: "nothing new", runRequests: [] });
    const byResult = sensor({ name: "by_result", job: ordersJob }, () => new SensorResult({ runRequests: [new RunRequest()], cursor: "next" }));
    expect(await byResult.evaluateTick()).toMatchObject({ cursor: "next", skipMessage: undefined });
    const both = sensor({ name: "both", job: ordersJob }, (ctx) => {
      ctx.updateCursor("x");
      return new SensorResult({ cursor: "y" });
    });
    await expect(both.evaluateTick()).rejects.toThrow(/set the cursor one way only/);
  });

  it("skips when the function returns nothing, or a SensorResult without run requests", async () => {
    const nothing = sensor({ name: "nothing", job: ordersJob }, () => []);
    expect((await nothing.evaluateTick()).skipMessage).toBe("Sensor function returned an empty result");
    const bare = sensor({ name: "bare", job: ordersJob }, () => new SensorResult({ cursor: "c" }));
    expect(await bare.evaluateTick()).toMatchObject({ skipMessage: "Sensor function returned an empty result", cursor: "c" });
  });

  it("refuses a function returning the wrong thing, saying what to return", async () => {
    const s = sensor({ name: "stringly", job: ordersJob }, (() => "run it") as never);
    const error = await s.evaluateTick().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidEvaluationResultError);
    expect((error as Error).message).toBe(
      'The sensor "stringly" returned string "run it"; its function must return a RunRequest, an array of RunRequests, a SkipReason or a SensorResult (or nothing).',
    );
    const mixed = sensor({ name: "mixed", job: ordersJob }, () => [new RunRequest(), new SkipReason()]);
    await expect(mixed.evaluateTick()).rejects.toThrow(/either one SkipReason or only RunRequests/);
  });

  it("needs a target to request runs, and a jobName when it has several", async () => {
    const untargeted = sensor({ name: "untargeted" }, () => new RunRequest());
    await expect(untargeted.evaluateTick()).rejects.toThrow(/has no target: give it \{ job \}/);
    const multi = sensor({ name: "multi", jobs: [ordersJob, refundsJob] }, (ctx) => new RunRequest(ctx.cursor ? { jobName: ctx.cursor } : {}));
    await expect(multi.evaluateTick()).rejects.toThrow(/each RunRequest must name one with jobName: one of "orders_job", "refunds_job"/);
    await expect(multi.evaluateTick({ cursor: "other_job" })).rejects.toThrow(InvalidRunRequestError);
    expect((await multi.evaluateTick({ cursor: "refunds_job" })).runRequests[0]?.jobName).toBe("refunds_job");
  });

  it("refuses a run request for assets its job does not materialize", async () => {
    const s = sensor({ name: "subset", job: ordersJob }, () => new RunRequest({ assetSelection: ["refunds"] }));
    const defs = new Definitions({ assets: [orders, refunds], sensors: [s] });
    await expect(s.evaluateTick({ definitions: defs })).rejects.toThrow(/requested asset "refunds", which job "orders_job" does not materialize/);
  });
});

describe("sensors with dynamic partitions", () => {
  const files = new DynamicPartitionsDefinition({ name: "files" });
  const ingested = asset({ name: "ingested", partitionsDef: files }, (ctx) => `rows of ${ctx.partitionKey}`);
  const ingestJob = defineAssetJob({ name: "ingest", selection: "ingested" });
  const newFiles = sensor({ name: "new_files", job: ingestJob }, (ctx) => {
    const keys = (ctx.cursor ?? "").split(",").filter(Boolean);
    return new SensorResult({
      runRequests: keys.map((k) => new RunRequest({ runKey: k, partitionKey: k })),
      dynamicPartitionsRequests: [files.buildAddRequest(keys)],
    });
  });
  const defs = new Definitions({ assets: [ingested], jobs: [ingestJob], sensors: [newFiles] });

  it("may request partitions that the same tick adds, and the runs materialize them", async () => {
    const instance = Instance.ephemeral();
    const tick = await newFiles.evaluateTick(buildSensorContext({ instance, definitions: defs, cursor: "a.csv,b.csv" }));
    expect(tick.dynamicPartitionsRequests).toEqual([{ kind: "add_dynamic_partitions", partitionsDefName: "files", partitionKeys: ["a.csv", "b.csv"] }]);
    expect(tick.runRequests.map((r) => r.partitionKey)).toEqual(["a.csv", "b.csv"]);
    const { results } = await executeRunRequests({ defs, instance, instigator: newFiles, evaluation: tick });
    expect(await instance.getDynamicPartitions("files")).toEqual(["a.csv", "b.csv"]);
    expect(results.map((r) => r.assetValue("ingested", { partitionKey: r.run.partitionKey }))).toEqual(["rows of a.csv", "rows of b.csv"]);
    expect(results.map((r) => r.run.tags["tessera/sensor_name"])).toEqual(["new_files", "new_files"]);
    await instance.close();
  });

  it("refuses a partition that is neither in the instance nor added by the tick, and one the tick deletes", async () => {
    const instance = Instance.ephemeral();
    await instance.addDynamicPartitions("files", ["old.csv"]);
    const typo = sensor({ name: "typo", job: ingestJob }, () => new RunRequest({ partitionKey: "old.cvs" }));
    const error = await typo.evaluateTick({ instance, definitions: defs }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRunRequestError);
    expect((error as Error).message).toMatch(/sensor "typo" requested partition "old.cvs" of job "ingest", which DynamicPartitionsDefinition\("files"\) does not have .*Did you mean "old.csv"\?/);
    const deleting = sensor(
      { name: "deleting", job: ingestJob },
      () => new SensorResult({ runRequests: [new RunRequest({ partitionKey: "old.csv" })], dynamicPartitionsRequests: [files.buildDeleteRequest(["old.csv"])] }),
    );
    await expect(deleting.evaluateTick({ instance, definitions: defs })).rejects.toThrow(/after this tick's dynamic partitions requests/);
    await instance.close();
  });

  it("deletes dynamic partitions a tick asks to delete", async () => {
    const instance = Instance.ephemeral();
    await instance.addDynamicPartitions("files", ["x.csv", "y.csv"]);
    const cleanup = sensor({ name: "cleanup", job: ingestJob }, () => new SensorResult({ dynamicPartitionsRequests: [files.buildDeleteRequest(["x.csv"])] }));
    const tick = await cleanup.evaluateTick({ instance, definitions: defs });
    await executeRunRequests({ defs, instance, instigator: cleanup, evaluation: tick });
    expect(await instance.getDynamicPartitions("files")).toEqual(["y.csv"]);
    await instance.close();
  });
});
