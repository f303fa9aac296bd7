// Runs and backfills as the API shows them.
import type { RunStatus } from "../../core/index.js";
import type { BackfillRecord, RunRecord } from "../../storage/index.js";
import { backfillAssetStatuses } from "../../execution/index.js";
import type { MaterializationAttempt } from "../../instance/index.js";
import type { Builder } from "./builder.js";
import { decodeCursor, encodeCursor, pageSize } from "./cursor.js";
import type { EventRefs } from "./events.js";
import type { AssetRefs } from "./assets.js";

export const RUN_STATUSES = ["QUEUED", "NOT_STARTED", "STARTING", "STARTED", "SUCCESS", "FAILURE", "CANCELING", "CANCELED"] as const satisfies readonly RunStatus[];
const SECRET_KEY = /pass(word)?|secret|token|credential|api[_-]?key|private/i;

/**
 * Run config without secrets: resource config often comes from the environment (passwords, tokens), so it is
 * shown only as the resource keys; values under secret-looking keys elsewhere are replaced too.
 */
export function redactRunConfig(config: unknown): unknown {
  const walk = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value !== "object" || depth > 20) return value;
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? "[redacted]" : walk(v, depth + 1)]));
  };
  if (config === null || typeof config !== "object" || Array.isArray(config)) return walk(config, 0);
  const { resources, ...rest } = config as Record<string, unknown>;
  const out = walk(rest, 0) as Record<string, unknown>;
  if (resources !== undefined && resources !== null && typeof resources === "object") {
    out["resources"] = Object.fromEntries(Object.keys(resources).map((k) => [k, "[redacted]"]));
  }
  return out;
}

export function defineRunTypes(builder: Builder, events: EventRefs, assets: AssetRefs) {
  const RunStatusEnum = builder.enumType("RunStatus", { values: RUN_STATUSES });
  const Run = builder.objectRef<RunRecord>("Run").implement({
    fields: (t) => ({
      runId: t.exposeID("runId"),
      status: t.field({ type: RunStatusEnum, resolve: (r) => r.status }),
      jobName: t.exposeString("jobName"),
      tags: t.field({ type: [assets.Tag], resolve: (r) => Object.entries(r.tags).map(([key, value]) => ({ key, value })) }),
      assetSelection: t.field({ type: [events.AssetKeyRef], resolve: (r) => r.assetSelection.map((id) => ({ path: id.split("/") })) }),
      runConfig: t.field({ type: "JSON", nullable: true, description: "The run config, resource config and secret-looking values redacted.", resolve: (r) => redactRunConfig(r.runConfig) ?? null }),
      partitionKey: t.string({ nullable: true, resolve: (r) => r.partitionKey ?? null }),
      backfillId: t.string({ nullable: true, resolve: (r) => r.backfillId ?? null }),
      parentRunId: t.string({ nullable: true, resolve: (r) => r.parentRunId ?? null }),
      rootRunId: t.string({ nullable: true, resolve: (r) => r.rootRunId ?? null }),
      createTime: t.float({ resolve: (r) => r.createTime }),
      updateTime: t.float({ resolve: (r) => r.updateTime }),
      startTime: t.float({ nullable: true, resolve: (r) => r.startTime ?? null }),
      endTime: t.float({ nullable: true, resolve: (r) => r.endTime ?? null }),
      failureReason: t.string({ nullable: true, resolve: (r) => r.failureReason ?? null }),
      events: t.field({
        type: events.EventConnection,
        description: "The run's events in order, a page at a time (the same as Query.logsForRun).",
        args: { afterCursor: t.arg.string(), limit: t.arg.int() },
        resolve: (r, args, ctx) => runLogsPage(ctx.instance.storage, r.runId, args.afterCursor, args.limit),
      }),
    }),
  });
  const RunConnection = builder.objectRef<{ runs: RunRecord[]; cursor: string | null; hasMore: boolean }>("RunConnection").implement({
    fields: (t) => ({
      runs: t.field({ type: [Run], resolve: (p) => p.runs }),
      cursor: t.string({ nullable: true, resolve: (p) => p.cursor }),
      hasMore: t.exposeBoolean("hasMore"),
    }),
  });
  const RunsFilter = builder.inputType("RunsFilter", {
    fields: (t) => ({
      statuses: t.field({ type: [RunStatusEnum] }),
      jobName: t.string(),
      tags: t.field({ type: [TagInputRef(builder)] }),
      backfillId: t.string(),
      runIds: t.stringList(),
      assetKey: t.field({ type: AssetKeyInputRef(builder), description: "Runs that planned, materialized, observed, checked or failed this asset." }),
    }),
  });
  const BackfillAssetStatus = builder.objectRef<ReturnType<typeof backfillAssetStatuses>[number]>("BackfillAssetStatus").implement({
    description: "One asset of a backfill: its targeted partitions and how many are materialized, failed or in progress (an unpartitioned asset counts as one).",
    fields: (t) => ({
      assetKey: t.field({ type: events.AssetKeyRef, resolve: (s) => ({ path: s.assetKey.split("/") }) }),
      partitioned: t.exposeBoolean("partitioned"),
      numTargeted: t.exposeInt("numTargeted"),
      numMaterialized: t.exposeInt("numMaterialized"),
      numFailed: t.exposeInt("numFailed", { description: "Failed, or not run because a partition it depends on failed." }),
      numInProgress: t.exposeInt("numInProgress"),
    }),
  });
  const Backfill = builder.objectRef<BackfillRecord>("Backfill").implement({
    fields: (t) => ({
      backfillId: t.exposeID("backfillId"),
      status: t.exposeString("status"),
      createTime: t.float({ resolve: (b) => b.createTime }),
      updateTime: t.float({ resolve: (b) => b.updateTime }),
      assetSelection: t.field({ type: [events.AssetKeyRef], resolve: (b) => b.assetSelection.map((id) => ({ path: id.split("/") })) }),
      numPartitions: t.int({ resolve: (b) => b.partitionKeys.length }),
      numMaterialized: t.int({ resolve: (b) => b.materializedPartitions.length }),
      numFailed: t.int({ resolve: (b) => b.failedPartitions.length }),
      runIds: t.stringList({ resolve: (b) => [...b.runIds] }),
      tags: t.field({ type: [assets.Tag], resolve: (b) => Object.entries(b.tags).map(([key, value]) => ({ key, value })) }),
      fromFailureOf: t.string({ nullable: true, resolve: (b) => b.fromFailureOf ?? null }),
      error: t.string({ nullable: true, resolve: (b) => b.error ?? null }),
      assetStatuses: t.field({ type: [BackfillAssetStatus], description: "Per asset, in the backfill's order (the reference's assetBackfillStatuses).", resolve: (b) => backfillAssetStatuses(b) }),
    }),
  });
  const MaterializationAttemptRef = builder.objectRef<MaterializationAttempt>("MaterializationAttempt").implement({
    description: "An asset's latest materialization attempt: the run that last planned it, and how that went for the asset.",
    fields: (t) => ({
      runId: t.id({ resolve: (a) => a.planned.runId }),
      status: t.string({ description: "MATERIALIZED, IN_PROGRESS, FAILED (its run failed or was canceled first) or NOT_MATERIALIZED (its run ended without it).", resolve: (a) => a.status }),
      runStatus: t.field({ type: RunStatusEnum, nullable: true, description: "Null when the run was deleted.", resolve: (a) => a.run?.status ?? null }),
      partition: t.string({ nullable: true, resolve: (a) => a.planned.partition ?? null }),
      plannedTime: t.float({ description: "Epoch ms when the run planned the asset.", resolve: (a) => a.planned.timestamp }),
      startTime: t.float({ nullable: true, resolve: (a) => a.run?.startTime ?? null }),
      endTime: t.float({ nullable: true, resolve: (a) => a.run?.endTime ?? null }),
      run: t.field({ type: Run, nullable: true, resolve: (a) => a.run ?? null }),
    }),
  });
  builder.objectField(assets.AssetNode, "latestMaterializationAttempt", (t) =>
    t.field({
      type: MaterializationAttemptRef,
      nullable: true,
      description: "The asset's latest materialization attempt, read in one batch for every asset of the response; null when it was never planned.",
      resolve: (v, _a, ctx) => {
        const attempt = ctx.loaders.latestMaterializationAttempt(v.node.key);
        return attempt instanceof Promise ? attempt.then((a) => a ?? null) : (attempt ?? null);
      },
    }),
  );
  return { Run, RunConnection, RunsFilter, RunStatusEnum, Backfill, AssetKeyInput: AssetKeyInputRef(builder) };
}

export type RunRefs = ReturnType<typeof defineRunTypes>;
let tagInput: ReturnType<typeof makeTagInput> | undefined;
const tagInputs = new WeakMap<Builder, ReturnType<typeof makeTagInput>>();
function makeTagInput(builder: Builder) {
  return builder.inputType("TagInput", { fields: (t) => ({ key: t.string({ required: true }), value: t.string({ required: true }) }) });
}
/** The TagInput type, defined once per builder. */
export function TagInputRef(builder: Builder) {
  tagInput = tagInputs.get(builder);
  if (tagInput === undefined) {
    tagInput = makeTagInput(builder);
    tagInputs.set(builder, tagInput);
  }
  return tagInput;
}

/** One page of a run's events after `afterCursor`, in storage order; reads one more than asked to tell hasMore. */
export async function runLogsPage(
  storage: { getRunLogs(runId: string, options: { afterStorageId?: number; limit?: number }): Promise<import("../../core/index.js").EventRecord[]> },
  runId: string,
  afterCursor: string | null | undefined,
  limit: number | null | undefined,
) {
  const size = pageSize(limit);
  const after = decodeCursor<number>("log", afterCursor, "number");
  const records = await storage.getRunLogs(runId, { ...(after === undefined ? {} : { afterStorageId: after }), limit: size + 1 });
  const page = records.slice(0, size);
  const last = page[page.length - 1];
  return { events: page, cursor: last ? encodeCursor("log", last.storageId) : (afterCursor ?? null), hasMore: records.length > size };
}

const assetKeyInputs = new WeakMap<Builder, ReturnType<typeof makeAssetKeyInput>>();
function makeAssetKeyInput(builder: Builder) {
  return builder.inputType("AssetKeyInput", { fields: (t) => ({ path: t.stringList({ required: true }) }) });
}
/** The AssetKeyInput type, defined once per builder. */
export function AssetKeyInputRef(builder: Builder) {
  let ref = assetKeyInputs.get(builder);
  if (ref === undefined) {
    ref = makeAssetKeyInput(builder);
    assetKeyInputs.set(builder, ref);
  }
  return ref;
}
