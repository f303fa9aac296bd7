// Errors of evaluating automation conditions: a cursor that cannot be read.
import { TesseraError } from "../../core/index.js";

/** A cursor passed to evaluateAutomationConditions that no evaluation returned. */
export class InvalidAutomationCursorError extends TesseraError {
  constructor(message: string) {
    super("INVALID_AUTOMATION_CURSOR", `${message}; pass the cursor returned by the previous evaluateAutomationConditions call, or none to start over`);
  }
}
