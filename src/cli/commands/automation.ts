// `tessera schedule list/preview/start/stop` and `tessera sensor list/preview/start/stop`: a code location's schedules and sensors.
import type { Command } from "commander";
import { commandDescription } from "../command-descriptions.js";
import { closestMatches } from "../../core/index.js";
import type { Definitions } from "../../code-location/index.js";
import type { ScheduleDefinition, SensorDefinition, TickEvaluation } from "../../definitions/index.js";
import { setInstigatorStatus, summarizeInstigators, type InstigatorSummary } from "../../automation/daemon/index.js";
import { automationConditionSensorsOf } from "../../automation/index.js";
import type { Instance } from "../../instance/index.js";
import { describeTick } from "./daemon.js";
import type { Cli } from "../cli.js";
import { CliUsageError } from "../errors.js";
import { formatTime, renderTable } from "../format.js";
import { codeLocationPaths, loadCodeLocation } from "../load-code-location.js";
import { instigatorJson, printJson } from "../json-output.js";

const SCHEDULE_EXAMPLES = `
Examples:
  $ tessera schedule list -m defs.ts
  $ tessera schedule list -m defs.ts --json
  $ tessera schedule preview nightly_finance -m defs.ts --at 2026-11-24T06:00:00Z
  $ tessera schedule start nightly_finance -m defs.ts
  $ tessera schedule stop nightly_finance -m defs.ts

preview evaluates the schedule for one tick (the next one, or --at) and prints the runs it would request;
nothing is launched. start and stop store the status the daemon (\`tessera daemon\`) follows; a started
schedule ticks at its next cron tick, never for ticks from before it was started.`;

const SENSOR_EXAMPLES = `
Examples:
  $ tessera sensor list -m defs.ts
  $ tessera sensor list -m defs.ts --json
  $ tessera sensor preview new_exports -m defs.ts --cursor 1200
  $ tessera sensor start new_exports -m defs.ts
  $ tessera sensor stop new_exports -m defs.ts

preview evaluates the sensor once against the instance and prints the runs it would request and its new
cursor; nothing is launched and no cursor is stored. start and stop store the status the daemon
(\`tessera daemon\`) follows; a stopped sensor keeps its cursor.`;

export function registerAutomationCommands(program: Command, cli: Cli): void {
  const schedules = program.command("schedule").description(commandDescription("schedule"));
  schedules
    .command("list")
    .description("List schedules with their cron, timezone, target and next ticks")
    .option("-m, --module <file>", "code location module (default: locations in tessera.yaml)")
    .option("--json", "print the schedules as one JSON array (see docs/cli-json.md)")
    .addHelpText("after", SCHEDULE_EXAMPLES)
    .action(async (options: { module?: string; json?: boolean }, command: Command) => {
      await cli.withInstance(command, async (instance) => {
        const defs = await definitionsOf(cli, options.module, instance.settings);
        if (options.json) {
          const now = instance.clock.now();
          const summaries = byName(await summarizeInstigators(instance, defs, "schedule"));
          const schedules = defs.schedules.flatMap((s) => {
            const summary = summaries.get(s.name);
            return summary ? [instigatorJson(summary, s, now)] : [];
          });
          return printJson(cli, schedules);
        }
        if (defs.schedules.length === 0) return cli.print("No schedules. Define one with new ScheduleDefinition({ name, cronSchedule, target }) and pass it in Definitions schedules.");
        const now = instance.clock.now();
        const summaries = byName(await summarizeInstigators(instance, defs, "schedule"));
        const rows = defs.schedules.map((s) => [
          s.name,
          [s.cronSchedule].flat().join(" | "),
          s.executionTimezone,
          s.jobName,
          statusOf(summaries.get(s.name)),
          s.nextTicks(now, 1).map((t) => formatTime(t.getTime())).join(""),
          lastTickOf(summaries.get(s.name)),
        ]);
        for (const line of renderTable(["SCHEDULE", "CRON", "TIMEZONE", "JOB", "STATUS", "NEXT TICK", "LAST TICK"], rows)) cli.print(line);
      });
    });
  schedules
    .command("preview")
    .description("Evaluate a schedule for one tick and print the runs it would request")
    .argument("<name>", "the schedule's name")
    .option("-m, --module <file>", "code location module (default: locations in tessera.yaml)")
    .option("--at <time>", "the tick to evaluate, as an ISO time (default: the next tick)")
    .addHelpText("after", SCHEDULE_EXAMPLES)
    .action(async (name: string, options: { module?: string; at?: string }, command: Command) => {
      await cli.withInstance(command, async (instance) => {
        const defs = await definitionsOf(cli, options.module, instance.settings);
        const found = pick(defs.schedules, name, "schedule");
        const at = options.at === undefined ? found.nextTicks(instance.clock.now(), 1)[0] : new Date(options.at);
        if (!at || Number.isNaN(at.getTime())) throw new CliUsageError(`--at must be an ISO time such as 2026-11-24T06:00:00Z, got "${options.at}".`);
        if (options.at !== undefined) refuseNonTick(found, at);
        cli.print(`Schedule ${found.name}, tick ${at.toISOString()}:`);
        printEvaluation(cli, await found.evaluateTick({ scheduledExecutionTime: at, instance, definitions: defs }));
      });
    });

  const sensors = program.command("sensor").description(commandDescription("sensor"));
  sensors
    .command("list")
    .description("List sensors with their target and minimum interval")
    .option("-m, --module <file>", "code location module (default: locations in tessera.yaml)")
    .option("--json", "print the sensors as one JSON array (see docs/cli-json.md)")
    .addHelpText("after", SENSOR_EXAMPLES)
    .action(async (options: { module?: string; json?: boolean }, command: Command) => {
      await cli.withInstance(command, async (instance) => {
        const defs = await definitionsOf(cli, options.module, instance.settings);
        const summaries = await summarizeInstigators(instance, defs, "sensor");
        if (options.json) return printJson(cli, summaries.map((s) => instigatorJson(s, defs.sensors.find((d) => d.name === s.name), instance.clock.now())));
        if (summaries.length === 0) return cli.print("No sensors. Define one with sensor({ name, target }, fn) and pass it in Definitions sensors.");
        const intervals = new Map(defs.sensors.map((s) => [s.name, s.minimumIntervalSeconds]));
        const rows = summaries.map((s) => [s.name, `${intervals.get(s.name) ?? 30}s`, statusOf(s), lastTickOf(s), defs.sensors.find((d) => d.name === s.name)?.description ?? ""]);
        for (const line of renderTable(["SENSOR", "INTERVAL", "STATUS", "LAST TICK", "DESCRIPTION"], rows)) cli.print(line);
      });
    });
  sensors
    .command("preview")
    .description("Evaluate a sensor once and print the runs it would request and its new cursor")
    .argument("<name>", "the sensor's name")
    .option("-m, --module <file>", "code location module (default: locations in tessera.yaml)")
    .option("--cursor <cursor>", "the cursor to evaluate from (default: none)")
    .addHelpText("after", SENSOR_EXAMPLES)
    .action(async (name: string, options: { module?: string; cursor?: string }, command: Command) => {
      await cli.withInstance(command, async (instance) => {
        const defs = await definitionsOf(cli, options.module, instance.settings);
        // The daemon also runs default_automation_condition_sensor, which `sensor list` shows: preview it the same way.
        const declared = new Set(defs.sensors.map((s) => s.name));
        const found = pick([...defs.sensors, ...automationConditionSensorsOf(defs).filter((s) => !declared.has(s.name))], name, "sensor");
        cli.print(`Sensor ${found.name}:`);
        const evaluation = await found.evaluateTick({ instance, definitions: defs, ...(options.cursor === undefined ? {} : { cursor: options.cursor }) });
        printEvaluation(cli, evaluation);
        if (evaluation.cursor !== undefined) cli.print(`  cursor: ${evaluation.cursor}`);
      });
    });

  for (const [kind, parent] of [["schedule", schedules], ["sensor", sensors]] as const) {
    for (const status of ["RUNNING", "STOPPED"] as const) {
      const verb = status === "RUNNING" ? "start" : "stop";
      parent
        .command(verb)
        .description(status === "RUNNING" ? `Mark a ${kind} RUNNING: the daemon ticks it from now on` : `Mark a ${kind} STOPPED: the daemon no longer ticks it`)
        .argument("<name>", `the ${kind}'s name`)
        .option("-m, --module <file>", "code location module (default: locations in tessera.yaml)")
        .addHelpText("after", kind === "schedule" ? SCHEDULE_EXAMPLES : SENSOR_EXAMPLES)
        .action(async (name: string, options: { module?: string }, command: Command) => {
          await cli.withInstance(command, async (instance) => {
            const defs = await definitionsOf(cli, options.module, instance.settings);
            const previous = await instance.storage.getInstigatorState(name);
            await setInstigatorStatus(instance, defs, kind, name, status);
            const was = previous ? previous.status : "default";
            cli.print(`${kind === "schedule" ? "Schedule" : "Sensor"} ${name}: ${status}${was === status ? " (already)" : ""}`);
            if (status === "RUNNING") await hintDaemon(cli, instance);
          });
        });
    }
  }
}

function byName(items: readonly InstigatorSummary[]): Map<string, InstigatorSummary> {
  return new Map(items.map((i) => [i.name, i]));
}

function statusOf(summary: InstigatorSummary | undefined): string {
  if (!summary) return "-";
  return summary.stored ? summary.status : `${summary.status} (default)`;
}

function lastTickOf(summary: InstigatorSummary | undefined): string {
  return summary?.lastTick ? `${formatTime(summary.lastTick.timestamp)} ${describeTick(summary.lastTick)}` : "-";
}

async function hintDaemon(cli: Cli, instance: Instance): Promise<void> {
  const lease = await instance.storage.getLease("daemon");
  if (!lease || lease.expiresAt <= instance.clock.now()) cli.print("No daemon is running on this instance: start one with `tessera daemon -m <file>`.");
}

async function definitionsOf(cli: Cli, module: string | undefined, settings: Parameters<typeof codeLocationPaths>[1]): Promise<Definitions> {
  const paths = codeLocationPaths(module, settings, true);
  if (paths.length > 1) throw new CliUsageError(`tessera.yaml lists ${paths.length} code locations; pick one with -m <file>.`);
  return (await loadCodeLocation(paths[0] as string, cli.cwd)).defs;
}

function pick<T extends ScheduleDefinition | SensorDefinition>(items: readonly T[], name: string, what: string): T {
  const found = items.find((i) => i.name === name);
  if (found) return found;
  const near = closestMatches(name, items.map((i) => i.name));
  throw new CliUsageError(
    `No ${what} named "${name}".${near.length ? ` Did you mean ${near.map((n) => `"${n}"`).join(" or ")}?` : ""} ${what === "schedule" ? "Schedules" : "Sensors"}: ${items.map((i) => i.name).join(", ") || "none"}.`,
  );
}

function printEvaluation(cli: Cli, evaluation: TickEvaluation): void {
  if (evaluation.runRequests.length === 0) cli.print(`  skipped: ${evaluation.skipMessage ?? "no run requested"}`);
  for (const request of evaluation.runRequests) {
    const parts = [`job ${request.jobName ?? "-"}`];
    if (request.partitionKey !== undefined) parts.push(`partition ${request.partitionKey}`);
    if (request.runKey !== undefined) parts.push(`run key ${request.runKey}`);
    if (request.assetSelection?.length) parts.push(`assets ${request.assetSelection.map(String).join(", ")}`);
    cli.print(`  run: ${parts.join(", ")}`);
  }
  for (const request of evaluation.dynamicPartitionsRequests) cli.print(`  partitions: ${JSON.stringify(request)}`);
}

/** A schedule only ever runs at its ticks: evaluating it at another time would preview a run that never happens. */
function refuseNonTick(schedule: ScheduleDefinition, at: Date): void {
  const [tick] = schedule.nextTicks(at.getTime() - 1, 1);
  if (tick && tick.getTime() === at.getTime()) return;
  // The tick before `at`: step back by growing windows until one holds a tick (a yearly cron needs a year).
  let previous: Date | undefined;
  for (let span = 3_600_000; span <= 4 * 366 * 86_400_000 && previous === undefined; span *= 4) {
    const ticks = schedule.nextTicks(at.getTime() - span, 10_000).filter((t) => t.getTime() < at.getTime());
    previous = ticks[ticks.length - 1];
  }
  throw new CliUsageError(
    `--at ${at.toISOString()} is not a tick of schedule ${schedule.name} (${schedule.cronSchedule}${schedule.executionTimezone ? ` in ${schedule.executionTimezone}` : ""}): ` +
      `the previous tick is ${previous ? previous.toISOString() : "none"} and the next is ${tick ? tick.toISOString() : "none"}. Pass one of them.`,
  );
}
