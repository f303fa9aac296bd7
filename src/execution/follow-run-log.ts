// Progress of a run whose steps run in other processes: their events reach the instance, not this process's writer.
import type { EventRecord } from "../core/index.js";
import type { Instance } from "../instance/index.js";

/** Passes every event of a run, in order, to `onEvent` as it is stored by any process: polled every 100 ms. */
export function followRunLog(instance: Instance, runId: string, onEvent: (event: EventRecord) => void): { stop: () => Promise<void> } {
  let cursor = 0;
  let reading: Promise<void> = Promise.resolve();
  const read = (): Promise<void> =>
    (reading = reading.then(async () => {
      for (const event of await instance.allLogs(runId, { afterStorageId: cursor })) {
        cursor = event.storageId;
        onEvent(event);
      }
    }).catch(() => undefined));
  const timer = setInterval(() => void read(), 100);
  return {
    stop: async () => {
      clearInterval(timer);
      await read();
    },
  };
}
