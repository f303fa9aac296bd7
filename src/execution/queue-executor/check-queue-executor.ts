// What a run needs before its steps can go to the workers' queue, checked before anything is recorded.
import { InstanceError, InvalidDefinitionError } from "../../core/index.js";
import { InvalidExecutionOptionError } from "../errors.js";
import type { Instance } from "../../instance/index.js";
import { PostgresStorage } from "../../storage/index.js";
import { InMemoryIOManager } from "../io-managers/in-memory-io-manager.js";
import type { PreparedResource } from "../resources.js";

export function checkQueueExecutor(codeLocation: string | undefined, instance: Instance, prepared: readonly PreparedResource[]): void {
  const storage = instance.storage;
  if (!(storage instanceof PostgresStorage)) {
    throw new InstanceError(
      "WORKERS_NEED_POSTGRES",
      storage.location,
      `The queue executor puts each step on the workers' queue in PostgreSQL, but this instance is ${storage.backend} (${storage.location}). ` +
        "Set storage: { postgres: { url } } in tessera.yaml and start `tessera worker`, or use multiprocessExecutor() to run steps in processes on this machine.",
    );
  }
  if (codeLocation === undefined) {
    throw new InvalidExecutionOptionError(
      "codeLocation",
      "The queue executor's workers run each step from the code location, so the run needs its module: run it with `tessera materialize -m <file>`, or pass codeLocation: <path of the module exporting defs>.",
    );
  }
  const inMemory = prepared.find((p) => p.definition instanceof InMemoryIOManager);
  if (inMemory) {
    throw new InvalidDefinitionError(
      `Resource "${inMemory.key}" is an InMemoryIOManager, whose values no worker can read; the queue executor needs a shared one, such as the default FilesystemIOManager on a shared home.`,
    );
  }
}
