// Asset checks as entities of their own in an evaluation: a check with an automationCondition is evaluated with a
// root past the graph's nodes (graph.size + the check's index), so that its state and requests stay apart from
// the assets'. These helpers tell such roots apart and read which runs evaluated a check.
import type { RunRecord } from "../../storage/index.js";
import type { TickData } from "./context.js";

/** The run tag listing the check keys a run evaluates (written by the run's plan). */
export const CHECK_SELECTION_TAG = "tessera/asset_check_selection";

/** The check index a root stands for, or undefined for an asset root. */
export function checkOfRoot(tick: TickData, root: number): number | undefined {
  return root >= tick.graph.size ? root - tick.graph.size : undefined;
}

export function runSelectsCheck(run: RunRecord, checkId: string): boolean {
  return (run.tags[CHECK_SELECTION_TAG] ?? "").split(",").includes(checkId);
}
