// The IO manager interface: how asset values are stored after a compute and loaded for downstream computes.
import type { AssetKey, LogLevel, MetadataMap, RawMetadata } from "../core/index.js";

export interface IOLogger {
  readonly debug: (message: string, fields?: Record<string, unknown>) => void;
  readonly info: (message: string, fields?: Record<string, unknown>) => void;
  readonly warn: (message: string, fields?: Record<string, unknown>) => void;
  readonly error: (message: string, fields?: Record<string, unknown>) => void;
}
export type { LogLevel };

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
  readonly log: IOLogger;
}

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
  readonly partitionKey: string | undefined;
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
