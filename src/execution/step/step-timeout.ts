// Step timeouts and hung computes. A step runs under the tightest of its limits: its op tag tessera/max_runtime,
// and what is left of the run's (the run tag tessera/max_runtime, else the instance's runMonitoring.maxRuntimeSeconds).
// Past it the step fails with StepTimeoutError and whatever its compute does later is dropped. A compute that can
// never settle (nothing left in the event loop that could wake it) fails at once instead of letting the process exit
// with the run STARTED.
import { StepTimeoutError, TesseraError } from "../../core/index.js";
import type { PlanStep } from "../../plan/index.js";
import { InvalidExecutionOptionError } from "../errors.js";

/** The run tag and op tag that bound a step's runtime, in seconds (the reference's dagster/max_runtime). */
export const MAX_RUNTIME_TAG = "tessera/max_runtime";

/** The moment (performance.now()) a run must be over by, and where the limit comes from. */
export interface RunDeadline {
  readonly at: number;
  readonly seconds: number;
  readonly source: string;
}

/** Reads a max runtime in seconds; a value that is not a positive number is refused naming where it was set. */
export function parseMaxRuntime(value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new InvalidExecutionOptionError(MAX_RUNTIME_TAG, `${MAX_RUNTIME_TAG} of ${where} is ${JSON.stringify(value)}; give a positive number of seconds, such as "600".`);
  }
  return seconds;
}

/** The run's deadline from its tags, else the instance's default; undefined when neither sets one. */
export function runDeadlineOf(runTags: Readonly<Record<string, string>>, instanceDefault: number | undefined, startedAt: number): RunDeadline | undefined {
  const tagged = parseMaxRuntime(runTags[MAX_RUNTIME_TAG], "the run's tags");
  const seconds = tagged ?? instanceDefault;
  if (seconds === undefined) return undefined;
  const source = tagged !== undefined ? `run tag ${MAX_RUNTIME_TAG}` : "runMonitoring.maxRuntimeSeconds in tessera.yaml";
  return { at: startedAt + seconds * 1000, seconds, source };
}

/** The limit a step runs under: its own, or the run's remaining time, whichever ends first. */
export function stepLimitOf(step: PlanStep, run: RunDeadline | undefined, now: number): { ms: number; seconds: number; source: string } | undefined {
  const own = parseMaxRuntime(step.definition.op.tags[MAX_RUNTIME_TAG], `step "${step.key}"'s opTags`);
  const ownLimit = own === undefined ? undefined : { ms: own * 1000, seconds: own, source: `opTags ${MAX_RUNTIME_TAG}` };
  const runLimit = run === undefined ? undefined : { ms: Math.max(0, run.at - now), seconds: run.seconds, source: run.source };
  if (!ownLimit) return runLimit;
  if (!runLimit) return ownLimit;
  return ownLimit.ms <= runLimit.ms ? ownLimit : runLimit;
}

/** A compute that never settles: its promise is pending and nothing left in the process could settle it. */
export class HungComputeError extends TesseraError {
  readonly stepKey: string;
  constructor(stepKey: string) {
    super(
      "STEP_TIMEOUT",
      `Step "${stepKey}" never finished: its compute returned a promise that nothing left in the process can settle ` +
        `(no timer, I/O or callback pending). Make sure every promise it awaits is resolved or rejected, or set ${MAX_RUNTIME_TAG}.`,
    );
    this.stepKey = stepKey;
  }
}

const pending = new Set<{ stepKey: string; fail: (error: Error) => void }>();
let listening = false;

/**
 * Runs `body` for `step` under `limit`. Resolves with the body's result, or rejects with StepTimeoutError past the
 * limit, or with HungComputeError when the event loop empties while it is pending (Node's 'beforeExit': nothing
 * else can ever settle it). `onAbandon` is called when the body is left behind, before the rejection.
 */
export function underLimit<T>(step: PlanStep, limit: ReturnType<typeof stepLimitOf>, body: Promise<T>, onAbandon: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const entry = {
      stepKey: step.key,
      fail: (error: Error) => {
        if (settled) return;
        settled = true;
        cleanup();
        onAbandon();
        reject(error);
      },
    };
    const timer = limit ? setTimeout(() => entry.fail(new StepTimeoutError(step.key, limit.seconds, limit.source)), limit.ms) : undefined;
    const cleanup = (): void => {
      if (timer) clearTimeout(timer);
      pending.delete(entry);
    };
    pending.add(entry);
    if (!listening) {
      listening = true;
      process.on("beforeExit", () => {
        for (const hung of [...pending]) hung.fail(new HungComputeError(hung.stepKey));
      });
    }
    body.then(
      (value) => {
        if (settled) return;
        settled = true;
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        cleanup();
        reject(error);
      },
    );
  });
}
