// `tessera run list` and `tessera run show`: the runs recorded in the instance and their event logs.
import type { Command } from "commander";
import { commandDescription } from "../command-descriptions.js";
import { RunNotFoundError, RunStatus, closestMatches, type EventRecord, type SerializedError } from "../../core/index.js";
import type { RunRecord } from "../../storage/index.js";
import { shellQuote, type Cli } from "../cli.js";
import { CliUsageError } from "../errors.js";
import { firstLine, formatClock, formatDuration, formatTime, listNames, renderTable, renderValue } from "../format.js";
import type { Style } from "../style.js";
import { printJson, runDetailJson, runJson } from "../json-output.js";
import { resolveRunId } from "../resolve-id.js";
import { LOGS_EXAMPLES, runLogsCommand, type RunLogsOptions } from "./run-logs.js";
import { CANCEL_EXAMPLES, REEXECUTE_EXAMPLES, cancelRunCommand, reexecuteCommand } from "./run-actions.js";

const LIST_EXAMPLES = `
Examples:
  $ tessera run list
  $ tessera run list --status FAILURE --limit 5
  $ tessera run list --status SUCCESS,FAILURE --job __ASSET_JOB
  $ tessera run list --json | jq -r '.[] | select(.status == "FAILURE") | .runId'`;

const SHOW_EXAMPLES = `
Examples:
  $ tessera run show 3f2c9a1e-7b0d-4c1a-9f3e-2d8b6c5a4e10
  $ tessera run show 3f2c9a1e
  $ tessera run show 3f2c --json

A run id may be shortened to a prefix of at least 4 characters that no other run id starts with.`;

export function registerRunCommands(program: Command, cli: Cli): void {
  const run = program.command("run").description(commandDescription("run"));
  run
    .command("list")
    .description("List recent runs, newest first")
    .option("--status <statuses>", `only runs with these statuses, comma-separated (${Object.values(RunStatus).join(", ")})`)
    .option("--limit <n>", "at most this many runs", "20")
    .option("--job <name>", "only runs of this job")
    .option("--json", "print the runs as one JSON array (see docs/cli-json.md)")
    .addHelpText("after", LIST_EXAMPLES)
    .action((options: ListOptions, command: Command) => listRuns(cli, command, options));
  run
    .command("show")
    .description("Show a run and its event log: steps, materializations, logs and errors with stacks")
    .argument("<runId>", "the run's id, or a unique prefix of it (at least 4 characters; see `tessera run list`)")
    .option("--json", "print the run and its events as one JSON document (see docs/cli-json.md)")
    .addHelpText("after", SHOW_EXAMPLES)
    .action((runId: string, options: { json?: boolean }, command: Command) => showRun(cli, command, runId, options));
  run
    .command("logs")
    .description("Print what a run's steps wrote to stdout (or stderr): console.log, process output, pipes programs")
    .argument("<runId>", "the run's id, or a unique prefix of it (at least 4 characters; see `tessera run list`)")
    .option("--step <key>", "only this step's output (see the step keys in `tessera run show`)")
    .option("--stderr", "stderr instead of stdout")
    .option("-f, --follow", "keep printing new output as it is written, until the run ends")
    .option("--json", "print each step's output as one JSON document")
    .addHelpText("after", LOGS_EXAMPLES)
    .action((runId: string, options: RunLogsOptions, command: Command) => runLogsCommand(cli, command, runId, options));
  run
    .command("cancel")
    .description("Stop a run: running steps finish, no new step starts")
    .argument("<runId>", "the run's id, or a unique prefix of it (at least 4 characters)")
    .addHelpText("after", CANCEL_EXAMPLES)
    .action((runId: string, _options: unknown, command: Command) => cancelRunCommand(cli, command, runId));
  run
    .command("reexecute")
    .description("Run a run again as a new run: all of it, or only what did not succeed")
    .argument("<runId>", "the run's id, or a unique prefix of it (at least 4 characters)")
    .option("-m, --module <file>", "the code location the run came from (default: locations in tessera.yaml)")
    .option("--from-failure", "only the steps that failed, were skipped or never ran")
    .option("-v, --verbose", "show debug logs as well")
    .addHelpText("after", REEXECUTE_EXAMPLES)
    .action(async (runId: string, options: { module?: string; fromFailure?: boolean; verbose?: boolean }, command: Command) => {
      cli.exitCode = await reexecuteCommand(cli, command, runId, options);
    });
}

interface ListOptions {
  status?: string;
  limit: string;
  job?: string;
  json?: boolean;
}

async function listRuns(cli: Cli, command: Command, options: ListOptions): Promise<void> {
  const statuses = options.status === undefined ? undefined : parseStatuses(options.status);
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new CliUsageError(`--limit must be a whole number of at least 1, got "${options.limit}".`);
  await cli.withInstance(command, async (instance) => {
    const runs = await instance.getRuns({ ...(statuses ? { statuses } : {}), ...(options.job !== undefined ? { jobName: options.job } : {}), limit });
    if (options.json) return printJson(cli, runs.map(runJson));
    if (runs.length === 0) {
      const filtered = statuses !== undefined || options.job !== undefined;
      cli.print(filtered ? "No runs match these filters." : `No runs recorded in ${instance.home ?? "this instance"} yet. Start one with: tessera materialize -m <file.ts>`);
      return;
    }
    const { style } = cli;
    const rows = runs.map((r) => [r.runId, colorStatus(r.status, style), r.jobName, formatTime(r.startTime ?? r.createTime), runDuration(r), listNames(r.assetSelection, 3)]);
    for (const line of renderTable(["RUN ID", "STATUS", "JOB", "STARTED", "DURATION", "ASSETS"].map((h) => style.bold(h)), rows)) cli.print(line);
    if (runs.length === limit) cli.print(style.dim(`Showing the ${limit} newest; pass --limit to see more.`));
  });
}

async function showRun(cli: Cli, command: Command, runIdOrPrefix: string, options: { json?: boolean }): Promise<void> {
  await cli.withInstance(command, async (instance) => {
    const runId = await resolveRunId(instance, runIdOrPrefix);
    const run = await instance.getRunById(runId);
    if (!run) throw new RunNotFoundError(runId);
    const events = await instance.allLogs(runId);
    if (options.json) return printJson(cli, runDetailJson(run, events));
    const { style } = cli;
    cli.print(`${style.bold("Run")} ${run.runId}`);
    const header: [string, string | undefined][] = [
      ["status", colorStatus(run.status, style)],
      ["job", run.jobName],
      ["assets", run.assetSelection.join(", ") || "-"],
      ["partition", run.partitionKey],
      // A re-execution names the run it re-executes (and the first of the chain, when that is another one).
      ["parent", run.parentRunId === undefined ? undefined : `${run.parentRunId} (re-executed)`],
      ["root", run.rootRunId === undefined || run.rootRunId === run.parentRunId ? undefined : run.rootRunId],
      ["created", formatTime(run.createTime)],
      ["started", run.startTime === undefined ? undefined : formatTime(run.startTime)],
      ["ended", run.endTime === undefined ? undefined : formatTime(run.endTime)],
      ["duration", run.endTime === undefined ? undefined : runDuration(run)],
      ["tags", Object.keys(run.tags).length ? Object.entries(run.tags).map(([k, v]) => `${k}=${v}`).join(" ") : undefined],
      ["config", isEmpty(run.runConfig) ? undefined : JSON.stringify(run.runConfig)],
      ["failure", run.failureReason === undefined ? undefined : style.red(run.failureReason)],
    ];
    for (const [label, value] of header) if (value !== undefined) cli.print(`  ${style.dim(label.padEnd(10))}${value}`);
    cli.print();
    cli.print(style.bold(`Events (${events.length})`));
    const typeWidth = Math.max(0, ...events.map((e) => e.eventType.length));
    const stepWidth = Math.max(0, ...events.map((e) => (e.stepKey ?? "").length));
    for (const event of events) {
      const type = colorEventType(event.eventType.padEnd(typeWidth), event.eventType, style);
      cli.print(`  ${style.dim(formatClock(event.timestamp))}  ${type}  ${(event.stepKey ?? "").padEnd(stepWidth)}  ${eventMessage(event)}`.trimEnd());
      for (const line of eventDetails(event, cli.cwd)) cli.print(`      ${line}`);
    }
  });
}

function eventMessage(event: EventRecord): string {
  // The error's full text follows with its stack; its first line is enough here.
  if (event.error) return firstLine(event.message);
  const level = event.eventType === "LOG_MESSAGE" && event.level ? `[${event.level}] ` : "";
  const data = event.eventType === "LOG_MESSAGE" && event.data && Object.keys(event.data).length ? ` ${JSON.stringify(event.data)}` : "";
  // Where to read what the step printed: the output itself is not in the event log.
  const logs = event.eventType === "LOGS_CAPTURED" && event.stepKey !== undefined ? ` (tessera run logs ${event.runId} --step ${shellQuote(event.stepKey)})` : "";
  return `${level}${event.message ?? ""}${data}${logs}`;
}

/** Metadata entries, then the error with its stack and causes. */
function eventDetails(event: EventRecord, cwd: string): string[] {
  const lines: string[] = [];
  if (event.eventType !== "HANDLED_OUTPUT") {
    for (const [key, value] of Object.entries(event.metadata ?? {})) lines.push(`${key}: ${renderValue(value, cwd)}`);
  }
  for (let error: SerializedError | undefined = event.error, depth = 0; error; error = error.cause, depth++) {
    const text = error.stack ?? `${error.name}: ${error.message}`;
    lines.push(...(depth > 0 ? [`caused by: ${text}`] : [text]).flatMap((t) => t.split("\n")));
  }
  return lines;
}

function parseStatuses(value: string): RunStatus[] {
  const known = Object.values(RunStatus) as string[];
  return value.split(",").map((raw) => {
    const status = raw.trim().toUpperCase();
    if (known.includes(status)) return status as RunStatus;
    const near = closestMatches(status, known);
    if (near.length === 0) near.push(...known.filter((k) => status.length >= 4 && k.startsWith(status.slice(0, 4))));
    throw new CliUsageError(
      `Unknown run status "${raw.trim()}"${near.length ? `; did you mean ${near.join(" or ")}?` : "."} Statuses: ${known.join(", ")}.`,
    );
  });
}

function runDuration(run: RunRecord): string {
  if (run.startTime === undefined) return "-";
  return run.endTime === undefined ? "running" : formatDuration(run.endTime - run.startTime);
}

function colorStatus(status: RunStatus, style: Style): string {
  if (status === "SUCCESS") return style.green(status);
  if (status === "FAILURE" || status === "CANCELED") return style.red(status);
  return style.yellow(status);
}

function colorEventType(padded: string, type: string, style: Style): string {
  if (type.endsWith("FAILURE")) return style.red(padded);
  if (type.endsWith("SUCCESS") || type === "ASSET_MATERIALIZATION") return style.green(padded);
  if (type === "STEP_SKIPPED" || type === "STEP_UP_FOR_RETRY") return style.yellow(padded);
  return padded;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "object" && Object.keys(value).length === 0);
}
