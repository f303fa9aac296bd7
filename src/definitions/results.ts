// What computes return or yield besides plain values.
import {
  AssetKey,
  InvalidDefinitionError,
  coerceMetadata,
  validateTags,
  type AssetKeyLike,
  type MetadataMap,
  type RawMetadata,
  type Tags,
} from "../core/index.js";
import { AssetCheckResult } from "./asset-check.js";

/** Options for `new MaterializeResult(options)`. */
export interface MaterializeResultOptions<T> {
  /** Optional for a single asset; names the asset in a multi-asset. */
  assetKey?: AssetKeyLike;
  metadata?: RawMetadata;
  /** Checks of this asset evaluated together with this materialization (declared in the asset's checkSpecs). */
  checkResults?: readonly AssetCheckResult[];
  /** A data version for this materialization; otherwise one is derived from code and inputs. */
  dataVersion?: string | { readonly value: string };
  tags?: Record<string, string>;
  /** The value to hand to the IO manager. Without it, no value is stored (the asset is recorded only). */
  value?: T;
}

/**
 * A materialization with metadata. Returning one without `value` records the asset without storing a value,
 * as the reference's MaterializeResult does.
 *
 * @example
 * return new MaterializeResult({ value: rows, metadata: { rowCount: rows.length } });
 */
export class MaterializeResult<T = undefined> {
  readonly kind = "materialize_result";
  readonly assetKey: AssetKey | undefined;
  readonly metadata: MetadataMap;
  readonly checkResults: readonly AssetCheckResult[];
  readonly dataVersion: string | undefined;
  readonly tags: Tags;
  readonly value: T | undefined;
  readonly hasValue: boolean;

  constructor(options: MaterializeResultOptions<T> = {}) {
    this.assetKey = options.assetKey === undefined ? undefined : AssetKey.from(options.assetKey);
    this.metadata = coerceMetadata(options.metadata, "MaterializeResult metadata");
    for (const result of options.checkResults ?? []) {
      if (!(result instanceof AssetCheckResult)) throw new InvalidDefinitionError("MaterializeResult checkResults must be AssetCheckResults");
    }
    this.checkResults = Object.freeze([...(options.checkResults ?? [])]);
    this.dataVersion = typeof options.dataVersion === "object" ? options.dataVersion.value : options.dataVersion;
    this.tags = validateTags(options.tags, "MaterializeResult");
    this.value = options.value;
    this.hasValue = "value" in options;
    Object.freeze(this);
  }
}

/** Options for `new AssetObservation(options)`. */
export interface AssetObservationOptions {
  assetKey: AssetKeyLike;
  partition?: string;
  tags?: Record<string, string>;
  metadata?: RawMetadata;
  description?: string;
}

/** A record that an asset was looked at (its state, size, freshness), without materializing it. */
export class AssetObservation {
  readonly kind = "asset_observation";
  readonly assetKey: AssetKey;
  readonly partition: string | undefined;
  readonly tags: Tags;
  readonly metadata: MetadataMap;
  readonly description: string | undefined;

  constructor(options: AssetObservationOptions) {
    this.assetKey = AssetKey.from(options.assetKey);
    this.partition = options.partition;
    this.tags = validateTags(options.tags, "AssetObservation");
    this.metadata = coerceMetadata(options.metadata, "AssetObservation metadata");
    this.description = options.description;
    Object.freeze(this);
  }
}
