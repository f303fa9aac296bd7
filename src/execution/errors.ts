// Errors of a run as it is asked for, not of a definition: options that cannot go together, a selection with nothing to run.
import { TesseraError } from "../core/index.js";

/**
 * An option of materialize(), a job's execute(), a backfill or a launch that cannot work for this run
 * (a partition where none is partitioned, an executor the instance cannot serve). `option` names it.
 */
export class InvalidExecutionOptionError extends TesseraError {
  readonly option: string;
  constructor(option: string, message: string) {
    super("INVALID_EXECUTION_OPTION", message);
    this.option = option;
  }
}

/** A run or backfill that, as asked for, would run nothing: its selection selects nothing, or every partition is already done. */
export class NothingToRunError extends TesseraError {
  constructor(message: string) {
    super("NOTHING_TO_RUN", message);
  }
}
