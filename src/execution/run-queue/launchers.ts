// Run launchers: where a run taken off the queue executes — in this process, or in a child process of its own.
import { spawn, type ChildProcess } from "node:child_process";
import { FINISHED_RUN_STATUSES, ownModuleProcessArgs } from "../../core/index.js";
import type { DefinitionsData } from "../../definitions/index.js";
import type { ComputeLogSettings, Instance, StorageConfig } from "../../instance/index.js";
import type { RunRecord } from "../../storage/index.js";
import { executeSubmittedRun, type ExecuteOptions } from "../execute-run.js";
import type { RunQueueLauncher } from "./coordinator.js";


/** Runs each launched run in this process, in the background; `whenIdle()` waits for all of them. */
export class InProcessRunLauncher implements RunQueueLauncher {
  readonly #defs: DefinitionsData;
  readonly #instance: Instance;
  readonly #options: Omit<ExecuteOptions, "instance">;
  readonly #running = new Set<Promise<void>>();

  constructor(defs: DefinitionsData, instance: Instance, options: Omit<ExecuteOptions, "instance"> = {}) {
    this.#defs = defs;
    this.#instance = instance;
    this.#options = options;
  }

  async launch(run: RunRecord): Promise<void> {
    const done = executeSubmittedRun(this.#defs, run, { ...this.#options, instance: this.#instance, raiseOnError: false })
      .then(() => undefined)
      .catch((error: unknown) => failUnfinishedRun(this.#instance, run.runId, `The run failed before its first step: ${(error as Error)?.message ?? String(error)}`));
    this.#running.add(done);
    void done.finally(() => this.#running.delete(done));
  }

  async whenIdle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }
}

/** What the run process is told: where the definitions and the instance are, and which run to execute. */
export interface RunProcessInput {
  module: string;
  storage: StorageConfig;
  home: string | undefined;
  runId: string;
  /** The launching instance's `computeLogs:` settings. */
  computeLogs?: ComputeLogSettings | undefined;
}

const PROCESS_ARGS = ownModuleProcessArgs("execution/run-queue/run-process");

/**
 * Runs each launched run in a child process that loads the code location, so that a crash in user code
 * (an exit, an out-of-memory, a native fault) ends that run as FAILURE and never the launcher.
 */
export class ChildProcessRunLauncher implements RunQueueLauncher {
  readonly #module: string;
  readonly #instance: Instance;
  readonly #running = new Set<Promise<void>>();
  readonly #children = new Set<ChildProcess>();

  constructor(options: { module: string; instance: Instance }) {
    if (!options.instance.storageConfig) {
      throw new Error("Runs launched in child processes need an instance other processes can open (Instance.fromHome or Instance.open), not Instance.ephemeral().");
    }
    this.#module = options.module;
    this.#instance = options.instance;
  }

  async launch(run: RunRecord): Promise<void> {
    const input: RunProcessInput = { module: this.#module, storage: this.#instance.storageConfig as StorageConfig, home: this.#instance.home, runId: run.runId, computeLogs: this.#instance.settings.computeLogs };
    const child = spawn(process.execPath, PROCESS_ARGS, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, TESSERA_RUN_INPUT: JSON.stringify(input) } });
    this.#children.add(child);
    child.on("close", () => this.#children.delete(child));
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    const done = new Promise<void>((resolve) => {
      child.on("error", (error) => void failUnfinishedRun(this.#instance, run.runId, `The run's process could not start: ${error.message}`).then(resolve));
      child.on("close", (code, signal) => {
        const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const tail = stderr.trim().split("\n").slice(-5).join(" | ");
        void failUnfinishedRun(this.#instance, run.runId, `The run's process ${why} before the run finished${tail ? `: ${tail}` : ""}`).then(resolve);
      });
    });
    this.#running.add(done);
    void done.finally(() => this.#running.delete(done));
  }

  async whenIdle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }

  /**
   * Stops every run still executing: each process gets SIGTERM (SIGKILL after `graceMs`), and its run is
   * recorded as FAILURE with why. Resolves once every process has exited and its run is recorded.
   */
  async terminate(graceMs = 5_000): Promise<void> {
    for (const child of this.#children) {
      child.kill("SIGTERM");
      const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
      kill.unref();
      child.once("close", () => clearTimeout(kill));
    }
    await this.whenIdle();
  }
}

/** Records why a run ended when it has not ended on its own (its process died, or it failed outside its steps). */
export async function failUnfinishedRun(instance: Instance, runId: string, message: string): Promise<void> {
  const run = await instance.getRunById(runId);
  if (!run || FINISHED_RUN_STATUSES.has(run.status)) return;
  await instance.storeEvents([{ runId, timestamp: instance.clock.now(), eventType: "RUN_FAILURE", message }]);
}

/** A run queue launcher that may hold resources (a queue connection) until closed. */
export type ClosableRunQueueLauncher = RunQueueLauncher & { whenIdle?(): Promise<void>; close?(): Promise<void> };

/**
 * The launcher `runQueue.launcher` in tessera.yaml asks for: a child process per run (the default, when the
 * code location's module is known and other processes can open the instance), the caller's process, or
 * the workers' queue on PostgreSQL.
 */
export async function runQueueLauncherFor(options: { defs: DefinitionsData; instance: Instance; module?: string | undefined }): Promise<ClosableRunQueueLauncher> {
  const { defs, instance, module } = options;
  const kind = instance.settings.runQueue?.launcher ?? "childProcess";
  if (kind === "workers") {
    const { WorkerRunLauncher } = await import("../workers/worker-queue.js");
    return new WorkerRunLauncher(instance);
  }
  if (kind === "childProcess" && module !== undefined && instance.storageConfig) return new ChildProcessRunLauncher({ module, instance });
  return new InProcessRunLauncher(defs, instance);
}
