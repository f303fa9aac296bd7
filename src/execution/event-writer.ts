// Batches a run's events: everything emitted before the event loop turns is written in one transaction, in order.
import type { EventRecord, TesseraEvent } from "../core/index.js";
import type { Instance } from "../instance/index.js";
import { outsideCapture } from "./compute-log-capture.js";
import type { WriteFence } from "../storage/index.js";

export class RunEventWriter {
  readonly records: EventRecord[] = [];
  readonly #instance: Instance;
  readonly #onEvent: ((record: EventRecord) => void) | undefined;
  #pending: TesseraEvent[] = [];
  #scheduled = false;
  #chain: Promise<void> = Promise.resolve();
  #failure: unknown;
  /** The fencing token the writes carry once the run has a holder; a write without the lease is refused. */
  fence: (() => WriteFence) | undefined;
  /** Called before each write that carries the fence (the holder renews its lease if its clock jumped). */
  beforeWrite: (() => Promise<void>) | undefined;

  /** The error of a refused or failed write, once one happened: nothing more is written. */
  get failure(): unknown {
    return this.#failure;
  }

  constructor(instance: Instance, onEvent?: (record: EventRecord) => void) {
    this.#instance = instance;
    this.#onEvent = onEvent;
  }

  /**
   * Queues an event; it is written once the event loop turns (or at the next `flush`). Waiting for
   * setImmediate rather than a microtask lets steps finishing in the same I/O phase share one commit:
   * each SQLite commit costs ~70 µs here, more than a trivial step's whole compute.
   */
  emit(event: TesseraEvent): void {
    this.#pending.push(event);
    if (!this.#scheduled) {
      this.#scheduled = true;
      // A failed write is kept and rethrown by the next explicit flush().
      setImmediate(() => void this.flush().catch(() => undefined));
    }
  }

  /** Writes everything queued so far; resolves once it is stored. Rejects if any write failed. */
  flush(): Promise<void> {
    this.#scheduled = false;
    if (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      this.#chain = this.#chain.then(async () => {
        if (this.#failure !== undefined) return;
        try {
          if (this.fence) await this.beforeWrite?.();
          const stored = await this.#instance.storeEvents(batch, this.fence ? { fence: this.fence() } : {});
          for (const record of stored) {
            this.records.push(record);
            // A listener prints progress; the flush may have been started inside a step, whose output that is not.
            if (this.#onEvent) outsideCapture(() => this.#onEvent?.(record));
          }
        } catch (error) {
          this.#failure = error;
        }
      });
    }
    return this.#chain.then(() => {
      if (this.#failure !== undefined) throw this.#failure;
    });
  }
}
