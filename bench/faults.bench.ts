// Faults (issue 14): the cost of fencing (every batch of a run's events checks its holder's lease in the storing
// transaction) beside unfenced batches, and how long a run whose holder died stays STARTED before run monitoring
// fails it, against its lease.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Instance } from "../src/index.js";
import { RUN_WORKER_KEY_PREFIX, monitorRuns } from "../src/execution/index.js";
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

export async function run(): Promise<Measurement[]> {
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
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) report("faults", await run());
