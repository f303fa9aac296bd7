// Subscriptions to changes of runs and assets, so that a client never polls: each wake-up of the server's one
// EventWatcher reads what the event log gained since the last (one query for the range), then the changed rows in one batch.
import type { InputObjectRef, ObjectRef } from "@pothos/core";
import { AssetKey, type EventRecord } from "../../core/index.js";
import type { AssetRecord, RunRecord } from "../../storage/index.js";
import { changes } from "../event-watcher.js";
import type { Builder } from "./builder.js";
import type { ApiContext } from "./context.js";
import type { EventRefs } from "./events.js";
import type { Types } from "./resolve-helpers.js";

const ENDED = new Set(["SUCCESS", "FAILURE", "CANCELED"]);

/** Yields, at each wake-up, what the event log gained since the previous one: the changed run ids and asset keys. */
async function* eventLogChanges(ctx: ApiContext): AsyncGenerator<{ runIds: readonly string[]; assetKeys: readonly AssetKey[] }> {
  const storage = ctx.instance.storage;
  let seen = await storage.getMaxStorageId();
  const wakeups = changes(ctx.watcher);
  try {
    for await (const latest of wakeups) {
      const to = latest > seen ? latest : await storage.getMaxStorageId();
      if (to <= seen) continue;
      const changed = await storage.getEventLogChanges(seen, to);
      seen = to;
      yield changed;
    }
  } finally {
    await wakeups.return?.();
  }
}

/** Each run (of `runIds`, or any) whose status moves, as it moves. */
export async function* runStatusChanges(ctx: ApiContext, runIds: readonly string[] | null | undefined): AsyncGenerator<RunRecord> {
  const wanted = runIds ? new Set(runIds) : undefined;
  const last = new Map<string, string>();
  for await (const changed of eventLogChanges(ctx)) {
    const ids = wanted ? changed.runIds.filter((id) => wanted.has(id)) : changed.runIds;
    if (ids.length === 0) continue;
    for (const run of await ctx.instance.storage.getRuns({ runIds: ids })) {
      if (last.get(run.runId) === run.status) continue;
      // An ended run changes no more: forgetting it keeps a long subscription's memory bounded.
      if (ENDED.has(run.status)) last.delete(run.runId);
      else last.set(run.runId, run.status);
      yield run;
    }
  }
}

export interface AssetChange {
  readonly key: AssetKey;
  readonly record: AssetRecord | undefined;
}

/** Batches of assets (of `keys`, or any) with a new event, wiped, or whose in-progress partitions moved. */
export async function* assetStatusChanges(ctx: ApiContext, keys: readonly AssetKey[] | null | undefined): AsyncGenerator<{ assets: AssetChange[] }> {
  const wanted = keys ? new Set(keys.map((k) => k.toString())) : undefined;
  for await (const changed of eventLogChanges(ctx)) {
    const hit = wanted ? changed.assetKeys.filter((k) => wanted.has(k.toString())) : changed.assetKeys;
    if (hit.length === 0) continue;
    const records = new Map((await ctx.instance.storage.getAssetRecords(hit)).map((r) => [r.assetKey.toString(), r]));
    yield { assets: hit.map((key) => ({ key, record: records.get(key.toString()) })) };
  }
}

/** Adds runStatusChanged and assetStatusChanged. */
export function defineChangeSubscriptions(
  builder: Builder,
  refs: { Run: ObjectRef<Types, RunRecord>; events: EventRefs; AssetKeyInput: InputObjectRef<Types, { path: string[] }> },
): void {
  const { RunEvent, AssetKeyRef } = refs.events;
  const AssetStatusChange = builder.objectRef<AssetChange>("AssetStatusChange").implement({
    description: "An asset whose status moved: its newest materialization and observation as of the change.",
    fields: (t) => ({
      assetKey: t.field({ type: AssetKeyRef, resolve: (c) => ({ path: c.key.path }) }),
      latestMaterialization: t.field({ type: RunEvent, nullable: true, resolve: (c): EventRecord | null => c.record?.lastMaterialization ?? null }),
      latestObservation: t.field({ type: RunEvent, nullable: true, resolve: (c): EventRecord | null => c.record?.lastObservation ?? null }),
      lastRunId: t.string({ nullable: true, resolve: (c) => c.record?.lastRunId ?? null }),
      wiped: t.boolean({ description: "The asset has no history any more (wiped, or never recorded).", resolve: (c) => c.record === undefined || (c.record.lastMaterialization === undefined && c.record.lastObservation === undefined) }),
    }),
  });
  const AssetStatusChanges = builder.objectRef<{ assets: AssetChange[] }>("AssetStatusChanges").implement({
    fields: (t) => ({ assets: t.field({ type: [AssetStatusChange], resolve: (p) => p.assets }) }),
  });
  builder.subscriptionFields((t) => ({
    runStatusChanged: t.field({
      type: refs.Run,
      description: "Each run (of runIds, or every run) whose status moves, as it moves.",
      args: { runIds: t.arg.idList() },
      subscribe: (_r, args, ctx) => runStatusChanges(ctx, args.runIds?.map(String)),
      resolve: (run) => run,
    }),
    assetStatusChanged: t.field({
      type: AssetStatusChanges,
      description: "Assets (of assetKeys, or every asset) with a new materialization, observation, check or failure, or wiped; batched per write.",
      args: { assetKeys: t.arg({ type: [refs.AssetKeyInput] }) },
      subscribe: (_r, args, ctx) => assetStatusChanges(ctx, args.assetKeys?.map((k) => AssetKey.from(k.path))),
      resolve: (payload) => payload,
    }),
  }));
}
