// materialize() and defs.materialize(): run a selection of assets in this process.
import { AssetKey, InvalidDefinitionError, type AssetKeyLike } from "../core/index.js";
import { AssetSpec, AssetsDefinition, Definitions, type AssetsItem } from "../definitions/index.js";
import { AssetGraph, resolveKeyList } from "../graph/index.js";
import type { ExecuteResult } from "./execute-result.js";
import { executeRun, type ExecuteOptions } from "./execute-run.js";

/** A selection: a comma list of keys (`"orders, raw/customers"`, `"*"` for all), or keys and definitions. */
export type SelectionLike = string | readonly (AssetKeyLike | AssetsDefinition<unknown> | AssetSpec)[];

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

export function resolveSelection(graph: AssetGraph, selection: SelectionLike | undefined): number[] {
  if (selection === undefined || (typeof selection === "string" && selection.trim() === "*")) {
    const all: number[] = [];
    for (let i = 0; i < graph.size; i++) if (!graph.isExternal(i)) all.push(i);
    return all;
  }
  if (typeof selection === "string") return resolveKeyList(graph, selection);
  return resolveKeyList(
    graph,
    selection.flatMap((item) => (item instanceof AssetsDefinition ? item.keys : item instanceof AssetSpec ? [item.key] : [AssetKey.from(item)])),
  );
}

export async function materializeDefinitions(defs: Definitions, selection: SelectionLike | undefined, options: ExecuteOptions): Promise<ExecuteResult> {
  const graph = AssetGraph.of(defs);
  const nodes = resolveSelection(graph, selection);
  const external = nodes.filter((n) => graph.isExternal(n));
  if (external.length > 0) {
    throw new InvalidDefinitionError(
      `Cannot materialize ${external.map((n) => `"${graph.ids[n]}"`).join(", ")}: external assets are recorded, not computed. Remove them from the selection.`,
    );
  }
  return executeRun(defs, nodes, options);
}

declare module "../definitions/definitions.js" {
  interface Definitions {
    /** Materializes `selection` (default: every computed asset) in this process. */
    materialize(selection?: SelectionLike, options?: ExecuteOptions): Promise<ExecuteResult>;
  }
}

Definitions.prototype.materialize = function materialize(this: Definitions, selection?: SelectionLike, options: ExecuteOptions = {}) {
  return materializeDefinitions(this, selection, options);
};
