// Changes of state the event log does not carry (schedule and sensor ticks, backfill records, the daemon's lease), for
// subscriptions: the server re-reads the state when the event log grows (a tick's or backfill's runs write events) and
// at a fixed interval besides (a tick skipped, a backfill's last update, a lease renewed or expired write none), and
// sends it only when it differs from what it sent last. Clients never poll; the server reads one thing per wake-up.
import type { EventWatcher } from "./event-watcher.js";

export interface StateChangesOptions<T> {
  readonly watcher: EventWatcher;
  /** Reads the state as it is now. */
  readonly read: () => Promise<T>;
  /** What identifies a state: two reads with the same fingerprint are one state, sent once. */
  readonly fingerprint: (state: T) => string;
  /** How often to re-read besides the event log's wake-ups (ms). */
  readonly intervalMs: number;
}

/** The default re-read interval of state subscriptions: a skipped tick or a finished backfill shows within a second. */
export const STATE_INTERVAL_MS = 1000;

/**
 * An async iterable of the state: its first value at once, then each different one. `return()` (the client went away)
 * stops the timer and the listener at once, even while no change is pending.
 */
export function stateChanges<T>(options: StateChangesOptions<T>): AsyncIterableIterator<T> {
  let wake: (() => void) | undefined;
  let pending = true; // the first pull reads at once
  let done = false;
  let last: string | undefined;
  const poke = () => {
    pending = true;
    wake?.();
  };
  const stopListening = options.watcher.listen(poke);
  const timer = setInterval(poke, options.intervalMs);
  timer.unref();
  const stop = () => {
    done = true;
    stopListening();
    clearInterval(timer);
    wake?.();
  };
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      while (!done) {
        while (!done && !pending) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        if (done) break;
        pending = false;
        let state: T;
        try {
          state = await options.read();
        } catch {
          // A closed or briefly unreachable instance: the next wake-up reads again.
          continue;
        }
        const print = options.fingerprint(state);
        if (print === last) continue;
        last = print;
        return { done: false, value: state };
      }
      return { done: true, value: undefined };
    },
    async return() {
      stop();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
