// Issue 12: what capturing each step's stdout/stderr (compute logs) costs per step. 1,000 independent trivial assets
// materialized in-process on a SQLite file instance, with capture off (computeLogs: { enabled: false }) and on
// (files under the home), each either silent or writing 10 lines of stdout.
// Run: node --import tsx bench/compute-logs.bench.ts   (or npm run bench compute-logs)
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Definitions, InMemoryIOManager, Instance, asset, type AssetsDefinition } from "../src/index.js";
import { median, report, type Measurement } from "./harness.js";

const COUNT = 1000;
const LINES = 10;

function assets(lines: number): AssetsDefinition<unknown>[] {
  return Array.from({ length: COUNT }, (_, n) =>
    asset(`step_${n}`, () => {
      for (let i = 0; i < lines; i++) process.stdout.write(`step ${n} line ${i}: some output a program might print\n`);
      return n;
    }),
  );
}

/** One configuration in this process: the median of 7 runs. */
async function measure(lines: number, enabled: boolean): Promise<number> {
  // The steps' lines would flood the report: the "terminal" is a sink while measuring (capture wraps it, so what
  // is measured is capture plus a write that costs nothing).
  process.stdout.write = (() => true) as typeof process.stdout.write;
  const home = mkdtempSync(join(tmpdir(), "tessera-bench-logs-"));
  writeFileSync(join(home, "tessera.yaml"), `computeLogs:\n  enabled: ${enabled}\n`);
  const instance = Instance.fromHome({ home });
  const defs = new Definitions({ assets: assets(lines), resources: { ioManager: new InMemoryIOManager() } });
  try {
    return await median(7, async () => {
      const result = await defs.materialize(undefined, { instance });
      if (!result.success) throw new Error("bench run failed");
    });
  } finally {
    await instance.close();
    rmSync(home, { recursive: true, force: true });
  }
}

// Each configuration in a fresh process: once an AsyncLocalStorage has run, Node 20 keeps its promise hooks on for
// the whole process, which would slow the "off" runs measured after an "on" one.
function inChild(lines: number, enabled: boolean): number {
  const out = execFileSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--one", String(lines), String(enabled)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return Number(/^ms=(\S+)$/m.exec(out)?.[1]);
}

export async function run(): Promise<Measurement[]> {
  const rows: Measurement[] = [];
  for (const lines of [0, LINES]) {
    const off = inChild(lines, false);
    const on = inChild(lines, true);
    rows.push({ name: `materialize ${COUNT} trivial assets each writing ${lines} lines to stdout, capture off`, ms: off, figure: `${((off / COUNT) * 1000).toFixed(0)} µs per step` });
    rows.push({
      name: `materialize ${COUNT} trivial assets each writing ${lines} lines to stdout, capture on (files)`,
      ms: on,
      figure: `${((on / COUNT) * 1000).toFixed(0)} µs per step; capture adds ${(((on - off) / COUNT) * 1000).toFixed(0)} µs per step`,
    });
  }
  return rows;
}

const [flag, lines, enabled] = process.argv.slice(2);
if (flag === "--one") {
  const ms = await measure(Number(lines), enabled === "true");
  writeSync(1, `ms=${ms}\n`);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  report("compute-logs", await run());
}
