// `tessera run logs`: what a run's steps wrote to stdout (or stderr), as the compute log manager kept it.
import type { Command } from "commander";
import { FINISHED_RUN_STATUSES, RunNotFoundError, StepNotFoundError, closestMatches, type EventRecord } from "../../core/index.js";
import type { ComputeIOType, Instance } from "../../instance/index.js";
import type { Cli } from "../cli.js";
import { CliUsageError } from "../errors.js";
import { printJson } from "../json-output.js";
import { resolveRunId } from "../resolve-id.js";

export const LOGS_EXAMPLES = `
Examples:
  $ tessera run logs 3f2c9a1e                      # every step's stdout, step by step
  $ tessera run logs 3f2c9a1e --step orders --stderr
  $ tessera run logs 3f2c9a1e --follow             # new output as it is written, until the run ends
  $ tessera run logs 3f2c9a1e --json | jq -r '.steps[] | select(.size > 0) | .stepKey'

Output is captured per step from console.log, process.stdout/stderr and the programs pipes runs; it is kept
under <home>/storage/compute_logs (tessera.yaml: computeLogs: { directory, maxBytesPerStep, enabled }).`;

export interface RunLogsOptions {
  step?: string;
  stderr?: boolean;
  follow?: boolean;
  json?: boolean;
  /** Milliseconds between two looks at the instance while following. */
  pollMs?: number;
}

/** One step's stream in `tessera run logs --json`. */
export interface RunLogsStepJson {
  stepKey: string;
  ioType: ComputeIOType;
  data: string;
  size: number;
  /** The file it is kept in, when in a file. */
  path: string | null;
}

/** `tessera run logs --json`. */
export interface RunLogsJson {
  runId: string;
  status: string;
  steps: RunLogsStepJson[];
}

/** The run's steps in the order they started (then any that only have events of another kind). */
function stepsOf(events: readonly EventRecord[]): string[] {
  const started = events.filter((e) => e.eventType === "STEP_START").map((e) => e.stepKey as string);
  const all = events.map((e) => e.stepKey).filter((k): k is string => k !== undefined);
  return [...new Set([...started, ...all])];
}

export async function runLogsCommand(cli: Cli, command: Command, runIdOrPrefix: string, options: RunLogsOptions): Promise<void> {
  if (options.follow && options.json) throw new CliUsageError("--follow prints the output as it comes and --json one document: give one of them.");
  const io: ComputeIOType = options.stderr ? "stderr" : "stdout";
  await cli.withInstance(command, async (instance) => {
    const runId = await resolveRunId(instance, runIdOrPrefix);
    const run = await instance.getRunById(runId);
    if (!run) throw new RunNotFoundError(runId);
    const events = await instance.allLogs(runId);
    const steps = stepsOf(events);
    if (options.step !== undefined && !steps.includes(options.step)) {
      // A run still starting may not have started the step yet: following waits for it, if the plan has it.
      if (!(options.follow && !FINISHED_RUN_STATUSES.has(run.status))) {
        throw new StepNotFoundError(runId, options.step, steps, closestMatches(options.step, steps));
      }
    }
    const wanted = options.step !== undefined ? [options.step] : steps;
    if (options.json) {
      const out: RunLogsJson = {
        runId,
        status: run.status,
        steps: wanted.map((stepKey) => {
          const chunk = readAll(instance, runId, stepKey, io);
          return { stepKey, ioType: io, data: chunk.data, size: chunk.size, path: chunk.path ?? null };
        }),
      };
      return printJson(cli, out);
    }
    if (options.follow) return follow(cli, instance, runId, io, options);
    printOnce(cli, instance, runId, io, wanted, events, options.step !== undefined);
  });
}

function readAll(instance: Instance, runId: string, stepKey: string, io: ComputeIOType): { data: string; size: number; path: string | undefined } {
  let data = "";
  let cursor = 0;
  for (;;) {
    const chunk = instance.computeLogs.read(runId, stepKey, io, { cursor });
    data += chunk.data;
    if (chunk.cursor === cursor || chunk.cursor >= chunk.size) return { data, size: chunk.size, path: chunk.path };
    cursor = chunk.cursor;
  }
}

function printOnce(cli: Cli, instance: Instance, runId: string, io: ComputeIOType, steps: readonly string[], events: readonly EventRecord[], oneStep: boolean): void {
  let printed = 0;
  for (const stepKey of steps) {
    const { data } = readAll(instance, runId, stepKey, io);
    if (data === "") continue;
    // As `tail` does with several files: a header before each step's output, none when one step is asked for.
    if (!oneStep) cli.print(`${printed > 0 ? "\n" : ""}${cli.style.bold(`==> ${stepKey} (${io}) <==`)}`);
    cli.streams.stdout.write(data.endsWith("\n") || oneStep ? data : `${data}\n`);
    printed++;
  }
  if (printed > 0) return;
  const capturedElsewhere = events.filter((e) => e.eventType === "LOGS_CAPTURED" && steps.includes(e.stepKey as string));
  const what = oneStep ? `Step "${steps[0]}" of run ${runId}` : `No step of run ${runId}`;
  if (capturedElsewhere.length > 0 && !steps.some((s) => instance.computeLogs.has(runId, s))) {
    // The step's process kept its output where this one does not look (another machine's home, or memory).
    cli.printError(
      `${what} has output recorded (LOGS_CAPTURED) that is not in this instance's compute logs: it was kept by the process that ran the step (pid ${String(capturedElsewhere[0]?.data?.pid ?? "?")}).`,
    );
    return;
  }
  cli.printError(`${oneStep ? `${what} wrote nothing` : `${what} wrote anything`} to ${io}${io === "stdout" ? " (pass --stderr for stderr)" : ""}.`);
}

/** Prints new output of every step (or the one asked for) as it is written, until the run has finished and all is read. */
async function follow(cli: Cli, instance: Instance, runId: string, io: ComputeIOType, options: RunLogsOptions): Promise<void> {
  const cursors = new Map<string, number>();
  let lastStep: string | undefined;
  const pollMs = options.pollMs ?? 250;
  // Steps as they start: only the events since the last look are read, so a long run's log is not read again each time.
  const started: string[] = [];
  let seen = 0;
  for (;;) {
    // Read the status first: output written before the run finished is then read below, on this very pass.
    const run = await instance.getRunById(runId);
    const finished = run !== undefined && FINISHED_RUN_STATUSES.has(run.status);
    for (const event of await instance.allLogs(runId, { ofType: ["STEP_START", "LOGS_CAPTURED"], afterStorageId: seen })) {
      seen = event.storageId;
      if (event.stepKey !== undefined && !started.includes(event.stepKey)) started.push(event.stepKey);
    }
    const steps = options.step !== undefined ? [options.step] : started;
    for (const stepKey of steps) {
      for (;;) {
        const cursor = cursors.get(stepKey) ?? 0;
        const chunk = instance.computeLogs.read(runId, stepKey, io, { cursor });
        if (chunk.data === "") break;
        if (options.step === undefined && lastStep !== stepKey) cli.print(cli.style.bold(`==> ${stepKey} (${io}) <==`));
        lastStep = stepKey;
        cli.streams.stdout.write(chunk.data);
        cursors.set(stepKey, chunk.cursor);
      }
    }
    if (finished) {
      const all = options.step === undefined ? [] : stepsOf(await instance.allLogs(runId));
      if (options.step !== undefined && !all.includes(options.step)) throw new StepNotFoundError(runId, options.step, all, closestMatches(options.step, all));
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
