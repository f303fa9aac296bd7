// AssetDep and AssetIn: how an asset names its upstreams.
import { AssetKey, InvalidDefinitionError, coerceMetadata, type AssetKeyLike, type MetadataMap, type RawMetadata } from "../core/index.js";
import type { TypeCheck } from "./type-check.js";

/** Something that stands for an upstream asset: a definition or spec (anything with a single `key`), or a key. */
export type AssetRef = AssetKeyLike | { readonly key: AssetKey };

export function refToKey(ref: AssetRef, where: string): AssetKey {
  if (ref instanceof AssetKey || typeof ref === "string" || Array.isArray(ref)) return AssetKey.from(ref as AssetKeyLike);
  if (typeof ref === "object" && ref !== null && "key" in ref) return (ref as { key: AssetKey }).key;
  throw new InvalidDefinitionError(`${where}: expected an asset definition, AssetSpec, AssetKey or key string, got ${String(ref)}`);
}

/** Options for `new AssetDep(asset, options)`. */
export interface AssetDepOptions {
  /** How partitions of this asset map to the upstream's (see the partitions docs). */
  partitionMapping?: unknown;
}

const NO_OPTIONS: AssetDepOptions = Object.freeze({});

/** A dependency that is not loaded as an input: the upstream must be materialized first. */
export class AssetDep {
  readonly kind = "asset_dep";
  // Declared, not defined: the constructor assigns them once (see AssetSpec).
  declare readonly key: AssetKey;
  declare readonly partitionMapping: unknown;

  constructor(asset: AssetRef, options: AssetDepOptions = NO_OPTIONS) {
    this.key = asset instanceof AssetKey ? asset : refToKey(asset, "AssetDep");
    this.partitionMapping = options.partitionMapping;
    Object.freeze(this);
  }

  static from(value: AssetDep | AssetRef): AssetDep {
    return value instanceof AssetDep ? value : new AssetDep(value);
  }
}

/** Options for `new AssetIn(options)`: which upstream to load and how. */
export interface AssetInOptions<T> {
  key?: AssetKeyLike;
  keyPrefix?: string | readonly string[];
  metadata?: RawMetadata;
  partitionMapping?: unknown;
  /** A runtime check on the loaded value. */
  type?: TypeCheck<T>;
  /** A resource key of an IO manager to load this input with instead of the upstream's own. */
  inputManagerKey?: string;
}

/**
 * An input loaded from an upstream asset that is named by key rather than by definition.
 * `T` is the value's type as this asset sees it (`unknown` unless given).
 *
 * @example
 * ins: { orders: new AssetIn<Order[]>({ key: ["raw", "orders"] }) }
 */
export class AssetIn<T = unknown> {
  readonly kind = "asset_in";
  readonly key: AssetKey | undefined;
  readonly keyPrefix: readonly string[] | undefined;
  readonly metadata: MetadataMap;
  readonly partitionMapping: unknown;
  readonly type: TypeCheck<T> | undefined;
  readonly inputManagerKey: string | undefined;
  declare readonly __value: T;

  constructor(options: AssetInOptions<T> = {}) {
    if (options.key !== undefined && options.keyPrefix !== undefined) {
      throw new InvalidDefinitionError("AssetIn takes either `key` or `keyPrefix` (prefix applied to the input's name), not both");
    }
    this.key = options.key === undefined ? undefined : AssetKey.from(options.key);
    this.keyPrefix =
      options.keyPrefix === undefined ? undefined : typeof options.keyPrefix === "string" ? [options.keyPrefix] : [...options.keyPrefix];
    this.metadata = coerceMetadata(options.metadata, "AssetIn metadata");
    this.partitionMapping = options.partitionMapping;
    this.type = options.type;
    this.inputManagerKey = options.inputManagerKey;
    Object.freeze(this);
  }

  /** The upstream key for an input of this name. */
  resolveKey(inputName: string): AssetKey {
    if (this.key) return this.key;
    const name = new AssetKey(inputName);
    return this.keyPrefix ? name.withPrefix(this.keyPrefix) : name;
  }
}
