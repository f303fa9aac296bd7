// `tessera asset show <key>`: one asset in full — its definition, latest events, checks, staleness, partitions.
import type { Command } from "commander";
import { AssetKey, UnknownAssetError, closestMatches } from "../../core/index.js";
import { AssetGraph } from "../../graph/index.js";
import type { Instance } from "../../instance/index.js";
import { StaleStatusResolver, type StaleCause } from "../../versioning/index.js";
import { CliUsageError } from "../errors.js";
import { DynamicPartitionsSnapshot } from "../../partitions/index.js";
import type { Cli } from "../cli.js";
import { formatTime, listNames, renderValue } from "../format.js";
import { codeLocationPaths, loadCodeLocation, type CodeLocation } from "../load-code-location.js";
import type { AssetRecord } from "../../storage/index.js";
import { assetEventJson, isoTime, printJson, type AssetCheckJson, type AssetDefinitionJson, type AssetDetailJson } from "../json-output.js";

export const SHOW_EXAMPLES = `
Examples:
  $ tessera asset show daily_revenue -m examples/quickstart/defs.ts
  $ tessera asset show raw/orders
  $ tessera asset show raw/orders --json
  $ tessera asset show daily_sales --partition 2026-11-04   # staleness of one partition

With a code location (-m, or locations in tessera.yaml) it also shows the definition, staleness and
partitions; without one, what the instance recorded.`;

export async function showAsset(cli: Cli, command: Command, keyText: string, options: { module?: string; json?: boolean; partition?: string }): Promise<void> {
  const key = AssetKey.from(keyText);
  await cli.withInstance(command, async (instance) => {
    let location: CodeLocation | undefined;
    for (const path of codeLocationPaths(options.module, instance.settings, false)) {
      const loaded = await loadCodeLocation(path, cli.cwd);
      if (AssetGraph.of(loaded.defs).has(key)) location = loaded;
    }
    const [record] = await instance.getAssetRecords([key]);
    if (!location && !record) {
      const known = (await instance.getAssetKeys()).map(String);
      const near = closestMatches(key.toString(), known);
      throw new UnknownAssetError(
        key.toString(),
        `Asset "${key.toString()}" is neither defined by the code location given nor recorded in this instance.` +
          (near.length ? ` Did you mean ${near.map((n) => `"${n}"`).join(" or ")}?` : " Pass -m <file.ts> to show a defined asset."),
        near,
      );
    }
    if (options.partition !== undefined && !location) {
      throw new CliUsageError(`--partition asks about the staleness of a partition of "${key.toString()}", which needs the code location defining it: pass -m <file.ts>.`);
    }
    if (options.json) return printJson(cli, await assetDetailJson(instance, location, key, record, options.partition));
    const { style } = cli;
    const width = Math.max(14, ...Object.keys(record?.lastMaterialization?.metadata ?? {}).map((name) => name.length + 4));
    const line = (label: string, value: string): void => cli.print(`${style.dim(label.padEnd(width))}${value}`);
    cli.print(style.bold(key.toString()));
    if (location) await describeDefinition(cli, instance, location, key, line, options.partition);
    const latest = record?.lastMaterialization;
    line("materialized", latest ? `${formatTime(latest.timestamp)}${latest.partition ? ` (partition ${latest.partition})` : ""}  run ${latest.runId}` : style.dim("never"));
    for (const [name, value] of Object.entries(latest?.metadata ?? {})) line(`  ${name}`, renderValue(value, cli.cwd));
    const observed = record?.lastObservation;
    if (observed) line("observed", `${formatTime(observed.timestamp)}  data version ${observed.tags?.["tessera/data_version"] ?? "-"}`);
    const checks = await instance.getLatestAssetCheckEvaluations(key);
    for (const [name, evaluation] of checks) {
      const verdict = evaluation.passed ? style.green("passed") : evaluation.severity === "WARN" ? style.yellow("warned") : style.red("failed");
      line(`check`, `${name}: ${verdict} at ${formatTime(evaluation.timestamp)}`);
    }
  });
}

async function describeDefinition(
  cli: Cli,
  instance: Instance,
  location: CodeLocation,
  key: AssetKey,
  line: (label: string, value: string) => void,
  partition: string | undefined,
): Promise<void> {
  const graph = AssetGraph.of(location.defs);
  const node = graph.require(key);
  const spec = graph.specs[node];
  if (!spec) return;
  line("kind", graph.isObservable(node) ? "observable source" : graph.isExternal(node) ? "external" : "computed");
  if (spec.description) line("description", spec.description);
  line("group", spec.groupName);
  if (spec.owners.length) line("owners", spec.owners.join(", "));
  if (spec.kinds.size) line("kinds", [...spec.kinds].join(", "));
  if (spec.codeVersion) line("code version", spec.codeVersion);
  const parents = (graph.parents[node] ?? []).map((p) => graph.ids[p] as string);
  const children = (graph.children[node] ?? []).map((c) => graph.ids[c] as string);
  line("upstream", parents.length ? listNames(parents, 8) : cli.style.dim("none"));
  line("downstream", children.length ? listNames(children, 8) : cli.style.dim("none"));
  const resolver = new StaleStatusResolver(instance, location.defs);
  await checkPartition(instance, graph, node, partition);
  const status = await resolver.getStatus(key, partition);
  line(partition === undefined ? "status" : `status [${partition}]`, status);
  for (const cause of await resolver.getStaleCauses(key, partition)) line("  because", staleCauseText(cause));
  const partitionsDef = spec.partitionsDef;
  if (partitionsDef) {
    const status = await instance.getPartitionStatus(key, partitionsDef);
    line("partitions", `${partitionsDef.toString()}: ${status.materialized.size} materialized, ${status.failed.size} failed, ${status.inProgress.size} in progress, ${status.missing.size} missing`);
    const show = (label: string, subset: typeof status.missing): void => {
      const ranges = subset.getPartitionKeyRanges();
      if (ranges.length) line(`  ${label}`, ranges.slice(0, 5).map((r) => (r.start === r.end ? r.start : `${r.start}...${r.end}`)).join(", ") + (ranges.length > 5 ? ", …" : ""));
    };
    show("failed", status.failed);
    show("missing", status.missing);
  }
}


async function assetDetailJson(instance: Instance, location: CodeLocation | undefined, key: AssetKey, record: AssetRecord | undefined, partition: string | undefined): Promise<AssetDetailJson> {
  const definition = location ? await definitionJson(instance, location, key, partition) : null;
  const checks: AssetCheckJson[] = [...(await instance.getLatestAssetCheckEvaluations(key))].map(([name, evaluation]) => ({
    name,
    passed: evaluation.passed ?? false,
    severity: evaluation.severity ?? null,
    timestamp: isoTime(evaluation.timestamp) as string,
    runId: evaluation.runId,
  }));
  const firstStale = definition?.staleCauses[0];
  return {
    key: key.toString(),
    path: [...key.path],
    defined: definition !== null,
    groupName: definition?.groupName ?? null,
    status: definition?.status ?? null,
    staleCategory: definition?.status === "STALE" && firstStale ? firstStale.category : null,
    lastMaterialization: assetEventJson(record?.lastMaterialization),
    lastObservation: assetEventJson(record?.lastObservation),
    definition,
    checks,
  };
}

async function definitionJson(instance: Instance, location: CodeLocation, key: AssetKey, partition: string | undefined): Promise<AssetDefinitionJson | null> {
  const graph = AssetGraph.of(location.defs);
  const node = graph.require(key);
  const spec = graph.specs[node];
  if (!spec) return null;
  await checkPartition(instance, graph, node, partition);
  const resolver = new StaleStatusResolver(instance, location.defs);
  const partitionsDef = spec.partitionsDef;
  let partitions: AssetDefinitionJson["partitions"] = null;
  if (partitionsDef) {
    const status = await instance.getPartitionStatus(key, partitionsDef);
    const ranges = (subset: typeof status.missing): { start: string; end: string }[] => subset.getPartitionKeyRanges().map((r) => ({ start: r.start, end: r.end }));
    partitions = {
      definition: partitionsDef.toString(),
      materialized: status.materialized.size,
      failed: status.failed.size,
      inProgress: status.inProgress.size,
      missing: status.missing.size,
      failedRanges: ranges(status.failed),
      missingRanges: ranges(status.missing),
    };
  }
  return {
    kind: graph.isObservable(node) ? "observable source" : graph.isExternal(node) ? "external" : "computed",
    description: spec.description ?? null,
    groupName: spec.groupName,
    owners: [...spec.owners],
    kinds: [...spec.kinds],
    codeVersion: spec.codeVersion ?? null,
    upstream: (graph.parents[node] ?? []).map((p) => graph.ids[p] as string),
    downstream: (graph.children[node] ?? []).map((c) => graph.ids[c] as string),
    status: await resolver.getStatus(key, partition),
    staleCauses: (await resolver.getStaleCauses(key, partition)).map((cause) => ({
      key: cause.key.toString(),
      partitionKey: cause.partitionKey ?? null,
      category: cause.category,
      reason: cause.reason,
      dependency: cause.dependency ? cause.dependency.toString() : null,
      dependencyPartitionKey: cause.dependencyPartitionKey ?? null,
    })),
    partitions,
  };
}

/** `<asset>[<partition>] <reason> (<dependency>[<partition>]) [<category>]`: a cause, with the partitions it is about. */
export function staleCauseText(cause: StaleCause): string {
  const at = (partition: string | undefined) => (partition === undefined ? "" : `[${partition}]`);
  const dependency = cause.dependency ? ` (${cause.dependency.toString()}${at(cause.dependencyPartitionKey)})` : "";
  return `${cause.key.toString()}${at(cause.partitionKey)} ${cause.reason}${dependency} [${cause.category.toLowerCase()}]`;
}

// The resolver refuses a partition of an unpartitioned asset; an unknown partition of a partitioned one it would call MISSING.
async function checkPartition(instance: Instance, graph: AssetGraph, node: number, partition: string | undefined): Promise<void> {
  if (partition === undefined) return;
  const def = graph.specs[node]?.partitionsDef;
  const id = graph.ids[node] as string;
  if (!def) throw new CliUsageError(`Asset "${id}" is not partitioned, so it has no partition "${partition}"; drop --partition.`);
  const dynamicPartitionsStore = await DynamicPartitionsSnapshot.load(instance.storage, [def]);
  if (!def.hasPartitionKey(partition, { currentTime: instance.clock.now(), dynamicPartitionsStore })) throw new CliUsageError(`Asset "${id}" has no partition "${partition}"; list its partitions with \`tessera asset show ${id}\`.`);
}
