// The `tessera` command line: builds the commands and turns every outcome into an exit code.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tesseraFiles } from "../core/import-module.js";
import { Command, CommanderError } from "commander";
import { Cli, type CliStreams } from "./cli.js";
import { COMMAND_DESCRIPTIONS } from "./command-descriptions.js";
import { COMMANDS, requestedCommand } from "./command-table.js";
import { reportError } from "./report-error.js";

export { useCommandHeapSettings } from "./heap.js";

const VERSION = (JSON.parse(readFileSync(join(tesseraFiles().dir, "..", "package.json"), "utf8")) as { version: string }).version;

const EXAMPLES = `
Examples:
  $ tessera materialize -m examples/quickstart/defs.ts
  $ tessera asset list -m examples/quickstart/defs.ts
  $ tessera job list -m examples/quickstart/defs.ts
  $ tessera run list --status FAILURE
  $ tessera run show <run id>
  $ tessera --home /tmp/tessera instance info

The instance lives in --home, else $TESSERA_HOME, else ./.tessera.`;

/**
 * The program, with the command `argv` runs defined in full and every other one only named (for the help); actions
 * print through `cli` and set `cli.exitCode`. Without `argv`, every command is defined in full.
 */
export async function buildProgram(cli: Cli, argv?: readonly string[]): Promise<Command> {
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
  const requested = argv === undefined ? undefined : requestedCommand(argv, ["--home"]);
  for (const entry of COMMANDS) {
    if (argv === undefined || (requested !== undefined && (entry.names as readonly string[]).includes(requested))) {
      (await entry.load())(program, cli);
    } else {
      for (const name of entry.names) program.command(name).description(COMMAND_DESCRIPTIONS[name]);
    }
  }
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
  const program = await buildProgram(cli, argv);
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
