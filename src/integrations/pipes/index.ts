// `@tessera/core/pipes`: external programs (Python, shell, binaries) as the compute of a step, reporting back through a small protocol.
import { fileURLToPath } from "node:url";

export { PipesProcessError, PipesSession, PipesStartError, pipes, withPipes, type PipesRunOptions, type WithPipes } from "../../execution/pipes/pipes-client.js";
export { TesseraPipes, openTesseraPipes } from "./pipes-program.js";
export { CONTEXT_ENV, MESSAGES_ENV, PROTOCOL_VERSION, PipesProtocolError, type PipesContextData, type PipesLogLevel, type PipesMessage } from "../../execution/pipes/protocol.js";

/**
 * The absolute path of `tessera_pipes.py`, the dependency-free Python side of the protocol shipped with the package:
 * put its folder on PYTHONPATH (`env: { PYTHONPATH: dirname(pythonHelperPath) }`) or copy it beside your script.
 */
// Computed here, in the entry file itself, which the build keeps at dist/integrations/pipes/ beside the copied helper.
export const pythonHelperPath: string = fileURLToPath(new URL("./tessera_pipes.py", import.meta.url));
