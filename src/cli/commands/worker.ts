// `tessera worker`: executes runs that the daemon's run coordinator puts on the workers' queue (PostgreSQL).
import type { Command } from "commander";
import { commandDescription } from "../command-descriptions.js";
import { startWorker } from "../../execution/index.js";
import type { Cli } from "../cli.js";
import { CliUsageError } from "../errors.js";
import { codeLocationPaths, loadCodeLocation } from "../load-code-location.js";

const EXAMPLES = `
Examples:
  $ tessera worker -m defs.ts
  $ tessera worker -m defs.ts --concurrency 4 --id etl-box-1
  $ tessera worker -m defs.ts --queue gpu,default     # runs tagged tessera/worker_queue=gpu, and untagged ones

Workers need an instance on PostgreSQL (storage: { postgres: { url } } in tessera.yaml) and
runQueue: { launcher: workers } so that the daemon's run coordinator queues runs for them. Start
as many as you like, on any machine that reaches the database and has the code location. A worker
renews a lease while it lives; if it dies, the daemon's run monitoring fails its runs (and
re-executes them from failure when they carry the tag tessera/max_retries).
Stop a worker with Ctrl-C (or SIGTERM): it finishes its runs first.`;

interface WorkerCommandOptions {
  module?: string;
  concurrency: string;
  stepConcurrency?: string;
  queue: string;
  id?: string;
  heartbeatMs: string;
  leaseTtlMs: string;
}

export function registerWorkerCommand(program: Command, cli: Cli): void {
  program
    .command("worker")
    .description(commandDescription("worker"))
    .option("-m, --module <file>", "code location module (default: locations in tessera.yaml)")
    .option("--concurrency <n>", "runs executed at once", "1")
    .option("--step-concurrency <n>", "steps of queue-executor runs executed at once (0: none) (default: --concurrency)")
    .option("--queue <names>", "the worker queues to take runs from, comma-separated (a run's tag tessera/worker_queue; untagged runs are in default)", "default")
    .option("--id <id>", "this worker's name, shown in run logs (default: host:pid:random)")
    .option("--heartbeat-ms <ms>", "how often the worker renews its lease", "5000")
    .option("--lease-ttl-ms <ms>", "how long the lease outlives the last renewal before the worker counts as dead", "30000")
    .addHelpText("after", EXAMPLES)
    .action(async (options: WorkerCommandOptions, command: Command) => {
      cli.exitCode = await runWorker(cli, command, options);
    });
}

function positiveInt(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new CliUsageError(`${option} takes a whole number of at least 1, not "${text}".`);
  return value;
}

async function runWorker(cli: Cli, command: Command, options: WorkerCommandOptions): Promise<number> {
  const concurrency = positiveInt(options.concurrency, "--concurrency");
  const stepConcurrency = options.stepConcurrency === undefined ? concurrency : options.stepConcurrency === "0" ? 0 : positiveInt(options.stepConcurrency, "--step-concurrency");
  const queues = options.queue.split(",").map((q) => q.trim()).filter(Boolean);
  if (queues.length === 0) throw new CliUsageError(`--queue names no queue; give one or more names, comma-separated (default: default).`);
  const heartbeatMs = positiveInt(options.heartbeatMs, "--heartbeat-ms");
  const leaseTtlMs = positiveInt(options.leaseTtlMs, "--lease-ttl-ms");
  if (leaseTtlMs <= heartbeatMs) throw new CliUsageError(`--lease-ttl-ms (${leaseTtlMs}) must be longer than --heartbeat-ms (${heartbeatMs}), or the worker would look dead between heartbeats.`);
  return cli.withInstance(command, async (instance) => {
    const paths = codeLocationPaths(options.module, instance.settings, true);
    if (paths.length > 1) throw new CliUsageError(`tessera.yaml lists ${paths.length} code locations (${paths.join(", ")}); start one worker per location with -m <file>.`);
    const location = await loadCodeLocation(paths[0] as string, cli.cwd);
    const worker = await startWorker({
      instance,
      defs: location.defs,
      module: location.modulePath,
      concurrency,
      stepConcurrency,
      queues,
      heartbeatMs,
      leaseTtlMs,
      ...(options.id ? { workerId: options.id } : {}),
      // Exiting at once stops every compute of the runs it lost: they may already run elsewhere.
      onLeaseLost: (error) => {
        process.stderr.write(`${error.message}\nThe worker exits (code 75).\n`);
        process.exit(75);
      },
      onRun: ({ runId, status, detail }) => cli.print(`${new Date(instance.clock.now()).toISOString()} run ${runId} ${status}${detail ? ` (${detail})` : ""}`),
    });
    cli.print(
      `Worker ${worker.workerId} is taking runs of ${location.name} from ${instance.storage.location} ` +
        `(queue${queues.length > 1 ? "s" : ""} ${queues.join(", ")}; ${concurrency} run${concurrency > 1 ? "s" : ""} and ${stepConcurrency} step${stepConcurrency === 1 ? "" : "s"} at once). Ctrl-C stops it.`,
    );
    const stop = (): void => {
      cli.print(`Worker ${worker.workerId} stopping: finishing its runs…`);
      void worker.stop();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    try {
      await worker.done;
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    }
    cli.print(`Worker ${worker.workerId} stopped.`);
    return 0;
  });
}
