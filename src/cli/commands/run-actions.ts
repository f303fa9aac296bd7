// `tessera run cancel` and `tessera run reexecute`: stop a run, or run again what it did not finish.
import type { Command } from "commander";
import { reexecuteRun, reexecutionTargets } from "../../execution/index.js";
import { AssetGraph } from "../../graph/index.js";
import type { Cli } from "../cli.js";
import { CliUsageError } from "../errors.js";
import { executeWithProgress } from "../execute-with-progress.js";
import { codeLocationPaths, loadCodeLocation } from "../load-code-location.js";
import { resolveRunId } from "../resolve-id.js";

export const CANCEL_EXAMPLES = `
Examples:
  $ tessera run cancel 7bd0ff66-f697-4b81-9c1a-2f0e0d1c3a4b

A running run finishes the steps it is running and starts no new one; it ends CANCELED.`;

export const REEXECUTE_EXAMPLES = `
Examples:
  $ tessera run reexecute <run id> -m examples/quickstart/defs.ts --from-failure
  $ tessera run reexecute <run id> -m examples/quickstart/defs.ts

--from-failure runs only the steps that failed, were skipped or never ran; the others' values are loaded.`;

export async function cancelRunCommand(cli: Cli, command: Command, runIdOrPrefix: string): Promise<void> {
  await cli.withInstance(command, async (instance) => {
    const runId = await resolveRunId(instance, runIdOrPrefix);
    const run = await instance.cancelRun(runId);
    cli.print(run.status === "CANCELED" ? `Run ${runId} is canceled.` : `Run ${runId} is canceling: it stops starting steps and ends CANCELED.`);
  });
}

export async function reexecuteCommand(cli: Cli, command: Command, runIdOrPrefix: string, options: { module?: string; fromFailure?: boolean; verbose?: boolean }): Promise<number> {
  return cli.withInstance(command, async (instance) => {
    const runId = await resolveRunId(instance, runIdOrPrefix);
    const paths = codeLocationPaths(options.module, instance.settings, true);
    if (paths.length > 1) throw new CliUsageError(`tessera.yaml lists ${paths.length} code locations; pick the run's with -m <file>.`);
    const location = await loadCodeLocation(paths[0] as string, cli.cwd);
    const fromFailure = options.fromFailure ?? false;
    const { parent, nodes, checks } = await reexecutionTargets(location.defs, runId, instance, fromFailure);
    return executeWithProgress(cli, command, {
      graph: AssetGraph.of(location.defs),
      nodes,
      checks,
      runConfig: parent.runConfig,
      verbose: options.verbose ?? false,
      execute: (watch) => reexecuteRun(location.defs, runId, { instance, fromFailure, ...watch, raiseOnError: false }),
    });
  });
}
