// Reliability of scale-out on PostgreSQL, with real `tessera worker` processes: a worker SIGKILLed mid-run
// loses nothing that was recorded and runs nothing twice; a concurrency pool holds across workers.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Instance, QueuedRunCoordinator, type Definitions, type RunRecord } from "@tessera/core";
import { RUN_WORKER_KEY_PREFIX, WorkerRunLauncher, monitorRuns } from "../src/execution/index.js";
import { dropSchema, freshSchemaName, postgresForTests } from "./support/postgres.js";
import { TESSERA_BIN, TempDirs, userProject } from "./support/user-project.js";

const server = await postgresForTests();
const dirs = new TempDirs();
afterAll(() => dirs.removeAll());
const project = (source: string): string => userProject(dirs, source, "tessera-reliability-project-");

// Five steps in a chain, each a little slow. While the file TESSERA_TEST_GATE names exists, enrich waits, so that
// the test can hold runs mid-way and kill a worker that certainly has one in progress.
const CHAIN = `
import { existsSync } from "node:fs";
import { Definitions, asset } from "@tessera/core";
const pause = () => new Promise((resolve) => setTimeout(resolve, 4));
const gateOpen = async () => { const gate = process.env.TESSERA_TEST_GATE; while (gate && existsSync(gate)) await new Promise((resolve) => setTimeout(resolve, 5)); };
const extract = asset("extract", async () => { await pause(); return [1, 2, 3]; });
const clean = asset({ name: "clean", ins: { extract } }, async (_c, { extract }) => { await pause(); return extract.map((x) => x * 2); });
const enrich = asset({ name: "enrich", ins: { clean } }, async (_c, { clean }) => { await gateOpen(); await pause(); return clean.map((x) => x + 1); });
const summarize = asset({ name: "summarize", ins: { enrich } }, async (_c, { enrich }) => { await pause(); return enrich.reduce((a, b) => a + b, 0); });
const publish = asset({ name: "publish", ins: { summarize } }, async (_c, { summarize }) => { await pause(); return { total: summarize }; });
const load = asset({ name: "load_warehouse", pool: "warehouse" }, async () => { await new Promise((resolve) => setTimeout(resolve, 60)); return 1; });
export const defs = new Definitions({ assets: [extract, clean, enrich, summarize, publish, load] });
`;

describe.skipIf(!server.reachable)("scale-out reliability on PostgreSQL", () => {
  const schemas: string[] = [];
  const workers: ChildProcess[] = [];
  afterEach(async () => {
    for (const w of workers.splice(0)) if (w.exitCode === null && w.signalCode === null) w.kill("SIGKILL");
    await Promise.all(schemas.splice(0).flatMap((s) => [dropSchema(server.url, s), dropSchema(server.url, `${s}_queue`)]));
  });

  function home(extraSettings = ""): string {
    const dir = dirs.make("tessera-reliability-home-");
    const schema = freshSchemaName();
    schemas.push(schema);
    writeFileSync(join(dir, "tessera.yaml"), `storage:\n  postgres:\n    url: ${server.url}\n    schema: ${schema}\n${extraSettings}`);
    return dir;
  }

  function startWorkerProcess(homeDir: string, module: string, id: string, gate?: string): { process: ChildProcess; ready: Promise<void> } {
    const child = spawn(process.execPath, [TESSERA_BIN, "--home", homeDir, "worker", "-m", module, "--id", id, "--concurrency", "4", "--heartbeat-ms", "200", "--lease-ttl-ms", "1500"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: gate === undefined ? process.env : { ...process.env, TESSERA_TEST_GATE: gate },
    });
    workers.push(child);
    let out = "";
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
        out += chunk;
        if (out.includes("is taking runs")) resolve();
      });
      child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
      child.on("exit", (code) => reject(new Error(`worker ${id} exited (${code}) before it was ready: ${out}`)));
    });
    return { process: child, ready };
  }

  /** The daemon's part, in the test: launch queued runs and monitor running ones, until all have ended. */
  async function superviseUntilDone(instance: Instance, defs: Definitions, runIds: readonly string[], onTick: (finished: number) => void | Promise<void>, timeoutMs = 120_000): Promise<RunRecord[]> {
    const launcher = new WorkerRunLauncher(instance);
    // As many runs in progress as the workers take at once (3 × 4): the rest wait QUEUED, so a run STARTING
    // has been handed to a worker, and one a dead worker took but never began is failed by the start timeout.
    const coordinator = new QueuedRunCoordinator({ instance, launcher, settings: { maxConcurrentRuns: 12 } });
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        await coordinator.dequeue();
        await monitorRuns({ instance, defs, startTimeoutMs: 15_000 });
        const runs = await instance.storage.getRuns({ runIds });
        const finished = runs.filter((r) => ["SUCCESS", "FAILURE", "CANCELED"].includes(r.status)).length;
        if (finished === runIds.length) return runs;
        await onTick(finished);
        if (Date.now() > deadline) throw new Error(`${runIds.length - finished} runs unfinished after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await launcher.close();
    }
  }

  it("3 workers, 200 runs of 5 steps, one worker SIGKILLed mid-run: every run ends with a reason, no step runs twice, every finished step's events exactly once", async () => {
    const module = project(CHAIN);
    const { defs } = (await import(module)) as { defs: Definitions };
    const homeDir = home();
    const instance = Instance.fromHome({ home: homeDir });
    try {
      const gate = join(homeDir, "gate");
      const started = ["w1", "w2", "w3"].map((id) => startWorkerProcess(homeDir, module, id, gate));
      await Promise.all(started.map((s) => s.ready));
      const runIds: string[] = [];
      for (let i = 0; i < 200; i++) runIds.push((await defs.submitRun("*publish", { instance, tags: { batch: String(i) } })).runId);

      let killed = false;
      let gateClosedAt = Number.POSITIVE_INFINITY;
      const runs = await superviseUntilDone(instance, defs, runIds, async (finished) => {
        if (killed || finished < 40) return;
        // Hold every run at enrich, then kill w1 once one of its runs is held there: enrich started after the gate
        // closed and has not succeeded, so the run is certainly mid-way when w1 dies.
        if (!existsSync(gate)) {
          writeFileSync(gate, "");
          gateClosedAt = Date.now();
        }
        const inProgress = (await instance.storage.getRuns({ runIds })).filter((r) => r.status === "STARTED");
        const holders = await instance.storage.getKv(inProgress.map((r) => `${RUN_WORKER_KEY_PREFIX}${r.runId}`));
        let held = false;
        for (const run of inProgress) {
          if (holders[`${RUN_WORKER_KEY_PREFIX}${run.runId}`] !== "w1") continue;
          const logs = await instance.allLogs(run.runId);
          const enrichStart = logs.find((e) => e.eventType === "STEP_START" && e.stepKey === "enrich");
          const enrichDone = logs.some((e) => e.eventType === "STEP_SUCCESS" && e.stepKey === "enrich");
          if (enrichStart && !enrichDone && enrichStart.timestamp > gateClosedAt) held = true;
        }
        if (!held) return;
        killed = true;
        started[0]?.process.kill("SIGKILL");
        rmSync(gate);
      });
      expect(killed).toBe(true);

      const failed = runs.filter((r) => r.status === "FAILURE");
      expect(runs.every((r) => r.status === "SUCCESS" || (r.status === "FAILURE" && (r.failureReason ?? "").length > 0))).toBe(true);
      expect(runs.filter((r) => r.status === "SUCCESS").length).toBeGreaterThan(100);
      // The killed worker held runs when it died (it took a share of 200): they failed, naming it.
      expect(failed.length).toBeGreaterThan(0);
      for (const run of failed) expect(run.failureReason).toMatch(/^(Worker w1 stopped renewing its lease|No worker started the run within 15 s)/);
      const reasons = failed.map((r) => r.failureReason?.slice(0, 60));
      expect(failed.some((r) => r.failureReason?.startsWith("Worker w1 stopped renewing its lease")), `failures: ${JSON.stringify(reasons)}`).toBe(true);

      for (const run of runs) {
        const logs = await instance.allLogs(run.runId);
        const count = (type: string, step: string) => logs.filter((e) => e.eventType === type && e.stepKey === step).length;
        // A run the killed worker took but had not started yet has no RUN_START; none has two.
        expect(logs.filter((e) => e.eventType === "RUN_START").length).toBe(run.status === "SUCCESS" ? 1 : logs.some((e) => e.eventType === "RUN_START") ? 1 : 0);
        for (const step of ["extract", "clean", "enrich", "summarize", "publish"]) {
          expect(count("STEP_START", step)).toBeLessThanOrEqual(1);
          if (count("STEP_SUCCESS", step) > 0) {
            expect(count("STEP_SUCCESS", step)).toBe(1);
            expect(count("ASSET_MATERIALIZATION", step)).toBe(1);
            expect(count("STEP_START", step)).toBe(1);
          }
        }
        if (run.status === "SUCCESS") expect(logs.filter((e) => e.eventType === "STEP_SUCCESS").length).toBe(5);
      }
    } finally {
      await instance.close();
    }
  }, 180_000);

  it("a pool of 2 over 20 queued steps across 3 workers never runs more than 2 at once", async () => {
    const module = project(CHAIN);
    const { defs } = (await import(module)) as { defs: Definitions };
    const homeDir = home("concurrency:\n  pools: { warehouse: 2 }\n");
    const instance = Instance.fromHome({ home: homeDir });
    try {
      const started = ["p1", "p2", "p3"].map((id) => startWorkerProcess(homeDir, module, id));
      await Promise.all(started.map((s) => s.ready));
      const runIds: string[] = [];
      for (let i = 0; i < 20; i++) runIds.push((await defs.submitRun("load_warehouse", { instance })).runId);
      const runs = await superviseUntilDone(instance, defs, runIds, () => undefined);
      expect(runs.map((r) => r.status)).toEqual(Array(20).fill("SUCCESS"));

      const edges: { at: number; delta: number }[] = [];
      const takers = new Set<string>();
      for (const runId of runIds) {
        const logs = await instance.allLogs(runId);
        const start = logs.find((e) => e.eventType === "STEP_START");
        const end = logs.find((e) => e.eventType === "STEP_SUCCESS");
        edges.push({ at: start?.timestamp as number, delta: 1 }, { at: end?.timestamp as number, delta: -1 });
        const taker = logs.find((e) => e.eventType === "ENGINE_EVENT" && e.message?.startsWith("Worker "));
        takers.add(String((taker?.data as { workerId?: string } | undefined)?.workerId));
      }
      edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
      let running = 0;
      let most = 0;
      for (const edge of edges) most = Math.max(most, (running += edge.delta));
      expect(most).toBeLessThanOrEqual(2);
      expect(most).toBe(2);
      expect(takers.size).toBeGreaterThan(1);
    } finally {
      await instance.close();
    }
  }, 120_000);
});
