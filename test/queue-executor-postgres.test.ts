// The queue executor on PostgreSQL, with real `tessera worker` processes: a run's steps are jobs that any worker
// takes; a worker SIGKILLed mid-step is noticed by its lease, and the step retried elsewhere or failed naming it.
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Definitions, Instance, InstanceError, ManualClock, asset, queueExecutor, type EventRecord } from "@tessera/core";
import { WorkerQueue, startWorker, stepWorkerKey } from "../src/execution/index.js";
import { executeQueuedStep } from "../src/execution/queue-executor/index.js";
import { dropSchema, freshSchemaName, postgresForTests, withClient } from "./support/postgres.js";
import { TESSERA_BIN, TempDirs, userProject } from "./support/user-project.js";

const server = await postgresForTests();
const dirs = new TempDirs();
afterAll(() => dirs.removeAll());
const tempDir = (prefix: string): string => dirs.make(prefix);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Five steps: extract, three branches that take a while (so two workers of one step slot each share them), combine.
// `durable` (with a RetryPolicy) and `fragile` (without) take long enough for a worker to be killed in them.
const MODULE = `
import { Definitions, RetryPolicy, asset, queueExecutor } from "@tessera/core";
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const extract = asset("extract", async () => (console.log("extracting"), [1, 2, 3]));
const doubled = asset({ name: "doubled", ins: { extract } }, async (_c, { extract }) => { await pause(400); return extract.map((x) => x * 2); });
const shifted = asset({ name: "shifted", ins: { extract } }, async (_c, { extract }) => { await pause(400); return extract.map((x) => x + 10); });
const squared = asset({ name: "squared", ins: { extract } }, async (_c, { extract }) => { await pause(400); return extract.map((x) => x * x); });
const combined = asset({ name: "combined", ins: { doubled, shifted, squared } }, async (_c, i) => [...i.doubled, ...i.shifted, ...i.squared].reduce((a, b) => a + b, 0));
const durable = asset({ name: "durable", retryPolicy: new RetryPolicy({ maxRetries: 1 }) }, async () => { await pause(1500); return "kept"; });
const fragile = asset({ name: "fragile" }, async () => { await pause(1500); return "lost"; });
export const defs = new Definitions({ assets: [extract, doubled, shifted, squared, combined, durable, fragile], executor: queueExecutor({ maxConcurrent: 4 }) });
`;

function project(): string {
  return userProject(dirs, MODULE, "tessera-queue-project-");
}

const tookStep = (e: EventRecord): string | undefined =>
  e.eventType === "ENGINE_EVENT" && e.stepKey !== undefined && e.message?.startsWith("Worker ") ? (e.data as { workerId?: string } | undefined)?.workerId : undefined;

// Runs wait for workers (conditions with their own deadlines); a loaded machine can exceed vitest's 30 s default.
describe.skipIf(!server.reachable)("the queue executor on PostgreSQL", { timeout: 120_000 }, () => {
  const schemas: string[] = [];
  const workers: ChildProcess[] = [];
  const instances: Instance[] = [];
  afterEach(async () => {
    for (const w of workers.splice(0)) if (w.exitCode === null && w.signalCode === null) w.kill("SIGKILL");
    await Promise.all(instances.splice(0).map((i) => i.close()));
    await Promise.all(schemas.splice(0).flatMap((s) => [dropSchema(server.url, s), dropSchema(server.url, `${s}_queue`)]));
  });

  function home(): string {
    const dir = tempDir("tessera-queue-home-");
    const schema = freshSchemaName();
    schemas.push(schema);
    writeFileSync(join(dir, "tessera.yaml"), `storage:\n  postgres:\n    url: ${server.url}\n    schema: ${schema}\n`);
    return dir;
  }

  /** A code location and an instance on a fresh schema whose clock the test moves, and the queue's schema. */
  async function onManualClock() {
    const module = project();
    const { defs } = (await import(module)) as { defs: Definitions };
    const clock = new ManualClock(1_800_000_000_000);
    const homeDir = home();
    const instance = Instance.fromHome({ home: homeDir, clock });
    instances.push(instance);
    return { module, defs, clock, instance, queueSchema: `${schemas[schemas.length - 1]}_queue` };
  }

  function open(homeDir: string): Instance {
    const instance = Instance.fromHome({ home: homeDir });
    instances.push(instance);
    return instance;
  }

  /** Starts `tessera worker` processes (one run slot and one step slot each) and resolves once all take jobs. */
  async function startWorkers(homeDir: string, module: string, ids: readonly string[]): Promise<Map<string, ChildProcess>> {
    const started = new Map<string, ChildProcess>();
    await Promise.all(
      ids.map((id) => {
        const child = spawn(process.execPath, [TESSERA_BIN, "--home", homeDir, "worker", "-m", module, "--id", id, "--concurrency", "1", "--heartbeat-ms", "200", "--lease-ttl-ms", "1500"], {
          stdio: ["ignore", "pipe", "pipe"],
        });
        workers.push(child);
        started.set(id, child);
        let out = "";
        return new Promise<void>((resolve, reject) => {
          child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
            out += chunk;
            if (out.includes("is taking runs")) resolve();
          });
          child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
          child.on("exit", (code) => reject(new Error(`worker ${id} exited (${code}) before it was ready: ${out}`)));
        });
      }),
    );
    return started;
  }

  it("executes a 5-step run's steps on two workers, values passing through the filesystem IO manager of the shared home", async () => {
    const module = project();
    const { defs } = (await import(module)) as { defs: Definitions };
    const homeDir = home();
    const instance = open(homeDir);
    await startWorkers(homeDir, module, ["qa", "qb"]);

    const result = await defs.materialize("*combined", { instance, codeLocation: module });
    expect(result.success).toBe(true);
    const logs = await instance.allLogs(result.runId);
    const takers = new Map(logs.filter((e) => tookStep(e) !== undefined).map((e) => [e.stepKey as string, tookStep(e) as string]));
    expect([...takers.keys()].sort()).toEqual(["combined", "doubled", "extract", "shifted", "squared"]);
    expect(new Set(takers.values())).toEqual(new Set(["qa", "qb"]));
    expect(await instance.storage.getKv([stepWorkerKey(result.runId, "combined")])).toEqual({ [stepWorkerKey(result.runId, "combined")]: takers.get("combined") });
    // Each step ran once, wrote its own events, and the run's result holds them all.
    for (const step of takers.keys()) expect(logs.filter((e) => e.eventType === "STEP_SUCCESS" && e.stepKey === step)).toHaveLength(1);
    expect(result.allEvents.filter((e) => e.eventType === "ASSET_MATERIALIZATION")).toHaveLength(5);
    expect(await defs.loadAssetValue("combined", { instance })).toBe(2 + 4 + 6 + 11 + 12 + 13 + 1 + 4 + 9);
    // The worker that ran extract kept what it printed, under the shared home.
    expect(instance.computeLogs.read(result.runId, "extract", "stdout").data).toBe("extracting\n");
    expect(logs.filter((e) => e.eventType === "LOGS_CAPTURED").map((e) => e.stepKey)).toEqual(["extract"]);
  }, 30_000);

  /** Materializes `step` and SIGKILLs the worker that takes its first attempt; resolves with the run's outcome. */
  async function killMidStep(step: string, raiseOnError: boolean) {
    const module = project();
    const { defs } = (await import(module)) as { defs: Definitions };
    const homeDir = home();
    const instance = open(homeDir);
    const started = await startWorkers(homeDir, module, ["qa", "qb"]);
    let taker: string | undefined;
    let killed: string | undefined;
    let runId: string | undefined;
    const outcome = defs
      .materialize(step, {
        instance,
        codeLocation: module,
        raiseOnError,
        onEvent: (event) => {
          runId = event.runId;
          taker ??= tookStep(event);
          // Killed once the step's compute began, so it dies mid-step rather than before starting it.
          if (event.eventType === "STEP_START" && taker !== undefined && killed === undefined) {
            killed = taker;
            started.get(taker)?.kill("SIGKILL");
          }
        },
      })
      .then(
        (result) => ({ result, error: undefined }),
        (error: unknown) => ({ result: undefined, error }),
      );
    const ended = await outcome;
    const logs = await instance.allLogs(runId as string);
    return { ...ended, killed: killed as string, logs, instance, defs, runId: runId as string };
  }

  it("retries the step of a SIGKILLed worker on the other worker, as its RetryPolicy allows, once the dead worker's lease expired", async () => {
    const { result, killed, logs, instance, defs } = await killMidStep("durable", true);
    expect(result?.success).toBe(true);
    const takers = logs.filter((e) => tookStep(e) !== undefined).map(tookStep);
    expect(takers).toHaveLength(2);
    expect(takers[0]).toBe(killed);
    expect(takers[1]).not.toBe(killed);
    const retry = logs.find((e) => e.eventType === "STEP_UP_FOR_RETRY" && e.stepKey === "durable");
    expect(retry?.message).toMatch(new RegExp(`^Worker ${killed} stopped renewing its lease while running step "durable" \\(its lease expired`));
    // The second attempt started only after the first one's worker was declared dead.
    const starts = logs.filter((e) => e.eventType === "STEP_START" && e.stepKey === "durable");
    expect(starts).toHaveLength(2);
    expect(starts[1]?.timestamp).toBeGreaterThanOrEqual(retry?.timestamp as number);
    expect(logs.filter((e) => e.eventType === "STEP_SUCCESS" && e.stepKey === "durable")).toHaveLength(1);
    expect(logs.filter((e) => e.eventType === "STEP_FAILURE")).toHaveLength(0);
    expect(await defs.loadAssetValue("durable", { instance })).toBe("kept");
  }, 30_000);

  it("fails the run, naming the SIGKILLed worker, when the step has no RetryPolicy", async () => {
    const { result, error, killed, logs, instance, runId } = await killMidStep("fragile", true);
    expect(result).toBeUndefined();
    expect(String((error as Error)?.message)).toMatch(new RegExp(`^Worker ${killed} stopped renewing its lease while running step "fragile"`));
    const failure = logs.find((e) => e.eventType === "STEP_FAILURE" && e.stepKey === "fragile");
    expect(failure?.message).toMatch(new RegExp(`^Step "fragile" failed: Worker ${killed} stopped renewing its lease`));
    expect(logs.filter((e) => tookStep(e) !== undefined)).toHaveLength(1);
    expect(await instance.getRunById(runId)).toMatchObject({ status: "FAILURE" });
  }, 30_000);

  it("finishes a queue-executor run that a worker of one run slot orchestrates: its steps take the worker's step slot", async () => {
    const module = project();
    const { defs } = (await import(module)) as { defs: Definitions };
    const instance = open(home());
    const worker = await startWorker({ instance, defs, module, workerId: "solo", concurrency: 1, stepConcurrency: 1, pollIntervalMs: 200 });
    const queue = new WorkerQueue(instance);
    try {
      const run = await defs.submitRun("*combined", { instance, codeLocation: module });
      await queue.enqueueRun(run.runId);
      const deadline = Date.now() + 20_000;
      while (!["SUCCESS", "FAILURE"].includes((await instance.getRunById(run.runId))?.status ?? "")) {
        if (Date.now() > deadline) throw new Error("the run did not finish: its steps wait for the slot its orchestration holds");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await instance.getRunById(run.runId)).toMatchObject({ status: "SUCCESS" });
      const logs = await instance.allLogs(run.runId);
      expect(logs.filter((e) => tookStep(e) === "solo")).toHaveLength(5);
      expect(await defs.loadAssetValue("combined", { instance })).toBe(62);
    } finally {
      await queue.close();
      await worker.stop();
    }
  }, 30_000);

  it("warns in the run's log when no worker takes a step for 30 s, and runs it once a worker starts", async () => {
    const { module, defs, clock, instance, queueSchema } = await onManualClock();
    const warnings: EventRecord[] = [];
    const run = defs.materialize("extract", {
      instance,
      codeLocation: module,
      onEvent: (event) => {
        if (event.eventType === "ENGINE_EVENT" && event.level === "warn") warnings.push(event);
      },
    });
    // The step's job is on the queue (the queue's schema is created on first use): from here it waits for a worker.
    const queued = () => withClient(server.url, async (c) => Number((await c.query(`SELECT count(*) AS n FROM ${queueSchema}.jobs`).catch(() => ({ rows: [{ n: 0 }] }))).rows[0].n));
    while ((await queued()) === 0) await sleep(50);
    // The job names the step and its attempt, and holds no connection details: a worker uses its own instance.
    const [job] = await withClient(server.url, async (c) => (await c.query(`SELECT key, payload FROM ${queueSchema}._private_jobs`)).rows as { key: string; payload: Record<string, unknown> }[]);
    expect(job?.key).toMatch(/^[0-9a-f-]{36}\/extract\/0$/);
    expect(job?.payload).toMatchObject({ stepKey: "extract", attempt: 0, module });
    expect(job?.payload).not.toHaveProperty("storage");
    clock.advance(29_000);
    await sleep(500);
    expect(warnings).toEqual([]);
    clock.advance(2_000);
    while (warnings.length === 0) await sleep(20);
    expect(warnings[0]?.message).toMatch(/^Step "extract" has waited 30 s on the queue without a worker taking it: start `tessera worker`/);
    const worker = await startWorker({ instance, defs, module, workerId: "late", pollIntervalMs: 200 });
    try {
      expect((await run).success).toBe(true);
      expect(warnings).toHaveLength(1);
    } finally {
      await worker.stop();
    }
  }, 30_000);

  it("hands out again a step job whose worker died between taking it and starting the step; the step runs once", async () => {
    const { module, defs, clock, instance, queueSchema } = await onManualClock();
    const run = defs.materialize("fragile", { instance, codeLocation: module, raiseOnError: false });
    const locked = () =>
      withClient(server.url, async (c) =>
        // A worker that locked the job a minute ago and died before claiming the step's attempt.
        (await c.query(`UPDATE ${queueSchema}._private_jobs SET locked_at = now() - interval '1 minute', locked_by = 'ghost' WHERE key LIKE '%/fragile/0'`).catch(() => ({ rowCount: 0 }))).rowCount,
      );
    while (!(await locked())) await sleep(50);
    clock.advance(31_000);
    const worker = await startWorker({ instance, defs, module, workerId: "survivor", pollIntervalMs: 200 });
    try {
      const result = await run;
      const logs = result.allEvents;
      expect(result.success).toBe(true);
      expect(logs.find((e) => e.eventType === "ENGINE_EVENT" && e.level === "warn")?.message).toBe(
        'A worker took step "fragile"\'s job over 30 s ago and died before it started the step; the job is handed out again.',
      );
      expect(logs.filter((e) => e.eventType === "STEP_START" && e.stepKey === "fragile")).toHaveLength(1);
      expect(logs.filter((e) => e.eventType === "STEP_UP_FOR_RETRY")).toEqual([]);
      expect(logs.filter(tookStep).map(tookStep)).toEqual(["survivor"]);
    } finally {
      await worker.stop();
    }
  }, 30_000);

  it("runs a step attempt at most once, even when its job is handed out twice", async () => {
    const homeDir = home();
    const instance = open(homeDir);
    const { defs } = (await import(project())) as { defs: Definitions };
    const payload = { module: "unused.ts", runId: "r-claimed", stepKey: "extract", runConfig: {}, nodes: ["extract"], checks: [], partitionKeys: undefined, runTags: {}, attempt: 0 };
    await instance.storage.acquireLease("step_attempt:r-claimed/extract/0", "first-worker", Date.now(), 60_000);
    expect(await executeQueuedStep(payload, { instance, defs, workerId: "second-worker" })).toBeUndefined();
    expect(await instance.allLogs("r-claimed")).toEqual([]);
  });

  it("needs the code location module, naming the fix", async () => {
    const { defs } = (await import(project())) as { defs: Definitions };
    const instance = open(home());
    await expect(defs.materialize("extract", { instance })).rejects.toThrow(/queue executor's workers run each step from the code location.*codeLocation/);
  });
});

describe("the queue executor without PostgreSQL", () => {
  it("is refused with a typed error saying what to configure", async () => {
    const homeDir = tempDir("tessera-queue-sqlite-");
    const instance = Instance.fromHome({ home: homeDir });
    const defs = new Definitions({ assets: [asset("one", () => 1)], executor: queueExecutor() });
    try {
      const attempt = defs.materialize("one", { instance, codeLocation: join(homeDir, "defs.ts") });
      await expect(attempt).rejects.toBeInstanceOf(InstanceError);
      await expect(attempt).rejects.toMatchObject({ code: "WORKERS_NEED_POSTGRES" });
      await expect(attempt).rejects.toThrow(/queue executor puts each step on the workers' queue in PostgreSQL, but this instance is sqlite .*storage: \{ postgres: \{ url \} \}/);
      expect(await instance.getRuns()).toEqual([]);
    } finally {
      await instance.close();
    }
  });

  it("takes a whole number of concurrent steps", () => {
    expect(() => queueExecutor({ maxConcurrent: 0 })).toThrow(/queueExecutor maxConcurrent must be a whole number >= 1, got 0/);
    expect(queueExecutor({ maxConcurrent: 3 })).toMatchObject({ kind: "executor", name: "queue", maxConcurrent: 3 });
  });
});
