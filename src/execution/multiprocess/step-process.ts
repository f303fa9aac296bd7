// The step process of the multiprocess executor: loads the code location, runs the one step its input names, and
// reports on stdout. Only an entry point (started by spawn-step.ts), never imported: so it stays a file of its own
// when the package is bundled, and runs main at once.
import { Instance } from "../../instance/index.js";
import { executeStepInput } from "./execute-step-input.js";
import { loadModuleDefinitions } from "./load-definitions.js";
import { REPORT_PREFIX, type StepProcessInput, type StepProcessReport } from "./spawn-step.js";

async function main(): Promise<StepProcessReport> {
  const input = JSON.parse(process.env.TESSERA_STEP_INPUT ?? "{}") as StepProcessInput;
  const defs = await loadModuleDefinitions(input.module);
  const instance = Instance.open({ storage: input.storage, ...(input.home ? { home: input.home } : {}), ...(input.computeLogs ? { computeLogs: input.computeLogs } : {}) });
  try {
    return await executeStepInput(input, defs, instance);
  } finally {
    await instance.close();
  }
}

main().then(
  (report) => {
    process.stdout.write(`${REPORT_PREFIX}${JSON.stringify(report)}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
