// Errors of automation conditions: a condition that cannot be built, and a cursor that cannot be read.
import { TesseraError } from "../../core/index.js";

/** A condition built with a bad argument (an invalid cron string, a negative lookback). */
export class InvalidAutomationConditionError extends TesseraError {
  constructor(message: string) {
    super("INVALID_AUTOMATION_CONDITION", message);
  }
}

/** A cursor passed to evaluateAutomationConditions that no evaluation returned. */
export class InvalidAutomationCursorError extends TesseraError {
  constructor(message: string) {
    super("INVALID_AUTOMATION_CURSOR", `${message}; pass the cursor returned by the previous evaluateAutomationConditions call, or none to start over`);
  }
}
