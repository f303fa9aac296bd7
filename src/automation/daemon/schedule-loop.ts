// The scheduler: one tick per cron tick passed since a running schedule's last tick (or since it was started).
import type { InstigatorState, TickRecord } from "../../storage/index.js";
import { buildScheduleContext } from "../../definitions/index.js";
import type { ScheduleDefinition } from "../../definitions/index.js";
import type { DaemonLogger } from "./daemon-logger.js";
import { finishTick, launchTickRuns, saveTickState, startTick, type TickEnvironment } from "./tick-execution.js";

export interface ScheduleLoopOptions {
  /** At most this many missed ticks are run when the daemon falls behind (the latest ones). @default 5 */
  maxCatchupTicks: number;
  logger: DaemonLogger;
}

/** The reference's default for `max_catchup_runs`. */
export const DEFAULT_MAX_CATCHUP_TICKS = 5;

/**
 * Runs the ticks a schedule is due at `now`. A schedule first seen running (or just started) records `now` as
 * its start and ticks from there: ticks from before it was started are never run. A tick left STARTED by a
 * daemon that died is resumed with the same run keys.
 */
export async function runScheduleTicks(env: TickEnvironment, schedule: ScheduleDefinition, state: InstigatorState | undefined, now: number, options: ScheduleLoopOptions): Promise<TickRecord[]> {
  const { instance } = env;
  const status = state?.status ?? schedule.defaultStatus;
  if (status !== "RUNNING") return [];
  if (state?.lastTickTimestamp === undefined) {
    await instance.storage.setInstigatorState({ name: schedule.name, type: "SCHEDULE", status: "RUNNING", lastTickTimestamp: now, updateTime: now, ...(state?.cursor === undefined ? {} : { cursor: state.cursor }) });
    return [];
  }
  const due = dueTicks(schedule, state.lastTickTimestamp, now, options.maxCatchupTicks);
  if (due.skipped > 0) {
    options.logger.warn(`schedule ${schedule.name} fell behind: skipping ${due.skipped} missed tick(s), running the latest ${due.ticks.length}`);
  }
  const done: TickRecord[] = [];
  let latest: TickRecord | undefined = (await instance.storage.getTicks(schedule.name, { limit: 1 }))[0];
  if (latest?.status === "STARTED" && !due.ticks.includes(latest.timestamp)) {
    // Left by a daemon that died, and no longer due (too far behind, or the schedule was restarted since).
    const abandoned = new Error(`The daemon stopped during this tick and it is no longer due (at most ${options.maxCatchupTicks} missed ticks are run, and none from before a restart), so it was not resumed.`);
    done.push(await finishTick(instance, latest, { error: abandoned }));
    latest = undefined;
  }
  for (const at of due.ticks) {
    if (latest && latest.timestamp === at && latest.status !== "STARTED") {
      // Recorded already; only the state's update was lost.
    } else {
      const resume = latest && latest.timestamp === at ? latest : undefined;
      latest = await runOneTick(env, schedule, at, resume);
      done.push(latest);
    }
    await saveTickState(instance, schedule.name, "SCHEDULE", { lastTickTimestamp: at });
  }
  return done;
}

async function runOneTick(env: TickEnvironment, schedule: ScheduleDefinition, at: number, resume: TickRecord | undefined): Promise<TickRecord> {
  const { instance, defs } = env;
  let tick = await startTick(instance, schedule.name, "SCHEDULE", at, resume);
  try {
    const evaluation = await schedule.evaluateTick(buildScheduleContext({ scheduledExecutionTime: at, instance, definitions: defs }));
    tick = await launchTickRuns(env, { kind: "schedule", name: schedule.name, targets: schedule.targets }, tick, evaluation.runRequests, evaluation.dynamicPartitionsRequests);
    return await finishTick(instance, tick, { skipReason: evaluation.skipMessage });
  } catch (error) {
    return finishTick(instance, tick, { error });
  }
}

/** The cron ticks in (after, now], keeping the latest `max`; how many older ones were dropped. */
export function dueTicks(schedule: ScheduleDefinition, after: number, now: number, max: number): { ticks: number[]; skipped: number } {
  const kept: number[] = [];
  let skipped = 0;
  let from = after;
  for (;;) {
    const batch = schedule.nextTicks(from, 64).map((d) => d.getTime());
    let reachedNow = false;
    for (const t of batch) {
      if (t > now) {
        reachedNow = true;
        break;
      }
      kept.push(t);
      if (kept.length > max) {
        kept.shift();
        skipped++;
      }
    }
    if (reachedNow || batch.length === 0) break;
    from = batch[batch.length - 1] as number;
  }
  return { ticks: kept, skipped };
}
