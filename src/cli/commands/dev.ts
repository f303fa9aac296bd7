// `tessera dev`: the GraphQL API, the daemon and every code location (each in its own process) in one command.
import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { commandDescription } from "../command-descriptions.js";
import { CodeLocationNotFoundError } from "../../core/index.js";
import type { GraphQLContextSource, DevGraphQLHandler } from "../../api/server/index.js";
import type { Cli } from "../cli.js";
import { CliUsageError } from "../errors.js";
import { displayPath, formatTime } from "../format.js";
import { codeLocationPaths } from "../load-code-location.js";

const EXAMPLES = `
Examples:
  $ tessera dev                          # the code locations of tessera.yaml
  $ tessera dev -m src/defs.ts -m other/defs.ts
  $ tessera dev --port 0                 # any free port (printed)
  $ tessera dev --host 0.0.0.0 --read-only

Serves the GraphQL API (GraphiQL in a browser) at http://127.0.0.1:3000/graphql and runs the daemon
(schedules, sensors, automation, backfills, run queue, run monitoring) on the project's instance. Each code
location loads in its own process: one that fails to load shows its error and the others keep working;
editing a file under a location's folder reloads it. Every run executes in a process of its own.
Ctrl-C stops everything (runs still executing are stopped and recorded as failed).`;

interface DevOptions {
  module?: string[];
  port: string;
  host: string;
  readOnly?: boolean;
  daemon: boolean;
  watch: boolean;
  interval: string;
}

/**
 * The `tessera dev` command serving the GraphQL handler `graphql` builds: the command table passes the API's
 * (`api/` composes the schema; this command only starts processes and the server around it).
 */
export function devCommand(graphql: (source: GraphQLContextSource) => DevGraphQLHandler): (program: Command, cli: Cli) => void {
  return (program, cli) => registerDevCommand(program, cli, graphql);
}

function registerDevCommand(program: Command, cli: Cli, graphql: (source: GraphQLContextSource) => DevGraphQLHandler): void {
  program
    .command("dev")
    .description(commandDescription("dev"))
    .option("-m, --module <file>", "a code location module; repeat for several (default: locations in tessera.yaml)", (value: string, previous: string[] = []) => [...previous, value])
    .option("--port <port>", "port to listen on (0: any free port)", "3000")
    .option("--host <host>", "address to bind; anything but 127.0.0.1/localhost exposes the API to the network", "127.0.0.1")
    .option("--read-only", "refuse every mutation (launching runs, wiping assets, starting schedules, ...)")
    .option("--no-daemon", "do not run schedules, sensors, automation, backfills nor the run queue")
    .option("--no-watch", "do not reload a code location when its files change")
    .option("--interval <seconds>", "seconds between two iterations of the daemon (and the run queue)", "5")
    .addHelpText("after", EXAMPLES)
    .action(async (options: DevOptions, command: Command) => {
      cli.exitCode = await runDev(cli, command, options, graphql);
    });
}

function portOf(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliUsageError(`--port takes a port number from 0 to 65535 (0: any free port), got "${text}".`);
  return port;
}

async function runDev(cli: Cli, command: Command, options: DevOptions, graphql: (source: GraphQLContextSource) => DevGraphQLHandler): Promise<number> {
  const port = portOf(options.port);
  const intervalSeconds = Number(options.interval);
  if (!Number.isFinite(intervalSeconds) || intervalSeconds <= 0) throw new CliUsageError(`--interval takes a positive number of seconds, got "${options.interval}".`);
  const { startDevServer, isLoopbackHost } = await import("../../api/server/index.js");
  return cli.withInstance(command, async (instance) => {
    const locations = codeLocationPaths(options.module, instance.settings, true).map((path) => {
      const module = resolve(cli.cwd, path);
      if (!isFile(module)) {
        throw new CodeLocationNotFoundError(module, `Code location module ${displayPath(module, cli.cwd)} does not exist (looked for ${module}). Check the path given with -m/--module or in tessera.yaml.`);
      }
      return { name: displayPath(module, cli.cwd), module };
    });
    cli.print(`Starting ${locations.length === 1 ? "1 code location" : `${locations.length} code locations`} on ${instance.storage.location}`);
    const started = performance.now();
    const log = (level: "info" | "warn" | "error", message: string, location?: string): void => {
      const line = `${formatTime(instance.clock.now())}  ${location ? `${location}: ` : ""}${message}`;
      if (level === "error") cli.printError(cli.errStyle.red(line));
      else cli.print(level === "warn" ? cli.style.yellow(line) : line);
    };
    const server = await startDevServer({
      instance,
      locations,
      host: options.host,
      port,
      readOnly: options.readOnly === true,
      daemon: options.daemon ? { intervalMs: intervalSeconds * 1000 } : false,
      watch: options.watch,
      graphql,
      log,
    });
    // Signals are handled before the URL is printed: whoever reads that line may send SIGINT at once.
    const stopped = new Promise<void>((done) => {
      let stopping = false;
      const stop = (signal: NodeJS.Signals): void => {
        if (stopping) {
          // A second Ctrl-C: the user will not wait for processes to stop.
          cli.printError(`${signal} again: exiting now`);
          process.exit(130);
        }
        stopping = true;
        cli.print(`${signal}: stopping the code locations, the daemon and the runs still executing`);
        void server.close().then(() => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          done();
        });
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    const failed = server.workspace.locations().filter((l) => l.status === "FAILED");
    if (!isLoopbackHost(options.host)) {
      cli.printError(cli.errStyle.bold(cli.errStyle.red(`WARNING: listening on ${options.host}, not 127.0.0.1: anyone who reaches this machine on port ${server.port} can read every run and asset${options.readOnly ? "" : ", launch runs and wipe assets (add --read-only to refuse mutations)"}.`)));
    }
    cli.print(
      `Ready in ${Math.round(performance.now() - started)} ms: ${locations.length - failed.length} of ${locations.length} code location(s) loaded${options.daemon ? `, daemon every ${intervalSeconds} s` : ", no daemon"}${options.readOnly ? ", read-only" : ""}`,
    );
    cli.print(`Web UI: ${server.url}/`);
    cli.print(`GraphQL API: ${server.url}/graphql`);
    cli.print(`Listening on port ${server.port}. Press Ctrl-C to stop.`);
    await stopped;
    cli.print("tessera dev stopped; daemon lease released, port freed");
    return 0;
  });
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
