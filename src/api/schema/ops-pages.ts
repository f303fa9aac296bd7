// What the UI's launchpad needs beyond the core schema: an asset's partition keys (for the partition and range
// picker) and its backfill policy (a range is one run, or a backfill).
import type { ObjectRef } from "@pothos/core";
import { DynamicPartitionsSnapshot, partitionsDefinitionFromSnapshot } from "../../partitions/index.js";
import type { AssetNodeValue } from "./assets.js";
import type { ApiSchemaTypes, Builder } from "./builder.js";
import type { ApiContext } from "./context.js";

type Types = PothosSchemaTypes.ExtendDefaultTypes<ApiSchemaTypes>;

/** Adds the fields to AssetNode; called once from buildSchema. */
export function defineOpsPagesFields(builder: Builder, refs: { AssetNode: ObjectRef<Types, AssetNodeValue> }) {
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
