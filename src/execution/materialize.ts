// materialize() and defs.materialize(): run a selection of assets in this process.
import { InvalidDefinitionError } from "../core/index.js";
import { Definitions, type AssetsItem } from "../definitions/index.js";
import { AssetGraph, AssetSelection, type CoercibleToAssetSelection } from "../graph/index.js";
import type { ExecuteResult } from "./execute-result.js";
import { executeRun, submitRun, type ExecuteOptions } from "./execute-run.js";
import type { Instance } from "../instance/index.js";
import type { RunRecord } from "../storage/index.js";

/**
 * A selection: an AssetSelection, a selection string in either grammar (`"*orders+"`, `"group:sales and kind:csv"`,
 * comma lists of keys), or keys, definitions and specs.
 */
export type SelectionLike = CoercibleToAssetSelection;

export interface MaterializeOptions extends ExecuteOptions {
  /** Which of the assets to materialize. @default all of them */
  selection?: SelectionLike;
}

/**
 * Materializes assets in this process and records the run: for tests and scripts.
 *
 * @example
 * const result = await materialize([orders, revenue], { resources: { warehouse } });
 * result.assetValue("revenue");
 */
export async function materialize(assets: readonly AssetsItem[], options: MaterializeOptions = {}): Promise<ExecuteResult> {
  const { selection, ...rest } = options;
  const defs = new Definitions({ assets, resources: options.resources ?? {} });
  return materializeDefinitions(defs, selection, rest);
}

/** Graph nodes of `selection`; without one, every computed asset. */
export function resolveSelection(graph: AssetGraph, selection: SelectionLike | undefined): number[] {
  if (selection === undefined) {
    const all: number[] = [];
    for (let i = 0; i < graph.size; i++) if (!graph.isExternal(i)) all.push(i);
    return all;
  }
  return AssetSelection.from(selection).resolveIndices(graph);
}

export async function materializeDefinitions(defs: Definitions, selection: SelectionLike | undefined, options: ExecuteOptions): Promise<ExecuteResult> {
  const { nodes, checks } = selectedTargets(defs, await withStatuses(defs, selection, options.instance));
  return executeRun(defs, nodes, options, checks);
}

/** `status:` in a selection answered from the run's instance (without one, resolving it says to pass one). */
async function withStatuses(defs: Definitions, selection: SelectionLike | undefined, instance: Instance | undefined): Promise<SelectionLike | undefined> {
  if (selection === undefined || instance === undefined) return selection;
  const parsed = AssetSelection.from(selection);
  return parsed.needsInstance() ? parsed.withStatusesResolved(defs, { instance }) : selection;
}

/** The computed assets and checks `selection` runs; external assets or an empty selection are errors. */
function selectedTargets(defs: Definitions, selection: SelectionLike | undefined): { nodes: number[]; checks: number[] | undefined } {
  const graph = AssetGraph.of(defs);
  const nodes = resolveSelection(graph, selection);
  const external = nodes.filter((n) => graph.isExternal(n));
  if (external.length > 0) {
    const observable = external.filter((n) => graph.isObservable(n));
    throw new InvalidDefinitionError(
      `Cannot materialize ${external.map((n) => `"${graph.ids[n]}"`).join(", ")}: external assets are recorded, not computed. ` +
        (observable.length ? `Observe ${observable.length === external.length ? "them" : "the observable ones"} with observe(), or remove them from the selection.` : "Remove them from the selection."),
    );
  }
  const checks = selection === undefined ? undefined : AssetSelection.from(selection).resolveCheckIndices(graph);
  if (nodes.length === 0 && (checks === undefined || checks.length === 0)) {
    throw new InvalidDefinitionError(`The selection ${typeof selection === "string" ? `"${selection}" ` : ""}selects no assets or checks; nothing to run.`);
  }
  return { nodes, checks };
}

/**
 * Validates a run of `selection` as `materializeDefinitions` would and puts it on the instance's run
 * queue (status QUEUED) instead of running it: the daemon's run coordinator launches it.
 */
export async function submitDefinitions(defs: Definitions, selection: SelectionLike | undefined, options: ExecuteOptions & { instance: Instance }): Promise<RunRecord> {
  const { nodes, checks } = selectedTargets(defs, await withStatuses(defs, selection, options.instance));
  return submitRun(defs, nodes, options, checks);
}

declare module "../definitions/definitions.js" {
  interface Definitions {
    /** Materializes `selection` (default: every computed asset) in this process. */
    materialize(selection?: SelectionLike, options?: ExecuteOptions): Promise<ExecuteResult>;
    /** Puts a run of `selection` on the instance's run queue; `tessera daemon` launches it. */
    submitRun(selection: SelectionLike | undefined, options: ExecuteOptions & { instance: Instance }): Promise<RunRecord>;
  }
}

Definitions.prototype.materialize = function materialize(this: Definitions, selection?: SelectionLike, options: ExecuteOptions = {}) {
  return materializeDefinitions(this, selection, options);
};

export interface ObserveOptions extends ExecuteOptions {
  /** Which observable sources to observe. @default all of them */
  selection?: SelectionLike;
}

/**
 * Runs the observe functions of observable source assets and records their observations and data versions.
 *
 * @example
 * const result = await observe([vendorFeed], { instance });
 * result.getAssetObservationEvents();
 */
export async function observe(assets: readonly AssetsItem[], options: ObserveOptions = {}): Promise<ExecuteResult> {
  const { selection, ...rest } = options;
  const defs = new Definitions({ assets, resources: options.resources ?? {} });
  const graph = AssetGraph.of(defs);
  const nodes =
    selection === undefined
      ? graph.keys.map((_, i) => i).filter((i) => graph.isObservable(i))
      : AssetSelection.from(selection).resolveIndices(graph, {});
  const notObservable = nodes.filter((n) => !graph.isObservable(n));
  if (notObservable.length > 0) {
    throw new InvalidDefinitionError(
      `Cannot observe ${notObservable.map((n) => `"${graph.ids[n]}"`).join(", ")}: only observable source assets (observableSourceAsset()) can be observed.`,
    );
  }
  if (nodes.length === 0) throw new InvalidDefinitionError("Nothing to observe: pass observable source assets (observableSourceAsset()).");
  return executeRun(defs, nodes, { jobName: "__OBSERVE_JOB", ...rest }, []);
}

Definitions.prototype.submitRun = function submit(this: Definitions, selection: SelectionLike | undefined, options: ExecuteOptions & { instance: Instance }) {
  return submitDefinitions(this, selection, options);
};
