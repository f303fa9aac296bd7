// Interim copies, for the UI's pages on this branch, of issue 15's mutations as the API work names and shapes them
// (dryRunSchedule, dryRunSensor, resumeBackfill): once that work is merged, this file and its one registration line
// in schema.ts go, and the UI keeps working unchanged.
import type { ObjectRef, UnionRef } from "@pothos/core";
import { TesseraError } from "../../core/index.js";
import { operationErrorOf, type OperationResult } from "../../code-location/index.js";
import type { BackfillRecord } from "../../storage/index.js";
import type { ApiSchemaTypes, Builder } from "./builder.js";
import type { ApiContext } from "./context.js";
import { errorValueOf, readOnlyError, type ErrorValue } from "./errors.js";
import { instigatorsOf } from "./instigators.js";
import { redactRunConfig } from "./runs.js";

type Types = PothosSchemaTypes.ExtendDefaultTypes<ApiSchemaTypes>;
type RunRequestValue = { runKey: string | null; jobName: string | null; partitionKey: string | null; tags: Record<string, string>; assetKeys: string[] | null; runConfig: unknown };
type DryRunValue = { __typename: "DryRunResult"; skipMessage: string | null; cursor: string | null; runRequests: RunRequestValue[] };

export function defineInterimOpsMutations(builder: Builder, errors: readonly ObjectRef<Types, unknown>[]) {
  const union = <S extends { __typename: string }>(name: string, success: ObjectRef<Types, S>) =>
    builder.unionType(name, {
      types: [success, ...errors] as ObjectRef<Types, unknown>[],
      resolveType: (value) => (value as { __typename: string }).__typename,
    }) as unknown as UnionRef<Types, S | ErrorValue>;
  const guarded =
    <A, R>(what: string, fn: (args: A, ctx: ApiContext) => Promise<R>) =>
    async (_root: unknown, args: A, ctx: ApiContext): Promise<R | ErrorValue> => {
      if (ctx.readOnly) return readOnlyError(what);
      try {
        return await fn(args, ctx);
      } catch (error) {
        if (error instanceof TesseraError) return errorValueOf(operationErrorOf(error));
        throw error;
      }
    };

  const DryRunRunRequest = builder.objectRef<RunRequestValue>("DryRunRunRequest").implement({
    fields: (t) => ({
      runKey: t.exposeString("runKey", { nullable: true }),
      jobName: t.exposeString("jobName", { nullable: true }),
      partitionKey: t.exposeString("partitionKey", { nullable: true }),
      tags: t.field({ type: "JSON", resolve: (r) => r.tags }),
      assetKeys: t.stringList({ nullable: true, description: "a/b keys, or null for the target's whole selection", resolve: (r) => r.assetKeys }),
      runConfig: t.field({ type: "JSON", nullable: true, resolve: (r) => redactRunConfig(r.runConfig) ?? null }),
    }),
  });
  const DryRunResult = builder.objectRef<DryRunValue>("DryRunResult").implement({
    description: "What one evaluation would do; nothing was launched and no cursor was stored.",
    fields: (t) => ({
      skipMessage: t.exposeString("skipMessage", { nullable: true }),
      cursor: t.exposeString("cursor", { nullable: true }),
      runRequests: t.field({ type: [DryRunRunRequest], resolve: (d) => d.runRequests }),
    }),
  });
  const DryRunResultOrError = union("DryRunResultOrError", DryRunResult);
  const BackfillResumed = builder.objectRef<{ __typename: "BackfillResumed"; backfill: BackfillRecord }>("BackfillResumed").implement({
    fields: (t) => ({
      backfillId: t.id({ resolve: (v) => v.backfill.backfillId }),
      status: t.string({ resolve: (v) => v.backfill.status }),
      numRemaining: t.int({ resolve: (v) => v.backfill.partitionKeys.length - v.backfill.materializedPartitions.length - v.backfill.failedPartitions.length }),
    }),
  });

  const dryRun = (type: "SCHEDULE" | "SENSOR") => async (args: { name: string; timestamp?: number | null; cursor?: string | null }, ctx: ApiContext) => {
    const found = instigatorsOf(ctx, type).find((i) => (i.type === "SCHEDULE" ? i.schedule.name : i.sensor.name) === args.name);
    if (!found) return { __typename: "InstigatorNotFoundError" as const, name: args.name, message: `No ${type === "SCHEDULE" ? "schedule" : "sensor"} named "${args.name}" in the loaded locations.` };
    const result: OperationResult<Omit<DryRunValue, "__typename">> = await ctx.workspace.run(found.location, "dryRunInstigator", {
      name: args.name,
      type,
      timestamp: args.timestamp ?? null,
      cursor: args.cursor ?? null,
    });
    return result.ok ? { __typename: "DryRunResult" as const, ...result.value } : errorValueOf(result.error);
  };

  builder.mutationFields((t) => ({
    dryRunSchedule: t.field({
      type: DryRunResultOrError,
      args: { name: t.arg.string({ required: true }), timestamp: t.arg.float() },
      resolve: guarded("dryRunSchedule", dryRun("SCHEDULE")),
    }),
    dryRunSensor: t.field({
      type: DryRunResultOrError,
      args: { name: t.arg.string({ required: true }), cursor: t.arg.string() },
      resolve: guarded("dryRunSensor", dryRun("SENSOR")),
    }),
    resumeBackfill: t.field({
      type: union("ResumeBackfillResult", BackfillResumed),
      description: "Asks the daemon to go on with a CANCELED or FAILED backfill: its partitions neither materialized nor failed.",
      args: { backfillId: t.arg.id({ required: true }) },
      resolve: guarded("resumeBackfill", async (args: { backfillId: string | number }, ctx) => {
        const id = String(args.backfillId);
        const backfill = await ctx.instance.getBackfill(id);
        if (!backfill) return { __typename: "BackfillNotFoundError" as const, backfillId: id, message: `No backfill with id "${id}"; list them with the backfills query.` };
        if (backfill.status !== "CANCELED" && backfill.status !== "FAILED") {
          return { __typename: "TesseraApiError" as const, code: "BAD_USER_INPUT", message: `Backfill ${id} is ${backfill.status}; only a CANCELED or FAILED backfill can be resumed.` };
        }
        const { error: _dropped, ...rest } = backfill;
        const resumed: BackfillRecord = { ...rest, status: "REQUESTED", updateTime: ctx.instance.clock.now() };
        await ctx.instance.storage.updateBackfill(resumed);
        return { __typename: "BackfillResumed" as const, backfill: resumed };
      }),
    }),
  }));
}
