// Every top-level command, with the module that defines it. Only the command being run is imported, so that
// `tessera --help` and a command's start load only what that command needs.
import type { Command } from "commander";
import type { Cli } from "./cli.js";

type Register = (program: Command, cli: Cli) => void;

export interface CommandEntry {
  /** The top-level commands the module registers. */
  readonly names: readonly string[];
  /** What `tessera --help` lists for each name, when the module is not loaded. */
  readonly descriptions: Readonly<Record<string, string>>;
  readonly load: () => Promise<Register>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    names: ["materialize"],
    descriptions: { materialize: "Materialize assets of a code location and record the run in the instance" },
    load: async () => (await import("./commands/materialize.js")).registerMaterializeCommand,
  },
  {
    names: ["asset"],
    descriptions: { asset: "Inspect and manage the assets of the instance" },
    load: async () => (await import("./commands/asset.js")).registerAssetCommands,
  },
  {
    names: ["job"],
    descriptions: { job: "List and run the asset jobs of a code location" },
    load: async () => (await import("./commands/job.js")).registerJobCommands,
  },
  {
    names: ["partitions"],
    descriptions: { partitions: "Manage the keys of dynamic partitions" },
    load: async () => (await import("./commands/partitions.js")).registerPartitionsCommands,
  },
  {
    names: ["backfill"],
    descriptions: { backfill: "Materialize many partitions of assets, run by run" },
    load: async () => (await import("./commands/backfill.js")).registerBackfillCommands,
  },
  {
    names: ["schedule", "sensor"],
    descriptions: {
      schedule: "Inspect, start and stop the schedules of a code location",
      sensor: "Inspect, start and stop the sensors of a code location",
    },
    load: async () => (await import("./commands/automation.js")).registerAutomationCommands,
  },
  {
    names: ["automation"],
    descriptions: { automation: "Inspect declarative automation" },
    load: async () => (await import("./commands/automation-explain.js")).registerAutomationExplainCommand,
  },
  {
    names: ["daemon"],
    descriptions: { daemon: "Run schedules, sensors and automation of a code location until stopped (Ctrl-C)" },
    load: async () => (await import("./commands/daemon.js")).registerDaemonCommand,
  },
  {
    names: ["run"],
    descriptions: { run: "Inspect, cancel and re-execute the runs recorded in the instance" },
    load: async () => (await import("./commands/run.js")).registerRunCommands,
  },
  {
    names: ["worker"],
    descriptions: { worker: "Execute queued runs of a code location, on an instance on PostgreSQL" },
    load: async () => (await import("./commands/worker.js")).registerWorkerCommand,
  },
  {
    names: ["instance"],
    descriptions: { instance: "Inspect and upgrade the instance (the database of runs and events)" },
    load: async () => (await import("./commands/instance.js")).registerInstanceCommands,
  },
  {
    names: ["init"],
    descriptions: { init: "Create a new project: assets, a check, a test and tessera.yaml, ready for npm install" },
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

/** The description of the top-level command `name`, as `tessera --help` lists it. */
export function commandDescription(name: string): string {
  for (const entry of COMMANDS) {
    const description = entry.descriptions[name];
    if (description !== undefined) return description;
  }
  throw new Error(`No top-level command "${name}" in the command table`);
}
