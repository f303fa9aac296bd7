// Scale-out on PostgreSQL with real `tessera worker` processes: how fast an idle worker picks a queued run up,
// and how throughput of 1,000 trivial steps (200 runs of 5) scales from 1 to 3 workers on this machine.
// Run: node --import tsx bench/workers-postgres.bench.ts
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Instance, QueuedRunCoordinator, queueExecutor, type Definitions } from "../src/index.js";
import { WorkerRunLauncher } from "../src/execution/index.js";
import { dropSchema, freshSchemaName, probePostgres } from "../test/support/postgres.js";
import { report, type Measurement } from "./harness.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "bin", "tessera.js");
const CHAIN = `
import { Definitions, asset } from "@tessera/core";
const a = asset("a", () => 1);
const b = asset({ name: "b", ins: { a } }, (_c, { a }) => a + 1);
const c = asset({ name: "c", ins: { b } }, (_c, { b }) => b + 1);
const d = asset({ name: "d", ins: { c } }, (_c, { c }) => c + 1);
const e = asset({ name: "e", ins: { d } }, (_c, { d }) => d + 1);
export const defs = new Definitions({ assets: [a, b, c, d, e] });
`;

function project(): { dir: string; module: string } {
  const dir = mkdtempSync(join(tmpdir(), "tessera-bench-workers-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bench-project", type: "module" }));
  mkdirSync(join(dir, "node_modules"));
  mkdirSync(join(dir, "node_modules", "@tessera"), { recursive: true });
  symlinkSync(ROOT, join(dir, "node_modules", "@tessera", "core"), "dir");
  writeFileSync(join(dir, "defs.ts"), CHAIN);
  return { dir, module: join(dir, "defs.ts") };
}

async function startWorkers(home: string, module: string, count: number): Promise<ChildProcess[]> {
  const children: ChildProcess[] = [];
  await Promise.all(
    Array.from({ length: count }, (_, i) => {
      const child = spawn(process.execPath, [BIN, "--home", home, "worker", "-m", module, "--id", `bench-${i}`, "--concurrency", "4"], { stdio: ["ignore", "pipe", "inherit"] });
      children.push(child);
      return new Promise<void>((resolve, reject) => {
        let out = "";
        child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
          out += chunk;
          if (out.includes("is taking runs")) resolve();
        });
        child.on("exit", (code) => reject(new Error(`worker exited (${code}): ${out}`)));
      });
    }),
  );
  return children;
}

async function untilEnded(instance: Instance, runIds: readonly string[]): Promise<void> {
  for (;;) {
    const runs = await instance.storage.getRuns({ runIds });
    if (runs.every((r) => r.status === "SUCCESS" || r.status === "FAILURE")) {
      const failed = runs.filter((r) => r.status === "FAILURE");
      if (failed.length) throw new Error(`${failed.length} bench runs failed: ${failed[0]?.failureReason}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function run(): Promise<Measurement[]> {
  const server = await probePostgres();
  if (!server.reachable) {
    console.log(`\n(workers-postgres skipped: no PostgreSQL at ${server.url} (${server.reason}); set TESSERA_TEST_POSTGRES_URL to measure it)`);
    return [];
  }
  const { dir, module } = project();
  const { defs } = (await import(module)) as { defs: Definitions };
  const rows: Measurement[] = [];
  const throughput = new Map<number, number>();
  for (const workerCount of [3, 2, 1]) {
    const schema = freshSchemaName();
    const home = mkdtempSync(join(tmpdir(), "tessera-bench-workers-home-"));
    writeFileSync(join(home, "tessera.yaml"), `storage:\n  postgres:\n    url: ${server.url}\n    schema: ${schema}\n`);
    const instance = Instance.fromHome({ home });
    const launcher = new WorkerRunLauncher(instance);
    const workers = await startWorkers(home, module, workerCount);
    try {
      const coordinator = new QueuedRunCoordinator({ instance, launcher, settings: { maxConcurrentRuns: -1 } });
      if (workerCount === 3) {
        // Pickup latency: one run at a time into idle workers, from the enqueue call to the worker taking it.
        const latencies: number[] = [];
        for (let i = 0; i < 41; i++) {
          const queued = await defs.submitRun("a", { instance });
          const enqueuedAt = Date.now();
          await launcher.launch(queued);
          await untilEnded(instance, [queued.runId]);
          const taken = (await instance.allLogs(queued.runId)).find((e) => e.eventType === "ENGINE_EVENT" && e.message?.startsWith("Worker "));
          if (i > 0) latencies.push((taken?.timestamp as number) - enqueuedAt);
        }
        latencies.sort((x, y) => x - y);
        const p50 = latencies[Math.floor(latencies.length / 2)] as number;
        // Step pickup latency with the queue executor: this process orchestrates five runs of a 5-step chain whose steps the
        // workers take one by one; from the step's job being queued to a worker taking it.
        const result = await defs.materialize("*e", { instance, executor: queueExecutor({ maxConcurrent: 4 }), codeLocation: module });
        for (let i = 0; i < 4; i++) await defs.materialize("*e", { instance, executor: queueExecutor({ maxConcurrent: 4 }), codeLocation: module });
        const stepLatencies: number[] = [];
        for (const run of [result.runId, ...(await instance.getRuns({ limit: 4 })).map((r) => r.runId)]) {
          const logs = await instance.allLogs(run);
          for (const e of logs) {
            if (e.eventType !== "ENGINE_EVENT" || !e.message?.includes("is queued for a worker")) continue;
            const took = logs.find((t) => t.eventType === "ENGINE_EVENT" && t.stepKey === e.stepKey && t.message?.startsWith("Worker "));
            if (took) stepLatencies.push(took.timestamp - e.timestamp);
          }
        }
        stepLatencies.sort((x, y) => x - y);
        const stepP50 = stepLatencies[Math.floor(stepLatencies.length / 2)] as number;
        rows.push({
          name: `queue latency: a trivial step of a queue-executor run, queued to taken by a worker (median of ${stepLatencies.length}, 3 workers)`,
          ms: stepP50,
          figure: `p90 ${stepLatencies[Math.floor(stepLatencies.length * 0.9)]} ms`,
          target: "< 20 ms",
          pass: stepP50 < 20,
        });
        rows.push({
          name: "queue latency: an idle worker takes a queued run, enqueue to start (median of 40, 3 workers)",
          ms: p50,
          figure: `p90 ${latencies[Math.floor(latencies.length * 0.9)]} ms`,
          target: "< 20 ms",
          pass: p50 < 20,
        });
      }
      const runIds: string[] = [];
      for (let i = 0; i < 200; i++) runIds.push((await defs.submitRun("*e", { instance })).runId);
      const started = performance.now();
      await coordinator.dequeue();
      await untilEnded(instance, runIds);
      const ms = performance.now() - started;
      throughput.set(workerCount, 1000 / (ms / 1000));
      rows.push({
        name: `1,000 trivial steps (200 runs of 5) on ${workerCount} worker process${workerCount > 1 ? "es" : ""} (concurrency 4 each)`,
        ms,
        figure: `${Math.round(1000 / (ms / 1000))} steps/s`,
      });
    } finally {
      for (const w of workers) w.kill("SIGTERM");
      await Promise.all(workers.map((w) => new Promise((resolve) => (w.exitCode !== null ? resolve(undefined) : w.once("exit", resolve)))));
      await launcher.close();
      await instance.close();
      await dropSchema(server.url, schema);
      await dropSchema(server.url, `${schema}_queue`);
      rmSync(home, { recursive: true, force: true });
    }
  }
  // Scaling from 1 worker, measured in this same run.
  const one = throughput.get(1) as number;
  for (const row of rows) {
    const workers = /on (\d) worker process/.exec(row.name)?.[1];
    if (workers && workers !== "1") row.figure = `${row.figure}, ${((throughput.get(Number(workers)) as number) / one).toFixed(2)}× the steps/s of 1 worker`;
  }
  rmSync(dir, { recursive: true, force: true });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) report("Workers on PostgreSQL", await run());
