// Time is injected so that retries, schedules and automation are tested without sleeping.

/** A source of time. `now()` is epoch milliseconds; `sleep` waits on this clock. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The wall clock. */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  sleep: (ms: number) => (ms <= 0 ? Promise.resolve() : new Promise<void>((resolve) => setTimeout(resolve, ms))),
});

/**
 * A clock that moves only when told. `sleep` resolves once `advance` has moved time past its deadline,
 * or at once with `autoAdvance` (time jumps forward by the slept amount).
 */
export class ManualClock implements Clock {
  #now: number;
  readonly #autoAdvance: boolean;
  #sleepers: { until: number; resolve: () => void }[] = [];

  constructor(start: Date | number = 0, options: { autoAdvance?: boolean } = {}) {
    this.#now = start instanceof Date ? start.getTime() : start;
    this.#autoAdvance = options.autoAdvance ?? false;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number): Promise<void> {
    if (this.#autoAdvance || ms <= 0) {
      this.#now += Math.max(0, ms);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#sleepers.push({ until: this.#now + ms, resolve }));
  }

  /** Moves time forward and wakes every sleeper whose deadline has passed. */
  advance(ms: number): void {
    this.set(this.#now + ms);
  }

  set(time: Date | number): void {
    this.#now = time instanceof Date ? time.getTime() : time;
    const due = this.#sleepers.filter((s) => s.until <= this.#now);
    this.#sleepers = this.#sleepers.filter((s) => s.until > this.#now);
    for (const s of due) s.resolve();
  }

  /** Sleeps that have not yet been woken. */
  get pendingSleeps(): number {
    return this.#sleepers.length;
  }
}
