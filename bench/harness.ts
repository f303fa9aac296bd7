// Small helpers shared by the benchmarks: timing with warm-up, and a results table.
import { cpus } from "node:os";
import { AssetKey, MetadataValue, type TesseraEvent } from "../src/index.js";

export interface Measurement {
  name: string;
  /** Median milliseconds. */
  ms: number;
  /** A derived figure (per step, per second…) and its unit. */
  figure?: string;
  target?: string;
  pass?: boolean;
}

export async function median(runs: number, fn: () => Promise<void> | void, warmups = 2): Promise<number> {
  for (let i = 0; i < warmups; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

export function machine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return `${cpus().length} × ${cpu}, Node ${process.version}`;
}

export function report(title: string, rows: Measurement[]): void {
  console.log(`\n## ${title}`);
  console.log(`machine: ${machine()}`);
  for (const row of rows) {
    const verdict = row.pass === undefined ? "" : row.pass ? "  ✓" : "  ✗ over target";
    console.log(
      `- ${row.name}: ${row.ms.toFixed(1)} ms${row.figure ? ` (${row.figure})` : ""}${row.target ? ` — target ${row.target}` : ""}${verdict}`,
    );
  }
}

/** Layered DAG names: layer `l`, position `i`. Each node after the first layer has two parents in the previous layer. */
export function layeredParents(total: number, width: number): { name: (n: number) => string; parents: (n: number) => number[] } {
  return {
    name: (n) => `asset_${n}`,
    parents: (n) => {
      if (n < width) return [];
      const layerStart = Math.floor(n / width) * width;
      const i = n - layerStart;
      const prev = layerStart - width;
      const a = prev + i;
      const b = prev + ((i + 1) % width);
      return a === b || b >= total ? [a] : [a, b];
    },
  };
}

/** The event-log benchmarks' mix: a quarter each of step starts, logs, materializations (of 100 assets) and step successes. */
export function benchEvents(runId: string, total: number): TesseraEvent[] {
  const keys = Array.from({ length: 100 }, (_, i) => new AssetKey(["bench", `asset_${i}`]));
  return Array.from({ length: total }, (_, i): TesseraEvent => {
    const kind = i % 4;
    const stepKey = `bench__asset_${i % 100}`;
    if (kind === 0) return { runId, stepKey, timestamp: i, eventType: "STEP_START", message: "Started step." };
    if (kind === 1) return { runId, stepKey, timestamp: i, eventType: "LOG_MESSAGE", level: "info", message: "loaded rows", data: { rows: i } };
    if (kind === 2) {
      return {
        runId,
        stepKey,
        timestamp: i,
        eventType: "ASSET_MATERIALIZATION",
        assetKey: keys[i % 100],
        metadata: { rows: MetadataValue.int(i), path: MetadataValue.path(`/data/bench/asset_${i % 100}`) },
        tags: { "tessera/code_version": "v1" },
      };
    }
    return { runId, stepKey, timestamp: i, eventType: "STEP_SUCCESS", durationMs: 1.5 };
  });
}

/** Median wall and CPU milliseconds: on a shared machine the CPU time of this process is the steadier reading. */
export async function medianWithCpu(runs: number, fn: () => Promise<void> | void, warmups = 2): Promise<{ ms: number; cpuMs: number }> {
  for (let i = 0; i < warmups; i++) await fn();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    await fn();
    walls.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
  }
  const mid = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  return { ms: mid(walls), cpuMs: mid(cpus) };
}
