// Issue 13: 10,000 assets with their AssetGraph built in a fresh process, timed after the library's import
// (cold JIT, as a code location loads). Each sample is its own child process.
// Run: node --import tsx bench/definitions-fresh.bench.ts
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { report, type Measurement } from "./harness.js";

const COUNT = 10_000;
const SAMPLES = 7;

/**
 * CPU time of the calling thread in ms (Linux: `/proc/thread-self/schedstat`), or undefined elsewhere. On a shared
 * machine the main thread's CPU time of the timed region is the steadiest figure: wall time waits for other
 * tenants, and all-thread CPU counts GC helpers and compiler threads that contend with them.
 */
function threadCpuMs(): number | undefined {
  try {
    return Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]) / 1e6;
  } catch {
    return undefined;
  }
}

/** The child: import, then time asset() × COUNT + Definitions + AssetGraph.of once. */
async function child(): Promise<void> {
  const { AssetGraph, Definitions, asset } = await import("../src/index.js");
  const { layeredParents } = await import("./harness.js");
  const mainStarted = threadCpuMs();
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const dag = layeredParents(COUNT, 100);
  const assets: ReturnType<typeof asset>[] = new Array(COUNT);
  for (let n = 0; n < COUNT; n++) {
    const ins: Record<string, ReturnType<typeof asset>> = {};
    const parents = dag.parents(n);
    for (let i = 0; i < parents.length; i++) ins[`in${i}`] = assets[parents[i] as number] as ReturnType<typeof asset>;
    assets[n] = asset({ name: dag.name(n), ins }, () => n);
  }
  const defs = new Definitions({ assets });
  const size = AssetGraph.of(defs).size;
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  const mainEnded = threadCpuMs();
  // CPU time (user + system, all threads: GC helpers count) beside wall time, since the machine is often shared.
  const mainMs = mainStarted === undefined || mainEnded === undefined ? undefined : mainEnded - mainStarted;
  process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, mainMs, size }));
}

export async function run(): Promise<Measurement[]> {
  const self = fileURLToPath(import.meta.url);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  const mainTimes: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const out = execFileSync(process.execPath, ["--import", "tsx", self, "--child"], { encoding: "utf8" });
    const sample = JSON.parse(out) as { ms: number; cpuMs: number; mainMs?: number };
    times.push(sample.ms);
    cpuTimes.push(sample.cpuMs);
    if (sample.mainMs !== undefined) mainTimes.push(sample.mainMs);
  }
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)] as number;
  const cpuMs = cpuTimes[Math.floor(cpuTimes.length / 2)] as number;
  mainTimes.sort((a, b) => a - b);
  const main = mainTimes.length === 0 ? "" : `; main thread ${(mainTimes[Math.floor(mainTimes.length / 2)] as number).toFixed(1)} ms median`;
  return [
    {
      name: `asset() × ${COUNT.toLocaleString("en")} + Definitions + AssetGraph in a fresh process, after import (median of ${SAMPLES} processes; range ${times[0]?.toFixed(0)}–${times[times.length - 1]?.toFixed(0)} ms)`,
      ms,
      figure: `CPU ${cpuMs.toFixed(1)} ms median, range ${cpuTimes[0]?.toFixed(0)}–${cpuTimes[cpuTimes.length - 1]?.toFixed(0)} ms${main}`,
      target: "< 100 ms",
      pass: ms < 100,
    },
  ];
}

if (process.argv.includes("--child")) await child();
else if (import.meta.url === `file://${process.argv[1]}`) report("Definitions in a fresh process", await run());
