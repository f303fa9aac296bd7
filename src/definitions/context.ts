// The context a compute receives. Execution implements it; definitions only describe its shape.
import type { AssetKey, AssetKeyLike, MetadataMap, RawMetadata, Tags } from "../core/index.js";
// Type-only: the instance is a later layer, but a compute may read it through its context (as in the reference).
import type { Instance } from "../instance/index.js";
import type { DataProvenance } from "../versioning/index.js";
import type { IOLogger } from "./io-manager.js";
import type { MaterializeResult } from "./results.js";
import type { AssetsDefinition } from "./assets-definition.js";

/** An asset check named by its asset's key and its name. */
export interface SelectedAssetCheckKey {
  readonly assetKey: AssetKey;
  readonly name: string;
}

/** What an asset's compute receives as its first argument: the run, the asset and partitions being computed, config, resources, logs and the instance. */
export interface AssetExecutionContext<Config = undefined, Resources = Record<never, never>> {
  readonly runId: string;
  /** The asset this step computes; reading it in a multi-asset of several assets is an error (read `selectedAssetKeys`). */
  readonly assetKey: AssetKey;
  /** The definition whose op this step runs: its keys, specs, inputs and outputs. */
  readonly assetsDef: AssetsDefinition<unknown>;
  /** The assets this step was asked to materialize. */
  readonly selectedAssetKeys: readonly AssetKey[];
  /**
   * The checks this step was asked to evaluate: of a multi-asset, those of its `checkSpecs` the run selected (a run
   * may select only checks, and then `selectedAssetKeys` is empty); of a check, itself.
   */
  readonly selectedAssetCheckKeys: readonly SelectedAssetCheckKey[];
  /** The output names of the selected assets (of a multi-asset). */
  readonly selectedOutputNames: readonly string[];
  readonly stepKey: string;
  /** The op's name: the key's segments joined by `__`. */
  readonly opName: string;
  /** Config from `runConfig.ops.<opName>.config`, parsed by the asset's zod schema. */
  readonly config: Config;
  readonly resources: Resources;
  /** Structured logs, stored in the run's event log. */
  readonly log: IOLogger;
  readonly instance: Instance;
  /** 0 on the first attempt, then 1, 2… on retries. */
  readonly retryNumber: number;
  readonly runTags: Tags;
  /** The asset's definition metadata. */
  readonly definitionMetadata: MetadataMap;
  /** True when the step materializes a partition of a partitioned asset. */
  readonly hasPartitionKey: boolean;
  /** The partition being materialized; throws for an unpartitioned step. */
  readonly partitionKey: string;
  /** Every partition the step materializes: one key, or each key of a range run. */
  readonly partitionKeys: readonly string[];
  /** The partitions being materialized, as a range (one partition: start = end). */
  readonly partitionKeyRange: { readonly start: string; readonly end: string };
  /** The time window of the partition, for assets partitioned by time. */
  readonly partitionTimeWindow: { readonly start: Date; readonly end: Date };
  /** The upstream partitions an input reads, through its partition mapping. */
  assetPartitionKeysForInput(inputName: string): string[];
  /**
   * What the asset's latest materialization was computed from (its code version and its inputs' data versions), or
   * undefined when it has none or was recorded without provenance: `await ctx.getAssetProvenance("orders")`.
   */
  getAssetProvenance(key: AssetKeyLike): Promise<DataProvenance | undefined>;
  /**
   * Metadata to add to the materialization of an output (the reference's `add_output_metadata`). The name may be
   * left out when the step has one output; an output the step does not have is an error.
   */
  addOutputMetadata(metadata: RawMetadata, outputName?: string): void;
  /**
   * Metadata to add to the materialization of one of the step's assets (the reference's `add_asset_metadata`):
   * every partition the step materializes, or only `partitionKey`. `assetKey` may be left out when the step
   * materializes one asset; an asset or partition the step does not materialize is an error.
   *
   * @example
   * for (const key of ctx.partitionKeys) ctx.addAssetMetadata({ rows: counts[key] }, { partitionKey: key });
   */
  addAssetMetadata(metadata: RawMetadata, options?: { assetKey?: AssetKeyLike; partitionKey?: string }): void;
  /**
   * Runs an external program as this compute (the reference's Pipes): `return ctx.pipes.run("python3", { args:
   * ["job.py"] })`. The program reports materializations, check results and logs through `tessera_pipes.py`
   * (`@tessera/core/pipes`); its code is loaded on first use only.
   */
  readonly pipes: PipesClient;
}

/** Options of `ctx.pipes.run(command, options)`. */
export interface PipesRunOptions {
  /** Arguments after the command. */
  args?: readonly string[];
  /** Variables added to (and overriding) this process's environment. */
  env?: Readonly<Record<string, string>>;
  /** The program's working directory. @default process.cwd() */
  cwd?: string;
  /** JSON-serializable values the program reads as `pipes.extras`. */
  extras?: Readonly<Record<string, unknown>>;
}

/** `ctx.pipes`: runs a program with the step's pipes context and returns what it reported, one result per asset. */
export interface PipesClient {
  run(command: string, options?: PipesRunOptions): Promise<MaterializeResult[]>;
}
