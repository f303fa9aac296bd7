// The `tessera` command line: builds the commands and turns every outcome into an exit code.
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { Cli, type CliStreams } from "./cli.js";
import { registerAssetCommands } from "./commands/asset.js";
import { registerAutomationCommands } from "./commands/automation.js";
import { registerAutomationExplainCommand } from "./commands/automation-explain.js";
import { registerBackfillCommands } from "./commands/backfill.js";
import { registerDaemonCommand } from "./commands/daemon.js";
import { registerInstanceCommands } from "./commands/instance.js";
import { registerJobCommands } from "./commands/job.js";
import { registerPartitionsCommands } from "./commands/partitions.js";
import { registerMaterializeCommand } from "./commands/materialize.js";
import { registerRunCommands } from "./commands/run.js";
import { registerWorkerCommand } from "./commands/worker.js";
import { reportError } from "./report-error.js";

const VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

const EXAMPLES = `
Examples:
  $ tessera materialize -m examples/quickstart/defs.ts
  $ tessera asset list -m examples/quickstart/defs.ts
  $ tessera job list -m examples/quickstart/defs.ts
  $ tessera run list --status FAILURE
  $ tessera run show <run id>
  $ tessera --home /tmp/tessera instance info

The instance lives in --home, else $TESSERA_HOME, else ./.tessera.`;

/** The program with every command; actions print through `cli` and set `cli.exitCode`. */
export function buildProgram(cli: Cli): Command {
  const program = new Command("tessera")
    .description("Software-defined assets for TypeScript: materialize assets, inspect runs and the asset catalog")
    .version(VERSION, "-V, --version", "print the version")
    .option("--home <dir>", "the Tessera home: instance database and settings (default: $TESSERA_HOME or ./.tessera)")
    .showHelpAfterError("(add --help for usage)")
    .addHelpText("after", EXAMPLES);
  program.configureOutput({
    writeOut: (text) => cli.streams.stdout.write(text),
    writeErr: (text) => cli.streams.stderr.write(text),
  });
  registerMaterializeCommand(program, cli);
  registerAssetCommands(program, cli);
  registerJobCommands(program, cli);
  registerPartitionsCommands(program, cli);
  registerBackfillCommands(program, cli);
  registerAutomationCommands(program, cli);
  registerAutomationExplainCommand(program, cli);
  registerDaemonCommand(program, cli);
  registerRunCommands(program, cli);
  registerWorkerCommand(program, cli);
  registerInstanceCommands(program, cli);
  // Every command reports usage errors the same way and never exits the process itself.
  const configure = (command: Command): void => {
    command.exitOverride();
    command.showHelpAfterError("(add --help for usage)");
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** Runs `tessera` with `argv` (as process.argv: node, script, args...); resolves to the exit code. */
export async function main(argv: readonly string[], streams: CliStreams = process): Promise<number> {
  const cli = new Cli(streams);
  const program = buildProgram(cli);
  try {
    await program.parseAsync([...argv]);
    return cli.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message (or the help) already; --help exits 0, a usage error 1.
      return error.exitCode;
    }
    return reportError(cli, error);
  }
}
