// RetryPolicy: how many times a failed step is retried and how long to wait between attempts.
import { InvalidDefinitionError } from "../core/index.js";

/** How the wait between retries grows: LINEAR (`delay·n`) or EXPONENTIAL (`delay·(2ⁿ−1)`). */
export const Backoff = Object.freeze({ LINEAR: "LINEAR", EXPONENTIAL: "EXPONENTIAL" });
export type Backoff = (typeof Backoff)[keyof typeof Backoff];
/** Randomness added to the wait between retries: FULL scales it by a random factor, PLUS_MINUS adds up to ±delay. */
export const Jitter = Object.freeze({ FULL: "FULL", PLUS_MINUS: "PLUS_MINUS" });
export type Jitter = (typeof Jitter)[keyof typeof Jitter];

/** Options for `new RetryPolicy(options)`. */
export interface RetryPolicyOptions {
  /** Retries after the first attempt. @default 1 */
  maxRetries?: number;
  /** Base wait between attempts, in seconds as in the reference. @default 0 */
  delay?: number;
  backoff?: Backoff;
  jitter?: Jitter;
}

/**
 * How many times a failed step is retried and how long to wait between attempts. Set it on an asset or op
 * (`retryPolicy`), or on a job (`opRetryPolicy`) for the steps that have none of their own.
 *
 * @example
 * new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.EXPONENTIAL, jitter: Jitter.PLUS_MINUS })
 */
export class RetryPolicy {
  readonly kind = "retry_policy";
  readonly maxRetries: number;
  readonly delay: number | undefined;
  readonly backoff: Backoff | undefined;
  readonly jitter: Jitter | undefined;

  constructor(options: RetryPolicyOptions = {}) {
    const { maxRetries = 1, delay, backoff, jitter } = options;
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new InvalidDefinitionError(`RetryPolicy maxRetries must be a whole number >= 0, got ${String(maxRetries)}`);
    }
    if (delay !== undefined && (!Number.isFinite(delay) || delay < 0)) {
      throw new InvalidDefinitionError(`RetryPolicy delay is in seconds and must be >= 0, got ${String(delay)}`);
    }
    if ((backoff || jitter) && delay === undefined) {
      throw new InvalidDefinitionError("RetryPolicy backoff and jitter need a base delay: pass `delay` (seconds) as well");
    }
    if (backoff !== undefined && !Object.values(Backoff).includes(backoff)) {
      throw new InvalidDefinitionError(`RetryPolicy backoff must be Backoff.LINEAR or Backoff.EXPONENTIAL, got ${String(backoff)}`);
    }
    if (jitter !== undefined && !Object.values(Jitter).includes(jitter)) {
      throw new InvalidDefinitionError(`RetryPolicy jitter must be Jitter.FULL or Jitter.PLUS_MINUS, got ${String(jitter)}`);
    }
    this.maxRetries = maxRetries;
    this.delay = delay;
    this.backoff = backoff;
    this.jitter = jitter;
    Object.freeze(this);
  }

  /**
   * Seconds to wait before retry number `attempt` (1 for the first retry), with the reference's formulas:
   * linear `delay·n`, exponential `delay·(2ⁿ−1)`; full jitter scales by a random factor, plus-minus adds ±delay.
   */
  calculateDelay(attempt: number, random: () => number = Math.random): number {
    const base = this.delay ?? 0;
    let seconds = base;
    if (this.backoff === Backoff.EXPONENTIAL) seconds = (2 ** attempt - 1) * base;
    else if (this.backoff === Backoff.LINEAR) seconds = base * attempt;
    if (this.jitter === Jitter.FULL) seconds = random() * seconds;
    else if (this.jitter === Jitter.PLUS_MINUS) seconds = seconds + (2 * random() * base - base);
    return Math.max(0, seconds);
  }
}
