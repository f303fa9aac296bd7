// SourceAsset: the reference's deprecated way to declare an external asset; it still works and says what replaces it.
import { AssetKey, type AssetKeyLike, type RawMetadata } from "../core/index.js";
import { AssetSpec } from "./asset-spec.js";
import type { AssetsDefinition } from "./assets-definition.js";
import { observableSourceAsset, type ObserveFunction } from "./observable-source-asset.js";

export interface SourceAssetOptions {
  description?: string;
  metadata?: RawMetadata;
  groupName?: string;
  /** The IO manager that loads this asset for downstream inputs. */
  ioManagerKey?: string;
  tags?: Record<string, string>;
  owners?: readonly string[];
  kinds?: Iterable<string>;
  /** Makes it an observable source. */
  observeFn?: ObserveFunction<Record<never, never>, never>;
}

let warned = false;

/**
 * An asset computed outside Tessera, declared by key so assets can depend on it (the reference's SourceAsset).
 *
 * @deprecated Use `new AssetSpec(key)` for an external asset, or `observableSourceAsset()` for one Tessera observes.
 */
export class SourceAsset {
  readonly kind = "source_asset";
  readonly key: AssetKey;
  readonly options: Readonly<SourceAssetOptions>;

  constructor(key: AssetKeyLike, options: SourceAssetOptions = {}) {
    if (!warned) {
      warned = true;
      process.emitWarning(
        "SourceAsset is deprecated: declare external assets with new AssetSpec(key) and observed ones with observableSourceAsset().",
        { type: "DeprecationWarning", code: "TESSERA_SOURCE_ASSET" },
      );
    }
    this.key = AssetKey.from(key);
    this.options = Object.freeze({ ...options });
    Object.freeze(this);
  }

  /** What this source asset stands for today: an external AssetSpec, or an observable source asset. */
  toAssetsItem(): AssetSpec | AssetsDefinition<unknown> {
    const { observeFn, ioManagerKey, ...attributes } = this.options;
    if (observeFn) return observableSourceAsset({ key: this.key, ioManagerKey, ...attributes }, observeFn);
    const spec = new AssetSpec(this.key, attributes);
    return ioManagerKey ? spec.withIoManagerKey(ioManagerKey) : spec;
  }
}
