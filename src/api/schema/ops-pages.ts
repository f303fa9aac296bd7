// What the UI's launchpad, automation and backfills pages need beyond the core schema: an asset's partition keys and
// backfill policy, a dry run of a schedule or sensor, and resuming a backfill that stopped before its end.
import type { ObjectRef, UnionRef } from "@pothos/core";
import { TesseraError } from "../../core/index.js";
import { operationErrorOf, type OperationResult } from "../../code-location/index.js";
import { DynamicPartitionsSnapshot, partitionsDefinitionFromSnapshot } from "../../partitions/index.js";
import type { BackfillRecord } from "../../storage/index.js";
import type { AssetNodeValue } from "./assets.js";
import type { ApiSchemaTypes, Builder } from "./builder.js";
import type { ApiContext } from "./context.js";
import { errorValueOf, readOnlyError, type ErrorValue } from "./errors.js";
import { instigatorsOf } from "./instigators.js";

type Types = PothosSchemaTypes.ExtendDefaultTypes<ApiSchemaTypes>;

interface DryRunValue {
  __typename: "DryRunResult";
  skipMessage: string | null;
  cursor: string | null;
  runRequests: { runKey: string | null; jobName: string | null; partitionKey: string | null; assetKeys: string[] | null }[];
}

/** Adds the fields to AssetNode and the mutations; called once from buildSchema. */
export function defineOpsPagesFields(
  builder: Builder,
  refs: { AssetNode: ObjectRef<Types, AssetNodeValue>; errors: readonly ObjectRef<Types, unknown>[] },
) {
  const union = <S extends { __typename: string }>(name: string, success: ObjectRef<Types, S>) =>
    builder.unionType(name, {
      types: [success, ...refs.errors] as ObjectRef<Types, unknown>[],
      resolveType: (value) => (value as { __typename: string }).__typename,
    }) as unknown as UnionRef<Types, S | ErrorValue>;

  builder.objectFields(refs.AssetNode, (t) => ({
    backfillPolicy: t.string({
      nullable: true,
      description: "SINGLE_RUN (a range is one run) or MULTI_RUN; null when the asset has no policy (a backfill runs one partition per run).",
      resolve: (v) => v.node.backfillPolicy?.policyType ?? null,
    }),
    partitionKeyCount: t.int({ nullable: true, resolve: async (v, _a, ctx) => (await partitionKeysOf(v, ctx))?.length ?? null }),
    partitionKeys: t.stringList({
      nullable: true,
      description: "The asset's partition keys in order, at most `limit` (default 1000) of them: the last ones when `fromEnd`, as time partitions' newest matter most.",
      args: { limit: t.arg.int(), fromEnd: t.arg.boolean() },
      resolve: async (v, args, ctx) => {
        const keys = await partitionKeysOf(v, ctx);
        if (!keys) return null;
        const limit = Math.max(1, Math.min(args.limit ?? 1000, 100_000));
        return args.fromEnd ? keys.slice(Math.max(0, keys.length - limit)) : keys.slice(0, limit);
      },
    }),
  }));

  const RunRequest = builder.objectRef<DryRunValue["runRequests"][number]>("DryRunRunRequest").implement({
    fields: (t) => ({
      runKey: t.string({ nullable: true, resolve: (r) => r.runKey }),
      jobName: t.string({ nullable: true, resolve: (r) => r.jobName }),
      partitionKey: t.string({ nullable: true, resolve: (r) => r.partitionKey }),
      assetKeys: t.stringList({ nullable: true, description: "`a/b` keys, or null for the job's whole selection.", resolve: (r) => r.assetKeys }),
    }),
  });
  const DryRun = builder.objectRef<DryRunValue>("DryRunResult").implement({
    description: "What a schedule or sensor would do now, without launching anything or moving its cursor.",
    fields: (t) => ({
      skipMessage: t.string({ nullable: true, resolve: (r) => r.skipMessage }),
      cursor: t.string({ nullable: true, resolve: (r) => r.cursor }),
      runRequests: t.field({ type: [RunRequest], resolve: (r) => r.runRequests }),
    }),
  });
  const ResumeBackfillSuccess = builder.objectRef<{ __typename: "ResumeBackfillSuccess"; backfillId: string }>("ResumeBackfillSuccess").implement({
    fields: (t) => ({ backfillId: t.exposeID("backfillId", { description: "The new backfill of the partitions left." }) }),
  });

  builder.mutationField("dryRunInstigator", (t) =>
    t.field({
      type: union("DryRunInstigatorResult", DryRun),
      description: "Evaluates a schedule (at now, or `timestamp`) or a sensor (from its stored cursor) without launching runs or storing a tick.",
      args: { name: t.arg.string({ required: true }), timestamp: t.arg.float() },
      resolve: async (_r, args, ctx) => {
        const found = [...instigatorsOf(ctx, "SCHEDULE"), ...instigatorsOf(ctx, "SENSOR")].find((i) => (i.type === "SCHEDULE" ? i.schedule.name : i.sensor.name) === args.name);
        if (!found) return { __typename: "InstigatorNotFoundError" as const, name: args.name, message: `No schedule or sensor named "${args.name}" in the loaded locations.` };
        const cursor = found.type === "SENSOR" ? ((await ctx.instance.storage.getInstigatorState(args.name))?.cursor ?? null) : null;
        const result: OperationResult<{ skipMessage: string | null; cursor: string | null; runRequests: DryRunValue["runRequests"] }> = await ctx.workspace.run(found.location, "dryRunInstigator", {
          name: args.name,
          type: found.type,
          timestamp: args.timestamp ?? null,
          cursor,
        });
        if (!result.ok) return errorValueOf(result.error);
        const { skipMessage, runRequests } = result.value;
        return {
          __typename: "DryRunResult" as const,
          skipMessage,
          cursor: result.value.cursor,
          runRequests: runRequests.map((r) => ({ runKey: r.runKey, jobName: r.jobName, partitionKey: r.partitionKey, assetKeys: r.assetKeys })),
        };
      },
    }),
  );

  builder.mutationField("resumeBackfill", (t) =>
    t.field({
      type: union("ResumeBackfillResult", ResumeBackfillSuccess),
      description: "Launches a new backfill of a canceled or failed backfill's partitions that were not materialized (failed ones included).",
      args: { backfillId: t.arg.id({ required: true }), location: t.arg.string() },
      resolve: async (_r, args, ctx) => {
        if (ctx.readOnly) return readOnlyError("resumeBackfill");
        try {
          const backfill = await ctx.instance.getBackfill(String(args.backfillId));
          if (!backfill) return { __typename: "BackfillNotFoundError" as const, backfillId: String(args.backfillId), message: `No backfill with id "${String(args.backfillId)}" to resume.` };
          if (backfill.status !== "CANCELED" && backfill.status !== "FAILED" && backfill.status !== "COMPLETED_FAILED") {
            return { __typename: "TesseraApiError" as const, code: "BACKFILL_NOT_STOPPED", message: `Backfill ${backfill.backfillId} is ${backfill.status}: only a CANCELED, FAILED or COMPLETED_FAILED backfill can be resumed.` };
          }
          const left = partitionsLeft(backfill);
          if (left.length === 0) return { __typename: "TesseraApiError" as const, code: "NOTHING_LEFT", message: `Backfill ${backfill.backfillId} has no partition left to run.` };
          const location = args.location ?? locationHolding(ctx, backfill.assetSelection);
          if (location === undefined) return { __typename: "LocationUnavailableError" as const, location: null, message: `No loaded code location holds the assets of backfill ${backfill.backfillId}; pass location.` };
          const result = await ctx.workspace.run(location, "launchBackfill", {
            selection: backfill.assetSelection.map((key) => `key:"${key}"`).join(" or "),
            partitionKeys: left,
            partitionRange: null,
            allPartitions: false,
            missingOnly: false,
            failedOnly: false,
            fromFailureOf: null,
            tags: { ...backfill.tags, "tessera/resumed-from": backfill.backfillId },
          });
          return result.ok ? { __typename: "ResumeBackfillSuccess" as const, backfillId: result.value.backfillId } : errorValueOf(result.error);
        } catch (error) {
          if (error instanceof TesseraError) return errorValueOf(operationErrorOf(error));
          throw error;
        }
      },
    }),
  );
}

/** The partitions of a backfill that none of its runs materialized, in the backfill's order. */
export function partitionsLeft(backfill: Pick<BackfillRecord, "partitionKeys" | "materializedPartitions">): string[] {
  const done = new Set(backfill.materializedPartitions);
  return backfill.partitionKeys.filter((key) => !done.has(key));
}

function locationHolding(ctx: ApiContext, keys: readonly string[]): string | undefined {
  return ctx.workspace.locations().find((l) => l.snapshot?.assets.some((a) => keys.includes(a.key)))?.name;
}

async function partitionKeysOf(value: AssetNodeValue, ctx: ApiContext): Promise<string[] | undefined> {
  const snapshot = value.node.partitionsDefinition;
  if (snapshot === null) return undefined;
  const def = partitionsDefinitionFromSnapshot(snapshot);
  return def.getPartitionKeys({ currentTime: ctx.instance.clock.now(), dynamicPartitionsStore: await DynamicPartitionsSnapshot.load(ctx.instance, [def]) });
}
