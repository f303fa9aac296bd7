// EventWatcher: one watch of the instance's newest storage id for all subscriptions of a server (LISTEN/NOTIFY on
// PostgreSQL, a poll on SQLite), so that a subscriber learns of events written by any process without polling itself.
import type { Instance } from "../instance/index.js";

/** A storage that pushes commits (PostgreSQL's LISTEN/NOTIFY). */
interface WatchableStorage {
  watchEvents(listener: (maxStorageId: number) => void, onError?: (error: unknown) => void): Promise<() => Promise<void>>;
}

export interface EventWatcherOptions {
  /** How often to look for new events while anyone listens. @default 100 (events reach subscribers within ~this) */
  readonly pollIntervalMs?: number;
}

/**
 * Calls each listener with the newest storage id whenever it grows. Watches only while someone listens: on SQLite one
 * `getMaxStorageId` query per interval, whatever the number of subscribers; on PostgreSQL one LISTEN connection.
 */
export class EventWatcher {
  readonly #instance: Instance;
  readonly #intervalMs: number;
  readonly #listeners = new Set<(maxStorageId: number) => void>();
  #timer: NodeJS.Timeout | undefined;
  #notifications: Promise<(() => Promise<void>) | undefined> | undefined;
  #last = -1;
  #polling = false;

  constructor(instance: Instance, options: EventWatcherOptions = {}) {
    this.#instance = instance;
    this.#intervalMs = options.pollIntervalMs ?? 100;
  }

  /** How often it looks for new events (SQLite); also the pace of what is watched outside the event log (compute log files). */
  get pollIntervalMs(): number {
    return this.#intervalMs;
  }

  /** How many listen now (each open subscription is one). */
  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** Listens for new events; returns the function that stops listening. */
  listen(listener: (maxStorageId: number) => void): () => void {
    this.#listeners.add(listener);
    if (this.#timer === undefined && this.#notifications === undefined) this.#start();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.stop();
    };
  }

  /**
   * Wakes every listener now with the newest id seen, whether or not it grew: for state the event log does not carry
   * (a backfill canceled, a sensor started by a mutation of this server), so that subscriptions re-read it at once.
   */
  nudge(): void {
    for (const listener of [...this.#listeners]) listener(Math.max(this.#last, 0));
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    const stopping = this.#notifications;
    this.#notifications = undefined;
    void stopping?.then((stop) => stop?.());
  }

  /**
   * PostgreSQL tells of each commit (LISTEN/NOTIFY), so nobody polls it; SQLite has no such channel, so its newest
   * storage id is polled. A lost LISTEN connection falls back to polling.
   */
  #start(): void {
    const storage = this.#instance.storage as Partial<WatchableStorage>;
    if (typeof storage.watchEvents === "function") {
      const onError = () => {
        this.#notifications = undefined;
        if (this.#listeners.size > 0 && this.#timer === undefined) this.#startPolling();
      };
      const started = storage
        .watchEvents.call(this.#instance.storage, (max) => this.#publish(max), onError)
        .then(
          async (stop) => {
            // Events committed before LISTEN took effect sent no notification: catch up once.
            this.#publish(await this.#instance.storage.getMaxStorageId().catch(() => -1));
            return stop;
          },
          () => {
            onError();
            return undefined;
          },
        );
      this.#notifications = started;
      return;
    }
    this.#startPolling();
  }

  #startPolling(): void {
    this.#timer = setInterval(() => void this.#poll(), this.#intervalMs);
    this.#timer.unref();
  }

  #publish(max: number): void {
    if (max <= this.#last) return;
    this.#last = max;
    for (const listener of [...this.#listeners]) listener(max);
  }

  async #poll(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      this.#publish(await this.#instance.storage.getMaxStorageId());
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
