// `tessera job list` and `tessera job execute`: the asset jobs a code location defines.
import type { Command } from "commander";
import { commandDescription } from "../command-descriptions.js";
import { AssetGraph, AssetSelection, jobNeedsInstance, resolveJobSelection } from "../../graph/index.js";
import type { Cli } from "../cli.js";
import { CliUsageError } from "../errors.js";
import { executeWithProgress } from "../execute-with-progress.js";
import { renderTable } from "../format.js";
import { printJson, type JobJson } from "../json-output.js";
import { codeLocationPaths, loadCodeLocation, type CodeLocation } from "../load-code-location.js";
import { parseTags, readRunConfig } from "../run-options.js";

const LIST_EXAMPLES = `
Examples:
  $ tessera job list -m examples/quickstart/defs.ts
  $ tessera job list -m examples/quickstart/defs.ts --json

Jobs are defined with defineAssetJob() and passed to Definitions as \`jobs\`.`;

const EXECUTE_EXAMPLES = `
Examples:
  $ tessera job execute daily_finance -m examples/quickstart/defs.ts
  $ tessera job execute daily_finance -m defs.ts --config run.yaml --tags '{"trigger": "manual"}'

Without --config the job's own config is used. Run config has the shape
{ ops: { <asset>: { config } }, resources: { <key>: { config } } }.`;

export function registerJobCommands(program: Command, cli: Cli): void {
  const job = program.command("job").description(commandDescription("job"));
  job
    .command("list")
    .description("List the jobs a code location defines, with the assets each materializes")
    .option("-m, --module <file>", "code location module (default: locations in tessera.yaml)")
    .option("--json", "print the jobs as one JSON array (see docs/cli-json.md)")
    .addHelpText("after", LIST_EXAMPLES)
    .action(async (options: { module?: string; json?: boolean }, command: Command) => {
      await listJobs(cli, command, options);
    });
  job
    .command("execute")
    .description("Run a job of a code location and record the run in the instance")
    .argument("<name>", "the job's name")
    .option("-m, --module <file>", "code location module (default: locations in tessera.yaml)")
    .option("-c, --config <file|json>", "run config: a .yaml or .json file, or inline JSON (default: the job's config)")
    .option("--tags <json>", "tags for the run, as a JSON object of strings")
    .option("-p, --partition <key>", "the partition to run, for a partitioned job")
    .option("-v, --verbose", "show debug logs as well")
    .addHelpText("after", EXECUTE_EXAMPLES)
    .action(async (name: string, options: { module?: string; config?: string; tags?: string; partition?: string; verbose?: boolean }, command: Command) => {
      cli.exitCode = await executeJob(cli, command, name, options);
    });
}

async function singleLocation(cli: Cli, module: string | undefined, settings: Parameters<typeof codeLocationPaths>[1]): Promise<CodeLocation> {
  const paths = codeLocationPaths(module, settings, true);
  if (paths.length > 1) {
    throw new CliUsageError(`tessera.yaml lists ${paths.length} code locations (${paths.join(", ")}); pick one with -m <file>.`);
  }
  return loadCodeLocation(paths[0] as string, cli.cwd);
}

async function listJobs(cli: Cli, command: Command, options: { module?: string; json?: boolean }): Promise<void> {
  await cli.withInstance(command, async (instance) => {
    const location = await singleLocation(cli, options.module, instance.settings);
    const jobs = location.defs.jobs;
    if (options.json) {
      return printJson(
        cli,
        jobs.map((job): JobJson => {
          const atRunTime = jobNeedsInstance(job);
          return {
            name: job.name,
            description: job.description ?? null,
            selection: String(AssetSelection.from(job.selection ?? "*")),
            resolvedAtRunTime: atRunTime,
            assetKeys: atRunTime ? null : location.defs.getJobDef(job.name).assetKeys.map(String),
          };
        }),
      );
    }
    if (jobs.length === 0) {
      cli.print(`Code location ${location.name} defines no jobs. Define one with defineAssetJob({ name, selection }) and pass it in Definitions jobs.`);
      return;
    }
    const rows = jobs.map((job) => {
      // A `status:` job's assets depend on the instance at the time it runs.
      if (jobNeedsInstance(job)) return [job.name, "-", `${String(AssetSelection.from(job.selection ?? "*"))} (when it runs)`, job.description ?? ""];
      const keys = location.defs.getJobDef(job.name).assetKeys.map(String);
      const shown = keys.length > 4 ? `${keys.slice(0, 4).join(", ")} (+${keys.length - 4} more)` : keys.join(", ");
      return [job.name, String(keys.length), shown, job.description ?? ""];
    });
    for (const line of renderTable(["JOB", "ASSETS", "MATERIALIZES", "DESCRIPTION"], rows)) cli.print(line);
  });
}

async function executeJob(
  cli: Cli,
  command: Command,
  name: string,
  options: { module?: string; config?: string; tags?: string; partition?: string; verbose?: boolean },
): Promise<number> {
  const runConfig = await readRunConfig(options.config, cli.cwd);
  const tags = parseTags(options.tags);
  return cli.withInstance(command, async (instance) => {
    const location = await singleLocation(cli, options.module, instance.settings);
    const job = location.defs.getJobDef(name);
    // `status:` in the job's selection is answered from this instance.
    const resolveOptions = await job.resolveOptions(instance);
    const nodes = resolveJobSelection(location.defs, job.definition, resolveOptions);
    if (nodes.length === 0 && jobNeedsInstance(job.definition)) throw new CliUsageError(`Job "${name}" selects no assets: no asset has the status its selection asks for in this instance.`);
    return executeWithProgress(cli, command, {
      graph: AssetGraph.of(location.defs),
      nodes,
      checks: AssetSelection.from(job.definition.selection ?? AssetSelection.all()).resolveCheckIndices(AssetGraph.of(location.defs), resolveOptions),
      runConfig: runConfig ?? job.definition.config,
      verbose: options.verbose ?? false,
      execute: (watch) =>
        job.executeInProcess({
          instance,
          ...(runConfig === undefined ? {} : { runConfig }),
          ...(tags ? { tags } : {}),
          codeLocation: location.modulePath,
          ...(options.partition === undefined ? {} : { partitionKey: options.partition }),
          ...watch,
          raiseOnError: false,
        }),
    });
  });
}
