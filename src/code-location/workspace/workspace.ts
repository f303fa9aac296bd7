// A workspace of code locations, each in a child process of its own: load, reload on edit, launch runs, stop.
import { dirname, relative, resolve } from "node:path";
import { hostname } from "node:os";
import { CodeLocationUnavailableError } from "../../core/index.js";
import { DAEMON_LEASE } from "../../automation/daemon/index.js";
import { ChildProcessRunLauncher, QueuedRunCoordinator } from "../../execution/index.js";
import type { Instance } from "../../instance/index.js";
import type { RunRecord } from "../../storage/index.js";
import type { LocationSnapshot } from "../location-snapshot.js";
import type { LocationEntry, LocationEvent, LocationOperationName, LocationOperations, LocationStatus, OperationResult, WorkspaceView } from "../workspace-view.js";
import { LocationChild, unavailable, type LoadOutcome } from "./location-child.js";
import { CODE_LOCATION_TAG, type FromLocationMessage, type LocationProcessInput } from "./location-messages.js";
import { watchSourceFiles, type SourceWatcher } from "./watch-source-files.js";

/** One code location of a workspace of processes: what the API sees, plus its module and how long it took to load. */
export interface ProcessLocationEntry extends LocationEntry {
  /** Absolute path of the module. */
  readonly module: string;
  /** How long the last successful load took in its process (ms). */
  readonly loadMs: number | null;
  /** Counts the loads started: a reload makes a new one. */
  readonly generation: number;
}

/** A code location to load: its name in the workspace and its module file. */
export interface WorkspaceLocation {
  readonly name: string;
  readonly module: string;
}

export type WorkspaceLogLevel = "info" | "warn" | "error";

/** Options of `ProcessWorkspace.start()`. */
export interface ProcessWorkspaceOptions {
  readonly locations: readonly WorkspaceLocation[];
  /** The instance of runs and the daemon; one other processes can open (Instance.fromHome or Instance.open). */
  readonly instance: Instance;
  /**
   * Run the daemon (schedules, sensors, automation, backfills, run monitoring) in each location's process, and the
   * run queue in this one, every `intervalMs`. @default false
   */
  readonly daemon?: false | { readonly intervalMs?: number };
  /** Reload a location when one of its source files (under its module's directory) changes. @default false */
  readonly watch?: boolean;
  /** Time a location's process has to load its module before it is killed and the location FAILED. @default 180_000 */
  readonly loadTimeoutMs?: number;
  /** Time for a location's or run's process to stop before it is killed. @default 10_000 */
  readonly stopGraceMs?: number;
  /** Progress and daemon messages, with the location they come from. */
  readonly log?: (level: WorkspaceLogLevel, message: string, location?: string) => void;
}

interface Slot {
  readonly location: WorkspaceLocation;
  readonly index: number;
  entry: ProcessLocationEntry;
  child: LocationChild | undefined;
  /** A process started and prepared ahead of the next reload (with `watch`), waiting to be told to load. */
  standby: LocationChild | undefined;
  /** The process loading the module now, if any. */
  loadingChild: LocationChild | undefined;
  /** The load in progress: a reload asked meanwhile runs once it ends, so that no edit is lost. */
  loading: Promise<ProcessLocationEntry> | undefined;
  reloadAgain: boolean;
  watcher: (SourceWatcher & { rescan(): Promise<void> }) | undefined;
  runs: ChildProcessRunLauncher | undefined;
}

/**
 * The workspace of `tessera dev`: each code location loads in a child process of its own, so a location that throws
 * at import is FAILED with its error while the others work, and a reload replaces the process (the previous one
 * serves until the new one has answered). The API's operations run in the location's process; every run executes
 * in a process of its own, started here by the workspace's one run queue, so a crashing asset takes down neither the
 * server nor its location.
 *
 * @example
 * const workspace = await ProcessWorkspace.start({ locations: [{ name: "defs.ts", module: "/abs/defs.ts" }], instance, watch: true });
 * const result = await workspace.run("defs.ts", "launchRun", { selection: "*" });
 * await workspace.close();
 */
export class ProcessWorkspace implements WorkspaceView {
  readonly #slots = new Map<string, Slot>();
  readonly #options: ProcessWorkspaceOptions;
  readonly #listeners = new Set<(event: LocationEvent) => void>();
  /** The daemons of this workspace hold the lease under this prefix; another holder is a `tessera daemon` elsewhere. */
  readonly #holderPrefix = `dev:${hostname()}:${process.pid}:`;
  readonly #coordinator: QueuedRunCoordinator;
  /** The location of each run launched through the API, for runs (re-executions) that carry no location tag. */
  readonly #runLocations = new Map<string, string>();
  #queuePass: Promise<void> | undefined;
  #queueAgain = false;
  #queueTimer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;

  private constructor(options: ProcessWorkspaceOptions) {
    this.#options = options;
    if (!options.instance.storageConfig) {
      throw new CodeLocationUnavailableError(
        "",
        "The code locations and runs of a workspace run in other processes, which cannot open Instance.ephemeral(): pass an instance from Instance.fromHome() or Instance.open().",
      );
    }
    options.locations.forEach((location, index) => {
      if (this.#slots.has(location.name)) {
        throw new CodeLocationUnavailableError(location.module, `Two code locations are named "${location.name}"; give each module once.`);
      }
      const entry: ProcessLocationEntry = { name: location.name, module: location.module, status: "LOADING", snapshot: null, error: null, updatedAt: options.instance.clock.now(), loadMs: null, generation: 0 };
      this.#slots.set(location.name, { location, index, entry, child: undefined, standby: undefined, loadingChild: undefined, loading: undefined, reloadAgain: false, watcher: undefined, runs: undefined });
    });
    this.#coordinator = new QueuedRunCoordinator({ instance: options.instance, launcher: { launch: (run) => this.#startRun(run) } });
  }

  /** Starts every location's process and resolves once each has loaded or failed (and, with `watch`, its files are watched). */
  static async start(options: ProcessWorkspaceOptions): Promise<ProcessWorkspace> {
    const { workspace, ready } = ProcessWorkspace.begin(options);
    await ready;
    return workspace;
  }

  /**
   * Starts every location's process and returns at once: `ready` resolves as `start()` does. Work the caller does
   * meanwhile (building the GraphQL schema) overlaps with the locations' loading.
   */
  static begin(options: ProcessWorkspaceOptions): { readonly workspace: ProcessWorkspace; readonly ready: Promise<void> } {
    const workspace = new ProcessWorkspace(options);
    return { workspace, ready: workspace.#begin() };
  }

  async #begin(): Promise<void> {
    const options = this.#options;
    const slots = [...this.#slots.values()];
    await Promise.all([...slots.map((slot) => this.#load(slot)), ...(options.watch ? slots.map((slot) => this.#watch(slot)) : [])]);
    if (options.daemon && !this.#closing) {
      this.#queueTimer = setInterval(() => this.#dequeueSoon(), options.daemon.intervalMs ?? 5_000);
      this.#queueTimer.unref();
      this.#dequeueSoon();
    }
  }

  /** Every location, in the order given. */
  locations(): readonly ProcessLocationEntry[] {
    return [...this.#slots.values()].map((slot) => slot.entry);
  }

  /** Calls `listener` on every change of a location's state; returns the function that unsubscribes. */
  subscribe(listener: (event: LocationEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Loads the location again in a new process; resolves once it has loaded or failed. */
  async reloadLocation(name: string): Promise<ProcessLocationEntry> {
    const slot = this.#slots.get(name);
    if (!slot) throw this.#unknown(name);
    return this.#load(slot);
  }

  /** Reloads every location. */
  async reloadWorkspace(): Promise<readonly ProcessLocationEntry[]> {
    return Promise.all([...this.#slots.values()].map((slot) => this.#load(slot)));
  }

  /**
   * Runs one of the API's operations in the location's process. A run it queues (launchRun, reexecuteRun) is
   * started at once by the workspace's run queue, within tessera.yaml's runQueue limits.
   */
  async run<K extends LocationOperationName>(location: string, op: K, args: LocationOperations[K]["args"]): Promise<OperationResult<LocationOperations[K]["result"]>> {
    const slot = this.#slots.get(location);
    if (!slot) return unavailable(this.#unknown(location).message);
    if (slot.entry.status !== "LOADED" || !slot.child) {
      const why = slot.entry.status === "FAILED" ? `FAILED (${firstLine(slot.entry.error?.message).replace(/\.$/, "")})` : "still loading";
      return unavailable(`Code location "${location}" is ${why}. Fix it and reload the location (or wait for it to load).`);
    }
    const tagged = op === "launchRun" ? ({ ...args, tags: { ...(args as LocationOperations["launchRun"]["args"]).tags, [CODE_LOCATION_TAG]: location } } as typeof args) : args;
    const result = await slot.child.run(op, tagged);
    if (result.ok && (op === "launchRun" || op === "reexecuteRun")) {
      this.#runLocations.set((result.value as { runId: string }).runId, location);
      this.#dequeueSoon();
    }
    return result;
  }

  /** Stops every location's process (their daemons release their leases) and every run still executing. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const grace = this.#options.stopGraceMs ?? 10_000;
      if (this.#queueTimer) clearInterval(this.#queueTimer);
      for (const slot of this.#slots.values()) slot.watcher?.close();
      await this.#queuePass;
      await Promise.all(
        [...this.#slots.values()].map(async (slot) => {
          // A module still importing may never finish: its process goes now rather than at the load timeout.
          await slot.loadingChild?.stop(0);
          await slot.loading;
          await Promise.all([slot.child?.stop(grace), slot.standby?.stop(0)]);
          slot.child = undefined;
          slot.standby = undefined;
        }),
      );
      await Promise.all([...this.#slots.values()].map((slot) => slot.runs?.terminate(grace)));
    })();
    return this.#closing;
  }

  #unknown(name: string): CodeLocationUnavailableError {
    const names = [...this.#slots.keys()].map((n) => `"${n}"`).join(", ");
    return new CodeLocationUnavailableError(name, `No code location is named "${name}"; the workspace has ${names || "none"}.`);
  }

  #load(slot: Slot): Promise<ProcessLocationEntry> {
    if (slot.loading) {
      slot.reloadAgain = true;
      return slot.loading;
    }
    const loadUntilCurrent = async (): Promise<ProcessLocationEntry> => {
      let entry: ProcessLocationEntry;
      do {
        slot.reloadAgain = false;
        entry = await this.#loadOnce(slot);
      } while (slot.reloadAgain && !this.#closing);
      return entry;
    };
    slot.loading = loadUntilCurrent().finally(() => (slot.loading = undefined));
    return slot.loading;
  }

  async #loadOnce(slot: Slot): Promise<ProcessLocationEntry> {
    const previous = slot.child;
    this.#set(slot, { status: "LOADING", generation: slot.entry.generation + 1 });
    const started = performance.now();
    let child = slot.standby;
    slot.standby = undefined;
    if (child?.running) child.load();
    else child = this.#spawn(slot, false);
    slot.loadingChild = child;
    const outcome = await this.#withinLoadTimeout(child);
    slot.loadingChild = undefined;
    if (this.#closing) {
      await child.stop(0);
      return slot.entry;
    }
    // The new process has answered: it serves from now on. The previous one (and its daemon's lease) goes before
    // the new daemon starts, so that two daemons never tick the same location.
    const stopPrevious = previous?.stop(this.#options.stopGraceMs ?? 10_000);
    if (outcome.ok) {
      slot.child = child;
      this.#set(slot, { status: "LOADED", snapshot: outcome.snapshot as LocationSnapshot, error: null, loadMs: outcome.loadMs });
      this.#log("info", `loaded in ${Math.round(performance.now() - started)} ms`, slot.location.name);
      await stopPrevious;
      child.send({ type: "startDaemon" });
    } else {
      slot.child = undefined;
      this.#set(slot, { status: "FAILED", snapshot: null, error: outcome.error });
      this.#log("error", `failed to load: ${outcome.error.message}`, slot.location.name);
      await Promise.all([stopPrevious, child.stop(0)]);
    }
    if (this.#options.watch && !this.#closing) slot.standby = this.#spawn(slot, true);
    void slot.watcher?.rescan();
    return slot.entry;
  }

  /** The process's first answer, or a failure once the load timeout has passed without one. */
  async #withinLoadTimeout(child: LocationChild): Promise<LoadOutcome> {
    const timeoutMs = this.#options.loadTimeoutMs ?? 180_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<LoadOutcome>((resolve) => {
      timer = setTimeout(() => {
        const message = `The module did not finish loading within ${timeoutMs / 1000} s (a top-level await that never settles, or a connection that never answers?); its process was stopped. Fix the module and save it to reload.`;
        resolve({ ok: false, error: { message, stack: null } });
      }, timeoutMs);
    });
    try {
      return await Promise.race([child.loaded, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  #spawn(slot: Slot, standby: boolean): LocationChild {
    const child: LocationChild = new LocationChild(this.#input(slot, standby), {
      onMessage: (message) => this.#onMessage(slot, message),
      onCrash: (error) => {
        if (slot.child !== child) return;
        slot.child = undefined;
        this.#log("error", `its process died: ${error.message}`, slot.location.name);
        this.#set(slot, { status: "FAILED", snapshot: null, error });
      },
    });
    return child;
  }

  #input(slot: Slot, standby: boolean): LocationProcessInput {
    const { instance, daemon } = this.#options;
    const several = this.#slots.size > 1;
    return {
      name: slot.location.name,
      module: slot.location.module,
      ...(standby ? { standby: true } : {}),
      instance: { storage: instance.storageConfig, home: instance.home, computeLogs: instance.settings.computeLogs },
      ...(daemon
        ? {
            daemon: {
              // One location: the instance's daemon lease, as `tessera daemon` takes. Several: one lease each, and the
              // first location's daemon alone monitors runs.
              leaseName: several && slot.index > 0 ? `${DAEMON_LEASE}:${slot.location.name}` : DAEMON_LEASE,
              holder: `${this.#holderPrefix}${slot.location.name}`,
              intervalMs: daemon.intervalMs ?? 5_000,
              monitorRuns: slot.index === 0,
            },
          }
        : {}),
    };
  }

  #onMessage(slot: Slot, message: FromLocationMessage): void {
    if (message.type === "daemonLog") this.#log(message.level, `daemon: ${message.message}`, slot.location.name);
    else if (message.type === "runsQueued") this.#dequeueSoon();
  }

  /** One pass of the run queue now, or right after the pass under way. */
  #dequeueSoon(): void {
    if (this.#closing) return;
    if (this.#queuePass) {
      this.#queueAgain = true;
      return;
    }
    this.#queuePass = (async () => {
      do {
        this.#queueAgain = false;
        try {
          // A `tessera daemon` elsewhere holds the instance's lease: its run queue launches the queued runs.
          const lease = await this.#options.instance.storage.getLease(DAEMON_LEASE);
          if (lease && !lease.holder.startsWith(this.#holderPrefix) && lease.expiresAt > this.#options.instance.clock.now()) continue;
          const pass = await this.#coordinator.dequeue();
          if (pass.launched.length) this.#log("info", `run queue: started ${pass.launched.length} run(s)`);
        } catch (error) {
          this.#log("error", `run queue: ${error instanceof Error ? error.message : String(error)}`);
        }
      } while (this.#queueAgain && !this.#closing);
    })().finally(() => (this.#queuePass = undefined));
  }

  /** Starts a run taken off the queue in a process of its own, with the module of the location it belongs to. */
  async #startRun(run: RunRecord): Promise<void> {
    const name = run.tags[CODE_LOCATION_TAG] ?? this.#runLocations.get(run.runId);
    const slot = (name === undefined ? undefined : this.#slots.get(name)) ?? [...this.#slots.values()][0];
    if (!slot) throw new CodeLocationUnavailableError(name ?? "", `Run ${run.runId} belongs to no code location of this workspace.`);
    slot.runs ??= new ChildProcessRunLauncher({ module: slot.location.module, instance: this.#options.instance });
    await slot.runs.launch(run);
  }

  async #watch(slot: Slot): Promise<void> {
    const home = this.#options.instance.home;
    slot.watcher = await watchSourceFiles(
      dirname(slot.location.module),
      (files) => {
        this.#log("info", `${files.map((f) => relative(dirname(slot.location.module), f)).join(", ")} changed: reloading`, slot.location.name);
        void this.#load(slot);
      },
      { exclude: home ? [resolve(home)] : [] },
    );
  }

  #set(slot: Slot, change: Partial<ProcessLocationEntry> & { status: LocationStatus }): void {
    const statusChanged = change.status !== slot.entry.status;
    slot.entry = Object.freeze({ ...slot.entry, ...change, updatedAt: statusChanged ? this.#options.instance.clock.now() : slot.entry.updatedAt });
    for (const listener of this.#listeners) listener({ location: slot.entry });
  }

  #log(level: WorkspaceLogLevel, message: string, location?: string): void {
    this.#options.log?.(level, message, location);
  }
}

function firstLine(text: string | undefined): string {
  return (text ?? "").split("\n")[0] ?? "";
}
