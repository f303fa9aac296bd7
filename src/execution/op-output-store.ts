// Where the outputs of the ops inside graph-backed assets are kept between their steps: files under
// `$TESSERA_HOME/storage/op_outputs/<run>/<step>` for an instance with a home (so that a step in another process,
// or a re-execution from the failed op, can load them), memory kept with the instance otherwise.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import type { Instance } from "../instance/index.js";

export type StoredOpOutput = { readonly found: true; readonly value: unknown } | { readonly found: false };

export interface OpOutputStore {
  save(runId: string, stepKey: string, value: unknown): Promise<void>;
  load(runId: string, stepKey: string): Promise<StoredOpOutput>;
}

const byInstance = new WeakMap<Instance, OpOutputStore>();

export function opOutputStore(instance: Instance): OpOutputStore {
  let store = byInstance.get(instance);
  if (!store) {
    store = instance.home ? fileStore(join(instance.home, "storage", "op_outputs")) : memoryStore();
    byInstance.set(instance, store);
  }
  return store;
}

function memoryStore(): OpOutputStore {
  const values = new Map<string, unknown>();
  const slot = (runId: string, stepKey: string): string => `${runId}\u0000${stepKey}`;
  return {
    save: async (runId, stepKey, value) => void values.set(slot(runId, stepKey), value),
    load: async (runId, stepKey) => {
      const slotKey = slot(runId, stepKey);
      return values.has(slotKey) ? { found: true, value: values.get(slotKey) } : { found: false };
    },
  };
}

let writes = 0;

function fileStore(baseDir: string): OpOutputStore {
  // Step keys are op names joined by dots: safe as file names.
  const pathOf = (runId: string, stepKey: string): string => join(baseDir, runId, stepKey);
  return {
    save: async (runId, stepKey, value) => {
      const path = pathOf(runId, stepKey);
      await mkdir(join(baseDir, runId), { recursive: true });
      const temporary = `${path}.${process.pid}.${writes++}.tmp`;
      await writeFile(temporary, serialize(value));
      await rename(temporary, path);
    },
    load: async (runId, stepKey) => {
      try {
        return { found: true, value: deserialize(await readFile(pathOf(runId, stepKey))) as unknown };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return { found: false };
        throw error;
      }
    },
  };
}
