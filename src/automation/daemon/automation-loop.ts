// The automation loop: each due automation condition sensor evaluates its assets' conditions, stores the
// evaluations for `tessera automation explain`, and launches the requested runs (or backfills).
import { createHash } from "node:crypto";
import { launchBackfill } from "../../execution/index.js";
import type { AutomationEvaluationRecord, InstigatorState, TickRecord } from "../../storage/index.js";
import { AutomationTags } from "../../definitions/index.js";
import type { AutomationBackfillRequest, AutomationConditionSensorDefinition } from "../automation-condition-sensor.js";
import type { DaemonLogger } from "./daemon-logger.js";
import { runDueSensorTick } from "./sensor-loop.js";
import { launchTickRuns, type TickEnvironment } from "./tick-execution.js";

export function runAutomationTick(
  env: TickEnvironment,
  sensor: AutomationConditionSensorDefinition,
  state: InstigatorState | undefined,
  now: number,
  logger: DaemonLogger,
): Promise<TickRecord | undefined> {
  const { instance, defs } = env;
  return runDueSensorTick(env, sensor, state, now, async (started, keep) => {
    const result = await sensor.evaluate({ defs, instance, evaluationTime: now, ...(state?.cursor === undefined ? {} : { cursor: state.cursor }) });
    if (result.evaluations.length > 0) await instance.storage.addAutomationEvaluations(result.evaluations);
    let tick = keep({ ...started, evaluationId: result.evaluationId, requestedCount: result.numRequested });
    await instance.storage.updateTick(tick);
    tick = keep(await launchTickRuns(env, { kind: "sensor", name: sensor.name, targets: [] }, tick, result.runRequests, []));
    if (result.backfillRequests.length) keep(await launchBackfills(env, sensor.name, result.evaluationId, tick, result.backfillRequests, logger));
    return { cursor: result.cursor, skipReason: "No asset's condition requested a run" };
  });
}

/**
 * Launches the evaluation's backfills (the reference's `emit_backfills`) in the background. Each is tagged
 * with a run key made of the sensor, the evaluation id and what it covers, so a tick resumed after a crash
 * (which re-evaluates with the same evaluation id) does not launch it twice.
 */
async function launchBackfills(
  env: TickEnvironment,
  name: string,
  evaluationId: number,
  tick: TickRecord,
  requests: readonly AutomationBackfillRequest[],
  logger: DaemonLogger,
): Promise<TickRecord> {
  const { instance, defs } = env;
  const known = await instance.getBackfills({ limit: 200 });
  let current = tick;
  for (const request of requests) {
    const runKey = backfillRunKey(name, evaluationId, request);
    current = { ...current, runKeys: current.runKeys.includes(runKey) ? current.runKeys : [...current.runKeys, runKey] };
    await instance.storage.updateTick(current);
    if (known.some((b) => b.tags[AutomationTags.SENSOR_NAME] === name && b.tags[AutomationTags.RUN_KEY] === runKey)) continue;
    const tags = { ...request.tags, [AutomationTags.SENSOR_NAME]: name, [AutomationTags.RUN_KEY]: runKey };
    const running = launchBackfill(
      defs,
      request.partitionsByAsset
        ? { instance, partitionsByAsset: request.partitionsByAsset, tags }
        : { instance, selection: request.assetSelection, partitionKeys: request.partitionKeys, tags },
    ).then(
      (b) => logger.info(`backfill ${b.backfillId} of ${name} (${request.assetSelection.length} assets) ended ${b.status}`),
      (error: unknown) => logger.error(`backfill of ${name} failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    env.track(running);
  }
  return current;
}

/** `<sensor>:<evaluation id>:backfill:<hash of its assets and partitions>`: the same for the same backfill of a repeated evaluation. */
export function backfillRunKey(name: string, evaluationId: number, request: AutomationBackfillRequest): string {
  const byAsset = request.partitionsByAsset;
  const partitions = byAsset ? Object.keys(byAsset).sort().map((id) => `${id}\u0001${byAsset[id]?.join("\u0001") ?? ""}`) : request.partitionKeys;
  const content = [...request.assetSelection.map(String).sort(), "", ...partitions].join("\u0000");
  return `${name}:${evaluationId}:backfill:${createHash("sha1").update(content).digest("hex").slice(0, 16)}`;
}
