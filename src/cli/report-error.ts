// How a failed command reports: `error: <message>` for what the user can fix, the stack for anything else.
import { CodeLocationError, TesseraError } from "../core/index.js";
import type { Cli } from "./cli.js";

/** Prints `error` to stderr; returns the exit code. */
export function reportError(cli: Cli, error: unknown): number {
  const label = cli.errStyle.red("error:");
  if (error instanceof TesseraError) {
    cli.printError(`${label} ${error.message}`);
    // A code location that threw while importing: the user's own stack says where.
    if (error instanceof CodeLocationError && error.cause instanceof Error && !(error.cause instanceof TesseraError)) {
      const frames = userFrames(error.cause);
      if (frames.length > 0) cli.printError(cli.errStyle.dim(frames.join("\n")));
    }
    return 1;
  }
  const stack = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  cli.printError(`${label} unexpected failure, this is likely a bug in Tessera:\n${stack}`);
  return 1;
}

// Stack frames of the failing code, without Node's internals, libraries (under node_modules) and this command.
function userFrames(error: Error): string[] {
  return (error.stack ?? "")
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .filter((line) => !/[( ]node:/.test(line) && !line.includes("/node_modules/") && !line.includes("/src/cli/"))
    .slice(0, 8);
}
