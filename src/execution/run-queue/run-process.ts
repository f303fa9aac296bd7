// The child side of ChildProcessRunLauncher: load the code location, execute one submitted run, exit.
import { pathToFileURL } from "node:url";
import { Definitions } from "../../definitions/index.js";
import { Instance } from "../../instance/index.js";
import { executeSubmittedRun } from "../execute-run.js";
import type { RunProcessInput } from "./launchers.js";
import "../index.js";

const input = JSON.parse(process.env.TESSERA_RUN_INPUT ?? "{}") as RunProcessInput;

async function main(): Promise<void> {
  const loaded = (await import(pathToFileURL(input.module).href)) as { defs?: unknown; default?: { defs?: unknown } };
  const defs = loaded.defs ?? loaded.default?.defs;
  if (!(defs instanceof Definitions)) throw new Error(`${input.module} does not export \`defs\` (a Definitions)`);
  const instance = Instance.open({ storage: input.storage, ...(input.home ? { home: input.home } : {}) });
  try {
    const run = await instance.getRunById(input.runId);
    if (!run) throw new Error(`Run ${input.runId} is not in the instance`);
    await executeSubmittedRun(defs, run, { instance, raiseOnError: false, codeLocation: input.module });
  } finally {
    await instance.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
