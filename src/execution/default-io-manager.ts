// The IO manager an instance supplies when none is given as the `ioManager` resource.
import { join } from "node:path";
import type { IOManager } from "../definitions/index.js";
import type { Instance } from "../instance/index.js";
import { FilesystemIOManager } from "./io-managers/filesystem-io-manager.js";
import { InMemoryIOManager } from "./io-managers/in-memory-io-manager.js";

const byInstance = new WeakMap<Instance, IOManager>();

/** Files under `$TESSERA_HOME/storage` for an instance with a home; memory kept with the instance otherwise. */
export function defaultIOManager(instance: Instance): IOManager {
  let manager = byInstance.get(instance);
  if (!manager) {
    manager = instance.home ? new FilesystemIOManager({ baseDir: join(instance.home, "storage") }) : new InMemoryIOManager();
    byInstance.set(instance, manager);
  }
  return manager;
}
