// Queries of what runs on its own: backfills and automation evaluations page by page, the daemons' leases, and when
// each sensor ticks next.
import { DAEMON_LEASE } from "../../automation/index.js";
import { AssetKey } from "../../core/index.js";
import type { AutomationEvaluationRecord, BackfillRecord, BackfillStatus, LeaseRecord } from "../../storage/index.js";
import type { AssetRefs } from "./assets.js";
import type { Builder } from "./builder.js";
import { decodeCursor, encodeCursor, pageSize } from "./cursor.js";
import type { InstigatorValue } from "./instigators.js";
import type { RunRefs } from "./runs.js";
import type { ObjectRef } from "@pothos/core";
import type { Types } from "./resolve-helpers.js";

const BACKFILL_STATUSES = ["REQUESTED", "IN_PROGRESS", "COMPLETED", "COMPLETED_FAILED", "CANCELING", "CANCELED", "FAILED"] as const satisfies readonly BackfillStatus[];

export function defineStatusQueries(
  builder: Builder,
  refs: { runs: RunRefs; assets: AssetRefs; Sensor: ObjectRef<Types, Extract<InstigatorValue, { type: "SENSOR" }>> },
): void {
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
  const DaemonStatus = builder.objectRef<{ location: string; leaseName: string; lease: LeaseRecord | undefined; now: number }>("DaemonStatus").implement({
    description: "The daemon of a code location (schedules, sensors, automation, backfills, run queue), as its lease shows it.",
    fields: (t) => ({
      locationName: t.exposeString("location"),
      leaseName: t.exposeString("leaseName"),
      running: t.boolean({ description: "Its lease is held and not expired.", resolve: (d) => (d.lease?.expiresAt ?? 0) > d.now }),
      holder: t.string({ nullable: true, resolve: (d) => d.lease?.holder ?? null }),
      acquiredAt: t.float({ nullable: true, resolve: (d) => d.lease?.acquiredAt ?? null }),
      heartbeatExpiresAt: t.float({ nullable: true, description: "Epoch ms until which it holds the lease (it renews it each iteration).", resolve: (d) => d.lease?.expiresAt ?? null }),
      info: t.field({ type: "JSON", nullable: true, description: "What the daemon reports of itself: host, pid, its loops' last iterations.", resolve: (d) => d.lease?.info ?? null }),
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
      resolve: async (_r, _a, ctx) => {
        const names = ctx.workspace.locations().map((l, i) => ({ location: l.name, leaseName: i === 0 ? DAEMON_LEASE : `${DAEMON_LEASE}:${l.name}` }));
        const now = ctx.instance.clock.now();
        return Promise.all(names.map(async (n) => ({ ...n, lease: await ctx.instance.storage.getLease(n.leaseName), now })));
      },
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
}
