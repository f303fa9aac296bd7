// The child side of ChildProcessRunLauncher: load the code location, execute one submitted run, exit.
import { Instance } from "../../instance/index.js";
import { executeSubmittedRun } from "../execute-run.js";
import { loadModuleDefinitions } from "../multiprocess/load-definitions.js";
import type { RunProcessInput } from "./launchers.js";

const input = JSON.parse(process.env.TESSERA_RUN_INPUT ?? "{}") as RunProcessInput;

async function main(): Promise<void> {
  const defs = await loadModuleDefinitions(input.module);
  const instance = Instance.open({ storage: input.storage, ...(input.home ? { home: input.home } : {}), ...(input.computeLogs ? { computeLogs: input.computeLogs } : {}) });
  try {
    const run = await instance.getRunById(input.runId);
    if (!run) throw new Error(`Run ${input.runId} is not in the instance`);
    await executeSubmittedRun(defs, run, {
      instance,
      raiseOnError: false,
      codeLocation: input.module,
      // A run process that lost its hold exits at once: the run may already be retried elsewhere.
      onLeaseLost: (error) => {
        process.stderr.write(`${error.message}\n`);
        process.exit(75);
      },
    });
  } finally {
    await instance.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    // The launcher quotes the last lines of stderr as the run's failure reason: the message goes last, so a
    // deep stack never pushes it out.
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    process.stderr.write(`${(error as Error)?.stack ?? ""}\n${message}\n`);
    process.exit(1);
  },
);
