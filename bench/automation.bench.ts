// One declarative-automation tick over a 10,000-asset layered graph, every asset eager(), after one root updates.
// Run: node --import tsx bench/automation.bench.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Instance } from "../src/index.js";
import { AutomationCondition, evaluateAutomationConditions } from "../src/index.js";
import { layeredParents, median, type Measurement, report } from "./harness.js";
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
    const started = performance.now();
    await recordMaterializations(instance, dag, Array.from({ length: TOTAL }, (_, n) => n));
    const first = await evaluateAutomationConditions({ defs, instance, defaultCondition: eager, evaluationTime: 0 });
    rows.push({ name: `materialize ${TOTAL.toLocaleString("en")} assets and a first tick (setup, not a target)`, ms: performance.now() - started });

    await recordMaterializations(instance, dag, [0]);
    // eager() requests the root's descendants in the same tick: each sees a parent that will be requested.
    const descendants = new Set<number>([0]);
    for (let n = 1; n < TOTAL; n++) if (dag.parents(n).some((p) => descendants.has(p))) descendants.add(n);
    descendants.delete(0);
    let requested = 0;
    const tickMs = await median(5, async () => {
      const result = await evaluateAutomationConditions({ defs, instance, cursor: first.cursor, defaultCondition: eager, evaluationTime: 60_000 });
      requested = result.totalRequested;
    });
    if (requested !== descendants.size) throw new Error(`expected the root's ${descendants.size} descendants requested, got ${requested}`);
    rows.push({
      name: `one tick of eager() over ${TOTAL.toLocaleString("en")} assets after one root updated (reads, evaluation, cursor)`,
      ms: tickMs,
      figure: `${requested} requested, ${((tickMs * 1000) / TOTAL).toFixed(1)} µs/asset, cursor ${(first.cursor.length / 1024).toFixed(0)} KiB`,
      target: "< 1 s",
      pass: tickMs < 1000,
    });
  } finally {
    await instance.close();
    rmSync(home, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) report("Automation", await run());
