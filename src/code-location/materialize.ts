// materialize() and observe(): run assets that are not gathered in a Definitions yet, for tests and scripts.
import { AssetChecksDefinition, type AssetsItem } from "../definitions/index.js";
import { materializeDefinitions, observeDefinitions, type ExecuteOptions, type ExecuteResult, type SelectionLike } from "../execution/index.js";
import { Definitions } from "./definitions.js";

/** Options for `materialize()`: which assets, plus the run options (instance, resources, run config, tags, partition). */
export interface MaterializeOptions extends ExecuteOptions {
  /** Which of the assets to materialize. @default all of them */
  selection?: SelectionLike;
}

/**
 * Materializes assets in this process and records the run: for tests and scripts. The assets are validated as
 * `new Definitions` would. Check definitions may sit among the assets (the reference's `materialize([asset, check])`):
 * they run with their assets unless a selection leaves them out.
 *
 * @example
 * const result = await materialize([orders, revenue], { resources: { warehouse } });
 * result.assetValue("revenue");
 */
export async function materialize(assets: readonly (AssetsItem | AssetChecksDefinition)[], options: MaterializeOptions = {}): Promise<ExecuteResult> {
  const { selection, ...rest } = options;
  const assetChecks = assets.filter((item): item is AssetChecksDefinition => item instanceof AssetChecksDefinition);
  const assetItems = assets.filter((item): item is AssetsItem => !(item instanceof AssetChecksDefinition));
  return materializeDefinitions(new Definitions({ assets: assetItems, assetChecks, resources: options.resources ?? {} }), selection, rest);
}

/** Options for `observe()`: which observable sources, plus the run options. */
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
  return observeDefinitions(new Definitions({ assets, resources: options.resources ?? {} }), selection, rest);
}
