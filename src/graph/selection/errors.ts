// Errors of resolving asset selections: selections that cannot be answered here, and unknown checks.
import { TesseraError } from "../../core/index.js";

/** A selection that parses but cannot be resolved here (e.g. `status:`, which needs an instance). */
export class UnsupportedSelectionError extends TesseraError {
  readonly attribute: string;
  constructor(attribute: string, message: string) {
    super("SELECTION_UNSUPPORTED", message);
    this.attribute = attribute;
  }
}

/**
 * A selection with `status:` resolved without an instance: an asset's health lives in the
 * instance's event log, so resolve it with `await selection.resolveWithInstance(defs, { instance })`.
 */
export class SelectionNeedsInstanceError extends UnsupportedSelectionError {
  readonly selection: string;
  constructor(selection: string, fix?: string) {
    super(
      "status",
      `${selection} cannot be resolved against definitions alone: an asset's health (its latest materialization and check results) is recorded in an instance. ` +
        (fix ?? "Resolve it with `await selection.resolveWithInstance(defs, { instance })` (or `withStatusesResolved`), or select by key, group, tag, owner or kind."),
    );
    this.selection = selection;
  }
}

/** An asset check named in a selection that no definition supplies. */
export class UnknownAssetCheckError extends TesseraError {
  readonly checkKeys: readonly string[];
  constructor(checkKeys: readonly string[]) {
    super(
      "UNKNOWN_ASSET_CHECK",
      `Asset check${checkKeys.length > 1 ? "s" : ""} ${checkKeys.map((k) => `"${k}"`).join(", ")} ${checkKeys.length > 1 ? "were" : "was"} selected, but no definition supplies ${checkKeys.length > 1 ? "them" : "it"}. Check the spelling and that the checks are passed to Definitions.`,
    );
    this.checkKeys = Object.freeze([...checkKeys]);
  }
}

