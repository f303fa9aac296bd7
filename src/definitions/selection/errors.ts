// Errors of selection strings: syntax errors with a caret under the input, and selections no string can express.
import { TesseraError } from "../../core/index.js";

/**
 * A selection string that neither grammar accepts. `position` is the 0-based offset of the
 * offending text in `selection` (`column` is the same, 1-based), `found` describes what is there
 * and `expected` lists what would have been accepted.
 */
export class SelectionSyntaxError extends TesseraError {
  readonly selection: string;
  readonly position: number;
  readonly column: number;
  readonly found: string;
  readonly expected: readonly string[];

  constructor(selection: string, position: number, length: number, found: string, expected: readonly string[], hint?: string) {
    const expectation = expected.length ? `, expected ${listOf(expected)}` : "";
    const { line, caretAt } = excerpt(selection, position);
    const caretLength = Math.max(1, Math.min(length, line.length - caretAt));
    super(
      "SELECTION_SYNTAX",
      `Invalid asset selection at column ${position + 1}: found ${found}${expectation}.` +
        (hint ? ` ${hint}` : "") +
        `\n  ${line}\n  ${" ".repeat(caretAt)}${"^".repeat(caretLength)}`,
    );
    this.selection = selection;
    this.position = position;
    this.column = position + 1;
    this.found = found;
    this.expected = Object.freeze([...expected]);
  }
}

/** A selection built in code that has no selection-string form resolving to the same assets. */
export class SelectionNotExpressibleError extends TesseraError {
  constructor(message: string) {
    super("SELECTION_NOT_EXPRESSIBLE", message);
  }
}

function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

const WINDOW = 60;

// The input line to echo under the message, cut to a window around the error in long inputs, and the
// caret's offset in it. Tabs and line breaks become spaces so that the caret stays aligned.
function excerpt(selection: string, position: number): { line: string; caretAt: number } {
  const start = selection.length > 2 * WINDOW ? Math.max(0, position - WINDOW) : 0;
  const end = selection.length > 2 * WINDOW ? Math.min(selection.length, position + WINDOW) : selection.length;
  const before = start > 0 ? "…" : "";
  const after = end < selection.length ? "…" : "";
  const line = before + selection.slice(start, end).replace(/[\t\r\n]/g, " ") + after;
  return { line, caretAt: position - start + before.length };
}
