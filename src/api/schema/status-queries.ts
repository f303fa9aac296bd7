// Queries of what runs on its own: backfills and automation evaluations page by page, the daemons' leases, and when
// each sensor ticks next.
import { DAEMON_LEASE, DaemonLoop } from "../../automation/index.js";
import { AssetKey } from "../../core/index.js";
import type { AutomationEvaluationRecord, BackfillRecord, BackfillStatus, LeaseRecord } from "../../storage/index.js";
import type { AssetRefs } from "./assets.js";
import type { Builder } from "./builder.js";
import { decodeCursor, encodeCursor, pageSize } from "./cursor.js";
import type { InstigatorValue } from "./instigators.js";
import type { RunRefs } from "./runs.js";
import type { ObjectRef } from "@pothos/core";
import type { Types } from "./resolve-helpers.js";
import type { ApiContext } from "./context.js";

/** A code location's daemon as its lease shows it, read at `now`. */
export interface DaemonStatusValue {
  readonly location: string;
  readonly leaseName: string;
  readonly lease: LeaseRecord | undefined;
  readonly now: number;
}

/** Each loaded location's daemon; in `tessera dev` the first location's holds the instance's `daemon` lease. */
export async function daemonStatusesOf(ctx: ApiContext): Promise<DaemonStatusValue[]> {
  const names = ctx.workspace.locations().map((l, i) => ({ location: l.name, leaseName: i === 0 ? DAEMON_LEASE : `${DAEMON_LEASE}:${l.name}` }));
  const now = ctx.instance.clock.now();
  return Promise.all(names.map(async (n) => ({ ...n, lease: await ctx.instance.storage.getLease(n.leaseName), now })));
}

/** Where one loop of a daemon stands. */
export interface DaemonLoopHealth {
  readonly name: string;
  readonly lastIterationAt: number | null;
  readonly status: "HEALTHY" | "LATE" | "NOT_RUN" | "NOT_RUNNING";
}

/**
 * Each loop of the daemon with its last iteration (from the lease's info). A loop is LATE when the daemon holds its
 * lease but the loop has not come round within one lease period (it renews the lease every iteration, so a loop
 * that far behind is stuck or slow); NOT_RUN when this daemon never ran it (the run queue is off, say).
 */
export function daemonLoopsOf(status: DaemonStatusValue): DaemonLoopHealth[] {
  const lease = status.lease;
  const running = (lease?.expiresAt ?? 0) > status.now;
  const loops = (lease?.info["loops"] ?? {}) as Record<string, unknown>;
  const heartbeat = typeof lease?.info["heartbeat"] === "number" ? lease.info["heartbeat"] : lease?.acquiredAt;
  const period = lease && heartbeat !== undefined ? Math.max(0, lease.expiresAt - heartbeat) : 0;
  return Object.values(DaemonLoop).map((name) => {
    const at = typeof loops[name] === "number" ? loops[name] : null;
    const health = !running ? "NOT_RUNNING" : at === null ? "NOT_RUN" : status.now - at > period ? "LATE" : "HEALTHY";
    return { name, lastIterationAt: at, status: health };
  });
}

const BACKFILL_STATUSES = ["REQUESTED", "IN_PROGRESS", "COMPLETED", "COMPLETED_FAILED", "CANCELING", "CANCELED", "FAILED"] as const satisfies readonly BackfillStatus[];

export function defineStatusQueries(
  builder: Builder,
  refs: { runs: RunRefs; assets: AssetRefs; Sensor: ObjectRef<Types, Extract<InstigatorValue, { type: "SENSOR" }>> },
): { DaemonStatus: ObjectRef<Types, DaemonStatusValue> } {
  const BackfillStatusEnum = builder.enumType("BackfillStatus", { values: BACKFILL_STATUSES });
  const BackfillConnection = builder.objectRef<{ backfills: BackfillRecord[]; cursor: string | null; hasMore: boolean }>("BackfillConnection").implement({
    fields: (t) => ({
      backfills: t.field({ type: [refs.runs.Backfill], resolve: (p) => p.backfills }),
      cursor: t.string({ nullable: true, resolve: (p) => p.cursor }),
      hasMore: t.exposeBoolean("hasMore"),
    }),
  });
  const AutomationEvaluationConnection = builder
    .objectRef<{ evaluations: AutomationEvaluationRecord[]; cursor: string | null; hasMore: boolean }>("AutomationEvaluationConnection")
    .implement({
      fields: (t) => ({
        evaluations: t.field({ type: [refs.assets.AutomationEvaluation], resolve: (p) => p.evaluations }),
        cursor: t.string({ nullable: true, resolve: (p) => p.cursor }),
        hasMore: t.exposeBoolean("hasMore"),
      }),
    });
  const DaemonLoopHealthRef = builder.objectRef<DaemonLoopHealth>("DaemonLoopHealth").implement({
    description: "One loop of a daemon (scheduler, sensors, automation, backfills, run_queue, run_monitoring) and when it last went round.",
    fields: (t) => ({
      name: t.exposeString("name"),
      lastIterationAt: t.float({ nullable: true, description: "Epoch ms of its last iteration; null if this daemon never ran it.", resolve: (l) => l.lastIterationAt }),
      status: t.string({ description: "HEALTHY, LATE (not round within one lease period), NOT_RUN (this daemon does not run it) or NOT_RUNNING (no daemon holds the lease).", resolve: (l) => l.status }),
    }),
  });
  const DaemonStatus = builder.objectRef<DaemonStatusValue>("DaemonStatus").implement({
    description: "The daemon of a code location (schedules, sensors, automation, backfills, run queue), as its lease shows it.",
    fields: (t) => ({
      locationName: t.exposeString("location"),
      leaseName: t.exposeString("leaseName"),
      running: t.boolean({ description: "Its lease is held and not expired.", resolve: (d) => (d.lease?.expiresAt ?? 0) > d.now }),
      holder: t.string({ nullable: true, resolve: (d) => d.lease?.holder ?? null }),
      acquiredAt: t.float({ nullable: true, resolve: (d) => d.lease?.acquiredAt ?? null }),
      heartbeatExpiresAt: t.float({ nullable: true, description: "Epoch ms until which it holds the lease (it renews it each iteration).", resolve: (d) => d.lease?.expiresAt ?? null }),
      info: t.field({ type: "JSON", nullable: true, description: "What the daemon reports of itself: host, pid, its loops' last iterations.", resolve: (d) => d.lease?.info ?? null }),
      loops: t.field({ type: [DaemonLoopHealthRef], description: "Each of its loops with its last iteration and health.", resolve: (d) => daemonLoopsOf(d) }),
    }),
  });

  builder.queryFields((t) => ({
    backfillConnection: t.field({
      type: BackfillConnection,
      description: "Backfills, newest first, a page at a time.",
      args: { statuses: t.arg({ type: [BackfillStatusEnum] }), cursor: t.arg.string(), limit: t.arg.int() },
      resolve: async (_r, args, ctx) => {
        const limit = pageSize(args.limit);
        const after = decodeCursor<string>("backfills", args.cursor, "string");
        // An instance holds few backfills (each is many runs), so the page is cut from one read of the list.
        const all = await ctx.instance.getBackfills(args.statuses ? { statuses: args.statuses } : {});
        const start = after === undefined ? 0 : all.findIndex((b) => b.backfillId === after) + 1;
        const page = all.slice(start, start + limit);
        const last = page[page.length - 1];
        return { backfills: page, cursor: last ? encodeCursor("backfills", last.backfillId) : (args.cursor ?? null), hasMore: start + limit < all.length };
      },
    }),
    automationEvaluations: t.field({
      type: AutomationEvaluationConnection,
      description: "An asset's automation evaluations (each with its evaluated condition tree), newest first, a page at a time.",
      args: { assetKey: t.arg({ type: refs.runs.AssetKeyInput, required: true }), cursor: t.arg.string(), limit: t.arg.int() },
      resolve: async (_r, args, ctx) => {
        const limit = pageSize(args.limit, 100, 10);
        const before = decodeCursor<number>("evaluations", args.cursor, "number");
        const found = await ctx.instance.storage.getAutomationEvaluations(AssetKey.from(args.assetKey.path).toString(), {
          limit: limit + 1,
          ...(before === undefined ? {} : { beforeEvaluationId: before }),
        });
        const page = found.slice(0, limit);
        const last = page[page.length - 1];
        return { evaluations: page, cursor: last ? encodeCursor("evaluations", last.evaluationId) : (args.cursor ?? null), hasMore: found.length > limit };
      },
    }),
    daemonStatuses: t.field({
      type: [DaemonStatus],
      description: "Each code location's daemon; in `tessera dev` the first location's holds the instance's `daemon` lease.",
      resolve: (_r, _a, ctx) => daemonStatusesOf(ctx),
    }),
  }));

  builder.objectFields(refs.Sensor, (t) => ({
    nextTickTimestamp: t.float({
      nullable: true,
      description: "Epoch ms of its next evaluation: its last tick plus minimumIntervalSeconds (now if it never ticked); null while STOPPED.",
      resolve: async (v, _a, ctx) => {
        const state = await ctx.instance.storage.getInstigatorState(v.sensor.name);
        if ((state?.status ?? v.sensor.defaultStatus) !== "RUNNING") return null;
        const last = state?.lastTickTimestamp;
        const now = ctx.instance.clock.now();
        return last === undefined ? now : Math.max(now, last + v.sensor.minimumIntervalSeconds * 1000);
      },
    }),
  }));
  return { DaemonStatus };
}
