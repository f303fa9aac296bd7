// `tessera materialize`: runs a selection of the assets of one or more code locations and records each run.
import type { Command } from "commander";
import type { Instance } from "../../instance/index.js";
import { commandDescription } from "../command-descriptions.js";
import { resolveSelection } from "../../execution/index.js";
import { AssetGraph, AssetSelection } from "../../graph/index.js";
import { DynamicPartitionsSnapshot, PartitionKeyRange } from "../../partitions/index.js";
import type { Cli } from "../cli.js";
import { CliUsageError } from "../errors.js";
import { codeLocationPaths, loadCodeLocation, type CodeLocation } from "../load-code-location.js";
import { requireKeysSomewhere, selectionForLocation } from "../location-selection.js";
import { executeWithProgress } from "../execute-with-progress.js";
import { parseTags, readRunConfig } from "../run-options.js";

interface MaterializeOptions {
  module: string[];
  select: string;
  config?: string;
  tags?: string;
  partition?: string;
  partitionRange?: string;
  verbose?: boolean;
  queue?: boolean;
}

const EXAMPLES = `
Examples:
  $ tessera materialize -m examples/quickstart/defs.ts
  $ tessera materialize -m defs.ts --select raw_orders,clean_orders
  $ tessera materialize -m defs.ts --select '*daily_revenue'        # it and everything upstream
  $ tessera materialize -m defs.ts --select 'group:raw or key:"clean_*"'
  $ tessera materialize -m defs.ts --select 'status:degraded'    # re-run assets whose latest attempt or check failed
  $ tessera materialize -m defs.ts --select daily_revenue --config run.yaml
  $ tessera materialize -m defs.ts --config '{"ops": {"daily_revenue": {"config": {"currency": "USD"}}}}'
  $ tessera materialize -m defs.ts --tags '{"team": "finance"}'
  $ tessera materialize -m defs.ts --select daily_sales --partition 2026-11-24
  $ tessera materialize -m defs.ts --select daily_revenue --queue    # the daemon launches it

Without -m, the code location comes from \`locations\` in tessera.yaml in the Tessera home.
Run config has the shape { ops: { <asset>: { config } }, resources: { <key>: { config } } }.`;

export function registerMaterializeCommand(program: Command, cli: Cli): void {
  program
    .command("materialize")
    .description(commandDescription("materialize"))
    .option(
      "-m, --module <file>",
      "code location module: a .ts or .js file that exports `defs`; repeat for several (default: the locations of the project's tessera.yaml)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option("-s, --select <selection>", "assets to materialize: keys (a,b), '*orders+' or 'group:sales and kind:csv'; '*' for all", "*")
    .option("-c, --config <file|json>", "run config: a .yaml or .json file, or inline JSON")
    .option("-p, --partition <key>", "the partition to materialize, for partitioned assets (e.g. 2026-11-24)")
    .option("--partition-range <a...b>", "materialize the partitions from a to b in this one run (values keyed by partition)")
    .option("--tags <json>", "tags for the run, as a JSON object of strings")
    .option("-v, --verbose", "show debug logs as well")
    .option("-q, --queue", "put the run on the instance's run queue instead of running it here; `tessera daemon` launches it within runQueue limits")
    .addHelpText("after", EXAMPLES)
    .action(async (options: MaterializeOptions, command: Command) => {
      cli.exitCode = await materialize(cli, command, options);
    });
}

async function materialize(cli: Cli, command: Command, options: MaterializeOptions): Promise<number> {
  const runConfig = await readRunConfig(options.config, cli.cwd);
  const tags = parseTags(options.tags);
  return cli.withInstance(command, async (instance) => {
    const paths = codeLocationPaths(options.module, instance.settings, true);
    // `status:` is answered from this instance now; each run then gets the assets it named.
    const parsed = AssetSelection.fromString(options.select);
    const targets: { location: CodeLocation; graph: AssetGraph; selection: AssetSelection; nodes: number[] }[] = [];
    const locations: { location: CodeLocation; graph: AssetGraph }[] = [];
    for (const path of paths) {
      const location = await loadCodeLocation(path, cli.cwd);
      locations.push({ location, graph: AssetGraph.of(location.defs) });
    }
    const graphs = locations.map((l) => l.graph);
    if (graphs.length > 1) requireKeysSomewhere(parsed, graphs);
    let assetCount = 0;
    for (const { location, graph } of locations) {
      assetCount += graph.size;
      // With several locations, keys named in the selection that another location defines select nothing here.
      const own = graphs.length > 1 ? selectionForLocation(parsed, graph, graphs) : parsed;
      const selection = await own.withStatusesResolved(graph, { instance });
      const nodes = resolveSelection(graph, selection);
      if (nodes.length > 0) targets.push({ location, graph, selection, nodes });
    }
    if (targets.length === 0) {
      throw new CliUsageError(
        assetCount === 0
          ? `Code location${paths.length > 1 ? "s" : ""} ${paths.join(", ")} define${paths.length > 1 ? "" : "s"} no assets; add some to ${paths.length > 1 ? "their" : "its"} \`defs\`.`
          : parsed.needsInstance()
            ? `--select "${options.select}" selects no assets: no asset has that status in this instance (\`tessera asset list\` shows them).`
            : `--select "${options.select}" selects no assets; pass asset keys separated by commas, a selection such as '*orders+' or 'group:sales', or '*' for all.`,
      );
    }
    // One run per code location that the selection reaches, one after the other; the worst exit code wins.
    let exitCode = 0;
    for (const target of targets) exitCode = Math.max(exitCode, await materializeLocation(cli, command, options, instance, target, { runConfig, tags }));
    return exitCode;
  });
}

async function materializeLocation(
  cli: Cli,
  command: Command,
  options: MaterializeOptions,
  instance: Instance,
  { location, graph, selection, nodes }: { location: CodeLocation; graph: AssetGraph; selection: AssetSelection; nodes: number[] },
  { runConfig, tags }: { runConfig: Awaited<ReturnType<typeof readRunConfig>>; tags: ReturnType<typeof parseTags> },
): Promise<number> {
    if (options.partitionRange !== undefined) await refuseRangeWithoutPolicy(instance, graph, nodes, PartitionKeyRange.fromString(options.partitionRange));
    const runOptions = {
      instance,
      runConfig,
      ...(tags ? { tags } : {}),
      codeLocation: location.modulePath,
      ...(options.partition === undefined ? {} : { partitionKey: options.partition }),
      ...(options.partitionRange === undefined ? {} : { partitionKeyRange: PartitionKeyRange.fromString(options.partitionRange) }),
    };
    if (options.queue) {
      const run = await location.defs.submitRun(selection, runOptions);
      cli.print(`Queued run ${run.runId} (${run.assetSelection.length} asset${run.assetSelection.length === 1 ? "" : "s"}). \`tessera daemon\` launches it; follow it with \`tessera run show ${run.runId}\`.`);
      return 0;
    }
    return executeWithProgress(cli, command, {
      graph,
      nodes,
      checks: selection.resolveCheckIndices(graph),
      runConfig,
      verbose: options.verbose ?? false,
      execute: (watch) =>
        location.defs.materialize(selection, { ...runOptions, ...watch, raiseOnError: false, onLeaseLost: exitOnLeaseLost }),
    });
}

/** A run whose hold this process lost may already run elsewhere: stop every compute of it now. */
function exitOnLeaseLost(error: Error): never {
  process.stderr.write(`${error.message}\nThe command exits (code 75).\n`);
  process.exit(75);
}

/**
 * One run over a range of partitions hands each asset all of them at once, which only an asset declared for it can
 * take (a single-run backfill policy, or a multi-run one with room for the range): refuse before a run is recorded.
 */
async function refuseRangeWithoutPolicy(instance: Instance, graph: AssetGraph, nodes: readonly number[], range: PartitionKeyRange): Promise<void> {
  if (range.start === range.end) return;
  const refused: string[] = [];
  for (const node of nodes) {
    const spec = graph.specs[node];
    if (!spec?.partitionsDef) continue;
    const perRun = spec.backfillPolicy === undefined ? 1 : (spec.backfillPolicy.maxPartitionsPerRun ?? Infinity);
    if (perRun === Infinity) continue;
    if (perRun > 1) {
      const store = await DynamicPartitionsSnapshot.load(instance, [spec.partitionsDef]);
      if (spec.partitionsDef.getPartitionKeysInRange(range, { dynamicPartitionsStore: store }).length <= perRun) continue;
    }
    refused.push(graph.ids[node] as string);
  }
  if (refused.length === 0) return;
  throw new CliUsageError(
    `--partition-range ${range.start}...${range.end} runs every partition of the range in one run, which ${refused.map((k) => `"${k}"`).join(", ")} cannot take: ` +
      `${refused.length > 1 ? "they have" : "it has"} no single-run backfill policy. Give ${refused.length > 1 ? "them" : "it"} backfillPolicy: BackfillPolicy.singleRun() (and compute every key of ctx.partitionKeys), ` +
      `or run the range as a backfill, one run per partition: tessera backfill launch --select ${refused.join(",")} --from ${range.start} --to ${range.end}.`,
  );
}
