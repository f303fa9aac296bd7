// AssetNode: an asset of a loaded location, joined with what the instance recorded of it.
import { AssetKey } from "../../core/index.js";
import type { AssetNodeSnapshot, CheckSnapshot } from "../../code-location/index.js";
import { partitionsDefinitionFromSnapshot, type PartitionsDefinition, type PartitionsSubset } from "../../partitions/index.js";
import type { PartitionStatus } from "../../instance/index.js";
import type { AssetRecord } from "../../storage/index.js";
import { createGraphQLError } from "graphql-yoga";
import type { Builder } from "./builder.js";
import type { ApiContext } from "./context.js";
import { decodeCursor, encodeCursor, pageSize } from "./cursor.js";
import { toJson, type EventRefs } from "./events.js";

/** An asset node as resolvers pass it: the snapshot and the location it belongs to. */
export interface AssetNodeValue {
  readonly location: string;
  readonly node: AssetNodeSnapshot;
}

const partitionsDefs = new WeakMap<AssetNodeSnapshot, PartitionsDefinition>();

export function partitionsDefOf(node: AssetNodeSnapshot): PartitionsDefinition | undefined {
  if (node.partitionsDefinition === null) return undefined;
  let def = partitionsDefs.get(node);
  if (def === undefined) {
    def = partitionsDefinitionFromSnapshot(node.partitionsDefinition);
    partitionsDefs.set(node, def);
  }
  return def;
}

/** Partition status per asset per request: partitionStats and partitionStatus of one node share one read. */
const statusCache = new WeakMap<ApiContext["loaders"], Map<string, Promise<PartitionStatus | undefined>>>();

function partitionStatusOf(ctx: ApiContext, value: AssetNodeValue): Promise<PartitionStatus | undefined> {
  let perRequest = statusCache.get(ctx.loaders);
  if (perRequest === undefined) {
    perRequest = new Map();
    statusCache.set(ctx.loaders, perRequest);
  }
  let status = perRequest.get(value.node.key);
  if (status === undefined) {
    const def = partitionsDefOf(value.node);
    status = def === undefined ? Promise.resolve(undefined) : ctx.loaders.partitionStatus(value.node.path, def);
    perRequest.set(value.node.key, status);
  }
  return status;
}

/**
 * A subset as ranges. Time-window subsets are ranges already; a subset of listed keys is merged into runs of
 * neighbouring keys in the definition's order (for dynamic definitions, whose keys live in the instance, one
 * range per key).
 */
function ranges(subset: PartitionsSubset): { start: string; end: string }[] {
  const given = subset.getPartitionKeyRanges();
  if (subset.kind !== "default" || given.length < 2 || subset.partitionsDef.kind === "dynamic") return given.map((r) => ({ start: r.start, end: r.end }));
  const out: { start: string; end: string }[] = [];
  let open: { start: string; end: string } | undefined;
  for (const key of subset.partitionsDef.getPartitionKeys()) {
    if (subset.has(key)) {
      if (open) open.end = key;
      else open = { start: key, end: key };
    } else if (open) {
      out.push(open);
      open = undefined;
    }
  }
  if (open) out.push(open);
  return out;
}

export function defineAssetTypes(builder: Builder, events: EventRefs) {
  const { AssetKeyRef, RunEvent, EventConnection } = events;
  const keysOf = (ids: readonly string[]) => ids.map((id) => ({ path: id.split("/") }));
  // A snapshot is immutable and outlives requests: its keys as the API shows them are built once.
  const depKeys = new WeakMap<AssetNodeSnapshot, { up: { path: string[] }[]; down: { path: string[] }[]; key: { path: readonly string[] } }>();
  const keysOfNode = (node: AssetNodeSnapshot) => {
    let keys = depKeys.get(node);
    if (keys === undefined) {
      keys = { up: keysOf(node.dependencyKeys), down: keysOf(node.dependedByKeys), key: { path: node.path } };
      depKeys.set(node, keys);
    }
    return keys;
  };
  /** The node's asset index row: at once when the request has read the index, else once it has. */
  const recordOf = <T>(ctx: ApiContext, key: string, pick: (r: AssetRecord | undefined) => T): T | Promise<T> => {
    const loaded = ctx.loaders.loadedAssetRecords;
    return loaded ? pick(loaded.get(key)) : ctx.loaders.assetRecord(key).then(pick);
  };

  const Tag = builder.objectRef<{ key: string; value: string }>("Tag").implement({
    fields: (t) => ({ key: t.exposeString("key"), value: t.exposeString("value") }),
  });
  const PartitionRange = builder.objectRef<{ start: string; end: string }>("PartitionRange").implement({
    description: "Partitions from start to end, both included, in the definition's order.",
    fields: (t) => ({ start: t.exposeString("start"), end: t.exposeString("end") }),
  });
  const PartitionStatusRef = builder.objectRef<PartitionStatus>("PartitionStatus").implement({
    description: "Where each partition stands, as ranges (never one row per partition).",
    fields: (t) => ({
      materialized: t.field({ type: [PartitionRange], resolve: (s) => ranges(s.materialized) }),
      failed: t.field({ type: [PartitionRange], resolve: (s) => ranges(s.failed) }),
      inProgress: t.field({ type: [PartitionRange], resolve: (s) => ranges(s.inProgress) }),
      missing: t.field({ type: [PartitionRange], resolve: (s) => ranges(s.missing) }),
    }),
  });
  const PartitionStats = builder.objectRef<PartitionStatus>("PartitionStats").implement({
    fields: (t) => ({
      numMaterialized: t.int({ resolve: (s) => s.materialized.size }),
      numFailed: t.int({ resolve: (s) => s.failed.size }),
      numMaterializing: t.int({ resolve: (s) => s.inProgress.size }),
      numMissing: t.int({ resolve: (s) => s.missing.size }),
      numPartitions: t.int({ resolve: (s) => s.materialized.size + s.failed.size + s.inProgress.size + s.missing.size }),
    }),
  });
  const StaleCause = builder
    .objectRef<{ key: string; partitionKey?: string | null; category: string; reason: string; dependency: string | null; dependencyPartitionKey?: string | null }>("StaleCause")
    .implement({
      fields: (t) => ({
        key: t.field({ type: AssetKeyRef, resolve: (c) => ({ path: c.key.split("/") }) }),
        partitionKey: t.string({ nullable: true, description: "The partition of `key` the cause is about, when a partition was asked about.", resolve: (c) => c.partitionKey ?? null }),
        category: t.exposeString("category", { description: "CODE, DATA or DEPENDENCIES" }),
        reason: t.exposeString("reason"),
        dependency: t.field({ type: AssetKeyRef, nullable: true, resolve: (c) => (c.dependency ? { path: c.dependency.split("/") } : null) }),
        dependencyPartitionKey: t.string({ nullable: true, description: "The partition of `dependency` involved, when it is partitioned.", resolve: (c) => c.dependencyPartitionKey ?? null }),
      }),
    });
  const AssetCheck = builder.objectRef<CheckSnapshot>("AssetCheck").implement({
    fields: (t) => ({
      name: t.exposeString("name"),
      assetKey: t.field({ type: AssetKeyRef, resolve: (c) => ({ path: c.assetKey.split("/") }) }),
      blocking: t.exposeBoolean("blocking"),
      description: t.exposeString("description", { nullable: true }),
      additionalDeps: t.field({ type: [AssetKeyRef], resolve: (c) => keysOf(c.additionalDeps) }),
      latestExecution: t.field({
        type: RunEvent,
        nullable: true,
        description: "The check's latest ASSET_CHECK_EVALUATION.",
        resolve: async (c, _a, ctx) => (await ctx.loaders.latestCheckEvaluations(c.assetKey)).get(c.name) ?? null,
      }),
      executions: t.field({
        type: EventConnection,
        args: { cursor: t.arg.string(), limit: t.arg.int() },
        resolve: async (c, args, ctx) => {
          const limit = pageSize(args.limit);
          const before = decodeCursor<number>("check", args.cursor, "number");
          const records = await ctx.instance.storage.getEventRecords({
            eventType: "ASSET_CHECK_EVALUATION",
            assetKey: AssetKey.from(c.assetKey.split("/")),
            ...(before === undefined ? {} : { beforeStorageId: before }),
          });
          const matching = records.filter((r) => r.checkName === c.name);
          const page = matching.slice(0, limit);
          const last = page[page.length - 1];
          return { events: page, cursor: last ? encodeCursor("check", last.storageId) : (args.cursor ?? null), hasMore: matching.length > limit };
        },
      }),
    }),
  });
  const AutomationEvaluation = builder.objectRef<{ evaluationId: number; timestamp: number; sensorName: string; numRequested: number; tree: unknown }>("AutomationEvaluation").implement({
    fields: (t) => ({
      evaluationId: t.exposeInt("evaluationId"),
      timestamp: t.exposeFloat("timestamp"),
      sensorName: t.exposeString("sensorName"),
      numRequested: t.exposeInt("numRequested"),
      tree: t.field({ type: "JSON", description: "The evaluated condition tree: each node's label, true subset and children.", resolve: (e) => toJson(e.tree) }),
    }),
  });

  const fetchPage = (kind: "mat" | "obs") =>
    async (value: AssetNodeValue, args: { cursor?: string | null; limit?: number | null; partitions?: readonly string[] | null }, ctx: ApiContext) => {
      const limit = pageSize(args.limit);
      const cursor = decodeCursor<number>(kind, args.cursor, "number");
      const filter = { assetKey: value.node.path, ...(args.partitions ? { partitions: args.partitions } : {}) };
      const options = { limit, ...(cursor === undefined ? {} : { cursor: String(cursor) }) };
      const page = kind === "mat" ? await ctx.instance.fetchMaterializations(filter, options) : await ctx.instance.fetchObservations(filter, options);
      const last = page.records[page.records.length - 1];
      return { events: page.records, cursor: last ? encodeCursor(kind, last.storageId) : (args.cursor ?? null), hasMore: page.hasMore };
    };

  const AssetNode = builder.objectRef<AssetNodeValue>("AssetNode").implement({
    fields: (t) => ({
      id: t.id({ resolve: (v) => `${v.location}:${v.node.key}` }),
      key: t.field({ type: AssetKeyRef, resolve: (v) => keysOfNode(v.node).key }),
      locationName: t.string({ resolve: (v) => v.location }),
      groupName: t.string({ nullable: true, resolve: (v) => v.node.groupName }),
      kinds: t.stringList({ resolve: (v) => v.node.kinds as string[] }),
      owners: t.stringList({ resolve: (v) => v.node.owners as string[] }),
      tags: t.field({ type: [Tag], resolve: (v) => Object.entries(v.node.tags).map(([key, value]) => ({ key, value })) }),
      description: t.string({ nullable: true, resolve: (v) => v.node.description }),
      dependencyKeys: t.field({ type: [AssetKeyRef], resolve: (v) => keysOfNode(v.node).up }),
      dependedByKeys: t.field({ type: [AssetKeyRef], resolve: (v) => keysOfNode(v.node).down }),
      isPartitioned: t.boolean({ resolve: (v) => v.node.partitionsDefinition !== null }),
      partitionsDescription: t.string({ nullable: true, resolve: (v) => v.node.partitionsDescription }),
      partitionsDefinition: t.field({ type: "JSON", nullable: true, resolve: (v) => v.node.partitionsDefinition }),
      codeVersion: t.string({ nullable: true, resolve: (v) => v.node.codeVersion }),
      automationConditionLabel: t.string({ nullable: true, resolve: (v) => v.node.automationConditionLabel }),
      jobNames: t.stringList({ resolve: (v) => v.node.jobNames as string[] }),
      isExecutable: t.boolean({ resolve: (v) => v.node.isExecutable }),
      isObservable: t.boolean({ resolve: (v) => v.node.isObservable }),
      checks: t.field({ type: [AssetCheck], resolve: (v) => [...v.node.checks] }),
      latestMaterialization: t.field({
        type: RunEvent,
        nullable: true,
        resolve: (v, _a, ctx) => recordOf(ctx, v.node.key, (r) => r?.lastMaterialization ?? null),
      }),
      latestObservation: t.field({
        type: RunEvent,
        nullable: true,
        resolve: (v, _a, ctx) => recordOf(ctx, v.node.key, (r) => r?.lastObservation ?? null),
      }),
      lastRunId: t.string({ nullable: true, resolve: (v, _a, ctx) => recordOf(ctx, v.node.key, (r) => r?.lastRunId ?? null) }),
      staleStatus: t.string({
        nullable: true,
        description: "FRESH, STALE or MISSING, of the asset or of one of its partitions; null when the location cannot answer.",
        args: { partition: t.arg.string({ description: "A partition of a partitioned asset; the asset as a whole without it." }) },
        resolve: async (v, args, ctx) => (await staleOf(ctx, v, args.partition))?.status ?? null,
      }),
      staleCauses: t.field({
        type: [StaleCause],
        description: "Why the asset (or the partition) is stale; empty unless STALE.",
        args: { partition: t.arg.string({ description: "A partition of a partitioned asset; the asset as a whole without it." }) },
        resolve: async (v, args, ctx) => (await staleOf(ctx, v, args.partition))?.causes ?? [],
      }),
      partitionStats: t.field({ type: PartitionStats, nullable: true, resolve: (v, _a, ctx) => partitionStatusOf(ctx, v).then((s) => s ?? null) }),
      partitionStatus: t.field({ type: PartitionStatusRef, nullable: true, resolve: (v, _a, ctx) => partitionStatusOf(ctx, v).then((s) => s ?? null) }),
      materializations: t.field({
        type: EventConnection,
        description: "Materializations, newest first, a page at a time.",
        args: { cursor: t.arg.string(), limit: t.arg.int(), partitions: t.arg.stringList() },
        resolve: fetchPage("mat"),
      }),
      observations: t.field({
        type: EventConnection,
        args: { cursor: t.arg.string(), limit: t.arg.int(), partitions: t.arg.stringList() },
        resolve: fetchPage("obs"),
      }),
      automationEvaluations: t.field({
        type: [AutomationEvaluation],
        description: "The latest automation evaluations of this asset, newest first.",
        args: { limit: t.arg.int() },
        resolve: async (v, args, ctx) => ctx.instance.storage.getAutomationEvaluations(v.node.key, { limit: pageSize(args.limit, 100, 10) }),
      }),
    }),
  });
  return { AssetNode, Tag, PartitionRange, AutomationEvaluation };
}

export type AssetRefs = ReturnType<typeof defineAssetTypes>;

/** The staleness of an asset node (or of one of its partitions); a partition the location refuses is a BAD_USER_INPUT error naming it. */
async function staleOf(ctx: ApiContext, v: { location: string; node: { key: string } }, partition: string | null | undefined) {
  const result = await ctx.loaders.staleStatus(v.location, v.node.key, partition);
  if (result?.error) throw createGraphQLError(result.error, { extensions: { code: "BAD_USER_INPUT", assetKey: v.node.key, partition } });
  return result;
}
