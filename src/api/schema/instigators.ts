// Schedules and sensors of loaded locations, with their stored state, ticks and next ticks.
import type { ScheduleSnapshot, SensorSnapshot } from "../../code-location/index.js";
import { cronTicks } from "../../definitions/index.js";
import type { TickRecord } from "../../storage/index.js";
import type { Builder } from "./builder.js";
import type { ApiContext } from "./context.js";
import { decodeCursor, encodeCursor, pageSize } from "./cursor.js";

export type InstigatorValue =
  | { readonly type: "SCHEDULE"; readonly location: string; readonly schedule: ScheduleSnapshot }
  | { readonly type: "SENSOR"; readonly location: string; readonly sensor: SensorSnapshot };

const nameOf = (v: InstigatorValue) => (v.type === "SCHEDULE" ? v.schedule.name : v.sensor.name);

/** Every schedule and sensor of the loaded locations. */
export function instigatorsOf(ctx: ApiContext, type: "SCHEDULE" | "SENSOR"): InstigatorValue[] {
  const out: InstigatorValue[] = [];
  for (const entry of ctx.workspace.locations()) {
    if (entry.snapshot === null) continue;
    if (type === "SCHEDULE") for (const schedule of entry.snapshot.schedules) out.push({ type, location: entry.name, schedule });
    else for (const sensor of entry.snapshot.sensors) out.push({ type, location: entry.name, sensor });
  }
  return out;
}

export function defineInstigatorTypes(builder: Builder) {
  const Tick = builder.objectRef<TickRecord>("InstigationTick").implement({
    fields: (t) => ({
      tickId: t.exposeInt("tickId"),
      status: t.exposeString("status"),
      timestamp: t.exposeFloat("timestamp"),
      endTimestamp: t.float({ nullable: true, resolve: (k) => k.endTimestamp ?? null }),
      runIds: t.stringList({ resolve: (k) => [...k.runIds] }),
      runKeys: t.stringList({ resolve: (k) => [...k.runKeys] }),
      skipReason: t.string({ nullable: true, resolve: (k) => k.skipReason ?? null }),
      error: t.string({ nullable: true, resolve: (k) => k.error ?? null }),
      cursor: t.string({ nullable: true, resolve: (k) => k.cursor ?? null }),
    }),
  });
  const TickConnection = builder.objectRef<{ ticks: TickRecord[]; cursor: string | null; hasMore: boolean }>("TickConnection").implement({
    fields: (t) => ({
      ticks: t.field({ type: [Tick], resolve: (p) => p.ticks }),
      cursor: t.string({ nullable: true, resolve: (p) => p.cursor }),
      hasMore: t.exposeBoolean("hasMore"),
    }),
  });
  const status = async (v: InstigatorValue, ctx: ApiContext) => {
    const state = await ctx.instance.storage.getInstigatorState(nameOf(v));
    return state?.status ?? (v.type === "SCHEDULE" ? v.schedule.defaultStatus : v.sensor.defaultStatus);
  };
  const ticks = async (v: InstigatorValue, args: { cursor?: string | null; limit?: number | null }, ctx: ApiContext) => {
    const limit = pageSize(args.limit);
    const before = decodeCursor<number>("tick", args.cursor, "number");
    const found = await ctx.instance.storage.getTicks(nameOf(v), { limit: limit + 1, ...(before === undefined ? {} : { beforeTimestamp: before }) });
    const page = found.slice(0, limit);
    const last = page[page.length - 1];
    return { ticks: page, cursor: last ? encodeCursor("tick", last.timestamp) : (args.cursor ?? null), hasMore: found.length > limit };
  };
  const common = <T extends InstigatorValue>(t: PothosSchemaTypes.ObjectFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<import("./builder.js").ApiSchemaTypes>, T>) => ({
    name: t.string({ resolve: (v) => nameOf(v) }),
    locationName: t.string({ resolve: (v) => v.location }),
    status: t.string({ description: "RUNNING or STOPPED: as started/stopped in the instance, else the definition's default.", resolve: (v, _a, ctx) => status(v, ctx) }),
    cursor: t.string({ nullable: true, resolve: async (v, _a, ctx) => (await ctx.instance.storage.getInstigatorState(nameOf(v)))?.cursor ?? null }),
    ticks: t.field({ type: TickConnection, args: { cursor: t.arg.string(), limit: t.arg.int() }, resolve: (v, args, ctx) => ticks(v, args, ctx) }),
  });
  const Schedule = builder.objectRef<Extract<InstigatorValue, { type: "SCHEDULE" }>>("Schedule").implement({
    fields: (t) => ({
      ...common(t),
      cronSchedules: t.stringList({ resolve: (v) => [...v.schedule.cronSchedules] }),
      executionTimezone: t.string({ resolve: (v) => v.schedule.executionTimezone }),
      description: t.string({ nullable: true, resolve: (v) => v.schedule.description }),
      jobNames: t.stringList({ resolve: (v) => [...v.schedule.jobNames] }),
      nextTicks: t.floatList({
        description: "Epoch ms of the next cron ticks after now (or after `after`).",
        args: { limit: t.arg.int(), after: t.arg.float() },
        resolve: (v, args, ctx) =>
          cronTicks(v.schedule.cronSchedules, v.schedule.executionTimezone, args.after ?? ctx.instance.clock.now(), pageSize(args.limit, 100, 5)).map((d) => d.getTime()),
      }),
    }),
  });
  const Sensor = builder.objectRef<Extract<InstigatorValue, { type: "SENSOR" }>>("Sensor").implement({
    fields: (t) => ({
      ...common(t),
      sensorType: t.string({ resolve: (v) => v.sensor.sensorType }),
      minimumIntervalSeconds: t.int({ resolve: (v) => v.sensor.minimumIntervalSeconds }),
      description: t.string({ nullable: true, resolve: (v) => v.sensor.description }),
      jobNames: t.stringList({ resolve: (v) => [...v.sensor.jobNames] }),
    }),
  });
  return { Schedule, Sensor, Tick };
}
