// Profiling aid for issue 13: one incremental tick scenario repeated, for `node --cpu-prof`.
// Run: node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/automation-profile.ts [one|hundred|nothing]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AutomationCondition, Instance } from "../src/index.js";
import { evaluateAutomationConditions } from "../src/automation/condition/evaluator.js";
import { layeredParents } from "./harness.js";
import { layeredDefinitions, recordMaterializations } from "./layered-assets.js";

const TOTAL = 10_000;
const WIDTH = 100;
const dag = layeredParents(TOTAL, WIDTH);
const which = process.argv[2] ?? "one";
const home = mkdtempSync(join(tmpdir(), "tessera-prof-"));
const instance = Instance.fromHome({ home });
try {
  const defs = layeredDefinitions(dag, TOTAL);
  const eager = AutomationCondition.eager();
  await recordMaterializations(instance, dag, Array.from({ length: TOTAL }, (_, n) => n));
  const first = await evaluateAutomationConditions({ defs, instance, defaultCondition: eager, evaluationTime: 0 });
  const settled = await evaluateAutomationConditions({ defs, instance, cursor: first.cursor, defaultCondition: eager, evaluationTime: 30_000 });
  if (which === "one") await recordMaterializations(instance, dag, [0]);
  if (which === "hundred") await recordMaterializations(instance, dag, Array.from({ length: WIDTH }, (_, i) => i));
  const options = { defs, instance, cursor: settled.cursor, defaultCondition: eager, evaluationTime: 60_000 };
  for (let i = 0; i < Number(process.env.TICKS ?? 8); i++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const r = await evaluateAutomationConditions(options);
    const used = process.cpuUsage(cpu);
    // CPU time beside wall time: on a shared machine the wall time mostly measures the other processes.
    console.log(`${which}: ${(performance.now() - started).toFixed(1)} ms wall, ${((used.user + used.system) / 1000).toFixed(1)} ms CPU, ${r.totalRequested} requested`);
  }
} finally {
  await instance.close();
  rmSync(home, { recursive: true, force: true });
}
