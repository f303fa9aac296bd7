// Profiling aid for issue 13: the partitioned perf scenario's two measured ticks, repeated, with CPU time beside wall time.
// Run: node --import tsx bench/automation-partitioned-profile.ts [hour|day] [profile.cpuprofile]
// (the profile, when named, covers the measured ticks only, not the set-up.)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { Instance } from "../src/index.js";
import { evaluateAutomationConditions } from "../src/automation/condition/evaluator.js";
import { build, DAILY, history, HISTORY_DAYS, HISTORY_HOURS, HOURLY, record, T0 } from "./automation-partitioned.bench.js";

const which = process.argv[2] ?? "hour";
const home = mkdtempSync(join(tmpdir(), "tessera-prof-"));
const instance = Instance.fromHome({ home });
try {
  const { defs, nodes, layers } = build();
  const hourlyHistory = history(HOURLY, T0, HISTORY_HOURS, 1);
  const dailyHistory = history(DAILY, T0, HISTORY_DAYS, 1);
  await record(instance, nodes.flatMap((node) => (node.def === HOURLY ? hourlyHistory : dailyHistory).map((partition) => ({ node, partition }))), T0 - 3_600_000);
  const first = await evaluateAutomationConditions({ defs, instance, evaluationTime: T0 });
  const latestHour = HOURLY.getPartitionKeys({ currentTime: T0 }).at(-1) as string;
  await record(instance, (layers[0] ?? []).map((node) => ({ node, partition: latestHour })), T0 + 30_000);
  let options = { defs, instance, cursor: first.cursor, evaluationTime: T0 + 60_000 };
  if (which === "day") {
    const hourTick = await evaluateAutomationConditions(options);
    await record(instance, layers.slice(1, 3).flat().map((node) => ({ node, partition: latestHour })), T0 + 90_000);
    options = { defs, instance, cursor: hourTick.cursor, evaluationTime: T0 + 120_000 };
  }
  const profileTo = process.argv[3];
  const session = profileTo ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
  }
  for (let i = 0; i < Number(process.env.TICKS ?? 8); i++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const r = await evaluateAutomationConditions(options);
    const used = process.cpuUsage(cpu);
    console.log(`${which}: ${(performance.now() - started).toFixed(1)} ms wall, ${((used.user + used.system) / 1000).toFixed(1)} ms CPU, ${r.totalRequested} requested`);
  }
  if (session && profileTo) {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(profileTo, JSON.stringify(profile));
    session.disconnect();
  }
} finally {
  await instance.close();
  rmSync(home, { recursive: true, force: true });
}
