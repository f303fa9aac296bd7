// The IO manager interface: how asset values are stored after a compute and loaded for downstream computes.
import type { AssetKey, LogLevel, MetadataMap, RawMetadata } from "../core/index.js";
import type { PartitionsDefinition, TimeWindow } from "../partitions/index.js";

export interface IOLogger {
  readonly debug: (message: string, fields?: Record<string, unknown>) => void;
  readonly info: (message: string, fields?: Record<string, unknown>) => void;
  readonly warn: (message: string, fields?: Record<string, unknown>) => void;
  readonly error: (message: string, fields?: Record<string, unknown>) => void;
}
export type { LogLevel };

/** What an IO manager's `handleOutput` is told about the value it stores: which asset, run, output and partitions. */
export interface OutputContext {
  readonly assetKey: AssetKey;
  readonly runId: string;
  readonly stepKey: string;
  /** The output's name within its op ("result" for a single asset). */
  readonly name: string;
  /** The asset's definition metadata. */
  readonly definitionMetadata: MetadataMap;
  /** The partition being written, for partitioned assets. */
  readonly partitionKey: string | undefined;
  /**
   * True when the asset is partitioned. A run over a range (a single-run backfill) calls handleOutput once per
   * partition, each with its `partitionKey`; the fields below describe the whole range the run writes.
   * Optional so that contexts built by hand in tests need not give them. @default false
   */
  readonly hasPartitionKey?: boolean;
  /** Every partition of the asset this run writes: the range of a single-run backfill, or the one partition. */
  readonly assetPartitionKeys?: readonly string[];
  /** First and last of `assetPartitionKeys`. */
  readonly assetPartitionKeyRange?: { readonly start: string; readonly end: string };
  /** For time partitions: from the start of the first partition the run writes to the end of the last. */
  readonly assetPartitionsTimeWindow?: TimeWindow;
  /** The asset's partitions definition, when it is partitioned: lets an IO manager find each key's own window or dimensions. */
  readonly partitionsDef?: PartitionsDefinition;
  readonly log: IOLogger;
}

/** What an IO manager's `loadInput` is told about the value to load: which asset, for which input and run, and which partitions. */
export interface InputContext {
  /** The asset being loaded. */
  readonly assetKey: AssetKey;
  /** The input's name in the downstream compute, or undefined when loading outside a run. */
  readonly name: string | undefined;
  /** The run doing the loading, undefined outside a run. */
  readonly runId: string | undefined;
  /** Metadata given on the downstream's AssetIn (or `inputDefinitionMetadata` of loadAssetValue). */
  readonly metadata: MetadataMap;
  /** Definition metadata of the upstream asset. */
  readonly upstreamMetadata: MetadataMap;
  /** The upstream partition being loaded (loadInput is called once per partition the input reads). */
  readonly partitionKey: string | undefined;
  /** True when the upstream asset is partitioned. @default false */
  readonly hasPartitionKey?: boolean;
  /** Every upstream partition the input reads, through the dependency's partition mapping. */
  readonly assetPartitionKeys?: readonly string[];
  /** First and last of `assetPartitionKeys`. */
  readonly assetPartitionKeyRange?: { readonly start: string; readonly end: string };
  /** For time partitions: from the start of the first partition read to the end of the last. */
  readonly assetPartitionsTimeWindow?: TimeWindow;
  /** The asset's partitions definition, when it is partitioned: lets an IO manager find each key's own window or dimensions. */
  readonly partitionsDef?: PartitionsDefinition;
  readonly log: IOLogger;
}

/**
 * Stores and loads asset values. Register one as the `ioManager` resource (the default) or under
 * another key named by an asset's `ioManagerKey`. `handleOutput` may return metadata (a path, a
 * row count) to record on the materialization.
 */
export interface IOManager {
  handleOutput(ctx: OutputContext, value: unknown): void | RawMetadata | Promise<void | RawMetadata>;
  loadInput(ctx: InputContext): unknown;
  /**
   * Optional: loads every partition of `ctx.assetPartitionKeys` as one value (a table IO manager's one query). When
   * present, an input that reads several upstream partitions gets this value instead of a record of one
   * `loadInput` per partition key.
   */
  loadInputPartitions?(ctx: InputContext): unknown;
}

export function isIOManager(value: unknown): value is IOManager {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as IOManager).handleOutput === "function" &&
    typeof (value as IOManager).loadInput === "function"
  );
}

export const DEFAULT_IO_MANAGER_KEY = "ioManager";
