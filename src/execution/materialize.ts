// Running a selection of a set of definitions in this process, or putting it on the run queue.
import { InvalidExecutionOptionError, NothingToRunError } from "./errors.js";
import type { DefinitionsData } from "../definitions/index.js";
import { AssetGraph, AssetSelection } from "../graph/index.js";
import type { AssetCheckKeyLike, CoercibleToAssetSelection } from "../definitions/index.js";
import type { ExecuteResult } from "./execute-result.js";
import { executeRun, submitRun, type ExecuteOptions } from "./execute-run.js";
import type { Instance } from "../instance/index.js";
import type { RunRecord } from "../storage/index.js";

/**
 * A selection: an AssetSelection, a selection string in either grammar (`"*orders+"`, `"group:sales and kind:csv"`,
 * comma lists of keys), or keys, definitions and specs.
 */
export type SelectionLike = CoercibleToAssetSelection;

/** Graph nodes of `selection`; without one, every computed asset. */
export function resolveSelection(graph: AssetGraph, selection: SelectionLike | undefined): number[] {
  if (selection === undefined) {
    const all: number[] = [];
    for (let i = 0; i < graph.size; i++) if (!graph.isExternal(i)) all.push(i);
    return all;
  }
  return AssetSelection.from(selection).resolveIndices(graph);
}

export async function materializeDefinitions(defs: DefinitionsData, selection: SelectionLike | undefined, options: ExecuteOptions): Promise<ExecuteResult> {
  const { nodes, checks } = selectedTargets(defs, await withStatuses(defs, selection, options.instance));
  return executeRun(defs, nodes, options, checks);
}

/** `status:` in a selection answered from the run's instance (without one, resolving it says to pass one). */
async function withStatuses(defs: DefinitionsData, selection: SelectionLike | undefined, instance: Instance | undefined): Promise<SelectionLike | undefined> {
  if (selection === undefined || instance === undefined) return selection;
  const parsed = AssetSelection.from(selection);
  return parsed.needsInstance() ? parsed.withStatusesResolved(defs, { instance }) : selection;
}

/**
 * Runs what an automation condition requested: computed assets are materialized and observable sources
 * observed in one run (the reference's requests of observable sources), with the checks the request names.
 */
export async function executeRequestedDefinitions(defs: DefinitionsData, selection: SelectionLike | undefined, options: ExecuteOptions): Promise<ExecuteResult> {
  const { nodes, checks } = selectedTargets(defs, await withStatuses(defs, selection, options.instance), true);
  return executeRun(defs, nodes, options, checks);
}

/** As `executeRequestedDefinitions`, but puts the run on the run queue (the daemon's automation requests). */
export async function submitRequestedDefinitions(defs: DefinitionsData, selection: SelectionLike | undefined, options: ExecuteOptions & { instance: Instance }): Promise<RunRecord> {
  const { nodes, checks } = selectedTargets(defs, await withStatuses(defs, selection, options.instance), true);
  return submitRun(defs, nodes, options, checks);
}

/** The selection a run request stands for: its assets, and the checks it names (only those, when it names no asset). */
export function requestedSelection(request: { readonly assetSelection?: readonly { toString(): string }[] | undefined; readonly assetCheckKeys?: readonly AssetCheckKeyLike[] | undefined }): SelectionLike {
  const keys = (request.assetSelection ?? []).map(String);
  if (!request.assetCheckKeys?.length) return keys;
  return AssetSelection.keys(...keys).or(AssetSelection.checks(...request.assetCheckKeys));
}

/** The computed assets and checks `selection` runs; external assets (but observable ones when allowed) or an empty selection are errors. */
function selectedTargets(defs: DefinitionsData, selection: SelectionLike | undefined, observe = false): { nodes: number[]; checks: number[] | undefined } {
  const graph = AssetGraph.of(defs);
  const nodes = resolveSelection(graph, selection);
  const external = nodes.filter((n) => graph.isExternal(n) && !(observe && graph.isObservable(n)));
  if (external.length > 0) {
    const observable = external.filter((n) => graph.isObservable(n));
    throw new InvalidExecutionOptionError(
      "selection",
      `Cannot materialize ${external.map((n) => `"${graph.ids[n]}"`).join(", ")}: external assets are recorded, not computed. ` +
        (observable.length ? `Observe ${observable.length === external.length ? "them" : "the observable ones"} with observe(), or remove them from the selection.` : "Remove them from the selection."),
    );
  }
  const checks = selection === undefined ? undefined : AssetSelection.from(selection).resolveCheckIndices(graph);
  if (nodes.length === 0 && (checks === undefined || checks.length === 0)) {
    throw new NothingToRunError(`The selection ${typeof selection === "string" ? `"${selection}" ` : ""}selects no assets or checks; nothing to run.`);
  }
  return { nodes, checks };
}

/**
 * Validates a run of `selection` as `materializeDefinitions` would and puts it on the instance's run
 * queue (status QUEUED) instead of running it: the daemon's run coordinator launches it.
 */
export async function submitDefinitions(defs: DefinitionsData, selection: SelectionLike | undefined, options: ExecuteOptions & { instance: Instance }): Promise<RunRecord> {
  const { nodes, checks } = selectedTargets(defs, await withStatuses(defs, selection, options.instance));
  return submitRun(defs, nodes, options, checks);
}

/** Runs the observe functions of the observable sources `selection` names (all of them without one). */
export async function observeDefinitions(defs: DefinitionsData, selection: SelectionLike | undefined, rest: ExecuteOptions): Promise<ExecuteResult> {
  const graph = AssetGraph.of(defs);
  const nodes =
    selection === undefined
      ? graph.keys.map((_, i) => i).filter((i) => graph.isObservable(i))
      : AssetSelection.from(selection).resolveIndices(graph, {});
  const notObservable = nodes.filter((n) => !graph.isObservable(n));
  if (notObservable.length > 0) {
    throw new InvalidExecutionOptionError(
      "selection",
      `Cannot observe ${notObservable.map((n) => `"${graph.ids[n]}"`).join(", ")}: only observable source assets (observableSourceAsset()) can be observed.`,
    );
  }
  if (nodes.length === 0) throw new NothingToRunError("Nothing to observe: pass observable source assets (observableSourceAsset()).");
  return executeRun(defs, nodes, { jobName: "__OBSERVE_JOB", ...rest }, []);
}
