// The sensor loop: each running sensor whose minimum interval has passed is evaluated from its stored cursor.
import type { InstigatorState, TickRecord } from "../../storage/index.js";
import { buildSensorContext } from "../../definitions/index.js";
import type { SensorDefinition } from "../../definitions/index.js";
import { finishTick, launchTickRuns, saveTickState, startTick, type TickEnvironment } from "./tick-execution.js";

/** Whether a sensor-like instigator is due at `now`, and the started tick a dead daemon left, to resume. */
export async function sensorDue(
  env: TickEnvironment,
  sensor: { readonly name: string; readonly minimumIntervalSeconds: number; readonly defaultStatus: string },
  state: InstigatorState | undefined,
  now: number,
): Promise<{ due: boolean; resume: TickRecord | undefined }> {
  const status = state?.status ?? sensor.defaultStatus;
  if (status !== "RUNNING") return { due: false, resume: undefined };
  const latest = (await env.instance.storage.getTicks(sensor.name, { limit: 1 }))[0];
  if (latest?.status === "STARTED") return { due: true, resume: latest };
  const last = state?.lastTickTimestamp;
  return { due: last === undefined || now >= last + sensor.minimumIntervalSeconds * 1000, resume: undefined };
}

/**
 * One tick of a sensor-like instigator (a sensor or an automation condition sensor), when due: `evaluate`
 * does its work on the started tick and says what the tick ends with. A failing evaluation records FAILURE
 * and keeps the old cursor, so the next tick retries from the same place.
 */
export async function runDueSensorTick(
  env: TickEnvironment,
  sensor: { readonly name: string; readonly minimumIntervalSeconds: number; readonly defaultStatus: string },
  state: InstigatorState | undefined,
  now: number,
  evaluate: (tick: TickRecord, keep: (tick: TickRecord) => TickRecord) => Promise<{ cursor: string | undefined; skipReason: string | undefined }>,
): Promise<TickRecord | undefined> {
  const { due, resume } = await sensorDue(env, sensor, state, now);
  if (!due) return undefined;
  const { instance } = env;
  // The tick as far as the evaluation got (`keep`), so that a failure still records the runs it launched.
  let tick = await startTick(instance, sensor.name, "SENSOR", now, resume);
  const keep = (next: TickRecord): TickRecord => (tick = next);
  let finished: TickRecord;
  let cursor = state?.cursor;
  try {
    const outcome = await evaluate(tick, keep);
    cursor = outcome.cursor;
    finished = await finishTick(instance, tick, { skipReason: outcome.skipReason, cursor });
  } catch (error) {
    finished = await finishTick(instance, tick, { error });
  }
  await saveTickState(instance, sensor.name, "SENSOR", { lastTickTimestamp: now, cursor });
  return finished;
}

/** Evaluates a due sensor with its stored cursor, applies its dynamic partitions requests and launches its runs. */
export function runSensorTick(env: TickEnvironment, sensor: SensorDefinition, state: InstigatorState | undefined, now: number): Promise<TickRecord | undefined> {
  const { instance, defs } = env;
  return runDueSensorTick(env, sensor, state, now, async (started, keep) => {
    const evaluation = await sensor.evaluateTick(
      buildSensorContext({
        instance,
        definitions: defs,
        currentTime: now,
        ...(state?.cursor === undefined ? {} : { cursor: state.cursor }),
        ...(state?.lastTickTimestamp === undefined ? {} : { lastTickTime: state.lastTickTimestamp }),
      }),
    );
    keep(await launchTickRuns(env, { kind: "sensor", name: sensor.name, targets: sensor.targets }, started, evaluation.runRequests, evaluation.dynamicPartitionsRequests));
    return { cursor: evaluation.cursor, skipReason: evaluation.skipMessage };
  });
}
