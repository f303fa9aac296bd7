// Subscriptions behind the live operations pages: schedules and sensors (their state and ticks), backfills (their
// progress) and the daemons (their loops), each sent again whenever it changes, so that no page polls.
import type { ObjectRef } from "@pothos/core";
import type { BackfillRecord } from "../../storage/index.js";
import { STATE_INTERVAL_MS, stateChanges } from "../state-changes.js";
import type { Builder } from "./builder.js";
import type { ApiContext } from "./context.js";
import { instigatorsOf, type InstigatorValue } from "./instigators.js";
import { pageSize } from "./cursor.js";
import type { Types } from "./resolve-helpers.js";
import { daemonLoopsOf, daemonStatusesOf, type DaemonStatusValue } from "./status-queries.js";

type ScheduleValue = Extract<InstigatorValue, { type: "SCHEDULE" }>;
type SensorValue = Extract<InstigatorValue, { type: "SENSOR" }>;

interface AutomationState {
  readonly schedules: ScheduleValue[];
  readonly sensors: SensorValue[];
  readonly fingerprint: string;
}

const nameOf = (v: InstigatorValue) => (v.type === "SCHEDULE" ? v.schedule.name : v.sensor.name);

/** The schedules and sensors of the loaded locations, fingerprinted by their stored state and newest ticks. */
async function readAutomation(ctx: ApiContext): Promise<AutomationState> {
  const schedules = instigatorsOf(ctx, "SCHEDULE") as ScheduleValue[];
  const sensors = instigatorsOf(ctx, "SENSOR") as SensorValue[];
  const all = [...schedules, ...sensors];
  const states = new Map((await ctx.instance.storage.getInstigatorStates()).map((s) => [s.name, s]));
  const newest = await Promise.all(all.map((v) => ctx.instance.storage.getTicks(nameOf(v), { limit: 1 })));
  const parts = all.map((v, i) => {
    const state = states.get(nameOf(v));
    const tick = newest[i]?.[0];
    return [nameOf(v), state?.status, state?.cursor, state?.updateTime, tick?.tickId, tick?.status, tick?.endTimestamp, tick?.runIds.length];
  });
  // A reloaded location may change the list itself: its names and locations are part of the state.
  return { schedules, sensors, fingerprint: JSON.stringify([all.map((v) => `${v.location}:${nameOf(v)}`), parts]) };
}

const backfillPrint = (backfills: readonly BackfillRecord[]) =>
  JSON.stringify(backfills.map((b) => [b.backfillId, b.status, b.updateTime, b.runIds.length, b.materializedPartitions.length, b.failedPartitions.length, b.error ?? null]));

/** The fields of a daemon that the page shows: which change is worth sending (the clock alone is not). */
const daemonPrint = (statuses: readonly DaemonStatusValue[]) =>
  JSON.stringify(statuses.map((d) => [d.location, d.lease?.holder ?? null, d.lease?.expiresAt ?? null, daemonLoopsOf(d).map((l) => [l.status, l.lastIterationAt])]));

/** Adds automationChanged, backfillsChanged and daemonStatusChanged. */
export function defineLiveOpsSubscriptions(
  builder: Builder,
  refs: {
    Schedule: ObjectRef<Types, ScheduleValue>;
    Sensor: ObjectRef<Types, SensorValue>;
    Backfill: ObjectRef<Types, BackfillRecord>;
    DaemonStatus: ObjectRef<Types, DaemonStatusValue>;
  },
): void {
  const AutomationStateRef = builder.objectRef<AutomationState>("AutomationState").implement({
    description: "Every schedule and sensor of the loaded locations, as the schedules and sensors queries give them.",
    fields: (t) => ({
      schedules: t.field({ type: [refs.Schedule], resolve: (s) => s.schedules }),
      sensors: t.field({ type: [refs.Sensor], resolve: (s) => s.sensors }),
    }),
  });

  builder.subscriptionFields((t) => ({
    automationChanged: t.field({
      type: AutomationStateRef,
      description: "The schedules and sensors at once, then again whenever one is started, stopped, ticks or has its cursor changed.",
      subscribe: (_r, _a, ctx) => stateChanges({ watcher: ctx.watcher, read: () => readAutomation(ctx), fingerprint: (s) => s.fingerprint, intervalMs: STATE_INTERVAL_MS }),
      resolve: (state) => state,
    }),
    backfillsChanged: t.field({
      type: [refs.Backfill],
      description: "Backfills newest first (at most limit, default 100), or the one backfillId names, at once and again whenever one moves: its status, runs or partitions.",
      args: { backfillId: t.arg.id(), limit: t.arg.int() },
      subscribe: (_r, args, ctx) => {
        const id = args.backfillId === null || args.backfillId === undefined ? undefined : String(args.backfillId);
        const limit = pageSize(args.limit);
        const read = async (): Promise<BackfillRecord[]> => {
          if (id === undefined) return ctx.instance.getBackfills({ limit });
          const one = await ctx.instance.getBackfill(id);
          return one ? [one] : [];
        };
        return stateChanges({ watcher: ctx.watcher, read, fingerprint: backfillPrint, intervalMs: STATE_INTERVAL_MS });
      },
      resolve: (backfills) => backfills,
    }),
    daemonStatusChanged: t.field({
      type: [refs.DaemonStatus],
      description: "Each location's daemon at once, then again whenever its lease is taken, renewed (each iteration), released or expires.",
      subscribe: (_r, _a, ctx) => stateChanges({ watcher: ctx.watcher, read: () => daemonStatusesOf(ctx), fingerprint: daemonPrint, intervalMs: STATE_INTERVAL_MS }),
      resolve: (statuses) => statuses,
    }),
  }));
}
