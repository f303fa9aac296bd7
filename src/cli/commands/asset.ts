// `tessera asset list` and `tessera asset wipe`: the assets a code location defines and the instance knows.
import type { Command } from "commander";
import { commandDescription } from "../command-descriptions.js";
import { AssetKey, UnknownAssetError, closestMatches } from "../../core/index.js";
import { AssetsDefinition, type AssetSpec } from "../../definitions/index.js";
import { AssetGraph } from "../../graph/index.js";
import { PartitionKeyRange, type PartitionsDefinition } from "../../partitions/index.js";
import type { AssetRecord } from "../../storage/index.js";
import { StaleStatusResolver } from "../../versioning/index.js";
import type { Cli } from "../cli.js";
import { confirm } from "../confirm.js";
import { SHOW_EXAMPLES, showAsset } from "./asset-show.js";
import { CliUsageError } from "../errors.js";
import { formatTime, listNames, plural, renderTable, summarizeMetadata } from "../format.js";
import { codeLocationPaths, loadCodeLocation } from "../load-code-location.js";
import { assetEventJson, printJson, type AssetJson } from "../json-output.js";

const LIST_EXAMPLES = `
Examples:
  $ tessera asset list
  $ tessera asset list -m examples/quickstart/defs.ts
  $ tessera asset list --prefix raw
  $ tessera asset list --json

Lists the assets defined by the code location (-m, or locations in tessera.yaml) and every asset
the instance has a record of.`;

const WIPE_EXAMPLES = `
Examples:
  $ tessera asset wipe clean_orders daily_revenue
  $ tessera asset wipe --all --yes
  $ tessera asset wipe daily_orders --partition 2024-01-05 --yes
  $ tessera asset wipe daily_orders --partition-range 2024-01-01...2024-01-31 -m defs.ts --yes --json

Wiping forgets an asset's materialization history; the events stay in the logs of the runs that wrote them.
With --partition or --partition-range (repeatable; ranges need the code location that defines the asset: -m,
or locations in tessera.yaml), only those partitions of the one asset named are forgotten: they become missing,
the asset's other partitions keep their history.`;

export function registerAssetCommands(program: Command, cli: Cli): void {
  const asset = program.command("asset").description(commandDescription("asset"));
  asset
    .command("list")
    .description("List assets with their latest materialization")
    .option("-m, --module <file>", "also list the assets this code location defines (default: locations in tessera.yaml)")
    .option("--prefix <path>", "only keys under this prefix, e.g. raw or raw/sales")
    .option("--json", "print the assets as one JSON array (see docs/cli-json.md)")
    .addHelpText("after", LIST_EXAMPLES)
    .action((options: { module?: string; prefix?: string; json?: boolean }, command: Command) => listAssets(cli, command, options));
  asset
    .command("show")
    .description("Show one asset: its definition, latest materialization, checks, staleness and partitions")
    .argument("<key>", "the asset key, like orders or raw/orders")
    .option("-m, --module <file>", "code location defining the asset (default: locations in tessera.yaml)")
    .option("--json", "print the asset as one JSON document (see docs/cli-json.md)")
    .option("--partition <key>", "show the staleness of this partition of the asset")
    .addHelpText("after", SHOW_EXAMPLES)
    .action((key: string, options: { module?: string; json?: boolean; partition?: string }, command: Command) => showAsset(cli, command, key, options));
  asset
    .command("wipe")
    .description("Forget the materialization history of assets")
    .argument("[keys...]", "asset keys to wipe, like orders or raw/orders")
    .option("--all", "wipe every asset of the instance")
    .option("--partition <key>", "wipe only this partition of the asset (repeatable)", collect, [] as string[])
    .option("--partition-range <a...b>", "wipe only the partitions from a to b, both included (repeatable)", collect, [] as string[])
    .option("-m, --module <file>", "code location defining the asset, for its partitions (default: locations in tessera.yaml)")
    .option("-y, --yes", "do not ask for confirmation")
    .option("--json", "print what was wiped as one JSON document (see docs/cli-json.md)")
    .addHelpText("after", WIPE_EXAMPLES)
    .action((keys: string[], options: WipeOptions, command: Command) =>
      options.partition.length > 0 || options.partitionRange.length > 0 ? wipePartitions(cli, command, keys, options) : wipeAssets(cli, command, keys, options),
    );
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

interface WipeOptions {
  all?: boolean;
  yes?: boolean;
  json?: boolean;
  module?: string;
  partition: string[];
  partitionRange: string[];
}

/** What `tessera asset wipe --json` prints: each asset wiped, with the partitions wiped or null for the whole asset. */
export interface AssetWipeJson {
  wiped: { key: string; path: string[]; partitions: string[] | null }[];
}

interface Row {
  key: AssetKey;
  spec: AssetSpec | undefined;
  record: AssetRecord | undefined;
  /** FRESH, STALE or MISSING, for assets a code location defines. */
  status?: "FRESH" | "STALE" | "MISSING";
  /** The category of a STALE asset's first cause. */
  staleCategory?: string;
}

async function listAssets(cli: Cli, command: Command, options: { module?: string; prefix?: string; json?: boolean }): Promise<void> {
  const prefix = options.prefix === undefined ? undefined : AssetKey.from(options.prefix.replace(/\/+$/, "")).path;
  await cli.withInstance(command, async (instance) => {
    const rows = new Map<string, Row>();
    for (const path of codeLocationPaths(options.module, instance.settings, false)) {
      const { defs } = await loadCodeLocation(path, cli.cwd);
      const resolver = new StaleStatusResolver(instance, defs);
      const statuses = await resolver.getStatuses();
      for (const item of defs.assets) {
        for (const spec of item instanceof AssetsDefinition ? item.specs : [item]) {
          if (prefix && !spec.key.hasPrefix(prefix)) continue;
          const status = statuses.get(spec.key.toString());
          const [cause] = status === "STALE" ? await resolver.getStaleCauses(spec.key) : [];
          rows.set(spec.key.toString(), { key: spec.key, spec, record: undefined, ...(status ? { status } : {}), ...(cause ? { staleCategory: cause.category } : {}) });
        }
      }
    }
    for (const key of await instance.getAssetKeys(prefix ? { prefix } : {})) {
      if (!rows.has(key.toString())) rows.set(key.toString(), { key, spec: undefined, record: undefined });
    }
    if (rows.size === 0 && !options.json) {
      cli.print(
        prefix
          ? `No assets under "${prefix.join("/")}".`
          : "No assets: the instance has no materializations yet and no code location was given. Pass -m <file.ts> to list the assets it defines.",
      );
      return;
    }
    for (const record of await instance.getAssetRecords([...rows.values()].map((r) => r.key))) {
      const row = rows.get(record.assetKey.toString());
      if (row) row.record = record;
    }
    const { style } = cli;
    const sorted = [...rows.values()].sort((a, b) => a.key.toString().localeCompare(b.key.toString()));
    if (options.json) return printJson(cli, sorted.map(assetRowJson));
    const statusCell = (status: string | undefined): string =>
      status === undefined ? style.dim("-") : status === "FRESH" ? style.green(status) : status === "MISSING" ? style.dim(status) : style.yellow(status);
    const table = sorted.map(({ key, spec, record, status: plain, staleCategory }) => {
      const status = plain === "STALE" && staleCategory ? `STALE (${staleCategory.toLowerCase()})` : plain;
      const latest = record?.lastMaterialization ?? record?.lastObservation;
      const when = record?.lastMaterialization ? formatTime(record.lastMaterialization.timestamp) : latest ? `observed ${formatTime(latest.timestamp)}` : style.dim("never");
      return [
        key.toString(),
        spec?.groupName ?? style.dim("-"),
        statusCell(status),
        when,
        latest?.runId ?? style.dim("-"),
        summarizeMetadata(latest?.metadata, { max: 3, cwd: cli.cwd }),
      ];
    });
    for (const line of renderTable(["ASSET", "GROUP", "STATUS", "LAST MATERIALIZED", "RUN", "METADATA"].map((h) => style.bold(h)), table)) cli.print(line);
  });
}

function assetRowJson({ key, spec, record, status, staleCategory }: Row): AssetJson {
  return {
    key: key.toString(),
    path: [...key.path],
    defined: spec !== undefined,
    groupName: spec?.groupName ?? null,
    status: status ?? null,
    staleCategory: staleCategory ?? null,
    lastMaterialization: assetEventJson(record?.lastMaterialization),
    lastObservation: assetEventJson(record?.lastObservation),
  };
}

async function wipeAssets(cli: Cli, command: Command, keys: string[], options: WipeOptions): Promise<void> {
  if (options.all && keys.length > 0) throw new CliUsageError("Pass either asset keys or --all, not both.");
  if (!options.all && keys.length === 0) throw new CliUsageError("Name the assets to wipe (tessera asset wipe orders raw/customers), or pass --all.");
  const requested = keys.map((k) => AssetKey.from(k));
  await cli.withInstance(command, async (instance) => {
    const known = await instance.getAssetKeys();
    const knownIds = known.map(String);
    let targets: AssetKey[];
    if (options.all) {
      targets = known;
    } else {
      for (const key of requested) {
        if (knownIds.includes(key.toString())) continue;
        const near = closestMatches(key.toString(), knownIds);
        throw new UnknownAssetError(
          key.toString(),
          `Asset "${key.toString()}" has no history in this instance, so there is nothing to wipe.` +
            (near.length ? ` Did you mean ${near.map((n) => `"${n}"`).join(" or ")}?` : " See the recorded assets with `tessera asset list`."),
          near,
        );
      }
      targets = requested;
    }
    if (targets.length === 0) {
      if (options.json) return printJson(cli, { wiped: [] } satisfies AssetWipeJson);
      cli.print("Nothing to wipe: the instance has no asset history.");
      return;
    }
    const names = listNames(targets.map(String), 10);
    if (!options.yes) {
      if (options.json) throw new CliUsageError("--json prints no question: add --yes to wipe without asking.");
      const ok = await confirm(cli, `Wipe the materialization history of ${plural(targets.length, "asset")} (${names})?`);
      if (!ok) {
        cli.print("Not wiped.");
        cli.exitCode = 1;
        return;
      }
    }
    await instance.wipeAssets(targets);
    if (options.json) return printJson(cli, { wiped: targets.map((k) => ({ key: k.toString(), path: [...k.path], partitions: null })) } satisfies AssetWipeJson);
    cli.print(`Wiped ${plural(targets.length, "asset")}: ${names}. Their events remain in the logs of their runs.`);
  });
}

/** `tessera asset wipe <key> --partition k --partition-range a...b`: some partitions of one asset. */
async function wipePartitions(cli: Cli, command: Command, keys: string[], options: WipeOptions): Promise<void> {
  if (options.all) throw new CliUsageError("--all wipes whole assets; --partition and --partition-range wipe partitions of one asset. Pass one or the other.");
  if (keys.length !== 1) {
    throw new CliUsageError(`Name exactly one asset whose partitions to wipe (tessera asset wipe daily_orders --partition 2024-01-05), got ${keys.length}.`);
  }
  const key = AssetKey.from(keys[0] as string);
  const ranges = [...options.partition.map((k) => new PartitionKeyRange(k, k)), ...options.partitionRange.map((r) => PartitionKeyRange.fromString(r))];
  await cli.withInstance(command, async (instance) => {
    let partitionsDef: PartitionsDefinition | undefined;
    let defined = false;
    for (const path of codeLocationPaths(options.module, instance.settings, false)) {
      const graph = AssetGraph.of((await loadCodeLocation(path, cli.cwd)).defs);
      const node = graph.indexOf(key);
      if (node === undefined) continue;
      defined = true;
      partitionsDef = graph.specs[node]?.partitionsDef;
    }
    if (!defined) {
      throw new UnknownAssetError(
        key.toString(),
        `Asset "${key.toString()}" is not defined by the code location given, so its partitions are unknown. ` +
          "Pass -m <file.ts> (or list the location in tessera.yaml) to wipe some of its partitions, or leave out --partition to wipe the whole asset.",
        [],
      );
    }
    if (!partitionsDef) throw new CliUsageError(`Asset "${key.toString()}" is not partitioned: leave out --partition and --partition-range to wipe it whole.`);
    // Every range is checked against the definition before anything is asked or wiped.
    const partitions = await instance.partitionKeysInRanges(key, { partitionsDef, ranges });
    const unique = [...new Set(partitions)];
    const shown = listNames(ranges.map((r) => (r.start === r.end ? r.start : `${r.start}...${r.end}`)), 10);
    if (!options.yes) {
      if (options.json) throw new CliUsageError("--json prints no question: add --yes to wipe without asking.");
      const ok = await confirm(cli, `Wipe ${plural(unique.length, "partition")} of ${key.toString()} (${shown})?`);
      if (!ok) {
        cli.print("Not wiped.");
        cli.exitCode = 1;
        return;
      }
    }
    await instance.wipeAssetPartitions(key, unique);
    if (options.json) return printJson(cli, { wiped: [{ key: key.toString(), path: [...key.path], partitions: unique }] } satisfies AssetWipeJson);
    cli.print(`Wiped ${plural(unique.length, "partition")} of ${key.toString()} (${shown}): they are missing now; its other partitions keep their history.`);
  });
}
