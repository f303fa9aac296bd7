// What the browser benches and profiles open: a lineage of `groups × perGroup` assets, and a run of 100 steps with
// 1,000 events each, written straight to the instance.
import { Instance, type TesseraEvent } from "../src/index.js";

/** A code location of `groups` groups of `perGroup` assets: chains inside a group, every group fed by the one before. */
export const lineageDefs = (groups: number, perGroup: number) => `
import { Definitions, asset } from "@tessera/core";
const assets = [];
for (let g = 0; g < ${groups}; g++) for (let i = 0; i < ${perGroup}; i++) {
  const deps = [];
  if (i > 0) deps.push(assets[assets.length - 1]);
  if (i >= 10) deps.push(assets[assets.length - 10]);
  if (g > 0 && i === 0) deps.push(assets[assets.length - ${perGroup}]);
  assets.push(asset({ name: \`g\${g}_a\${i}\`, groupName: \`group_\${g}\`, deps }, async () => i));
}
export const defs = new Definitions({ assets });
`;

/** Stores a finished run of the 100 assets of `lineageDefs(1, 100)`, each step with 1,000 events; 100,002 in all. */
export async function storeLongRun(instance: Instance): Promise<{ runId: string; eventCount: number }> {
  const steps = Array.from({ length: 100 }, (_, i) => `g0_a${i}`);
  const { runId } = await instance.createRun({ jobName: "__ASSET_JOB", assetSelection: steps, runConfig: {}, tags: {} });
  const events: TesseraEvent[] = [{ runId, timestamp: Date.now(), eventType: "RUN_START", message: "Started run.", stepKeys: steps } as TesseraEvent];
  for (const stepKey of steps) {
    events.push({ runId, stepKey, timestamp: Date.now(), eventType: "STEP_START", message: `Started step ${stepKey}.` });
    for (let i = 0; i < 998; i++) events.push({ runId, stepKey, timestamp: Date.now(), eventType: "LOG_MESSAGE", level: "info", message: `${stepKey}: loaded batch ${i} of 998 (${i * 1000} rows)` });
    events.push({ runId, stepKey, timestamp: Date.now(), eventType: "STEP_SUCCESS", message: `Finished step ${stepKey}.` });
  }
  events.push({ runId, timestamp: Date.now(), eventType: "RUN_SUCCESS", message: "Finished run successfully." });
  for (let i = 0; i < events.length; i += 5000) await instance.storeEvents(events.slice(i, i + 5000));
  return { runId, eventCount: events.length };
}
