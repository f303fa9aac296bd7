// Loads stored asset values outside a run, through each asset's IO manager.
import { AssetKey, InvalidDefinitionError, OutputTypeCheckError, coerceMetadata, type AssetKeyLike, type RawMetadata } from "../core/index.js";
import { DEFAULT_IO_MANAGER_KEY, isIOManager, type DefinitionsData, runTypeCheck, type IOManager, type TypeCheck } from "../definitions/index.js";
import { AssetGraph } from "../graph/index.js";
import { Instance } from "../instance/index.js";
import { parseRunConfig } from "../plan/index.js";
import { prepareResources, setUpResources, type LiveResources } from "./resources.js";
import { makeLogger } from "./step-logger.js";

/** Options of `loadAssetValue`: which partition, a type check on the value, and what the IO manager sees. */
export interface LoadAssetValueOptions {
  partitionKey?: string;
  /** A runtime check on the loaded value (the reference's python_type). */
  type?: TypeCheck<never>;
  /** Metadata the IO manager sees as the input's metadata. */
  inputDefinitionMetadata?: RawMetadata;
  /** Config for the IO manager resource, as `resources.<key>.config` in run config. */
  resourceConfig?: unknown;
}

/**
 * Loads values with the IO managers the assets are defined with. IO managers set up by `loadAssetValue`
 * stay up until `close()`.
 */
export class AssetValueLoader {
  readonly #defs: DefinitionsData;
  readonly #instance: Instance;
  readonly #live = new Map<string, LiveResources>();

  constructor(defs: DefinitionsData, instance: Instance) {
    this.#defs = defs;
    this.#instance = instance;
  }

  async loadAssetValue<T = unknown>(key: AssetKeyLike, options: LoadAssetValueOptions = {}): Promise<T> {
    const graph = AssetGraph.of(this.#defs);
    const node = graph.require(AssetKey.from(key), "loadAssetValue");
    const assetKey = graph.keys[node] as AssetKey;
    const definition = graph.definitions[node];
    const ioManagerKey = definition ? definition.outputForKey(assetKey).ioManagerKey : (graph.specs[node]?.ioManagerKey ?? DEFAULT_IO_MANAGER_KEY);
    const manager = await this.#ioManager(ioManagerKey, options.resourceConfig);
    const value = await manager.loadInput({
      assetKey,
      name: undefined,
      runId: undefined,
      metadata: coerceMetadata(options.inputDefinitionMetadata),
      upstreamMetadata: graph.specs[node]?.metadata ?? coerceMetadata(undefined),
      partitionKey: options.partitionKey,
      hasPartitionKey: options.partitionKey !== undefined,
      ...(options.partitionKey === undefined
        ? {}
        : { assetPartitionKeys: [options.partitionKey], assetPartitionKeyRange: { start: options.partitionKey, end: options.partitionKey } }),
      ...(graph.specs[node]?.partitionsDef ? { partitionsDef: graph.specs[node]?.partitionsDef } : {}),
      log: makeLogger(() => undefined),
    });
    const failure = runTypeCheck(options.type, value);
    if (failure !== undefined) throw new OutputTypeCheckError(assetKey.toString(), `loaded value: ${failure}`);
    return value as T;
  }

  async #ioManager(resourceKey: string, resourceConfig: unknown): Promise<IOManager> {
    const cacheKey = `${resourceKey}\0${JSON.stringify(resourceConfig ?? null)}`;
    let live = this.#live.get(cacheKey);
    if (!live) {
      const runConfig = parseRunConfig(resourceConfig === undefined ? {} : { resources: { [resourceKey]: { config: resourceConfig } } });
      const prepared = prepareResources([resourceKey], this.#defs.resources, runConfig, this.#instance);
      live = await setUpResources(prepared, () => makeLogger(() => undefined));
      this.#live.set(cacheKey, live);
    }
    const manager = live.values[resourceKey];
    if (!isIOManager(manager)) {
      throw new InvalidDefinitionError(`Resource "${resourceKey}" is not an IO manager: it needs handleOutput(ctx, value) and loadInput(ctx).`);
    }
    return manager;
  }

  /** Tears down the IO managers this loader set up. */
  async close(): Promise<void> {
    for (const live of this.#live.values()) await live.teardown(() => undefined);
    this.#live.clear();
  }
}
