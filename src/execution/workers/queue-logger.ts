// graphile-worker's logging, quiet below warnings. In a module of its own so that no declaration Tessera publishes
// names graphile-worker's types (it is an optional dependency).
import type { LogFunctionFactory, Logger } from "graphile-worker";
import { requireOptional } from "../../core/index.js";

/** graphile-worker's own logging is dropped below warnings, and goes to stderr otherwise. */
const logFactory: LogFunctionFactory = (scope) => (level, message) => {
  if (level === "error" || level === "warning") process.stderr.write(`tessera queue${scope.workerId ? ` ${scope.workerId}` : ""}: ${message}\n`);
};
let logger: Logger | undefined;
/** graphile-worker's logger, quiet below warnings (made once graphile-worker is loaded). */
export function quietQueueLogger(): Logger {
  logger ??= new (requireOptional<typeof import("graphile-worker")>("graphile-worker", "The workers' queue").Logger)(logFactory);
  return logger;
}

