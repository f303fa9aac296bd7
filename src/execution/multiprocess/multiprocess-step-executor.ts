// The multiprocess executor: what a run needs for its steps to run in child processes, and their step runner.
import { InvalidDefinitionError } from "../../core/index.js";
import { InvalidExecutionOptionError } from "../errors.js";
import type { StorageConfig } from "../../instance/index.js";
import { InMemoryIOManager } from "../io-managers/in-memory-io-manager.js";
import type { StepExecutor } from "../step-executor.js";
import { spawnStep } from "./spawn-step.js";

export const multiprocessStepExecutor: StepExecutor = {
  outOfProcess: true,
  check({ codeLocation, instance, resources }) {
    if (codeLocation === undefined) {
      throw new InvalidExecutionOptionError(
        "codeLocation",
        "The multiprocess executor loads the code location in each step's process, so the run needs its module: run it with `tessera materialize -m <file>`, or pass codeLocation: <path of the module exporting defs>.",
      );
    }
    if (!instance.storageConfig) {
      throw new InvalidExecutionOptionError("instance", "The multiprocess executor needs an instance other processes can open (Instance.fromHome or Instance.open), not Instance.ephemeral().");
    }
    const inMemory = resources.find((p) => p.definition instanceof InMemoryIOManager);
    if (inMemory) {
      throw new InvalidDefinitionError(
        `Resource "${inMemory.key}" is an InMemoryIOManager, whose values no other process can read; the multiprocess executor needs a shared one, such as the default FilesystemIOManager.`,
      );
    }
  },
  // check() made sure of the module and of storage other processes can open.
  open: (target) => ({ runStep: spawnStep({ ...target, module: target.module as string, storage: target.storage as StorageConfig }) }),
};
