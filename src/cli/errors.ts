// Errors of the command line itself: a flag used wrongly, a refused confirmation.
import { TesseraError } from "../core/index.js";

/** A command used in a way that cannot work; the message says how to use it instead. */
export class CliUsageError extends TesseraError {
  constructor(message: string) {
    super("CLI_USAGE", message);
  }
}
