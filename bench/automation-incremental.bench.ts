// Issue 13: incremental automation ticks over 10,000 eager() assets and the reference's perf scenario, each tick
// measured both ways in one run: full (every condition, every record: the evaluation before issue 13) and incremental.
// Run: node --expose-gc --import tsx bench/automation-incremental.bench.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Instance } from "../src/index.js";
import { AutomationCondition } from "../src/index.js";
import { evaluateAutomationConditions, evaluateAutomationConditionsFully } from "../src/automation/condition/evaluator.js";
import { layeredParents, median, medianWithCpu, type Measurement, report } from "./harness.js";
import { layeredDefinitions, recordMaterializations } from "./layered-assets.js";

const TOTAL = 10_000;
const WIDTH = 100;
const dag = layeredParents(TOTAL, WIDTH);

export async function run(): Promise<Measurement[]> {
  const rows: Measurement[] = [];
  const home = mkdtempSync(join(tmpdir(), "tessera-bench-"));
  const instance = Instance.fromHome({ home });
  try {
    const defs = layeredDefinitions(dag, TOTAL);
    const eager = AutomationCondition.eager();
    await recordMaterializations(instance, dag, Array.from({ length: TOTAL }, (_, n) => n));
    // Two ticks: the first has no cursor; after the second every condition is at rest.
    const first = await evaluateAutomationConditions({ defs, instance, defaultCondition: eager, evaluationTime: 0 });
    const settled = await evaluateAutomationConditions({ defs, instance, cursor: first.cursor, defaultCondition: eager, evaluationTime: 30_000 });

    const both = async (what: string, expected: number, target: number): Promise<void> => {
      let requested = -1;
      const options = { defs, instance, cursor: settled.cursor, defaultCondition: eager, evaluationTime: 60_000 };
      const fullMs = await median(3, async () => void (requested = (await evaluateAutomationConditionsFully(options)).totalRequested), 1);
      if (requested !== expected) throw new Error(`full: expected ${expected} requested ${what}, got ${requested}`);
      const { ms, cpuMs } = await medianWithCpu(5, async () => void (requested = (await evaluateAutomationConditions(options)).totalRequested));
      if (requested !== expected) throw new Error(`incremental: expected ${expected} requested ${what}, got ${requested}`);
      rows.push({ name: `eager() over ${TOTAL.toLocaleString("en")} assets, ${what}: incremental`, ms, figure: `${requested} requested; CPU ${cpuMs.toFixed(0)} ms; full evaluation ${fullMs.toFixed(0)} ms`, target: `< ${target} ms`, pass: ms < target });
    };
    await both("nothing new", 0, 50);
    await recordMaterializations(instance, dag, [0]);
    const descendants = new Set<number>([0]);
    for (let n = 1; n < TOTAL; n++) if (dag.parents(n).some((p) => descendants.has(p))) descendants.add(n);
    await both("one root updated", descendants.size - 1, 150);
    await recordMaterializations(instance, dag, Array.from({ length: WIDTH - 1 }, (_, i) => i + 1));
    await both("100 roots updated", TOTAL - WIDTH, 600);

    // Heap kept per tick: ticks that continue each other, one root updated before each.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) {
      let cursor = settled.cursor;
      let at = 90_000;
      const ticks = 10;
      gc();
      const start = process.memoryUsage().heapUsed;
      for (let i = 0; i < ticks; i++) {
        await recordMaterializations(instance, dag, [i % WIDTH]);
        cursor = (await evaluateAutomationConditions({ defs, instance, cursor, defaultCondition: eager, evaluationTime: (at += 30_000) })).cursor;
      }
      gc();
      const growth = (process.memoryUsage().heapUsed - start) / ticks / 2 ** 20;
      rows.push({ name: `heap kept per tick over ${ticks} consecutive ticks (one root updated before each)`, ms: 0, figure: `${growth.toFixed(1)} MiB per tick`, target: "< 20 MiB", pass: growth < 20 });
    } else {
      rows.push({ name: "heap kept per tick: run with node --expose-gc to measure", ms: 0 });
    }
  } finally {
    await instance.close();
    rmSync(home, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) report("Issue 13 — incremental automation", await run());
