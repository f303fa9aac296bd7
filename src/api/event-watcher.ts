// EventWatcher: one poll of the instance's newest storage id for all subscriptions of a server, so that a
// subscriber learns of events written by any process (runs execute in child processes) without polling itself.
import type { Instance } from "../instance/index.js";

export interface EventWatcherOptions {
  /** How often to look for new events while anyone listens. @default 100 (events reach subscribers within ~this) */
  readonly pollIntervalMs?: number;
}

/**
 * Calls each listener with the newest storage id whenever it grows. Polls only while someone listens: one
 * `getMaxStorageId` query per interval, whatever the number of subscribers.
 */
export class EventWatcher {
  readonly #instance: Instance;
  readonly #intervalMs: number;
  readonly #listeners = new Set<(maxStorageId: number) => void>();
  #timer: NodeJS.Timeout | undefined;
  #last = -1;
  #polling = false;

  constructor(instance: Instance, options: EventWatcherOptions = {}) {
    this.#instance = instance;
    this.#intervalMs = options.pollIntervalMs ?? 100;
  }

  /** Listens for new events; returns the function that stops listening. */
  listen(listener: (maxStorageId: number) => void): () => void {
    this.#listeners.add(listener);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => void this.#poll(), this.#intervalMs);
      this.#timer.unref();
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.stop();
    };
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #poll(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      const max = await this.#instance.storage.getMaxStorageId();
      if (max !== this.#last) {
        this.#last = max;
        for (const listener of [...this.#listeners]) listener(max);
      }
    } catch {
      // A closed or briefly unreachable instance: the next poll tries again.
    } finally {
      this.#polling = false;
    }
  }
}

/**
 * An async iterable that yields whenever `watcher` sees new events, until the consumer stops (`return()`),
 * coalescing changes that arrive while the consumer is busy into one wake-up.
 */
export function changes(watcher: EventWatcher): AsyncIterableIterator<number> {
  let wake: (() => void) | undefined;
  let pending = true; // the first pull reads history immediately
  let latest = 0;
  let done = false;
  const stop = watcher.listen((max) => {
    latest = max;
    pending = true;
    wake?.();
  });
  const iterator: AsyncIterableIterator<number> = {
    async next() {
      while (!done && !pending) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      pending = false;
      return done ? { done: true, value: undefined } : { done: false, value: latest };
    },
    async return() {
      done = true;
      stop();
      wake?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
