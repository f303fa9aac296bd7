// Starting and stopping schedules and sensors, and reading their status as the daemon sees it.
import { closestMatches } from "../../core/index.js";
import type { DefinitionsData } from "../../definitions/index.js";
import type { Instance } from "../../instance/index.js";
import type { InstigatorState, InstigatorStatus, InstigatorType, TickRecord } from "../../storage/index.js";
import { automationConditionSensorsOf } from "../automation-condition-sensor.js";
import { UnknownInstigatorError } from "./errors.js";

export interface InstigatorSummary {
  readonly name: string;
  readonly type: InstigatorType;
  /** The stored status, else the definition's default. */
  readonly status: InstigatorStatus;
  /** Whether `status` comes from storage (a start/stop or a daemon tick) rather than the default. */
  readonly stored: boolean;
  readonly lastTick: TickRecord | undefined;
  readonly cursor: string | undefined;
}

interface Named {
  readonly name: string;
  readonly defaultStatus: string;
}

/** The schedules, or the sensors with the default automation condition sensor when the daemon would run it. */
export function instigatorsOf(defs: DefinitionsData, kind: "schedule" | "sensor"): readonly Named[] {
  if (kind === "schedule") return defs.schedules;
  const names = new Set(defs.sensors.map((s) => s.name));
  return [...defs.sensors, ...automationConditionSensorsOf(defs).filter((s) => !names.has(s.name))];
}

/**
 * Marks a schedule or sensor RUNNING (or STOPPED) in the instance. Starting a schedule records the start
 * time: its first tick is the first cron tick after it, never one from before. A sensor keeps its cursor.
 *
 * @example
 * await setInstigatorStatus(instance, defs, "schedule", "nightly", "RUNNING");
 */
export async function setInstigatorStatus(
  instance: Instance,
  defs: DefinitionsData,
  kind: "schedule" | "sensor",
  name: string,
  status: InstigatorStatus,
): Promise<InstigatorState> {
  const known = instigatorsOf(defs, kind);
  if (!known.some((i) => i.name === name)) {
    const names = known.map((i) => i.name);
    throw new UnknownInstigatorError(kind, name, names, closestMatches(name, names));
  }
  const now = instance.clock.now();
  const previous = await instance.storage.getInstigatorState(name);
  const type: InstigatorType = kind === "schedule" ? "SCHEDULE" : "SENSOR";
  const starting = status === "RUNNING" && previous?.status !== "RUNNING";
  const state: InstigatorState = {
    name,
    type,
    status,
    updateTime: now,
    ...(previous?.cursor === undefined ? {} : { cursor: previous.cursor }),
    // A schedule ticks from its start; a sensor's interval still counts from its last evaluation.
    ...(kind === "schedule"
      ? starting
        ? { lastTickTimestamp: now }
        : previous?.lastTickTimestamp === undefined
          ? {}
          : { lastTickTimestamp: previous.lastTickTimestamp }
      : previous?.lastTickTimestamp === undefined
        ? {}
        : { lastTickTimestamp: previous.lastTickTimestamp }),
  };
  await instance.storage.setInstigatorState(state);
  return state;
}

/** Each schedule or sensor of the code location with its status and last tick. */
export async function summarizeInstigators(
  instance: Instance,
  defs: DefinitionsData,
  kind: "schedule" | "sensor",
): Promise<InstigatorSummary[]> {
  const states = new Map((await instance.storage.getInstigatorStates(kind === "schedule" ? "SCHEDULE" : "SENSOR")).map((s) => [s.name, s]));
  const out: InstigatorSummary[] = [];
  for (const item of instigatorsOf(defs, kind)) {
    const state = states.get(item.name);
    const lastTick = (await instance.storage.getTicks(item.name, { limit: 1 }))[0];
    out.push({
      name: item.name,
      type: kind === "schedule" ? "SCHEDULE" : "SENSOR",
      status: (state?.status ?? item.defaultStatus) as InstigatorStatus,
      stored: state !== undefined,
      lastTick,
      cursor: state?.cursor,
    });
  }
  return out;
}
