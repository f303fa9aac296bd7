// Observable source assets: external assets whose observe function reports their current data version.
import {
  AssetKey,
  InvalidDefinitionError,
  coerceMetadata,
  validateName,
  validateTags,
  type AssetKeyLike,
  type MetadataMap,
  type RawMetadata,
  type Tags,
} from "../core/index.js";
import type { RequiredResources } from "./asset.js";
import { collectResources, opTagsOf, type ResourceRequirement } from "./op-options.js";
import type { AssetCheckResult } from "./asset-check.js";
import { AssetSpec } from "./asset-spec.js";
import type { AutomationCondition } from "./automation-condition.js";
import type { PartitionsDefinition } from "../partitions/index.js";
import { AssetsDefinition } from "./assets-definition.js";
import type { AssetExecutionContext } from "./context.js";
import { DEFAULT_IO_MANAGER_KEY } from "./io-manager.js";

/** A data version reported by an observation: `new DataVersion("2026-11-24T06:00")`. */
export interface DataVersionLike {
  readonly kind: "data_version";
  readonly value: string;
}

/** Data versions of several partitions of an observed asset, by partition key. */
export class DataVersionsByPartition {
  readonly kind = "data_versions_by_partition";
  readonly versions: ReadonlyMap<string, string>;

  constructor(versions: Readonly<Record<string, string | DataVersionLike>> | ReadonlyMap<string, string | DataVersionLike>) {
    const entries = versions instanceof Map ? [...versions.entries()] : Object.entries(versions as Record<string, string | DataVersionLike>);
    const out = new Map<string, string>();
    for (const [partition, version] of entries) {
      const value = typeof version === "string" ? version : version?.value;
      if (typeof value !== "string" || value.length === 0) {
        throw new InvalidDefinitionError(`DataVersionsByPartition: partition "${partition}" needs a non-empty data version`);
      }
      out.set(partition, value);
    }
    this.versions = out;
    Object.freeze(this);
  }
}

/** Options for `new ObserveResult(options)`. */
export interface ObserveResultOptions {
  /** Which asset: optional for a single observable source, required in a multi-observable source. */
  assetKey?: AssetKeyLike;
  metadata?: RawMetadata;
  dataVersion?: string | DataVersionLike;
  tags?: Record<string, string>;
  checkResults?: readonly AssetCheckResult[];
}

/** The outcome of observing an asset: its data version and metadata. */
export class ObserveResult {
  readonly kind = "observe_result";
  readonly assetKey: AssetKey | undefined;
  readonly metadata: MetadataMap;
  readonly dataVersion: string | undefined;
  readonly tags: Tags;
  readonly checkResults: readonly AssetCheckResult[];

  constructor(options: ObserveResultOptions = {}) {
    this.assetKey = options.assetKey === undefined ? undefined : AssetKey.from(options.assetKey);
    this.metadata = coerceMetadata(options.metadata, "ObserveResult metadata");
    this.dataVersion = typeof options.dataVersion === "object" ? options.dataVersion.value : options.dataVersion;
    this.tags = validateTags(options.tags, "ObserveResult");
    this.checkResults = Object.freeze([...(options.checkResults ?? [])]);
    Object.freeze(this);
  }
}

/** What an observe function may return. */
export type ObserveReturn = DataVersionLike | DataVersionsByPartition | ObserveResult | readonly ObserveResult[] | undefined;

/** Options for `observableSourceAsset()`. */
export interface ObservableSourceAssetOptions<R, RK extends string> {
  name?: string;
  keyPrefix?: string | readonly string[];
  key?: AssetKeyLike;
  description?: string;
  metadata?: RawMetadata;
  groupName?: string;
  /** The IO manager that loads this asset when a downstream asset takes it as an input. @default "ioManager" */
  ioManagerKey?: string;
  requiredResourceKeys?: readonly RK[];
  resources?: R;
  resourceDefs?: Record<string, unknown>;
  tags?: Record<string, string>;
  owners?: readonly string[];
  kinds?: Iterable<string>;
  opTags?: Record<string, unknown>;
  /** Partitions observed (the observe function returns DataVersionsByPartition). */
  partitionsDef?: PartitionsDefinition;
  /** When automation requests an observation of this source (e.g. `AutomationCondition.onCron("0 * * * *")`), as the reference allows. */
  automationCondition?: AutomationCondition;
}

export type ObserveFunction<R, RK extends string> = (
  ctx: AssetExecutionContext<undefined, RequiredResources<R> & { readonly [K in RK]: unknown }>,
) => ObserveReturn | Promise<ObserveReturn> | AsyncIterable<ObserveResult | AssetCheckResult>;

/**
 * An external asset Tessera observes: `observe` reports its data version (and metadata) without
 * materializing it. `T` is the value type downstream inputs load through its IO manager.
 *
 * @example
 * const vendorFeed = observableSourceAsset({ name: "vendor_feed" }, async () => new DataVersion(await latestFileHash()));
 */
export function observableSourceAsset<
  T = unknown,
  R extends Readonly<Record<string, ResourceRequirement>> = Record<never, never>,
  RK extends string = never,
>(options: ObservableSourceAssetOptions<R, RK>, observe: ObserveFunction<R, RK>): AssetsDefinition<T> {
  if (typeof observe !== "function") throw new InvalidDefinitionError("observableSourceAsset() needs an observe function as its last argument");
  const key = keyOf(options, observe);
  const spec = new AssetSpec(key, {
    description: options.description,
    metadata: options.metadata,
    groupName: options.groupName,
    tags: options.tags,
    owners: options.owners,
    kinds: options.kinds,
    partitionsDef: options.partitionsDef,
    automationCondition: options.automationCondition,
  });
  return observableDefinition([spec], `${key.toPythonIdentifier()}`, options, observe, { [key.toString()]: options.ioManagerKey });
}

export interface MultiObservableSourceAssetOptions<R, RK extends string> {
  name: string;
  specs: readonly AssetSpec[];
  description?: string;
  requiredResourceKeys?: readonly RK[];
  resources?: R;
  resourceDefs?: Record<string, unknown>;
  opTags?: Record<string, unknown>;
}

/** Several external assets observed by one function, which returns (or yields) an ObserveResult per asset. */
export function multiObservableSourceAsset<R extends Readonly<Record<string, ResourceRequirement>> = Record<never, never>, RK extends string = never>(
  options: MultiObservableSourceAssetOptions<R, RK>,
  observe: ObserveFunction<R, RK>,
): AssetsDefinition<unknown> {
  validateName(options.name, `The name of multi-observable source "${options.name}"`);
  if (!options.specs?.length) throw new InvalidDefinitionError(`multiObservableSourceAsset "${options.name}" needs specs of the assets it observes`);
  for (const spec of options.specs) {
    if (spec.deps.length > 0) {
      throw new InvalidDefinitionError(`Observable source "${spec.key.toString()}" cannot have dependencies: a source asset is upstream of everything`);
    }
  }
  return observableDefinition(
    options.specs,
    options.name,
    options,
    observe,
    Object.fromEntries(options.specs.map((s) => [s.key.toString(), s.ioManagerKey])),
  );
}

function observableDefinition(
  specs: readonly AssetSpec[],
  opName: string,
  options: { requiredResourceKeys?: readonly string[]; resources?: Readonly<Record<string, ResourceRequirement>>; resourceDefs?: Record<string, unknown>; opTags?: Record<string, unknown>; description?: string },
  observe: (...a: never[]) => unknown,
  ioManagerKeys: Readonly<Record<string, string | undefined>>,
): AssetsDefinition<never> {
  const where = `observable source "${opName}"`;
  const { requiredResourceKeys, resourceClasses } = collectResources(options, where);
  return new AssetsDefinition({
    specs,
    op: {
      name: opName,
      compute: observe as (ctx: never, inputs: never) => unknown,
      configSchema: undefined,
      requiredResourceKeys,
      resourceClasses,
      retryPolicy: undefined,
      tags: opTagsOf(options.opTags, where),
      description: options.description,
    },
    inputs: [],
    // The outputs say how downstream assets load these assets; observing stores no value.
    outputs: specs.map((spec) => ({
      name: spec.key.toPythonIdentifier(),
      key: spec.key,
      ioManagerKey: ioManagerKeys[spec.key.toString()] ?? DEFAULT_IO_MANAGER_KEY,
      type: undefined,
      required: false,
    })),
    resourceDefs: options.resourceDefs ? { ...options.resourceDefs } : {},
    returnsByOutputName: specs.length > 1,
    executionType: "observe",
  });
}

function keyOf(options: { name?: string; key?: AssetKeyLike; keyPrefix?: string | readonly string[] }, observe: { name: string }): AssetKey {
  if (options.key !== undefined) {
    if (options.name !== undefined || options.keyPrefix !== undefined) {
      throw new InvalidDefinitionError("observableSourceAsset() takes either `key` or `name`/`keyPrefix`, not both");
    }
    return AssetKey.from(options.key);
  }
  const name = options.name ?? (observe.name || undefined);
  if (name === undefined) {
    throw new InvalidDefinitionError('observableSourceAsset() needs a name: pass { name: "vendor_feed" } or a named observe function');
  }
  const key = new AssetKey(name);
  return options.keyPrefix === undefined ? key : key.withPrefix(options.keyPrefix);
}
