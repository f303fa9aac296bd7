// Issue 13: 10,000 assets with their AssetGraph built in a fresh process, timed after the library's import
// (cold JIT, as a code location loads). Each sample is its own child process.
// Run: node --import tsx bench/definitions-fresh.bench.ts
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { report, type Measurement } from "./harness.js";

const COUNT = 10_000;
const SAMPLES = 7;

/** The child: import, then time asset() × COUNT + Definitions + AssetGraph.of once. */
async function child(): Promise<void> {
  const { AssetGraph, Definitions, asset } = await import("../src/index.js");
  const { layeredParents } = await import("./harness.js");
  const started = performance.now();
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
  process.stdout.write(JSON.stringify({ ms: performance.now() - started, size }));
}

export async function run(): Promise<Measurement[]> {
  const self = fileURLToPath(import.meta.url);
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const out = execFileSync(process.execPath, ["--import", "tsx", self, "--child"], { encoding: "utf8" });
    times.push((JSON.parse(out) as { ms: number }).ms);
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)] as number;
  return [
    {
      name: `asset() × ${COUNT.toLocaleString("en")} + Definitions + AssetGraph in a fresh process, after import (median of ${SAMPLES} processes; range ${times[0]?.toFixed(0)}–${times[times.length - 1]?.toFixed(0)} ms)`,
      ms,
      target: "< 100 ms",
      pass: ms < 100,
    },
  ];
}

if (process.argv.includes("--child")) await child();
else if (import.meta.url === `file://${process.argv[1]}`) report("Definitions in a fresh process", await run());
