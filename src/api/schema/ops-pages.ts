// What the UI's pages need beyond the core schema: an asset's partition keys (for the launchpad's partition and
// range picker) and its backfill policy (a range is one run, or a backfill); a run's planned steps (the Gantt).
import type { ObjectRef } from "@pothos/core";
import type { EventRecord } from "../../core/index.js";
import { DynamicPartitionsSnapshot, partitionsDefinitionFromSnapshot } from "../../partitions/index.js";
import type { AssetNodeValue } from "./assets.js";
import type { ApiSchemaTypes, Builder } from "./builder.js";
import type { ApiContext } from "./context.js";

type Types = PothosSchemaTypes.ExtendDefaultTypes<ApiSchemaTypes>;

/** Adds the fields to AssetNode; called once from buildSchema. */
export function defineOpsPagesFields(builder: Builder, refs: { AssetNode: ObjectRef<Types, AssetNodeValue>; RunEvent: ObjectRef<Types, EventRecord> }) {
  // The run page's Gantt shows the steps still queued: RUN_START names every step of the plan.
  builder.objectFields(refs.RunEvent, (t) => ({
    stepKeys: t.stringList({
      nullable: true,
      description: "On RUN_START: the keys of every step the run plans; null on other events.",
      resolve: (e) => {
        const keys = e.eventType === "RUN_START" ? e.data?.["stepKeys"] : undefined;
        return Array.isArray(keys) ? keys.map(String) : null;
      },
    }),
  }));
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
}

async function partitionKeysOf(value: AssetNodeValue, ctx: ApiContext): Promise<string[] | undefined> {
  const snapshot = value.node.partitionsDefinition;
  if (snapshot === null) return undefined;
  const def = partitionsDefinitionFromSnapshot(snapshot);
  return def.getPartitionKeys({ currentTime: ctx.instance.clock.now(), dynamicPartitionsStore: await DynamicPartitionsSnapshot.load(ctx.instance, [def]) });
}
