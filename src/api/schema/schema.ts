// The whole GraphQL schema, composed explicitly from its parts: queries, mutations and subscriptions.
import type { GraphQLResolveInfo, GraphQLSchema } from "graphql";
import { createGraphQLError } from "graphql-yoga";
import { AssetKey, type EventRecord } from "../../core/index.js";
import type { LocationEntry, LocationSnapshot, OperationResult } from "../../code-location/index.js";
import type { RunRecord } from "../../storage/index.js";
import { changes } from "../event-watcher.js";
import { defineAssetTypes, type AssetNodeValue } from "./assets.js";
import { defineControlMutations, storeInstigatorStatus } from "./control.js";
import { defineWipeMutation } from "./wipe.js";
import { defineChangeSubscriptions } from "./subscriptions.js";
import { defineStatusQueries } from "./status-queries.js";
import { defineAssetPageFields } from "./asset-page.js";
import { createBuilder, type ApiSchemaTypes } from "./builder.js";
import type { ObjectRef, UnionRef } from "@pothos/core";
import type { ApiContext } from "./context.js";
import { decodeCursor, encodeCursor, pageSize } from "./cursor.js";
import { guarded, isError, resultUnions, runOp, selectsAnyField, tagsOf, targetLocation } from "./resolve-helpers.js";
import { defineErrorTypes, errorValueOf, type ErrorValue } from "./errors.js";
import { defineEventTypes } from "./events.js";
import { defineComputeLogQueries } from "./compute-logs.js";
import { defineInstigatorTypes, instigatorsOf } from "./instigators.js";
import { AssetKeyInputRef, TagInputRef, defineRunTypes, runLogsPage } from "./runs.js";
import { defineOpsPagesFields } from "./ops-pages.js";
import { defineLiveOpsSubscriptions } from "./live-ops.js";

/** The most assets `assetNodes` returns in one answer (it is a list by contract; page with assetNodeConnection). */
export const MAX_ASSET_NODES = 20_000;

/**
 * Assets of every loaded location, or those `selection` selects. Each location resolves the selection against its
 * own Definitions (one call per location), so both grammars mean exactly what they mean there.
 */
async function selectAssets(ctx: ApiContext, selection: string | null | undefined, info?: GraphQLResolveInfo): Promise<AssetNodeValue[] | ErrorValue> {
  // Read the asset index alongside, in one query, when the nodes' fields need it (so that they resolve synchronously).
  const preload = info && selectsAnyField(info, INDEX_FIELDS) ? ctx.loaders.preloadAssetRecords() : undefined;
  const selected = await selectAssetsOnly(ctx, selection);
  // Likewise the latest attempts of the selected assets, in one batch.
  if (info && Array.isArray(selected) && selectsAnyField(info, ATTEMPT_FIELDS)) await ctx.loaders.preloadMaterializationAttempts(selected.map((v) => v.node.key));
  await preload;
  return selected;
}

const ATTEMPT_FIELDS = new Set(["latestMaterializationAttempt"]);

const INDEX_FIELDS = new Set(["latestMaterialization", "latestObservation", "lastRunId"]);

async function selectAssetsOnly(ctx: ApiContext, selection: string | null | undefined): Promise<AssetNodeValue[] | ErrorValue> {
  const loaded = ctx.workspace.locations().filter((l): l is LocationEntry & { snapshot: LocationSnapshot } => l.snapshot !== null);
  if (!selection) return loaded.flatMap((l) => l.snapshot.assets.map((node) => ({ location: l.name, node })));
  const results = await Promise.all(loaded.map((l) => ctx.workspace.run(l.name, "resolveSelection", { selection })));
  const out: AssetNodeValue[] = [];
  for (const [i, entry] of loaded.entries()) {
    const result = results[i] as OperationResult<{ keys: string[] }>;
    if (!result.ok) return errorValueOf(result.error);
    const byKey = new Map(entry.snapshot.assets.map((a) => [a.key, a]));
    for (const key of result.value.keys) {
      const node = byKey.get(key);
      if (node) out.push({ location: entry.name, node });
    }
  }
  return out;
}

/** Builds the schema. Pure: no I/O happens until a request is served. */
export function buildSchema(options: { version: string }): GraphQLSchema {
  const builder = createBuilder();
  const errors = defineErrorTypes(builder);
  const events = defineEventTypes(builder);
  const assets = defineAssetTypes(builder, events);
  defineAssetPageFields(builder, assets);
  const runs = defineRunTypes(builder, events, assets);
  const instigators = defineInstigatorTypes(builder);
  const TagInput = TagInputRef(builder);
  defineComputeLogQueries(builder);

  const LocationStatusEnum = builder.enumType("LocationStatus", { values: ["LOADING", "LOADED", "FAILED"] as const });
  const LocationError = builder.objectRef<{ message: string; stack: string | null }>("LocationLoadError").implement({
    fields: (t) => ({ message: t.exposeString("message"), stack: t.exposeString("stack", { nullable: true }) }),
  });
  const CodeLocation = builder.objectRef<LocationEntry>("CodeLocation").implement({
    fields: (t) => ({
      name: t.exposeString("name"),
      status: t.field({ type: LocationStatusEnum, resolve: (l) => l.status }),
      error: t.field({ type: LocationError, nullable: true, resolve: (l) => l.error }),
      updatedAt: t.exposeFloat("updatedAt"),
      assetCount: t.int({ resolve: (l) => l.snapshot?.assets.length ?? 0 }),
      jobNames: t.stringList({ resolve: (l) => l.snapshot?.jobs.map((j) => j.name) ?? [] }),
    }),
  });
  const AssetNodeConnection = builder.objectRef<{ nodes: AssetNodeValue[]; cursor: string | null; hasMore: boolean }>("AssetNodeConnection").implement({
    fields: (t) => ({
      nodes: t.field({ type: [assets.AssetNode], resolve: (p) => p.nodes }),
      cursor: t.string({ nullable: true, resolve: (p) => p.cursor }),
      hasMore: t.exposeBoolean("hasMore"),
    }),
  });
  const InstanceInfo = builder.objectRef<{ backend: string; location: string; schemaVersion: number; runs: number; events: number; assets: number }>("InstanceInfo").implement({
    description: "The instance's storage: its backend, where it is (never a password), its schema version and counts.",
    fields: (t) => ({
      backend: t.exposeString("backend"),
      location: t.exposeString("location"),
      schemaVersion: t.exposeInt("schemaVersion"),
      runs: t.exposeInt("runs"),
      events: t.exposeInt("events"),
      assets: t.exposeInt("assets"),
      daemonHeartbeat: t.float({
        nullable: true,
        description: "Epoch ms until which the daemon holds its lease; null when no daemon has run.",
        resolve: async (_i, _a, ctx) => (await ctx.instance.storage.getLease("daemon"))?.expiresAt ?? null,
      }),
      daemonRunning: t.boolean({ resolve: async (_i, _a, ctx) => ((await ctx.instance.storage.getLease("daemon"))?.expiresAt ?? 0) > ctx.instance.clock.now() }),
    }),
  });

  const union = resultUnions(builder, errors);

  const RunOrError = builder.unionType("RunOrError", {
    types: [runs.Run, errors.RunNotFoundError],
    resolveType: (v) => ("runId" in v && !("__typename" in v) ? "Run" : "RunNotFoundError"),
  });
  const BackfillOrError = builder.unionType("BackfillOrError", {
    types: [runs.Backfill, errors.BackfillNotFoundError],
    resolveType: (v) => ("__typename" in v ? "BackfillNotFoundError" : "Backfill"),
  });
  const AssetNodesOrError = builder.objectRef<{ __typename: "AssetNodes"; nodes: AssetNodeValue[] }>("AssetNodes").implement({
    fields: (t) => ({ nodes: t.field({ type: [assets.AssetNode], resolve: (v) => v.nodes }) }),
  });
  const AssetNodesResult = union("AssetNodesOrError", AssetNodesOrError);
  const RunConfigSchema = builder.objectRef<{ __typename: "RunConfigSchema"; schema: unknown }>("RunConfigSchema").implement({
    fields: (t) => ({ schema: t.field({ type: "JSON", description: "JSON Schema of { ops: { <op>: { config } } }.", resolve: (v) => v.schema }) }),
  });
  const RunConfigSchemaOrError = union("RunConfigSchemaOrError", RunConfigSchema);

  builder.queryType({
    fields: (t) => ({
      version: t.string({ resolve: () => options.version }),
      locations: t.field({ type: [CodeLocation], resolve: (_r, _a, ctx) => [...ctx.workspace.locations()] }),
      assetNodes: t.field({
        type: [assets.AssetNode],
        description: `Assets of every loaded location, or those a selection (either grammar) selects; at most ${MAX_ASSET_NODES}. A bad selection is a GraphQL error saying where; assetNodesOrError returns it as a value.`,
        args: { selection: t.arg.string(), limit: t.arg.int() },
        resolve: async (_r, args, ctx, info) => {
          const selected = await selectAssets(ctx, args.selection, info);
          if (isError(selected)) throw createGraphQLError(selected.message, { extensions: { code: "INVALID_SELECTION", ...selected } });
          return selected.slice(0, pageSize(args.limit, MAX_ASSET_NODES, MAX_ASSET_NODES));
        },
      }),
      assetNodesOrError: t.field({
        type: AssetNodesResult,
        args: { selection: t.arg.string() },
        resolve: async (_r, args, ctx, info) => {
          const selected = await selectAssets(ctx, args.selection, info);
          return isError(selected) ? selected : { __typename: "AssetNodes" as const, nodes: selected.slice(0, MAX_ASSET_NODES) };
        },
      }),
      assetNodeConnection: t.field({
        type: AssetNodeConnection,
        description: "Assets a page at a time (in location order, upstreams first).",
        args: { selection: t.arg.string(), cursor: t.arg.string(), limit: t.arg.int() },
        resolve: async (_r, args, ctx, info) => {
          const selected = await selectAssets(ctx, args.selection, info);
          if (isError(selected)) throw createGraphQLError(selected.message, { extensions: { code: "INVALID_SELECTION", ...selected } });
          const start = decodeCursor<number>("assets", args.cursor, "number") ?? 0;
          const size = pageSize(args.limit);
          const nodes = selected.slice(start, start + size);
          return { nodes, cursor: encodeCursor("assets", start + nodes.length), hasMore: start + size < selected.length };
        },
      }),
      runOrError: t.field({
        type: RunOrError,
        args: { runId: t.arg.id({ required: true }) },
        resolve: async (_r, args, ctx) =>
          (await ctx.instance.getRunById(String(args.runId))) ?? {
            __typename: "RunNotFoundError" as const,
            runId: String(args.runId),
            message: `No run with id "${String(args.runId)}" in this instance; list runs with the runs query.`,
          },
      }),
      runs: t.field({
        type: runs.RunConnection,
        description: "Runs, newest first, a page at a time.",
        args: { filter: t.arg({ type: runs.RunsFilter }), cursor: t.arg.string(), limit: t.arg.int() },
        resolve: async (_r, args, ctx) => {
          const limit = pageSize(args.limit);
          const after = decodeCursor<string>("runs", args.cursor, "string");
          const f = args.filter;
          let runIds = f?.runIds ?? undefined;
          if (f?.backfillId) {
            const backfill = await ctx.instance.getBackfill(f.backfillId);
            runIds = backfill ? backfill.runIds.filter((id) => runIds === undefined || runIds.includes(id)) : [];
          }
          const tags = tagsOf(f?.tags);
          const found: RunRecord[] = await ctx.instance.storage.getRuns({
            limit: limit + 1,
            ...(after ? { cursor: after } : {}),
            ...(f?.statuses ? { statuses: f.statuses } : {}),
            ...(f?.jobName ? { jobName: f.jobName } : {}),
            ...(tags ? { tags } : {}),
            ...(runIds ? { runIds } : {}),
            ...(f?.assetKey ? { assetKey: AssetKey.from(f.assetKey.path) } : {}),
          });
          const page = found.slice(0, limit);
          const last = page[page.length - 1];
          return { runs: page, cursor: last ? encodeCursor("runs", last.runId) : (args.cursor ?? null), hasMore: found.length > limit };
        },
      }),
      logsForRun: t.field({
        type: events.EventConnection,
        description: "A run's events in order after afterCursor, a page at a time (at most 1000).",
        args: { runId: t.arg.id({ required: true }), afterCursor: t.arg.string(), limit: t.arg.int() },
        resolve: (_r, args, ctx) => runLogsPage(ctx.instance.storage, String(args.runId), args.afterCursor, args.limit),
      }),
      backfills: t.field({
        type: [runs.Backfill],
        args: { limit: t.arg.int() },
        resolve: (_r, args, ctx) => ctx.instance.getBackfills({ limit: pageSize(args.limit) }),
      }),
      backfillOrError: t.field({
        type: BackfillOrError,
        args: { backfillId: t.arg.id({ required: true }) },
        resolve: async (_r, args, ctx) =>
          (await ctx.instance.getBackfill(String(args.backfillId))) ?? {
            __typename: "BackfillNotFoundError" as const,
            backfillId: String(args.backfillId),
            message: `No backfill with id "${String(args.backfillId)}"; list them with the backfills query.`,
          },
      }),
      schedules: t.field({ type: [instigators.Schedule], resolve: (_r, _a, ctx) => instigatorsOf(ctx, "SCHEDULE") as never }),
      sensors: t.field({ type: [instigators.Sensor], resolve: (_r, _a, ctx) => instigatorsOf(ctx, "SENSOR") as never }),
      instance: t.field({
        type: InstanceInfo,
        resolve: async (_r, _a, ctx) => {
          const info = await ctx.instance.info();
          return { backend: info.backend, location: info.location, schemaVersion: info.schema.version, runs: info.runs, events: info.events, assets: info.assets };
        },
      }),
      runConfigSchemaOrError: t.field({
        type: RunConfigSchemaOrError,
        args: { selection: t.arg.string({ required: true }), location: t.arg.string() },
        resolve: async (_r, args, ctx) => {
          const location = targetLocation(ctx, args.location);
          if (isError(location)) return location;
          const result = await runOp(ctx, location, "runConfigSchema", { selection: args.selection });
          return isError(result) ? result : { __typename: "RunConfigSchema" as const, schema: result.schema };
        },
      }),
    }),
  });

  // Mutations
  const LaunchRunSuccess = builder.objectRef<{ __typename: "LaunchRunSuccess"; run: RunRecord }>("LaunchRunSuccess").implement({
    fields: (t) => ({ run: t.field({ type: runs.Run, resolve: (v) => v.run }) }),
  });
  const LaunchRunResult = union("LaunchRunResult", LaunchRunSuccess);
  const LaunchBackfillSuccess = builder.objectRef<{ __typename: "LaunchBackfillSuccess"; backfillId: string }>("LaunchBackfillSuccess").implement({
    fields: (t) => ({ backfillId: t.exposeID("backfillId") }),
  });
  const LaunchBackfillResult = union("LaunchBackfillResult", LaunchBackfillSuccess);
  const Ok = builder.objectRef<{ __typename: "Ok"; message: string }>("Ok").implement({ fields: (t) => ({ message: t.exposeString("message") }) });
  const OkResult = union("OkResult", Ok);
  const TerminateRunSuccess = builder.objectRef<{ __typename: "TerminateRunSuccess"; run: RunRecord }>("TerminateRunSuccess").implement({
    fields: (t) => ({ run: t.field({ type: runs.Run, resolve: (v) => v.run }) }),
  });
  const TerminateRunResult = union("TerminateRunResult", TerminateRunSuccess);
  const ReloadSuccess = builder.objectRef<{ __typename: "ReloadSuccess"; locations: LocationEntry[] }>("ReloadSuccess").implement({
    fields: (t) => ({ locations: t.field({ type: [CodeLocation], resolve: (v) => v.locations }) }),
  });
  const ReloadResult = union("ReloadResult", ReloadSuccess);
  const AssetKeyInput = AssetKeyInputRef(builder);
  const PartitionRangeInput = builder.inputType("PartitionRangeInput", { fields: (t) => ({ start: t.string({ required: true }), end: t.string({ required: true }) }) });
  const ReexecutionStrategy = builder.enumType("ReexecutionStrategy", { values: ["ALL_STEPS", "FROM_FAILURE", "SELECTED_STEPS"] as const });

  const launched = async (ctx: ApiContext, result: { runId: string } | ErrorValue) => {
    if (isError(result)) return result;
    const run = await ctx.instance.getRunById(result.runId);
    if (!run) throw new Error(`run ${result.runId} was launched but is not in the instance`);
    return { __typename: "LaunchRunSuccess" as const, run };
  };

  builder.mutationType({
    fields: (t) => ({
      launchRun: t.field({
        type: LaunchRunResult,
        description: "Queues a run of a selection (either grammar), for one partition or a range; the daemon launches it.",
        args: {
          selection: t.arg.string({ required: true }),
          partitionKey: t.arg.string(),
          partitionRange: t.arg({ type: PartitionRangeInput }),
          runConfig: t.arg({ type: "JSON" }),
          tags: t.arg({ type: [TagInput] }),
          location: t.arg.string(),
        },
        resolve: guarded("launchRun", async (args: { selection: string; partitionKey?: string | null; partitionRange?: { start: string; end: string } | null; runConfig?: unknown; tags?: { key: string; value: string }[] | null; location?: string | null }, ctx) => {
          const location = targetLocation(ctx, args.location);
          if (isError(location)) return location;
          const tags = tagsOf(args.tags);
          return launched(
            ctx,
            await runOp(ctx, location, "launchRun", {
              selection: args.selection,
              partitionKey: args.partitionKey ?? null,
              partitionRange: args.partitionRange ?? null,
              runConfig: args.runConfig,
              ...(tags ? { tags } : {}),
            }),
          );
        }),
      }),
      reexecuteRun: t.field({
        type: LaunchRunResult,
        description: "Runs a run again as its child: every step (ALL_STEPS), those that did not succeed (FROM_FAILURE), or stepKeys (SELECTED_STEPS).",
        args: { runId: t.arg.id({ required: true }), strategy: t.arg({ type: ReexecutionStrategy, required: true }), stepKeys: t.arg.stringList(), location: t.arg.string() },
        resolve: guarded("reexecuteRun", async (args: { runId: string | number; strategy: "ALL_STEPS" | "FROM_FAILURE" | "SELECTED_STEPS"; stepKeys?: string[] | null; location?: string | null }, ctx) => {
          const parent = await ctx.instance.getRunById(String(args.runId));
          if (!parent) return { __typename: "RunNotFoundError" as const, runId: String(args.runId), message: `No run with id "${String(args.runId)}" to re-execute.` };
          const location = targetLocation(ctx, args.location, (e) => e.snapshot?.assets.some((a) => parent.assetSelection.includes(a.key)) ?? false);
          if (isError(location)) return location;
          return launched(ctx, await runOp(ctx, location, "reexecuteRun", { runId: parent.runId, strategy: args.strategy, stepKeys: args.stepKeys ?? null }));
        }),
      }),
      terminateRun: t.field({
        type: TerminateRunResult,
        args: { runId: t.arg.id({ required: true }) },
        resolve: guarded("terminateRun", async (args: { runId: string | number }, ctx) => ({ __typename: "TerminateRunSuccess" as const, run: await ctx.instance.cancelRun(String(args.runId)) })),
      }),
      launchBackfill: t.field({
        type: LaunchBackfillResult,
        args: {
          selection: t.arg.string(),
          partitionKeys: t.arg.stringList(),
          partitionRange: t.arg({ type: PartitionRangeInput }),
          allPartitions: t.arg.boolean(),
          missingOnly: t.arg.boolean(),
          failedOnly: t.arg.boolean(),
          fromFailureOf: t.arg.string(),
          tags: t.arg({ type: [TagInput] }),
          location: t.arg.string(),
        },
        resolve: guarded(
          "launchBackfill",
          async (
            args: {
              selection?: string | null;
              partitionKeys?: string[] | null;
              partitionRange?: { start: string; end: string } | null;
              allPartitions?: boolean | null;
              missingOnly?: boolean | null;
              failedOnly?: boolean | null;
              fromFailureOf?: string | null;
              tags?: { key: string; value: string }[] | null;
              location?: string | null;
            },
            ctx,
          ) => {
            const location = targetLocation(ctx, args.location);
            if (isError(location)) return location;
            const tags = tagsOf(args.tags);
            const result = await runOp(ctx, location, "launchBackfill", {
              selection: args.selection ?? null,
              partitionKeys: args.partitionKeys ?? null,
              partitionRange: args.partitionRange ?? null,
              allPartitions: args.allPartitions ?? false,
              missingOnly: args.missingOnly ?? false,
              failedOnly: args.failedOnly ?? false,
              fromFailureOf: args.fromFailureOf ?? null,
              ...(tags ? { tags } : {}),
            });
            return isError(result) ? result : { __typename: "LaunchBackfillSuccess" as const, backfillId: result.backfillId };
          },
        ),
      }),
      cancelBackfill: t.field({
        type: OkResult,
        args: { backfillId: t.arg.id({ required: true }) },
        resolve: guarded("cancelBackfill", async (args: { backfillId: string | number }, ctx) => {
          const backfill = await ctx.instance.cancelBackfill(String(args.backfillId));
          return { __typename: "Ok" as const, message: `Backfill ${backfill.backfillId} is ${backfill.status}.` };
        }),
      }),
      setInstigatorStatus: t.field({
        type: OkResult,
        description: "Starts (RUNNING) or stops (STOPPED) a schedule or sensor of a loaded location.",
        args: { name: t.arg.string({ required: true }), status: t.arg.string({ required: true }) },
        resolve: guarded("setInstigatorStatus", async (args: { name: string; status: string }, ctx) => {
          if (args.status !== "RUNNING" && args.status !== "STOPPED") {
            return { __typename: "TesseraApiError" as const, code: "BAD_USER_INPUT", message: `status must be RUNNING or STOPPED, got "${args.status}".` };
          }
          const found = [...instigatorsOf(ctx, "SCHEDULE"), ...instigatorsOf(ctx, "SENSOR")].find((i) => (i.type === "SCHEDULE" ? i.schedule.name : i.sensor.name) === args.name);
          if (!found) return { __typename: "InstigatorNotFoundError" as const, name: args.name, message: `No schedule or sensor named "${args.name}" in the loaded locations.` };
          await storeInstigatorStatus(ctx, found, args.status);
          return { __typename: "Ok" as const, message: `${found.type === "SCHEDULE" ? "Schedule" : "Sensor"} ${args.name} is ${args.status}.` };
        }),
      }),
      addDynamicPartitions: t.field({
        type: OkResult,
        args: { partitionsDefName: t.arg.string({ required: true }), partitionKeys: t.arg.stringList({ required: true }) },
        resolve: guarded("addDynamicPartitions", async (args: { partitionsDefName: string; partitionKeys: string[] }, ctx) => {
          await ctx.instance.addDynamicPartitions(args.partitionsDefName, args.partitionKeys);
          return { __typename: "Ok" as const, message: `Added ${args.partitionKeys.length} partition(s) to ${args.partitionsDefName}.` };
        }),
      }),
      deleteDynamicPartition: t.field({
        type: OkResult,
        args: { partitionsDefName: t.arg.string({ required: true }), partitionKey: t.arg.string({ required: true }) },
        resolve: guarded("deleteDynamicPartition", async (args: { partitionsDefName: string; partitionKey: string }, ctx) => {
          await ctx.instance.deleteDynamicPartition(args.partitionsDefName, args.partitionKey);
          return { __typename: "Ok" as const, message: `Deleted ${args.partitionKey} from ${args.partitionsDefName}.` };
        }),
      }),
      reloadLocation: t.field({
        type: ReloadResult,
        args: { name: t.arg.string({ required: true }) },
        resolve: guarded("reloadLocation", async (args: { name: string }, ctx) => ({ __typename: "ReloadSuccess" as const, locations: [await ctx.workspace.reloadLocation(args.name)] })),
      }),
      reloadWorkspace: t.field({
        type: ReloadResult,
        resolve: guarded("reloadWorkspace", async (_args: Record<string, never>, ctx) => ({ __typename: "ReloadSuccess" as const, locations: [...(await ctx.workspace.reloadWorkspace())] })),
      }),
    }),
  });

  defineControlMutations(builder, { errors, Run: runs.Run });
  defineWipeMutation(builder, { errors, AssetKeyInput, PartitionRangeInput, AssetKey: events.AssetKeyRef, PartitionRange: assets.PartitionRange });
  defineChangeSubscriptions(builder, { Run: runs.Run, events, AssetKeyInput });
  const statusRefs = defineStatusQueries(builder, { runs, assets, Sensor: instigators.Sensor });

  // Subscriptions (served over SSE by yoga)
  const RunEventsPayload = builder.objectRef<{ events: EventRecord[]; cursor: string | null }>("RunEventsPayload").implement({
    fields: (t) => ({ events: t.field({ type: [events.RunEvent], resolve: (p) => p.events }), cursor: t.string({ nullable: true, resolve: (p) => p.cursor }) }),
  });
  builder.subscriptionType({
    fields: (t) => ({
      runEvents: t.field({
        type: RunEventsPayload,
        description: "A run's events: its history from cursor in chunks of up to 1000, then each new batch as it is written.",
        args: { runId: t.arg.id({ required: true }), cursor: t.arg.string() },
        subscribe: (_r, args, ctx) => runEventsStream(ctx, String(args.runId), args.cursor ?? null),
        resolve: (payload) => payload,
      }),
      locationStateChanged: t.field({
        type: CodeLocation,
        subscribe: (_r, _a, ctx) => locationChanges(ctx),
        resolve: (entry) => entry,
      }),
    }),
  });

  defineOpsPagesFields(builder, { AssetNode: assets.AssetNode, RunEvent: events.RunEvent });
  defineLiveOpsSubscriptions(builder, { Schedule: instigators.Schedule, Sensor: instigators.Sensor, Backfill: runs.Backfill, DaemonStatus: statusRefs.DaemonStatus });

  return builder.toSchema();
}

/**
 * A run's events from `cursor`: its history in chunks of up to 1000, then each new batch as it is written. Ends once
 * the run has ended and every event up to its end was sent, or at once for a run that does not exist.
 */
async function* runEventsStream(ctx: ApiContext, runId: string, cursor: string | null): AsyncGenerator<{ events: EventRecord[]; cursor: string | null }> {
  let after = cursor;
  const wakeups = changes(ctx.watcher);
  try {
    for await (const _ of wakeups) {
      // Read before draining: an ended run's last events are in the log before its status says it ended.
      const run = await ctx.instance.getRunById(runId);
      for (;;) {
        const page = await runLogsPage(ctx.instance.storage, runId, after, 1000);
        if (page.events.length === 0) break;
        after = page.cursor;
        yield { events: [...page.events], cursor: page.cursor };
        if (!page.hasMore) break;
      }
      if (run === undefined || RUN_ENDED.has(run.status)) return;
    }
  } finally {
    await wakeups.return?.();
  }
}

const RUN_ENDED = new Set(["SUCCESS", "FAILURE", "CANCELED"]);

async function* locationChanges(ctx: ApiContext): AsyncGenerator<LocationEntry> {
  const queue: LocationEntry[] = [];
  let wake: (() => void) | undefined;
  const stop = ctx.workspace.subscribe((event) => {
    queue.push(event.location);
    wake?.();
  });
  try {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      yield queue.shift() as LocationEntry;
    }
  } finally {
    stop();
  }
}
