// `tessera asset list` and `tessera asset wipe`: the assets a code location defines and the instance knows.
import type { Command } from "commander";
import { commandDescription } from "../command-descriptions.js";
import { AssetKey, UnknownAssetError, closestMatches } from "../../core/index.js";
import { AssetsDefinition, type AssetSpec } from "../../definitions/index.js";
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

Wiping forgets an asset's materialization history; the events stay in the logs of the runs that wrote them.`;

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
    .addHelpText("after", SHOW_EXAMPLES)
    .action((key: string, options: { module?: string; json?: boolean }, command: Command) => showAsset(cli, command, key, options));
  asset
    .command("wipe")
    .description("Forget the materialization history of assets")
    .argument("[keys...]", "asset keys to wipe, like orders or raw/orders")
    .option("--all", "wipe every asset of the instance")
    .option("-y, --yes", "do not ask for confirmation")
    .addHelpText("after", WIPE_EXAMPLES)
    .action((keys: string[], options: { all?: boolean; yes?: boolean }, command: Command) => wipeAssets(cli, command, keys, options));
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

async function wipeAssets(cli: Cli, command: Command, keys: string[], options: { all?: boolean; yes?: boolean }): Promise<void> {
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
      cli.print("Nothing to wipe: the instance has no asset history.");
      return;
    }
    const names = listNames(targets.map(String), 10);
    if (!options.yes) {
      const ok = await confirm(cli, `Wipe the materialization history of ${plural(targets.length, "asset")} (${names})?`);
      if (!ok) {
        cli.print("Not wiped.");
        cli.exitCode = 1;
        return;
      }
    }
    await instance.wipeAssets(targets);
    cli.print(`Wiped ${plural(targets.length, "asset")}: ${names}. Their events remain in the logs of their runs.`);
  });
}
