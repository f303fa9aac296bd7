// Runs a materialization or a job with live progress, Ctrl-C cancellation and the closing summary.
import type { Command } from "commander";
import type { EventRecord } from "../core/index.js";
import type { ExecuteResult } from "../execution/index.js";
import type { AssetGraph } from "../graph/index.js";
import { ExecutionPlan } from "../plan/index.js";
import { tesseraCommand, type Cli } from "./cli.js";
import { Progress } from "./progress.js";
import { printRunSummary } from "./run-summary.js";

export interface ExecuteWithProgressOptions {
  graph: AssetGraph;
  nodes: readonly number[];
  /** Indices into the graph's checks that the run evaluates. */
  checks: readonly number[];
  runConfig: unknown;
  verbose: boolean;
  /** Starts the run with the progress listener and the cancellation signal. */
  execute: (watch: { onEvent: (event: EventRecord) => void; signal: AbortSignal }) => Promise<ExecuteResult>;
}

/** Resolves to the exit code: 0 when the run succeeded. */
export async function executeWithProgress(cli: Cli, command: Command, options: ExecuteWithProgressOptions): Promise<number> {
  // Planning here validates the selection and the config before the run starts, and names the steps for the progress display.
  const plan = ExecutionPlan.build(options.graph, options.nodes, options.runConfig ?? {}, options.checks);
  const progress = new Progress({
    stream: cli.streams.stdout,
    live: cli.interactive,
    style: cli.style,
    steps: plan.steps.map((s) => s.key),
    verbose: options.verbose,
  });
  // The first Ctrl-C cancels the run (running steps finish, it is recorded CANCELED); a second one quits at once.
  const cancel = new AbortController();
  const onInterrupt = (): void => {
    if (cancel.signal.aborted) process.exit(130);
    cli.streams.stderr.write("\nCanceling the run: waiting for running steps to finish (Ctrl-C again to quit at once)…\n");
    cancel.abort();
  };
  process.on("SIGINT", onInterrupt);
  let result: ExecuteResult;
  try {
    result = await options.execute({ onEvent: progress.onEvent, signal: cancel.signal });
  } finally {
    process.off("SIGINT", onInterrupt);
    progress.stop();
  }
  printRunSummary(cli, result, { planned: plan.nodes.length, command: tesseraCommand(command) });
  return result.success ? 0 : 1;
}
