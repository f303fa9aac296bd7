// `tessera daemon` runs schedules, sensors and automation for a code location; `tessera daemon status` shows who runs them and how they did.
import type { Command } from "commander";
import { commandDescription } from "../command-descriptions.js";
import { DAEMON_LEASE, DEFAULT_DAEMON_LEASE_TTL_MS, Daemon, summarizeInstigators, type DaemonLogger, type InstigatorSummary } from "../../automation/daemon/index.js";
import type { Definitions } from "../../code-location/index.js";
import type { Instance } from "../../instance/index.js";
import type { LeaseRecord, TickRecord } from "../../storage/index.js";
import type { Cli } from "../cli.js";
import { CliUsageError } from "../errors.js";
import { firstLine, formatDuration, formatTime, plural, renderTable, truncate } from "../format.js";
import { codeLocationPaths, loadCodeLocation, type CodeLocation } from "../load-code-location.js";
import { QueuedRunCoordinator, runQueueLauncherFor, type DequeueResult } from "../../execution/index.js";
import { instigatorJson, isoTime, printJson, type DaemonLeaseJson, type DaemonStatusJson } from "../json-output.js";

const DAEMON_EXAMPLES = `
Examples:
  $ tessera daemon -m defs.ts
  $ tessera daemon -m defs.ts --interval 10
  $ tessera daemon -m defs.ts --once
  $ tessera daemon status

The daemon ticks every RUNNING schedule (start one with \`tessera schedule start <name>\`), every RUNNING
sensor, and the RUNNING automation condition sensors (default_automation_condition_sensor starts stopped:
\`tessera sensor start default_automation_condition_sensor\`), and queues their runs; it launches them, and
the runs queued with \`tessera materialize --queue\`, within tessera.yaml's runQueue limits. One daemon runs
per instance: a second one waits, saying who holds the lease, and takes over when that one stops. It also runs
the backfills queued with \`tessera backfill launch --queue\`, and resumes those whose process died.
Ctrl-C stops it after the runs it launched have ended.`;

const STATUS_EXAMPLES = `
Examples:
  $ tessera daemon status
  $ tessera daemon status -m defs.ts
  $ tessera daemon status --json

Shows the daemon holding the lease (host, pid, heartbeat age), when each loop last ran, and each schedule
and sensor with its status and last tick (those of the code location with -m or tessera.yaml, else those
the instance has state for).`;

export function registerDaemonCommand(program: Command, cli: Cli): void {
  const daemon = program
    .command("daemon")
    .description(commandDescription("daemon"))
    .option("-m, --module <file>", "code location module (default: locations in tessera.yaml)")
    .option("--interval <seconds>", "seconds between two iterations", "5")
    .option("--lease <seconds>", `seconds the lease lasts without renewal, renewed every third of it (another daemon takes over after) (default: ${DEFAULT_DAEMON_LEASE_TTL_MS / 1000}, or twice --interval when that is longer)`)
    .option("--once", "run one iteration, wait for its runs, and exit")
    .addHelpText("after", DAEMON_EXAMPLES)
    .action(async (options: { module?: string; interval: string; lease?: string; once?: boolean }, command: Command) => {
      const intervalMs = seconds(options.interval, "--interval");
      const leaseTtlMs = options.lease === undefined ? undefined : seconds(options.lease, "--lease");
      await cli.withInstance(command, async (instance) => {
        const location = await locationOf(cli, options.module, instance, true);
        if (!location) return;
        const defs = location.defs;
        const logger: DaemonLogger = {
          info: (m) => cli.print(`${formatTime(instance.clock.now())}  ${m}`),
          warn: (m) => cli.print(`${formatTime(instance.clock.now())}  ${cli.style.yellow(m)}`),
          error: (m) => cli.printError(`${formatTime(instance.clock.now())}  ${cli.errStyle.red(m)}`),
        };
        const runQueueLauncher = await runQueueLauncherFor({ defs, instance, module: location.modulePath });
        const runner = new Daemon({ instance, defs, intervalMs, ...(leaseTtlMs === undefined ? {} : { leaseTtlMs }), logger, runQueueLauncher });
        await printPlan(cli, instance, defs, runner);
        if (options.once) {
          try {
            const iteration = await runner.runIteration();
            if (!iteration.ran) cli.exitCode = 1;
          } finally {
            await runner.close();
          }
          return;
        }
        const controller = new AbortController();
        const stop = (): void => {
          if (controller.signal.aborted) return;
          cli.print(`stopping: waiting for ${plural(runner.runsInProgress, "run")} launched by this daemon`);
          controller.abort();
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
        try {
          await runner.run({ signal: controller.signal });
        } finally {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
        }
        cli.print("daemon stopped; lease released");
      });
    });

  daemon
    .command("status")
    .description("Show the daemon holding the lease, its loops, and each schedule and sensor with its last tick")
    .option("-m, --module <file>", "code location module (default: locations in tessera.yaml, if any)")
    .option("--json", "print the status as one JSON document (see docs/cli-json.md)")
    .addHelpText("after", STATUS_EXAMPLES)
    .action(async (options: { module?: string; json?: boolean }, command: Command) => {
      await cli.withInstance(command, async (instance) => {
        const now = instance.clock.now();
        const lease = await instance.storage.getLease(DAEMON_LEASE);
        // `-m` may land on `daemon` itself (it has the option too) when given after `status`.
        const module = options.module ?? command.optsWithGlobals<{ module?: string }>().module;
        const defs = await definitionsOf(cli, module, instance, false);
        const rows = defs ? [...(await summarizeInstigators(instance, defs, "schedule")), ...(await summarizeInstigators(instance, defs, "sensor"))] : await storedInstigators(instance);
        if (options.json) {
          const definitionOf = (name: string) => defs?.schedules.find((s) => s.name === name) ?? defs?.sensors.find((s) => s.name === name);
          const document: DaemonStatusJson = {
            now: isoTime(now) as string,
            daemon: leaseJson(now, lease),
            source: defs ? "codeLocation" : "instance",
            instigators: rows.map((r) => instigatorJson(r, definitionOf(r.name), now)),
            queue: await queueJson(instance, now, lease),
          };
          return printJson(cli, document);
        }
        printLease(cli, now, lease);
        cli.print();
        if (rows.length === 0) cli.print(defs ? "No schedules or sensors in the code location." : "No schedule or sensor has state in this instance (give -m <file> to list a code location's).");
        else for (const line of renderTable(["NAME", "TYPE", "STATUS", "LAST TICK", "RESULT"], rows.map(instigatorRow))) cli.print(line);
        const queue = await queueJson(instance, now, lease);
        if (queue.launchNext.length + queue.waiting.length === 0) return;
        cli.print();
        cli.print(`Run queue: ${plural(queue.launchNext.length + queue.waiting.length, "queued run")}`);
        for (const runId of queue.launchNext) cli.print(`  ${runId}  launches at the daemon's next iteration${lease && lease.expiresAt > now ? "" : ", once a daemon runs"}`);
        for (const { runId, reason } of queue.waiting) cli.print(`  ${runId}  waits: ${reason}`);
      });
    });
}

/** Why each queued run waits, as the daemon's next pass would decide (run monitoring has ended dead runs first). */
async function queueJson(instance: Instance, now: number, lease: LeaseRecord | undefined): Promise<NonNullable<DaemonStatusJson["queue"]>> {
  const never = { launch: async () => { throw new Error("daemon status launches nothing"); } };
  const plan: DequeueResult = await new QueuedRunCoordinator({ instance, launcher: never }).explain();
  const noDaemon = !lease || lease.expiresAt <= now;
  return {
    launchNext: [...plan.launched],
    waiting: plan.waiting.map((w) => ({ runId: w.runId, reason: noDaemon ? `${w.reason}; and no daemon is running to launch it` : w.reason })),
  };
}

function seconds(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliUsageError(`${flag} takes a positive number of seconds, got "${value}".`);
  return n * 1000;
}

async function definitionsOf(cli: Cli, module: string | undefined, instance: Instance, required: boolean): Promise<Definitions | undefined> {
  return (await locationOf(cli, module, instance, required))?.defs;
}

async function locationOf(cli: Cli, module: string | undefined, instance: Instance, required: boolean): Promise<CodeLocation | undefined> {
  const paths = codeLocationPaths(module, instance.settings, required);
  if (paths.length === 0) return undefined;
  if (paths.length > 1) throw new CliUsageError(`tessera.yaml lists ${paths.length} code locations; pick one with -m <file>.`);
  return loadCodeLocation(paths[0] as string, cli.cwd);
}

async function printPlan(cli: Cli, instance: Instance, defs: Definitions, runner: Daemon): Promise<void> {
  const schedules = await summarizeInstigators(instance, defs, "schedule");
  const sensors = await summarizeInstigators(instance, defs, "sensor");
  const running = (items: InstigatorSummary[]): string => items.filter((i) => i.status === "RUNNING").map((i) => i.name).join(", ") || "none running";
  cli.print(`Daemon ${runner.holder} on ${instance.storage.location}, every ${formatDuration(runner.intervalMs)}`);
  cli.print(`  schedules:  ${schedules.length} (${running(schedules)})`);
  cli.print(`  sensors:    ${sensors.length} (${running(sensors)})`);
  const statusOf = new Map(sensors.map((s) => [s.name, s.status]));
  const automation = runner.automationSensors.map((s) => `${s.name} ${statusOf.get(s.name) ?? s.defaultStatus}`);
  cli.print(`  automation: ${automation.join(", ") || "no asset has an automation condition"}`);
  for (const s of runner.automationSensors) {
    if ((statusOf.get(s.name) ?? s.defaultStatus) !== "RUNNING") cli.print(`              ${s.name} is stopped: its assets' conditions are not evaluated; turn it on with \`tessera sensor start ${s.name}\``);
  }
  const queue = instance.settings.runQueue;
  const where = { childProcess: "each in a child process", inProcess: "in this process", workers: "on `tessera worker`s" }[queue?.launcher ?? "childProcess"];
  cli.print(`  run queue:  runs queued with \`tessera materialize --queue\`, ${where}, at most ${queue?.maxConcurrentRuns === -1 ? "unlimited" : (queue?.maxConcurrentRuns ?? 10)} at once (runQueue in tessera.yaml)`);
}

function printLease(cli: Cli, now: number, lease: LeaseRecord | undefined): void {
  if (!lease) {
    cli.print("Daemon: none holds the lease (not running, or stopped cleanly). Start one with `tessera daemon -m <file>`.");
    return;
  }
  const heartbeat = typeof lease.info.heartbeat === "number" ? lease.info.heartbeat : lease.acquiredAt;
  const who = `${lease.holder} (pid ${String(lease.info.pid ?? "?")}, host ${String(lease.info.hostname ?? "?")})`;
  if (lease.expiresAt <= now) {
    cli.print(`Daemon: none running; ${who} last renewed the lease ${formatDuration(now - heartbeat)} ago and it expired at ${formatTime(lease.expiresAt)}.`);
  } else {
    cli.print(`Daemon: ${who}, heartbeat ${formatDuration(now - heartbeat)} ago, lease until ${formatTime(lease.expiresAt)}`);
  }
  const loops = (lease.info.loops ?? {}) as Record<string, unknown>;
  for (const loop of ["scheduler", "sensors", "automation", "backfills", "run_queue"]) {
    const at = loops[loop];
    cli.print(`  ${loop.padEnd(11)} ${typeof at === "number" ? `last iteration ${formatTime(at)} (${formatDuration(now - at)} ago)` : "not run yet"}`);
  }
}

function leaseJson(now: number, lease: LeaseRecord | undefined): DaemonLeaseJson | null {
  if (!lease) return null;
  const heartbeat = typeof lease.info.heartbeat === "number" ? lease.info.heartbeat : lease.acquiredAt;
  const loops = (lease.info.loops ?? {}) as Record<string, unknown>;
  const loop = (name: string): string | null => (typeof loops[name] === "number" ? isoTime(loops[name]) : null);
  return {
    holder: lease.holder,
    pid: typeof lease.info.pid === "number" ? lease.info.pid : null,
    hostname: typeof lease.info.hostname === "string" ? lease.info.hostname : null,
    running: lease.expiresAt > now,
    acquiredAt: isoTime(lease.acquiredAt) as string,
    expiresAt: isoTime(lease.expiresAt) as string,
    heartbeat: isoTime(heartbeat) as string,
    heartbeatAgeMs: now - heartbeat,
    loops: { scheduler: loop("scheduler"), sensors: loop("sensors"), automation: loop("automation"), backfills: loop("backfills"), runQueue: loop("run_queue") },
  };
}

async function storedInstigators(instance: Instance): Promise<InstigatorSummary[]> {
  const states = await instance.storage.getInstigatorStates();
  return Promise.all(
    states.map(async (s) => ({ name: s.name, type: s.type, status: s.status, stored: true, cursor: s.cursor, lastTick: (await instance.storage.getTicks(s.name, { limit: 1 }))[0] })),
  );
}

function instigatorRow(i: InstigatorSummary): string[] {
  return [i.name, i.type.toLowerCase(), i.stored ? i.status : `${i.status} (default)`, formatTime(i.lastTick?.timestamp), describeTick(i.lastTick)];
}

/** `SUCCESS: 2 runs`, `SKIPPED: <reason>`, `FAILURE: <first line of the error>`. */
export function describeTick(tick: TickRecord | undefined): string {
  if (!tick) return "-";
  if (tick.status === "SUCCESS") return `SUCCESS: ${plural(tick.runIds.length, "run")}`;
  if (tick.status === "SKIPPED") return truncate(`SKIPPED: ${tick.skipReason ?? ""}`, 60);
  if (tick.status === "FAILURE") return truncate(`FAILURE: ${firstLine(tick.error)}`, 80);
  return "STARTED";
}
