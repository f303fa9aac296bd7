// The daemon: one process per instance (a lease in storage) running the scheduler, sensor, automation and backfill loops.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Clock } from "../../core/index.js";
import type { DefinitionsData } from "../../definitions/index.js";
import { DEFAULT_START_TIMEOUT_MS, InProcessRunLauncher, QueuedRunCoordinator, monitorRuns, type RunQueueLauncher } from "../../execution/index.js";
import type { Instance } from "../../instance/index.js";
import type { InstigatorState, LeaseRecord, TickRecord } from "../../storage/index.js";
import { AutomationConditionSensorDefinition, automationConditionSensorsOf } from "../automation-condition-sensor.js";
import { runAutomationTick } from "./automation-loop.js";
import { resumeBackfills } from "./backfill-loop.js";
import { silentLogger, type DaemonLogger } from "./daemon-logger.js";
import { InvalidDaemonOptionError } from "./errors.js";
import { queuedDaemonLauncher, type DaemonRunLauncher } from "./run-launcher.js";
import { DEFAULT_MAX_CATCHUP_TICKS, runScheduleTicks } from "./schedule-loop.js";
import { runSensorTick } from "./sensor-loop.js";
import type { TickEnvironment } from "./tick-execution.js";

/** The lease's name in storage. */
export const DAEMON_LEASE = "daemon";
/**
 * How long the daemon's lease lasts without renewal by default. `run()` renews it every third of that on a
 * real-time timer, whatever its iterations do, so a killed daemon's lease passes to a waiting one within it.
 */
export const DEFAULT_DAEMON_LEASE_TTL_MS = 8_000;
/** The loops the daemon runs each iteration, as named in its heartbeat. */
export const DaemonLoop = Object.freeze({
  SCHEDULER: "scheduler",
  SENSORS: "sensors",
  AUTOMATION: "automation",
  BACKFILLS: "backfills",
  RUN_QUEUE: "run_queue",
  RUN_MONITORING: "run_monitoring",
} as const);
export type DaemonLoop = (typeof DaemonLoop)[keyof typeof DaemonLoop];

/** Options for `new Daemon(options)`. */
export interface DaemonOptions {
  instance: Instance;
  /** The loaded code location. */
  defs: DefinitionsData;
  /** @default the instance's clock */
  clock?: Clock;
  /** Who this daemon is in the lease. @default `<hostname>:<pid>:<random>` */
  holder?: string;
  /**
   * The lease this daemon holds; daemons over different code locations of one instance (`tessera dev` with several)
   * take one each. @default DAEMON_LEASE
   */
  leaseName?: string;
  /**
   * How long the lease lasts without renewal; another daemon takes over once it expires. `run()` renews it every
   * third of it in real time. @default DEFAULT_DAEMON_LEASE_TTL_MS, or twice intervalMs when that is longer
   */
  leaseTtlMs?: number;
  /** Time between two iterations of `run()`. @default 5_000 */
  intervalMs?: number;
  /** When the daemon has fallen behind a schedule, run at most this many of its missed ticks (the latest). @default 5 */
  maxCatchupTicks?: number;
  /** The automation condition sensors to run. @default those of `defs`, plus the default one when some asset's condition is not covered */
  automationSensors?: readonly AutomationConditionSensorDefinition[];
  /**
   * How the runs of schedules, sensors and automation are started: by default (as the reference's
   * QueuedRunCoordinator) each is recorded QUEUED and launched by this iteration's run-queue pass within
   * `runQueue` limits; `inProcessDaemonLauncher` runs each at once in this process, past those limits.
   * @default queuedDaemonLauncher
   */
  launcher?: DaemonRunLauncher;
  /**
   * Launches the runs queued on the instance (`tessera materialize --queue`) within tessera.yaml's `runQueue`
   * limits, each iteration; `false` leaves the queue alone. @default in this process
   */
  runQueueLauncher?: (RunQueueLauncher & { whenIdle?(): Promise<void>; close?(): Promise<void> }) | false;
  /**
   * Fails runs whose worker stopped renewing its lease, or that no worker started within this many ms,
   * re-executing those tagged tessera/max_retries; `false` turns run monitoring off. @default 180_000
   */
  runStartTimeoutMs?: number | false;
  logger?: DaemonLogger;
}

/** What one iteration did. */
export interface DaemonIteration {
  /** False when another daemon holds the lease: nothing was done. */
  readonly ran: boolean;
  readonly lease: LeaseRecord;
  /** Every tick recorded (or resumed) in this iteration, by loop. */
  readonly ticks: Readonly<Record<"scheduler" | "sensors" | "automation", readonly TickRecord[]>>;
  /** Queued runs launched by this iteration's pass over the run queue. */
  readonly dequeued: readonly string[];
  /** Backfills nobody was running (REQUESTED, or left IN_PROGRESS by a dead process) that this iteration started. */
  readonly backfills: readonly string[];
}

/**
 * Runs schedules, sensors and automation condition sensors of one code location against an instance.
 * Tests call `runIteration()` while moving a ManualClock; the CLI calls `run({ signal })`.
 *
 * @example
 * const daemon = new Daemon({ instance, defs, clock });
 * await daemon.runIteration(); // ticks whatever is due at clock.now()
 * await daemon.close();        // waits for launched runs, releases the lease
 */
export class Daemon {
  readonly instance: Instance;
  readonly defs: DefinitionsData;
  readonly clock: Clock;
  readonly holder: string;
  readonly leaseName: string;
  readonly leaseTtlMs: number;
  readonly intervalMs: number;
  readonly #maxCatchupTicks: number;
  readonly #automationSensors: readonly AutomationConditionSensorDefinition[];
  readonly #launcher: DaemonRunLauncher;
  readonly #logger: DaemonLogger;
  readonly #queueLauncher: (RunQueueLauncher & { whenIdle?(): Promise<void>; close?(): Promise<void> }) | undefined;
  readonly #runStartTimeoutMs: number | false;
  readonly #coordinator: QueuedRunCoordinator | undefined;
  readonly #inflight = new Set<Promise<void>>();
  /** Ids of the backfills this daemon's backfills loop is running. */
  readonly #backfills = new Set<string>();
  readonly #lastIteration: Partial<Record<DaemonLoop, number>> = {};
  #waitingLogged: string | undefined;
  #closed = false;
  /** When this daemon last took or renewed the lease, and whether it lost it during the current iteration. */
  #renewedAt = Number.NEGATIVE_INFINITY;
  #lost = false;
  /** Whether this daemon took the lease at its last iteration: the renewal timer renews only then. */
  #holding = false;
  #renewal: NodeJS.Timeout | undefined;
  #renewing = false;

  constructor(options: DaemonOptions) {
    this.instance = options.instance;
    this.defs = options.defs;
    this.clock = options.clock ?? options.instance.clock;
    this.holder = options.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseName = options.leaseName ?? DAEMON_LEASE;
    this.intervalMs = options.intervalMs ?? 5_000;
    this.leaseTtlMs = options.leaseTtlMs ?? (this.intervalMs < DEFAULT_DAEMON_LEASE_TTL_MS ? DEFAULT_DAEMON_LEASE_TTL_MS : this.intervalMs * 2);
    this.#maxCatchupTicks = options.maxCatchupTicks ?? DEFAULT_MAX_CATCHUP_TICKS;
    this.#automationSensors = options.automationSensors ?? automationConditionSensorsOf(options.defs);
    this.#launcher = options.launcher ?? queuedDaemonLauncher;
    this.#logger = options.logger ?? silentLogger;
    this.#queueLauncher = options.runQueueLauncher === false ? undefined : (options.runQueueLauncher ?? new InProcessRunLauncher(options.defs, options.instance));
    this.#coordinator = this.#queueLauncher ? new QueuedRunCoordinator({ instance: options.instance, launcher: this.#queueLauncher }) : undefined;
    this.#runStartTimeoutMs = options.runStartTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    if (this.leaseName.trim() === "") throw new InvalidDaemonOptionError("leaseName", "must be a non-empty string naming the lease.");
    if (typeof this.holder !== "string" || this.holder.trim() === "") throw new InvalidDaemonOptionError("holder", "must be a non-empty string naming this daemon.");
    for (const [name, value] of [["leaseTtlMs", this.leaseTtlMs], ["intervalMs", this.intervalMs], ["maxCatchupTicks", this.#maxCatchupTicks]] as const) {
      if (!Number.isFinite(value) || value <= 0) throw new InvalidDaemonOptionError(name, `must be a positive number, got ${JSON.stringify(value)}.`);
    }
    if (this.leaseTtlMs <= this.intervalMs) {
      throw new InvalidDaemonOptionError("leaseTtlMs", `(${this.leaseTtlMs} ms) must be longer than intervalMs (${this.intervalMs} ms), or the lease expires between two iterations.`);
    }
  }

  /** The automation condition sensors this daemon runs. */
  get automationSensors(): readonly AutomationConditionSensorDefinition[] {
    return this.#automationSensors;
  }

  /** Runs launched and not yet ended. */
  get runsInProgress(): number {
    return this.#inflight.size;
  }

  /**
   * One iteration of every loop at the clock's time: takes (or renews) the lease, then ticks each due
   * schedule, sensor and automation sensor. With the lease held elsewhere it does nothing and says so once.
   */
  async runIteration(): Promise<DaemonIteration> {
    if (this.#closed) throw new InvalidDaemonOptionError("runIteration", "was called after close(): build a new Daemon to run again.");
    const now = this.clock.now();
    const empty = { scheduler: [], sensors: [], automation: [] };
    const lease = await this.instance.storage.acquireLease(this.leaseName, this.holder, now, this.leaseTtlMs, this.#leaseInfo(now));
    this.#holding = lease.holder === this.holder;
    if (lease.holder !== this.holder) {
      if (this.#waitingLogged !== lease.holder) {
        this.#waitingLogged = lease.holder;
        const pid = lease.info.pid ?? "?";
        const host = lease.info.hostname ?? "?";
        this.#logger.info(`waiting: daemon ${lease.holder} (pid ${String(pid)}, host ${String(host)}) holds the lease until ${new Date(lease.expiresAt).toISOString()}`);
      }
      return { ran: false, lease, ticks: empty, dequeued: [], backfills: [] };
    }
    if (this.#waitingLogged !== undefined) {
      this.#logger.info(`took over the lease from ${this.#waitingLogged}`);
      this.#waitingLogged = undefined;
    }
    this.#renewedAt = now;
    this.#lost = false;
    const states = new Map<string, InstigatorState>((await this.instance.storage.getInstigatorStates()).map((s) => [s.name, s]));
    const env: TickEnvironment = { defs: this.defs, instance: this.instance, launcher: this.#launcher, track: (completion) => this.#track(completion) };
    const ticks = { scheduler: [] as TickRecord[], sensors: [] as TickRecord[], automation: [] as TickRecord[] };

    for (const schedule of this.defs.schedules) {
      await this.#guard(`schedule ${schedule.name}`, async () => {
        ticks.scheduler.push(...(await runScheduleTicks(env, schedule, states.get(schedule.name), now, { maxCatchupTicks: this.#maxCatchupTicks, logger: this.#logger })));
      });
    }
    this.#lastIteration.scheduler = now;
    for (const sensor of this.defs.sensors) {
      if (sensor instanceof AutomationConditionSensorDefinition) continue; // the automation loop runs those
      await this.#guard(`sensor ${sensor.name}`, async () => {
        const tick = await runSensorTick(env, sensor, states.get(sensor.name), now);
        if (tick) ticks.sensors.push(tick);
      });
    }
    this.#lastIteration.sensors = now;
    for (const sensor of this.#automationSensors) {
      await this.#guard(`automation sensor ${sensor.name}`, async () => {
        const tick = await runAutomationTick(env, sensor, states.get(sensor.name), now, this.#logger);
        if (tick) ticks.automation.push(tick);
      });
    }
    this.#lastIteration.automation = now;
    // Backfills (automation's emitBackfills, those queued or abandoned) run in the background, tracked like runs.
    const backfills: string[] = [];
    await this.#guard("the backfills", async () => {
      backfills.push(...(await resumeBackfills(env, this.holder, this.#backfills, now, this.#logger)));
    });
    this.#lastIteration.backfills = now;
    const dequeued: string[] = [];
    if (this.#coordinator) {
      const coordinator = this.#coordinator;
      await this.#guard("the run queue", async () => {
        const pass = await coordinator.dequeue();
        dequeued.push(...pass.launched);
        if (pass.launched.length) this.#logger.info(`run queue: launched ${pass.launched.length} run(s)${pass.waiting.length ? `, ${pass.waiting.length} waiting (${pass.waiting[0]?.reason})` : ""}`);
      });
      this.#lastIteration.run_queue = now;
    }
    if (this.#runStartTimeoutMs !== false) {
      const startTimeoutMs = this.#runStartTimeoutMs;
      await this.#guard("run monitoring", async () => {
        const { failed, retried } = await monitorRuns({ instance: this.instance, defs: this.defs, startTimeoutMs });
        for (const { runId, reason } of failed) this.#logger.warn(`run monitoring: failed run ${runId}: ${reason}`);
        for (const { runId, childRunId } of retried) this.#logger.info(`run monitoring: re-executing run ${runId} from failure as ${childRunId}`);
      });
      this.#lastIteration.run_monitoring = now;
    }
    for (const tick of [...ticks.scheduler, ...ticks.sensors, ...ticks.automation]) this.#logTick(tick);
    if (this.#lost) {
      const lease = (await this.instance.storage.getLease(this.leaseName)) as LeaseRecord;
      return { ran: true, lease, ticks, dequeued, backfills };
    }
    // Renew with the loops' times, for `tessera daemon status`.
    const renewed = await this.instance.storage.acquireLease(this.leaseName, this.holder, this.clock.now(), this.leaseTtlMs, this.#leaseInfo(this.clock.now()));
    return { ran: true, lease: renewed, ticks, dequeued, backfills };
  }

  /**
   * Iterates every `intervalMs` on the clock until `signal` aborts, then waits for launched runs and
   * releases the lease.
   */
  async run(options: { signal?: AbortSignal } = {}): Promise<void> {
    const { signal } = options;
    // The lease is renewed in real time, beside the iterations: a long iteration (a slow sensor, many runs to
    // launch) never lets it lapse, so the lease can be short and a dead daemon's quickly taken over.
    this.#renewal = setInterval(() => void this.#renewInBackground(), this.leaseTtlMs / 3);
    this.#renewal.unref();
    try {
      while (!signal?.aborted) {
        let waitMs = this.intervalMs;
        try {
          const iteration = await this.runIteration();
          // Waiting for another daemon's lease: look again as soon as it would expire, not an interval later.
          if (!iteration.ran) waitMs = Math.min(this.intervalMs, Math.max(50, iteration.lease.expiresAt - this.clock.now() + 10));
        } catch (error) {
          // Storage unavailable, say: report and try again next iteration.
          this.#logger.error(`iteration failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        await sleepUnlessAborted(this.clock, waitMs, signal);
      }
    } finally {
      await this.close();
    }
  }

  async #renewInBackground(): Promise<void> {
    if (!this.#holding || this.#lost || this.#renewing || this.#closed) return;
    this.#renewing = true;
    try {
      const now = this.clock.now();
      const lease = await this.instance.storage.acquireLease(this.leaseName, this.holder, now, this.leaseTtlMs, this.#leaseInfo(now));
      if (lease.holder === this.holder) this.#renewedAt = now;
      else {
        // Another daemon took it (this process was stopped past it): stop ticking until the lease is ours again.
        this.#holding = false;
        this.#lost = true;
        this.#logger.warn(`lost the lease to daemon ${lease.holder}; waiting for it again`);
      }
    } catch {
      // Storage unavailable: the next renewal or iteration tries again; past the lease another daemon may take over.
    } finally {
      this.#renewing = false;
    }
  }

  /** Resolves once every run (and backfill) this daemon launched has ended. */
  async waitForRuns(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
    await this.#queueLauncher?.whenIdle?.();
  }

  /** Waits for the runs this daemon launched, then releases the lease. Idempotent; the daemon cannot iterate again. */
  async close(): Promise<void> {
    await this.waitForRuns();
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#renewal);
    while (this.#renewing) await new Promise((resolve) => setTimeout(resolve, 5));
    await this.instance.storage.releaseLease(this.leaseName, this.holder);
    await this.#queueLauncher?.close?.();
  }

  #track(completion: Promise<void>): void {
    const tracked = completion.catch((error: unknown) => this.#logger.error(`a run crashed: ${error instanceof Error ? error.message : String(error)}`)).finally(() => this.#inflight.delete(tracked));
    this.#inflight.add(tracked);
  }

  async #guard(what: string, fn: () => Promise<void>): Promise<void> {
    // A slow iteration renews the lease as it goes; once another daemon has taken it, this one stops ticking.
    if (this.#lost) return;
    const now = this.clock.now();
    if (now - this.#renewedAt >= this.leaseTtlMs / 3) {
      const lease = await this.instance.storage.acquireLease(this.leaseName, this.holder, now, this.leaseTtlMs, this.#leaseInfo(now));
      if (lease.holder !== this.holder) {
        this.#lost = true;
        this.#logger.warn(`lost the lease to daemon ${lease.holder} (this iteration ran past it); stopping before ${what}`);
        return;
      }
      this.#renewedAt = now;
    }
    try {
      await fn();
    } catch (error) {
      // Errors of user code are recorded on ticks; what reaches here is storage or daemon trouble with one instigator.
      this.#logger.error(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #logTick(tick: TickRecord): void {
    const what = `${tick.instigatorType.toLowerCase()} ${tick.instigatorName} tick ${new Date(tick.timestamp).toISOString()}`;
    if (tick.status === "SUCCESS") this.#logger.info(`${what}: launched ${tick.runIds.length} run(s)`);
    else if (tick.status === "SKIPPED") this.#logger.info(`${what}: skipped (${tick.skipReason ?? "no run requested"})`);
    else if (tick.status === "FAILURE") this.#logger.warn(`${what}: failed: ${(tick.error ?? "").split("\n")[0]}`);
  }

  #leaseInfo(now: number): Record<string, unknown> {
    return { pid: process.pid, hostname: hostname(), heartbeat: now, loops: { ...this.#lastIteration } };
  }
}

function sleepUnlessAborted(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return clock.sleep(ms);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done);
    void clock.sleep(ms).then(done);
  });
}
