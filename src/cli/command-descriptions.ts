// What `tessera --help` says of each top-level command, in one place for the command table and the commands.

export const COMMAND_DESCRIPTIONS = Object.freeze({
  dev: "Serve the GraphQL API and run the daemon over the project's code locations, each in its own process",
  materialize: "Materialize assets of a code location and record the run in the instance",
  asset: "Inspect and manage the assets of the instance",
  job: "List and run the asset jobs of a code location",
  partitions: "Manage the keys of dynamic partitions",
  backfill: "Materialize many partitions of assets, run by run",
  schedule: "Inspect, start and stop the schedules of a code location",
  sensor: "Inspect, start and stop the sensors of a code location",
  automation: "Inspect declarative automation",
  daemon: "Run schedules, sensors and automation of a code location until stopped (Ctrl-C)",
  run: "Inspect, cancel and re-execute the runs recorded in the instance",
  worker: "Execute queued runs of a code location, on an instance on PostgreSQL",
  instance: "Inspect and upgrade the instance (the database of runs and events)",
  init: "Create a new project: assets, a check, a test and tessera.yaml, ready for npm install",
});

/** The description of the top-level command `name`, as `tessera --help` lists it. */
export function commandDescription(name: keyof typeof COMMAND_DESCRIPTIONS): string {
  return COMMAND_DESCRIPTIONS[name];
}
