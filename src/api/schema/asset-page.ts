// Fields the web UI's asset and catalog pages read: a partitions health bar as index runs, the keys at given
// positions of the partition order (and back), and one check status per asset.
import { createGraphQLError } from "graphql-yoga";
import type { AssetNodeSnapshot } from "../../code-location/index.js";
import { DynamicPartitionsSnapshot, partitionsDefinitionFromSnapshot, type PartitionLoadingOptions, type PartitionsDefinition, type PartitionsSubset } from "../../partitions/index.js";
import type { AssetRefs } from "./assets.js";
import type { Builder } from "./builder.js";
import type { ApiContext } from "./context.js";

/** The status codes of PartitionHealth.runs; a partition no run names is missing. */
export const HEALTH_MATERIALIZED = 1;
export const HEALTH_FAILED = 2;
export const HEALTH_IN_PROGRESS = 3;

const badInput = (message: string) => createGraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });

/** The most keys partitionKeysAt answers in one call. */
const MAX_KEYS_AT = 1000;

interface PartitionHealthValue {
  readonly numPartitions: number;
  readonly runs: number[];
}

interface Ordered {
  readonly def: PartitionsDefinition;
  readonly keys: string[];
  readonly options: PartitionLoadingOptions;
  indexOf(key: string): number | undefined;
}

const definitions = new WeakMap<AssetNodeSnapshot, PartitionsDefinition>();

function definitionOf(node: AssetNodeSnapshot): PartitionsDefinition | undefined {
  if (node.partitionsDefinition === null) return undefined;
  let def = definitions.get(node);
  if (def === undefined) {
    def = partitionsDefinitionFromSnapshot(node.partitionsDefinition);
    definitions.set(node, def);
  }
  return def;
}

/** The partition order of an asset, listed once per request (both fields of one node share it). */
const orderCache = new WeakMap<ApiContext["loaders"], Map<string, Promise<Ordered | undefined>>>();

function orderedPartitions(ctx: ApiContext, node: AssetNodeSnapshot): Promise<Ordered | undefined> {
  let perRequest = orderCache.get(ctx.loaders);
  if (perRequest === undefined) {
    perRequest = new Map();
    orderCache.set(ctx.loaders, perRequest);
  }
  let found = perRequest.get(node.key);
  if (found === undefined) {
    const def = definitionOf(node);
    found =
      def === undefined
        ? Promise.resolve(undefined)
        : DynamicPartitionsSnapshot.load(ctx.instance, [def]).then((store) => {
            const options = { currentTime: ctx.instance.clock.now(), dynamicPartitionsStore: store };
            const keys = def.getPartitionKeys(options);
            let index: Map<string, number> | undefined;
            return {
              def,
              keys,
              options,
              indexOf: (key: string) => (index ??= new Map(keys.map((k, i) => [k, i]))).get(key),
            };
          });
    perRequest.set(node.key, found);
  }
  return found;
}

/** Marks the positions of `subset` in `paint` with `code`: ranges for time windows, keys otherwise. */
function paintSubset(paint: Uint8Array, ordered: Ordered, subset: PartitionsSubset, code: number): void {
  if (subset.size === 0) return;
  if (subset.kind === "time_window") {
    for (const range of subset.getPartitionKeyRanges()) {
      const start = ordered.indexOf(range.start);
      const end = ordered.indexOf(range.end);
      if (start === undefined || end === undefined) continue;
      paint.fill(code, start, end + 1);
    }
    return;
  }
  for (const key of subset.getPartitionKeys()) {
    const i = ordered.indexOf(key);
    if (i !== undefined) paint[i] = code;
  }
}

/** Run-length encodes the painted positions as flat [start, end, code] triples, missing positions left out. */
function runsOf(paint: Uint8Array): number[] {
  const runs: number[] = [];
  let i = 0;
  while (i < paint.length) {
    const code = paint[i] as number;
    let j = i;
    while (j + 1 < paint.length && paint[j + 1] === code) j++;
    if (code !== 0) runs.push(i, j, code);
    i = j + 1;
  }
  return runs;
}

export function defineAssetPageFields(builder: Builder, assets: AssetRefs): void {
  const PartitionHealth = builder.objectRef<PartitionHealthValue>("PartitionHealth").implement({
    description:
      "Where each partition stands, by position in the definition's order, for drawing a health bar without listing keys: runs is flat [start, end, status] triples (both ends included; status 1 materialized, 2 failed, 3 in progress); positions no triple covers are missing.",
    fields: (t) => ({
      numPartitions: t.exposeInt("numPartitions"),
      runs: t.intList({ resolve: (h) => h.runs }),
    }),
  });

  builder.objectFields(assets.AssetNode, (t) => ({
    definitionMetadata: t.field({
      type: "JSON",
      description:
        "The metadata the asset's definition declares (not a materialization's), entry name to typed value { type, value }: a table_schema entry is the table's columns; {} when it declares none.",
      resolve: (v) => v.node.metadata ?? {},
    }),
    partitionHealth: t.field({
      type: PartitionHealth,
      nullable: true,
      description: "The partitions health bar of a partitioned asset; null when it is not partitioned.",
      resolve: async (v, _a, ctx) => {
        const ordered = await orderedPartitions(ctx, v.node);
        if (ordered === undefined) return null;
        const status = await ctx.instance.getPartitionStatus(v.node.path, ordered.def);
        const paint = new Uint8Array(ordered.keys.length);
        paintSubset(paint, ordered, status.materialized, HEALTH_MATERIALIZED);
        paintSubset(paint, ordered, status.failed, HEALTH_FAILED);
        paintSubset(paint, ordered, status.inProgress, HEALTH_IN_PROGRESS);
        return { numPartitions: ordered.keys.length, runs: runsOf(paint) };
      },
    }),
    partitionKeysAt: t.stringList({
      description: `The partition keys at these positions of the definition's order (at most ${MAX_KEYS_AT}; a position out of range is an error).`,
      args: { indices: t.arg.intList({ required: true }) },
      resolve: async (v, args, ctx) => {
        if (args.indices.length > MAX_KEYS_AT) throw badInput(`partitionKeysAt takes at most ${MAX_KEYS_AT} indices, got ${args.indices.length}; ask in pages.`);
        const ordered = await orderedPartitions(ctx, v.node);
        if (ordered === undefined) throw badInput(`Asset ${v.node.key} is not partitioned; it has no partition keys.`);
        return args.indices.map((i) => {
          const key = ordered.keys[i];
          if (key === undefined) throw badInput(`Asset ${v.node.key} has ${ordered.keys.length} partitions; position ${i} is out of range (0 to ${ordered.keys.length - 1}).`);
          return key;
        });
      },
    }),
    partitionIndex: t.int({
      nullable: true,
      description: "The position of a partition key in the definition's order; null when the asset has no such partition.",
      args: { partitionKey: t.arg.string({ required: true }) },
      resolve: async (v, args, ctx) => (await orderedPartitions(ctx, v.node))?.indexOf(args.partitionKey) ?? null,
    }),
    checkStatus: t.string({
      nullable: true,
      description: "The worst latest result of the asset's checks: FAILED, WARN, PASSED, or NOT_EVALUATED when one has never run; null without checks.",
      resolve: async (v, _a, ctx) => {
        if (v.node.checks.length === 0) return null;
        const latest = await ctx.loaders.latestCheckEvaluations(v.node.key);
        let status = "PASSED";
        for (const check of v.node.checks) {
          const result = latest.get(check.name);
          if (result === undefined) status = status === "PASSED" ? "NOT_EVALUATED" : status;
          else if (result.passed === false && result.severity !== "WARN") return "FAILED";
          else if (result.passed === false) status = "WARN";
        }
        return status;
      },
    }),
  }));
}
