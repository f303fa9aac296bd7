// Faults (issue 14): the cost of fencing (every batch of a run's events checks its holder's lease in the storing
// transaction) beside unfenced batches, and how long a run whose holder died stays STARTED before run monitoring
// fails it, against its lease.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Instance } from "../src/index.js";
import { DAEMON_LEASE, DEFAULT_DAEMON_LEASE_TTL_MS } from "../src/automation/index.js";
import { RUN_WORKER_KEY_PREFIX, monitorRuns } from "../src/execution/index.js";
import { dropSchema } from "../test/support/postgres.js";
import { benchEvents, median, report, type Measurement } from "./harness.js";

const TOTAL = 20_000;
const BATCH = 10;

async function fencing(instance: Instance, label: string): Promise<Measurement[]> {
  const rows: Measurement[] = [];
  await instance.storage.acquireLease("worker:bench", "bench", Date.now(), 3_600_000);
  const times: Record<string, number> = {};
  for (const fenced of [false, true, false, true]) {
    const run = await instance.createRun({ jobName: "bench", tags: {}, assetSelection: [], runConfig: {} });
    const all = benchEvents(run.runId, TOTAL);
    const ms = await median(3, async () => {
      for (let i = 0; i < all.length; i += BATCH) {
        await instance.storeEvents(all.slice(i, i + BATCH), fenced ? { fence: { lease: "worker:bench", holder: "bench", now: Date.now() } } : {});
      }
    });
    times[String(fenced)] = Math.min(times[String(fenced)] ?? Infinity, ms);
  }
  const plain = times.false as number;
  const fenced = times.true as number;
  rows.push({ name: `${label}: ${TOTAL.toLocaleString("en")} events in batches of ${BATCH}, unfenced`, ms: plain, figure: `${Math.round(TOTAL / (plain / 1000)).toLocaleString("en")} events/s` });
  rows.push({
    name: `${label}: the same, fenced (lease checked in each transaction)`,
    ms: fenced,
    figure: `${Math.round(TOTAL / (fenced / 1000)).toLocaleString("en")} events/s (${(((fenced - plain) / plain) * 100).toFixed(1)}% slower)`,
    target: "within 10%",
    pass: fenced <= plain * 1.1,
  });
  return rows;
}

/** A holder on another host stops renewing a 2 s lease; monitoring passes every 200 ms, as a daemon would. */
async function deadRunDetection(instance: Instance): Promise<Measurement> {
  const leaseMs = 2000;
  const run = await instance.createRun({ jobName: "bench", tags: {}, assetSelection: [], runConfig: {} });
  await instance.storeEvents([{ runId: run.runId, timestamp: Date.now(), eventType: "RUN_START" }]);
  await instance.storage.setKv({ [`${RUN_WORKER_KEY_PREFIX}${run.runId}`]: "gone-worker" });
  const diedAt = Date.now();
  await instance.storage.acquireLease("worker:gone-worker", "gone-worker", diedAt, leaseMs);
  for (;;) {
    await monitorRuns({ instance });
    if ((await instance.getRunById(run.runId))?.status === "FAILURE") break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const ms = Date.now() - diedAt;
  return { name: `dead holder (lease ${leaseMs} ms, monitoring every 200 ms) to run FAILURE`, ms, figure: `${(ms / leaseMs).toFixed(2)}× the lease`, target: "< 2× the lease", pass: ms < 2 * leaseMs };
}

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Resolves once `condition` holds, looking every 20 ms. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}

/**
 * Two `tessera daemon` processes on one home, default lease: the one holding the lease is SIGKILLed once the other
 * waits; the handover is from the kill to the lease's acquisition by the second (its acquiredAt), in ms.
 */
async function daemonHandover(yaml: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "tessera-bench-handover-"));
  const home = join(dir, "home");
  mkdirSync(home);
  if (yaml) writeFileSync(join(home, "tessera.yaml"), yaml);
  mkdirSync(join(dir, "node_modules", "@tessera"), { recursive: true });
  symlinkSync(REPO, join(dir, "node_modules", "@tessera", "core"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bench-project", type: "module" }));
  writeFileSync(join(dir, "defs.ts"), `import { Definitions, asset } from "@tessera/core";\nexport const defs = new Definitions({ assets: [asset("one", () => 1)] });\n`);
  const start = (): { child: ChildProcess; out: () => string } => {
    const child = spawn(process.execPath, [join(REPO, "bin", "tessera.js"), "--home", home, "daemon", "-m", join(dir, "defs.ts")], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --conditions=tessera-source` },
    });
    let out = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    return { child, out: () => out };
  };
  const instance = Instance.fromHome({ home });
  const first = start();
  let second: ReturnType<typeof start> | undefined;
  try {
    await until(async () => (await instance.storage.getLease(DAEMON_LEASE))?.info.pid === first.child.pid);
    second = start();
    const waiting = second;
    await until(async () => waiting.out().includes("waiting: daemon"));
    const gone = new Promise((resolve) => first.child.on("exit", resolve));
    first.child.kill("SIGKILL");
    const killedAt = Date.now();
    await gone;
    await until(async () => (await instance.storage.getLease(DAEMON_LEASE))?.info.pid === waiting.child.pid);
    return ((await instance.storage.getLease(DAEMON_LEASE))?.acquiredAt ?? Number.NaN) - killedAt;
  } finally {
    for (const { child } of second ? [first, second] : [first]) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await instance.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function handoverRow(label: string, yaml: (i: number) => string, times: number): Promise<Measurement> {
  const readings: number[] = [];
  for (let i = 0; i < times; i++) readings.push(await daemonHandover(yaml(i)));
  const ms = readings.slice().sort((a, b) => a - b)[Math.floor(readings.length / 2)] as number;
  return {
    name: `${label}: daemon lease handover after SIGKILL (default lease ${DEFAULT_DAEMON_LEASE_TTL_MS} ms), median of ${times}`,
    ms,
    figure: `readings ${readings.map((r) => `${(r / 1000).toFixed(1)} s`).join(", ")}`,
    target: "< 10 s",
    pass: Math.max(...readings) < 10_000,
  };
}

/** Only the daemon handover readings (`node --import tsx bench/faults.bench.ts handover`): each takes a lease's time. */
export async function runHandover(): Promise<Measurement[]> {
  const url = process.env.TESSERA_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const rows = [await handoverRow("SQLite", () => "", 3)];
  const schemaOf = (i: number): string => `bench_handover_${process.pid}_${i}`;
  try {
    rows.push(await handoverRow("PostgreSQL", (i) => `storage:\n  postgres:\n    url: ${url}\n    schema: ${schemaOf(i)}\n`, 3));
  } finally {
    await Promise.all([0, 1, 2].map((i) => dropSchema(url, schemaOf(i)).catch(() => undefined)));
  }
  return rows;
}

export async function run(options: { handover?: boolean } = {}): Promise<Measurement[]> {
  const rows: Measurement[] = [];
  const home = mkdtempSync(join(tmpdir(), "tessera-bench-faults-"));
  const sqlite = Instance.fromHome({ home });
  try {
    rows.push(...(await fencing(sqlite, "SQLite")));
    rows.push(await deadRunDetection(sqlite));
  } finally {
    await sqlite.close();
    rmSync(home, { recursive: true, force: true });
  }
  const url = process.env.TESSERA_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const schema = `bench_faults_${process.pid}`;
  const pg = Instance.open({ storage: { postgres: { url, schema } } });
  try {
    rows.push(...(await fencing(pg, "PostgreSQL")));
  } finally {
    await pg.close();
  }
  await dropSchema(url, schema).catch(() => undefined);
  // A schema per reading: the killed daemons' leases are left behind in each.
  if (options.handover ?? true) rows.push(...(await runHandover()));
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) report("faults", process.argv[2] === "handover" ? await runHandover() : await run({ handover: process.argv[2] !== "fencing" }));
