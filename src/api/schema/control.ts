// Mutations that control what already exists: terminating runs, resuming backfills, starting, stopping and resetting
// schedules and sensors, setting a sensor's cursor, and dry-running either.
import type { ObjectRef } from "@pothos/core";
import type { BackfillRecord, InstigatorState, RunRecord } from "../../storage/index.js";
import type { Builder } from "./builder.js";
import type { ApiContext } from "./context.js";
import { errorValueOf, type ErrorRefs, type ErrorValue } from "./errors.js";
import { instigatorsOf, type InstigatorValue } from "./instigators.js";
import { guarded, isError, resultUnions, runOp, type Types } from "./resolve-helpers.js";
import { redactRunConfig } from "./runs.js";
import { operationErrorOf } from "../../code-location/index.js";
import { TesseraError } from "../../core/index.js";

type Kind = "SCHEDULE" | "SENSOR";
type Status = "RUNNING" | "STOPPED";
type StateValue = InstigatorState & { __typename: "InstigationState"; defaultStatus: Status };

/** The schedule or sensor named, among the loaded locations, or the error member saying which exist. */
function findInstigator(ctx: ApiContext, kind: Kind, name: string): InstigatorValue | ErrorValue {
  const all = instigatorsOf(ctx, kind);
  const found = all.find((i) => (i.type === "SCHEDULE" ? i.schedule.name : i.sensor.name) === name);
  if (found) return found;
  const names = all.map((i) => (i.type === "SCHEDULE" ? i.schedule.name : i.sensor.name));
  const what = kind === "SCHEDULE" ? "schedule" : "sensor";
  return {
    __typename: "InstigatorNotFoundError",
    name,
    message: `No ${what} named "${name}" in the loaded code locations${names.length ? ` (${what}s: ${names.join(", ")})` : ` (there are no ${what}s)`}.`,
  };
}

const defaultOf = (v: InstigatorValue): Status => (v.type === "SCHEDULE" ? v.schedule.defaultStatus : v.sensor.defaultStatus);

/**
 * Stores `status` for a schedule or sensor. A schedule that starts records the time: its first tick is the first cron
 * tick after it, never one missed while it was stopped (the same rule as `tessera schedule start`).
 */
export async function storeInstigatorStatus(ctx: ApiContext, v: InstigatorValue, status: Status, change: { cursor?: string | null } = {}): Promise<StateValue> {
  const name = v.type === "SCHEDULE" ? v.schedule.name : v.sensor.name;
  const now = ctx.instance.clock.now();
  const previous = await ctx.instance.storage.getInstigatorState(name);
  const starting = status === "RUNNING" && previous?.status !== "RUNNING";
  const lastTick = v.type === "SCHEDULE" && starting ? now : previous?.lastTickTimestamp;
  const cursor = "cursor" in change ? (change.cursor ?? undefined) : previous?.cursor;
  const state: InstigatorState = {
    name,
    type: v.type,
    status,
    updateTime: now,
    ...(cursor === undefined ? {} : { cursor }),
    ...(lastTick === undefined ? {} : { lastTickTimestamp: lastTick }),
  };
  await ctx.instance.storage.setInstigatorState(state);
  return { ...state, __typename: "InstigationState", defaultStatus: defaultOf(v) };
}

/** Adds the control mutations to the schema. */
export function defineControlMutations(
  builder: Builder,
  refs: { errors: ErrorRefs; Run: ObjectRef<Types, RunRecord> },
): void {
  const union = resultUnions(builder, refs.errors);

  const InstigationState = builder.objectRef<StateValue>("InstigationState").implement({
    description: "A schedule's or sensor's stored state after a change.",
    fields: (t) => ({
      name: t.exposeString("name"),
      instigatorType: t.string({ resolve: (s) => s.type }),
      status: t.string({ description: "RUNNING or STOPPED", resolve: (s) => s.status }),
      defaultStatus: t.string({ description: "What the definition declares; reset goes back to it.", resolve: (s) => s.defaultStatus }),
      cursor: t.string({ nullable: true, resolve: (s) => s.cursor ?? null }),
      updateTime: t.float({ resolve: (s) => s.updateTime }),
    }),
  });
  const InstigationStateResult = union("InstigationStateResult", InstigationState);

  const TerminateRunOutcome = builder.objectRef<{ __typename: "TerminateRunOk"; run: RunRecord }>("TerminateRunOk").implement({
    fields: (t) => ({ run: t.field({ type: refs.Run, resolve: (v) => v.run }) }),
  });
  const TerminateRunOutcomeResult = union("TerminateRunOutcome", TerminateRunOutcome);
  const TerminateRunsSuccess = builder
    .objectRef<{ __typename: "TerminateRunsSuccess"; results: ({ __typename: "TerminateRunOk"; run: RunRecord } | ErrorValue)[] }>("TerminateRunsSuccess")
    .implement({
      description: "One outcome per run id, in the order given.",
      fields: (t) => ({ results: t.field({ type: [TerminateRunOutcomeResult], resolve: (v) => v.results }) }),
    });
  const TerminateRunsResult = union("TerminateRunsResult", TerminateRunsSuccess);

  const BackfillResumed = builder.objectRef<{ __typename: "BackfillResumed"; backfill: BackfillRecord }>("BackfillResumed").implement({
    fields: (t) => ({
      backfillId: t.id({ resolve: (v) => v.backfill.backfillId }),
      status: t.string({ resolve: (v) => v.backfill.status }),
      numRemaining: t.int({
        description: "Partitions neither materialized nor failed: what the daemon runs now.",
        resolve: (v) => v.backfill.partitionKeys.length - v.backfill.materializedPartitions.length - v.backfill.failedPartitions.length,
      }),
    }),
  });
  const ResumeBackfillResult = union("ResumeBackfillResult", BackfillResumed);

  type DryRun = {
    __typename: "DryRunResult";
    skipMessage: string | null;
    cursor: string | null;
    runRequests: { runKey: string | null; jobName: string | null; partitionKey: string | null; tags: Record<string, string>; assetKeys: string[] | null; runConfig: unknown }[];
  };
  const DryRunRunRequest = builder.objectRef<DryRun["runRequests"][number]>("DryRunRunRequest").implement({
    fields: (t) => ({
      runKey: t.exposeString("runKey", { nullable: true }),
      jobName: t.exposeString("jobName", { nullable: true }),
      partitionKey: t.exposeString("partitionKey", { nullable: true }),
      tags: t.field({ type: "JSON", resolve: (r) => r.tags }),
      assetKeys: t.stringList({ nullable: true, description: "a/b keys, or null for the target's whole selection", resolve: (r) => r.assetKeys }),
      runConfig: t.field({ type: "JSON", nullable: true, description: "Resource config and secret-looking values redacted.", resolve: (r) => redactRunConfig(r.runConfig) ?? null }),
    }),
  });
  const DryRunResult = builder.objectRef<DryRun>("DryRunResult").implement({
    description: "What one evaluation would do; nothing was launched and no cursor was stored.",
    fields: (t) => ({
      skipMessage: t.exposeString("skipMessage", { nullable: true }),
      cursor: t.exposeString("cursor", { nullable: true }),
      runRequests: t.field({ type: [DryRunRunRequest], resolve: (d) => d.runRequests }),
    }),
  });
  const DryRunResultOrError = union("DryRunResultOrError", DryRunResult);

  const setStatus = (kind: Kind, what: string, status: (v: InstigatorValue) => Status) =>
    guarded(what, async (args: { name: string }, ctx) => {
      const found = findInstigator(ctx, kind, args.name);
      return isError(found) ? found : storeInstigatorStatus(ctx, found, status(found));
    });
  const dryRun = (kind: Kind) =>
    async (args: { name: string; timestamp?: number | null; cursor?: string | null }, ctx: ApiContext): Promise<DryRun | ErrorValue> => {
      const found = findInstigator(ctx, kind, args.name);
      if (isError(found)) return found;
      const result = await runOp(ctx, found.location, "dryRunInstigator", {
        name: args.name,
        type: kind,
        timestamp: args.timestamp ?? null,
        cursor: args.cursor ?? null,
      });
      return isError(result) ? result : { __typename: "DryRunResult", ...result };
    };

  builder.mutationFields((t) => ({
    terminateRuns: t.field({
      type: TerminateRunsResult,
      description: "Cancels runs: a queued one never starts, a started one stops at its next step boundary.",
      args: { runIds: t.arg.idList({ required: true }) },
      resolve: guarded("terminateRuns", async (args: { runIds: (string | number)[] }, ctx) => ({
        __typename: "TerminateRunsSuccess" as const,
        results: await Promise.all(
          args.runIds.map(async (id) => {
            try {
              return { __typename: "TerminateRunOk" as const, run: await ctx.instance.cancelRun(String(id)) };
            } catch (error) {
              // One run's refusal (unknown, already ended) is its outcome; anything else is a bug, masked like any other.
              if (error instanceof TesseraError) return errorValueOf(operationErrorOf(error));
              throw error;
            }
          }),
        ),
      })),
    }),
    resumeBackfill: t.field({
      type: ResumeBackfillResult,
      description: "Asks the daemon to go on with a CANCELED or FAILED backfill: its partitions neither materialized nor failed.",
      args: { backfillId: t.arg.id({ required: true }) },
      resolve: guarded("resumeBackfill", async (args: { backfillId: string | number }, ctx) => {
        const id = String(args.backfillId);
        const backfill = await ctx.instance.getBackfill(id);
        if (!backfill) return { __typename: "BackfillNotFoundError" as const, backfillId: id, message: `No backfill with id "${id}"; list them with the backfills query.` };
        if (backfill.status !== "CANCELED" && backfill.status !== "FAILED") {
          const hint = backfill.status === "COMPLETED_FAILED" ? " To run its failed partitions again, launch a backfill with fromFailureOf." : "";
          return { __typename: "TesseraApiError" as const, code: "BAD_USER_INPUT", message: `Backfill ${id} is ${backfill.status}; only a CANCELED or FAILED backfill can be resumed.${hint}` };
        }
        const { error: _dropped, ...rest } = backfill;
        const resumed: BackfillRecord = { ...rest, status: "REQUESTED", updateTime: ctx.instance.clock.now() };
        await ctx.instance.storage.updateBackfill(resumed);
        return { __typename: "BackfillResumed" as const, backfill: resumed };
      }),
    }),
    startSchedule: t.field({ type: InstigationStateResult, args: { name: t.arg.string({ required: true }) }, resolve: setStatus("SCHEDULE", "startSchedule", () => "RUNNING") }),
    stopSchedule: t.field({ type: InstigationStateResult, args: { name: t.arg.string({ required: true }) }, resolve: setStatus("SCHEDULE", "stopSchedule", () => "STOPPED") }),
    resetSchedule: t.field({
      type: InstigationStateResult,
      description: "Back to the status the definition declares (its defaultStatus).",
      args: { name: t.arg.string({ required: true }) },
      resolve: setStatus("SCHEDULE", "resetSchedule", defaultOf),
    }),
    startSensor: t.field({ type: InstigationStateResult, args: { name: t.arg.string({ required: true }) }, resolve: setStatus("SENSOR", "startSensor", () => "RUNNING") }),
    stopSensor: t.field({ type: InstigationStateResult, args: { name: t.arg.string({ required: true }) }, resolve: setStatus("SENSOR", "stopSensor", () => "STOPPED") }),
    resetSensor: t.field({
      type: InstigationStateResult,
      description: "Back to the status the definition declares (its defaultStatus); the cursor is kept.",
      args: { name: t.arg.string({ required: true }) },
      resolve: setStatus("SENSOR", "resetSensor", defaultOf),
    }),
    setSensorCursor: t.field({
      type: InstigationStateResult,
      description: "Sets (or with null clears) the cursor the sensor's next tick starts from.",
      args: { name: t.arg.string({ required: true }), cursor: t.arg.string() },
      resolve: guarded("setSensorCursor", async (args: { name: string; cursor?: string | null }, ctx) => {
        const found = findInstigator(ctx, "SENSOR", args.name);
        if (isError(found)) return found;
        const current = await ctx.instance.storage.getInstigatorState(args.name);
        return storeInstigatorStatus(ctx, found, current?.status ?? defaultOf(found), { cursor: args.cursor ?? null });
      }),
    }),
    dryRunSchedule: t.field({
      type: DryRunResultOrError,
      description: "Evaluates a schedule for the tick at timestamp (epoch ms; now by default) and launches nothing.",
      args: { name: t.arg.string({ required: true }), timestamp: t.arg.float() },
      // Refused when read-only all the same: it runs the user's schedule function, which may do anything.
      resolve: guarded("dryRunSchedule", dryRun("SCHEDULE")),
    }),
    dryRunSensor: t.field({
      type: DryRunResultOrError,
      description: "Evaluates a sensor once from cursor (none by default) and launches nothing; the stored cursor is unchanged.",
      args: { name: t.arg.string({ required: true }), cursor: t.arg.string() },
      resolve: guarded("dryRunSensor", dryRun("SENSOR")),
    }),
  }));
}
