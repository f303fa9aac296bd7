// Workers on PostgreSQL: queued runs executed by `tessera worker`s through graphile-worker, and run monitoring
// that fails (and retries) the runs of a worker that stopped renewing its lease.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  Definitions,
  Instance,
  ManualClock,
  QueuedRunCoordinator,
  asset,
  type RunRecord,
} from "@tessera/core";
import { WorkerRunLauncher, monitorRuns, startWorker, MAX_RETRIES_TAG, RUN_WORKER_KEY_PREFIX, type WorkerHandle } from "../src/execution/index.js";
import { dropSchema, freshSchemaName, postgresForTests } from "./support/postgres.js";

const server = await postgresForTests();
const homes: string[] = [];
afterAll(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

const raw = asset({ name: "raw_orders" }, () => [3, 1, 2]);
const clean = asset({ name: "clean_orders", ins: { raw } }, (_ctx, { raw }) => [...raw].sort());
const total = asset({ name: "order_total", ins: { clean } }, (_ctx, { clean }) => clean.reduce((a, b) => a + b, 0));
const defs = new Definitions({ assets: [raw, clean, total] });

// Workers wait for runs to finish (a condition, with its own deadline); on a loaded machine that can take longer
// than vitest's default 30 s, so the tests here may run until those deadlines.
describe.skipIf(!server.reachable)("workers on PostgreSQL", { timeout: 120_000 }, () => {
  const schemas: string[] = [];
  const instances: Instance[] = [];
  afterEach(async () => {
    await Promise.all(instances.splice(0).map((i) => i.close()));
    await Promise.all(schemas.splice(0).flatMap((s) => [dropSchema(server.url, s), dropSchema(server.url, `${s}_queue`)]));
  });

  function instanceOnPostgres(clock?: ManualClock): Instance {
    const home = mkdtempSync(join(tmpdir(), "tessera-workers-home-"));
    homes.push(home);
    const schema = freshSchemaName();
    schemas.push(schema);
    writeFileSync(join(home, "tessera.yaml"), `storage:\n  postgres:\n    url: ${server.url}\n    schema: ${schema}\n`);
    const instance = Instance.fromHome({ home, ...(clock ? { clock } : {}) });
    instances.push(instance);
    return instance;
  }

  async function untilFinished(instance: Instance, runIds: readonly string[], timeoutMs = 60_000): Promise<RunRecord[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const runs = await instance.storage.getRuns({ runIds });
      if (runs.length === runIds.length && runs.every((r) => ["SUCCESS", "FAILURE", "CANCELED"].includes(r.status))) return runs;
      if (Date.now() > deadline) throw new Error(`runs not finished after ${timeoutMs} ms: ${runs.map((r) => r.status).join(", ")}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it("executes queued runs on two workers, each run by exactly one of them, each step once", async () => {
    const instance = instanceOnPostgres();
    const workers: WorkerHandle[] = [];
    for (const id of ["w1", "w2"]) workers.push(await startWorker({ instance, defs, workerId: id, concurrency: 2, pollIntervalMs: 200 }));
    const launcher = new WorkerRunLauncher(instance);
    try {
      const runs = [];
      for (let i = 0; i < 8; i++) runs.push(await defs.submitRun("*order_total", { instance, tags: { batch: String(i) } }));
      const dequeued = await new QueuedRunCoordinator({ instance, launcher, settings: { maxConcurrentRuns: -1 } }).dequeue();
      expect(dequeued.launched).toHaveLength(8);
      const finished = await untilFinished(instance, runs.map((r) => r.runId));
      expect(finished.map((r) => r.status)).toEqual(Array(8).fill("SUCCESS"));
      for (const run of runs) {
        const logs = await instance.allLogs(run.runId);
        const takers = logs.filter((e) => e.eventType === "ENGINE_EVENT" && e.message?.startsWith("Worker "));
        expect(takers).toHaveLength(1);
        const starts = logs.filter((e) => e.eventType === "STEP_START").map((e) => e.stepKey);
        expect(starts.sort()).toEqual(["clean_orders", "order_total", "raw_orders"]);
      }
      expect(await defs.loadAssetValue("order_total", { instance })).toBe(6);
      // Queued again by mistake: the job key keeps one job per run, and a finished run is not executed twice.
      await launcher.launch(runs[0] as RunRecord);
      expect((await instance.allLogs((runs[0] as RunRecord).runId)).filter((e) => e.eventType === "RUN_START")).toHaveLength(1);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await launcher.close();
    }
  });

  it("stops a worker's run canceled through the instance (tessera run cancel): the running step finishes, the rest are skipped, the run ends CANCELED", async () => {
    const instance = instanceOnPostgres();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = asset({ name: "slow_extract" }, async () => {
      await gate;
      return 1;
    });
    const second = asset({ name: "slow_load", ins: { first } }, (_ctx, { first }) => first + 1);
    const slowDefs = new Definitions({ assets: [first, second] });
    const worker = await startWorker({ instance, defs: slowDefs, workerId: "w-cancel", pollIntervalMs: 200 });
    const launcher = new WorkerRunLauncher(instance);
    try {
      const run = await slowDefs.submitRun("*slow_load", { instance });
      await new QueuedRunCoordinator({ instance, launcher }).dequeue();
      for (;;) {
        if ((await instance.allLogs(run.runId)).some((e) => e.eventType === "STEP_START" && e.stepKey === "slow_extract")) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect((await instance.cancelRun(run.runId)).status).toBe("CANCELING");
      release();
      const [ended] = await untilFinished(instance, [run.runId]);
      expect(ended?.status).toBe("CANCELED");
      const logs = await instance.allLogs(run.runId);
      expect(logs.filter((e) => e.eventType === "STEP_SUCCESS").map((e) => e.stepKey)).toEqual(["slow_extract"]);
      expect(logs.find((e) => e.eventType === "STEP_SKIPPED")?.stepKey).toBe("slow_load");
    } finally {
      release();
      await worker.stop();
      await launcher.close();
    }
  });

  it("routes a run tagged tessera/worker_queue to the workers of that queue only, and untagged runs to default", async () => {
    const instance = instanceOnPostgres();
    const gpu = await startWorker({ instance, defs, workerId: "gpu-box", queues: ["gpu"], concurrency: 2, pollIntervalMs: 200 });
    const plain = await startWorker({ instance, defs, workerId: "plain-box", concurrency: 2, pollIntervalMs: 200 });
    const launcher = new WorkerRunLauncher(instance);
    try {
      const tagged = [];
      const untagged = [];
      for (let i = 0; i < 3; i++) {
        tagged.push(await defs.submitRun("raw_orders", { instance, tags: { "tessera/worker_queue": "gpu" } }));
        untagged.push(await defs.submitRun("raw_orders", { instance }));
      }
      await new QueuedRunCoordinator({ instance, launcher, settings: { maxConcurrentRuns: -1 } }).dequeue();
      await untilFinished(instance, [...tagged, ...untagged].map((r) => r.runId));
      const takerOf = async (runId: string) =>
        ((await instance.allLogs(runId)).find((e) => e.eventType === "ENGINE_EVENT" && e.message?.startsWith("Worker "))?.data as { workerId?: string } | undefined)?.workerId;
      for (const run of tagged) expect(await takerOf(run.runId)).toBe("gpu-box");
      for (const run of untagged) expect(await takerOf(run.runId)).toBe("plain-box");
      await expect(startWorker({ instance, defs, queues: ["no spaces"] })).rejects.toThrow(/Worker queue "no spaces" is not a valid name/);
    } finally {
      await Promise.all([gpu.stop(), plain.stop()]);
      await launcher.close();
    }
  });

  it("fails the run of a worker whose lease expired, naming it, and re-executes it from failure when its tags ask for retries", async () => {
    const clock = new ManualClock(1_800_000_000_000);
    const instance = instanceOnPostgres(clock);
    const run = await defs.submitRun("*order_total", { instance, tags: { [MAX_RETRIES_TAG]: "1" } });
    await instance.storeEvents([
      { runId: run.runId, timestamp: clock.now(), eventType: "RUN_STARTING" },
      { runId: run.runId, timestamp: clock.now(), eventType: "RUN_START" },
    ]);
    await instance.storage.setKv({ [`${RUN_WORKER_KEY_PREFIX}${run.runId}`]: "w-dead" });
    await instance.storage.acquireLease("worker:w-dead", "w-dead", clock.now(), 30_000);

    clock.advance(29_000);
    expect(await monitorRuns({ instance, defs })).toEqual({ failed: [], retried: [] });

    clock.advance(11_000);
    const result = await monitorRuns({ instance, defs });
    expect(result.failed).toEqual([{ runId: run.runId, reason: expect.stringMatching(/^Worker w-dead stopped renewing its lease while running this run; its lease expired 10 s ago/) }]);
    expect(await instance.getRunById(run.runId)).toMatchObject({ status: "FAILURE" });
    const child = await instance.getRunById(result.retried[0]?.childRunId as string);
    expect(child).toMatchObject({ status: "QUEUED", parentRunId: run.runId, tags: { "tessera/retry_number": "1", [MAX_RETRIES_TAG]: "1" } });

    // The retry fails the same way: no further retry, its one allowed retry is spent.
    await instance.storeEvents([{ runId: child?.runId as string, timestamp: clock.now(), eventType: "RUN_START" }]);
    await instance.storage.setKv({ [`${RUN_WORKER_KEY_PREFIX}${child?.runId}`]: "w-dead" });
    const again = await monitorRuns({ instance, defs });
    expect(again.failed.map((f) => f.runId)).toEqual([child?.runId]);
    expect(again.retried).toEqual([]);
  });

  it("fails a run that no worker started within the start timeout", async () => {
    const clock = new ManualClock(1_800_000_000_000);
    const instance = instanceOnPostgres(clock);
    const run = await defs.submitRun("raw_orders", { instance });
    await instance.storeEvents([{ runId: run.runId, timestamp: clock.now(), eventType: "RUN_STARTING" }]);
    clock.advance(60_000);
    expect((await monitorRuns({ instance, startTimeoutMs: 120_000 })).failed).toEqual([]);
    clock.advance(61_000);
    const { failed } = await monitorRuns({ instance, startTimeoutMs: 120_000 });
    expect(failed).toEqual([{ runId: run.runId, reason: expect.stringMatching(/^No worker started the run within 120 s/) }]);
  });
});

describe("workers on SQLite", () => {
  it("are refused, saying what to configure", () => {
    const home = mkdtempSync(join(tmpdir(), "tessera-workers-sqlite-"));
    homes.push(home);
    const instance = Instance.fromHome({ home });
    try {
      expect(() => new WorkerRunLauncher(instance)).toThrow(/Workers share runs through PostgreSQL, but this instance is sqlite .*storage: \{ postgres: \{ url \} \}/);
    } finally {
      void instance.close();
    }
  });
});
