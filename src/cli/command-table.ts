// Every top-level command, with the module that defines it. Only the command being run is imported, so that
// `tessera --help` and a command's start load only what that command needs.
import type { Command } from "commander";
import type { Cli } from "./cli.js";
import { COMMAND_DESCRIPTIONS } from "./command-descriptions.js";

type Register = (program: Command, cli: Cli) => void;

export interface CommandEntry {
  /** The top-level commands the module registers. */
  readonly names: readonly (keyof typeof COMMAND_DESCRIPTIONS)[];
  readonly load: () => Promise<Register>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    names: ["dev"],
    load: async () => {
      const { createGraphQLHandler } = await withGraphQLProductionMode(() => import("../api/index.js"));
      return (await import("./commands/dev.js")).devCommand(createGraphQLHandler);
    },
  },
  {
    names: ["materialize"],
    load: async () => (await import("./commands/materialize.js")).registerMaterializeCommand,
  },
  {
    names: ["asset"],
    load: async () => (await import("./commands/asset.js")).registerAssetCommands,
  },
  {
    names: ["job"],
    load: async () => (await import("./commands/job.js")).registerJobCommands,
  },
  {
    names: ["partitions"],
    load: async () => (await import("./commands/partitions.js")).registerPartitionsCommands,
  },
  {
    names: ["backfill"],
    load: async () => (await import("./commands/backfill.js")).registerBackfillCommands,
  },
  {
    names: ["schedule", "sensor"],
    load: async () => (await import("./commands/automation.js")).registerAutomationCommands,
  },
  {
    names: ["automation"],
    load: async () => (await import("./commands/automation-explain.js")).registerAutomationExplainCommand,
  },
  {
    names: ["daemon"],
    load: async () => (await import("./commands/daemon.js")).registerDaemonCommand,
  },
  {
    names: ["run"],
    load: async () => (await import("./commands/run.js")).registerRunCommands,
  },
  {
    names: ["worker"],
    load: async () => (await import("./commands/worker.js")).registerWorkerCommand,
  },
  {
    names: ["instance"],
    load: async () => (await import("./commands/instance.js")).registerInstanceCommands,
  },
  {
    names: ["init"],
    load: async () => (await import("./commands/init.js")).registerInitCommand,
  },
];

/**
 * The top-level command `argv` (as process.argv) runs: its first word that is not an option (or option value), or
 * the command after `help`. Undefined for `tessera`, `tessera --help` and `tessera --version`.
 */
export function requestedCommand(argv: readonly string[], optionsWithValues: readonly string[]): string | undefined {
  const args = argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (optionsWithValues.includes(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith("-")) continue;
    if (arg === "help") return args.slice(i + 1).find((a) => !a.startsWith("-"));
    return arg;
  }
  return undefined;
}

/**
 * Loads the API with graphql-js's development-only checks off: graphql reads NODE_ENV once, as it loads, and those
 * checks took ~30% of the CPU of a 10,000-asset query (BENCHMARKS.md). The dev server runs no user code (locations and
 * runs have processes of their own), and NODE_ENV is unset again before any is started, so users' code sees the
 * environment it was given. A NODE_ENV the user set is left as it is.
 */
async function withGraphQLProductionMode<T>(load: () => Promise<T>): Promise<T> {
  if (process.env["NODE_ENV"] !== undefined) return load();
  process.env["NODE_ENV"] = "production";
  try {
    return await load();
  } finally {
    delete process.env["NODE_ENV"];
  }
}
