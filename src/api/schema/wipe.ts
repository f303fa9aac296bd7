// The wipeAssets mutation: whole assets, or some of their partitions (given as ranges or keys), in the reference's
// shape: `wipeAssets(assetPartitionRanges: [...])` answers AssetWipeSuccess with one AssetPartitionRange per range wiped.
import type { InputObjectRef, ObjectRef } from "@pothos/core";
import { AssetKey } from "../../core/index.js";
import type { AssetNodeSnapshot } from "../../code-location/index.js";
import { PartitionKeyRange, type PartitionsDefinition } from "../../partitions/index.js";
import type { Builder } from "./builder.js";
import type { ApiContext } from "./context.js";
import type { ErrorRefs, ErrorValue } from "./errors.js";
import { partitionsDefOf } from "./assets.js";
import { guarded, resultUnions, type Types } from "./resolve-helpers.js";

type KeyInput = { path: string[] };
type RangeInput = { start: string; end: string };
type AssetPartitionsInput = { assetKey: KeyInput; partitions?: { ranges?: RangeInput[] | null; partitionKeys?: string[] | null } | null };
/** One wiped range of an asset; `partitionRange` null means the whole asset. */
type WipedRange = { assetKey: { path: readonly string[] }; partitionRange: RangeInput | null };
type WipeSuccess = { __typename: "AssetWipeSuccess"; assetPartitionRanges: WipedRange[]; message: string };

/** The asset's node in a loaded location, for its partitions definition. */
function nodeOf(ctx: ApiContext, key: string): AssetNodeSnapshot | undefined {
  for (const location of ctx.workspace.locations()) {
    const node = location.snapshot?.assets.find((a) => a.key === key);
    if (node) return node;
  }
  return undefined;
}

type Plan = { key: AssetKey; whole: true } | { key: AssetKey; whole: false; def: PartitionsDefinition; ranges: PartitionKeyRange[] };

/** Checks every request before anything is wiped, so that a bad one wipes nothing. */
function planWipe(ctx: ApiContext, requests: readonly AssetPartitionsInput[]): Plan[] | ErrorValue {
  const plans: Plan[] = [];
  for (const request of requests) {
    const key = AssetKey.from(request.assetKey.path);
    const given = request.partitions;
    if (!given) {
      plans.push({ key, whole: true });
      continue;
    }
    const ranges = [...(given.ranges ?? []).map((r) => new PartitionKeyRange(r.start, r.end)), ...(given.partitionKeys ?? []).map((k) => new PartitionKeyRange(k, k))];
    if (ranges.length === 0) {
      return { __typename: "TesseraApiError", code: "BAD_USER_INPUT", message: `partitions of ${key.toString()} names no range and no key; leave partitions out to wipe the whole asset.` };
    }
    const node = nodeOf(ctx, key.toString());
    const def = node ? partitionsDefOf(node) : undefined;
    if (!node || !def) {
      return {
        __typename: "TesseraApiError",
        code: node ? "ASSET_NOT_PARTITIONED" : "UNKNOWN_ASSET",
        message: node
          ? `Asset ${key.toString()} is not partitioned: wipe it whole (leave partitions out).`
          : `No loaded code location defines asset ${key.toString()}, so its partitions are unknown; wipe it whole (leave partitions out), or load the location that defines it.`,
      };
    }
    plans.push({ key, whole: false, def, ranges });
  }
  return plans;
}

/** Adds `wipeAssets` to the schema. */
export function defineWipeMutation(
  builder: Builder,
  refs: { errors: ErrorRefs; AssetKeyInput: InputObjectRef<Types, KeyInput>; PartitionRangeInput: InputObjectRef<Types, RangeInput>; AssetKey: ObjectRef<Types, { path: readonly string[] }>; PartitionRange: ObjectRef<Types, RangeInput> },
): void {
  const union = resultUnions(builder, refs.errors);
  const PartitionsSelectorInput = builder.inputType("PartitionsSelectorInput", {
    description: "Partitions of one asset: ranges (both ends included) and single keys.",
    fields: (t) => ({ ranges: t.field({ type: [refs.PartitionRangeInput] }), partitionKeys: t.stringList() }),
  });
  const AssetPartitionsInput = builder.inputType("AssetPartitionsInput", {
    description: "An asset, and which of its partitions; without partitions, the whole asset.",
    fields: (t) => ({ assetKey: t.field({ type: refs.AssetKeyInput, required: true }), partitions: t.field({ type: PartitionsSelectorInput }) }),
  });
  const AssetPartitionRange = builder.objectRef<WipedRange>("AssetPartitionRange").implement({
    fields: (t) => ({
      assetKey: t.field({ type: refs.AssetKey, resolve: (r) => r.assetKey }),
      partitionRange: t.field({ type: refs.PartitionRange, nullable: true, description: "Null when the whole asset was wiped.", resolve: (r) => r.partitionRange }),
    }),
  });
  const AssetWipeSuccess = builder.objectRef<WipeSuccess>("AssetWipeSuccess").implement({
    fields: (t) => ({
      assetPartitionRanges: t.field({ type: [AssetPartitionRange], resolve: (v) => v.assetPartitionRanges }),
      message: t.exposeString("message"),
    }),
  });
  const AssetWipeResult = union("AssetWipeMutationResult", AssetWipeSuccess);

  builder.mutationFields((t) => ({
    wipeAssets: t.field({
      type: AssetWipeResult,
      description:
        "Forgets assets' history, whole (assetKeys, or assetPartitionRanges without partitions) or some partitions of them: those partitions become missing, " +
        "the others keep their history. Runs' logs keep every event.",
      args: { assetKeys: t.arg({ type: [refs.AssetKeyInput] }), assetPartitionRanges: t.arg({ type: [AssetPartitionsInput] }) },
      resolve: guarded("wipeAssets", async (args: { assetKeys?: KeyInput[] | null; assetPartitionRanges?: AssetPartitionsInput[] | null }, ctx): Promise<WipeSuccess | ErrorValue> => {
        const requests = [...(args.assetKeys ?? []).map((assetKey) => ({ assetKey })), ...(args.assetPartitionRanges ?? [])];
        if (requests.length === 0) return { __typename: "TesseraApiError", code: "BAD_USER_INPUT", message: "Name what to wipe: assetKeys, or assetPartitionRanges." };
        const plans = planWipe(ctx, requests);
        if (!Array.isArray(plans)) return plans;
        // Every range is resolved (and refused if unknown) before the first wipe.
        const resolved = await Promise.all(
          plans.map(async (plan) => (plan.whole ? { plan, keys: [] as string[] } : { plan, keys: await keysOf(ctx, plan) })),
        );
        const whole = resolved.filter((r) => r.plan.whole).map((r) => r.plan.key);
        if (whole.length > 0) await ctx.instance.wipeAssets(whole);
        let partitions = 0;
        for (const { plan, keys } of resolved) {
          if (plan.whole) continue;
          partitions += (await ctx.instance.wipeAssetPartitions(plan.key, keys)).length;
        }
        const wiped: WipedRange[] = resolved.flatMap(({ plan }): WipedRange[] =>
          plan.whole ? [{ assetKey: { path: plan.key.path }, partitionRange: null }] : plan.ranges.map((r) => ({ assetKey: { path: plan.key.path }, partitionRange: { start: r.start, end: r.end } })),
        );
        const parts = [whole.length ? `${whole.length} asset(s) whole` : "", partitions ? `${partitions} partition(s)` : ""].filter(Boolean).join(" and ");
        return { __typename: "AssetWipeSuccess", assetPartitionRanges: wiped, message: `Wiped ${parts || "nothing"}.` };
      }),
    }),
  }));
}

/** The partition keys of a plan's ranges; an end the definition does not have is refused (InvalidPartitionError). */
async function keysOf(ctx: ApiContext, plan: Extract<Plan, { whole: false }>): Promise<string[]> {
  // Instance resolves and validates the ranges; reading them here (not wiping) keeps a bad later range from leaving a partial wipe.
  return ctx.instance.partitionKeysInRanges(plan.key, { partitionsDef: plan.def, ranges: plan.ranges });
}
