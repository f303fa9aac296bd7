// What loading inputs and handling outputs share: finding an asset's IO manager, and the partition fields of
// the context an IO manager is given.
import { InvalidDefinitionError, type AssetKey } from "../../core/index.js";
import { DEFAULT_IO_MANAGER_KEY, isIOManager, type IOManager } from "../../definitions/index.js";
import type { PartitionsDefinition, TimeWindow } from "../../partitions/index.js";
import type { RunState } from "../run-state.js";
import { timeWindowOfKeys } from "../step-partitions.js";

export function ioManagerKeyOf(run: RunState, node: number): string {
  const definition = run.graph.definitions[node];
  const key = run.graph.keys[node] as AssetKey;
  if (definition) return definition.outputForKey(key).ioManagerKey;
  return run.graph.specs[node]?.ioManagerKey ?? DEFAULT_IO_MANAGER_KEY;
}

export function ioManager(run: RunState, resourceKey: string, forWhat: string): IOManager {
  const manager = run.resources[resourceKey];
  if (!isIOManager(manager)) {
    throw new InvalidDefinitionError(
      `Resource "${resourceKey}" is used as the IO manager of ${forWhat} but is not one: an IO manager has handleOutput(ctx, value) and loadInput(ctx).`,
    );
  }
  return manager;
}

/**
 * What an IO manager context tells of the partitions around the one it handles: every key the run writes (or
 * the input reads), their first and last, and for time partitions the window they span.
 */
export function partitionRangeFields(
  def: PartitionsDefinition | undefined,
  keys: readonly string[] | undefined,
): { hasPartitionKey: boolean; assetPartitionKeys?: readonly string[]; assetPartitionKeyRange?: { start: string; end: string }; assetPartitionsTimeWindow?: TimeWindow; partitionsDef?: PartitionsDefinition } {
  if (keys === undefined) return { hasPartitionKey: false };
  const window = timeWindowOfKeys(def, keys);
  return {
    hasPartitionKey: true,
    assetPartitionKeys: keys,
    ...(keys.length ? { assetPartitionKeyRange: { start: keys[0] as string, end: keys[keys.length - 1] as string } } : {}),
    ...(window ? { assetPartitionsTimeWindow: window } : {}),
    ...(def ? { partitionsDef: def } : {}),
  };
}
