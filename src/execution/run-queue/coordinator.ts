// The queued run coordinator: launches QUEUED runs in priority order while the instance's limits allow.
import type { Instance, RunQueueSettings, TagConcurrencyLimit } from "../../instance/index.js";
import type { RunRecord } from "../../storage/index.js";

/** A run's priority: higher launches first; ties launch in the order they were queued. */
export const PRIORITY_TAG = "tessera/priority";
export const DEFAULT_MAX_CONCURRENT_RUNS = 10;
const IN_PROGRESS = ["STARTING", "STARTED", "CANCELING"] as const;

/** Starts a run the coordinator took off the queue; resolves once it is started, not finished. */
export interface RunQueueLauncher {
  launch(run: RunRecord): Promise<void>;
}

/** What one `dequeue()` did: the runs it launched and those it left waiting, with why. */
export interface DequeueResult {
  /** Runs launched by this pass, in launch order. */
  readonly launched: readonly string[];
  /** Queued runs left waiting, each with why. */
  readonly waiting: readonly { readonly runId: string; readonly reason: string }[];
}

/**
 * Launches QUEUED runs as the instance's limits allow (maxConcurrentRuns, tag concurrency limits, priority), as the
 * reference's QueuedRunCoordinator; the daemon calls `dequeue()` every iteration.
 */
export class QueuedRunCoordinator {
  readonly #instance: Instance;
  readonly #launcher: RunQueueLauncher;
  readonly #maxConcurrentRuns: number;
  readonly #limits: readonly TagConcurrencyLimit[];

  constructor(options: { instance: Instance; launcher: RunQueueLauncher; settings?: RunQueueSettings }) {
    this.#instance = options.instance;
    this.#launcher = options.launcher;
    const settings = options.settings ?? options.instance.settings.runQueue ?? {};
    this.#maxConcurrentRuns = settings.maxConcurrentRuns ?? DEFAULT_MAX_CONCURRENT_RUNS;
    this.#limits = settings.tagConcurrencyLimits ?? [];
  }

  /**
   * One pass over the queue: each queued run, by priority then age, is launched unless the run limit is
   * reached (the pass stops) or one of its tag limits is (that run waits; later ones may still go, as in
   * the reference). A run is marked STARTING before its launcher is called, so a crash between the two
   * never launches it twice; a launch that throws fails the run with the launcher's error.
   */
  async dequeue(): Promise<DequeueResult> {
    return this.#pass(true);
  }

  /**
   * What the next `dequeue()` would do, launching nothing: the runs it would launch, and why each other queued run
   * waits (for `tessera daemon status`).
   */
  async explain(): Promise<DequeueResult> {
    return this.#pass(false);
  }

  async #pass(launch: boolean): Promise<DequeueResult> {
    const instance = this.#instance;
    const [queued, inProgress] = await Promise.all([instance.getRuns({ statuses: ["QUEUED"] }), instance.getRuns({ statuses: [...IN_PROGRESS] })]);
    const counts = new Map<string, number>();
    for (const run of inProgress) for (const bucket of this.#buckets(run)) counts.set(bucket.id, (counts.get(bucket.id) ?? 0) + 1);
    let running = inProgress.length;
    const launched: string[] = [];
    const waiting: { runId: string; reason: string }[] = [];
    // getRuns lists newest first; the sort is stable, so equal priorities keep queue order.
    const ordered = [...queued].reverse().sort((a, b) => priorityOf(b) - priorityOf(a));
    for (const run of ordered) {
      if (this.#maxConcurrentRuns >= 0 && running >= this.#maxConcurrentRuns) {
        waiting.push({ runId: run.runId, reason: `${running} run(s) in progress, the limit (runQueue.maxConcurrentRuns) is ${this.#maxConcurrentRuns}` });
        continue;
      }
      const buckets = this.#buckets(run);
      const full = buckets.find((b) => (counts.get(b.id) ?? 0) >= b.limit);
      if (full) {
        waiting.push({ runId: run.runId, reason: `${counts.get(full.id) ?? 0} run(s) with ${full.describe} in progress, its limit is ${full.limit}` });
        continue;
      }
      running++;
      for (const b of buckets) counts.set(b.id, (counts.get(b.id) ?? 0) + 1);
      if (!launch) {
        launched.push(run.runId);
        continue;
      }
      await instance.storeEvents([{ runId: run.runId, timestamp: instance.clock.now(), eventType: "RUN_STARTING", message: "Launching: taken off the run queue." }]);
      try {
        await this.#launcher.launch(run);
        launched.push(run.runId);
      } catch (error) {
        await instance.storeEvents([
          { runId: run.runId, timestamp: instance.clock.now(), eventType: "RUN_FAILURE", message: `The run could not be launched: ${(error as Error)?.message ?? String(error)}` },
        ]);
      }
    }
    return { launched, waiting };
  }

  /** The tag-limit buckets a run counts in. */
  #buckets(run: RunRecord): { id: string; limit: number; describe: string }[] {
    const out: { id: string; limit: number; describe: string }[] = [];
    this.#limits.forEach((limit, index) => {
      const value = run.tags[limit.key];
      if (value === undefined) return;
      if (limit.value === undefined) out.push({ id: `${index}`, limit: limit.limit, describe: `tag ${limit.key}` });
      else if (typeof limit.value === "string") {
        if (value === limit.value) out.push({ id: `${index}`, limit: limit.limit, describe: `tag ${limit.key}=${value}` });
      } else out.push({ id: `${index}=${value}`, limit: limit.limit, describe: `tag ${limit.key}=${value}` });
    });
    return out;
  }
}

function priorityOf(run: RunRecord): number {
  const text = run.tags[PRIORITY_TAG];
  const value = text === undefined ? 0 : Number(text);
  return Number.isFinite(value) ? value : 0;
}
