// asset(): the builder users write most. Its generics carry each input's type from its upstream's output.
import type { z } from "zod";
import {
  AssetKey,
  InvalidDefinitionError,
  coerceMetadata,
  validateName,
  validateTags,
  type AssetKeyLike,
  type RawMetadata,
  type Tags,
} from "../core/index.js";
import { AssetDep, AssetIn, type AssetRef } from "./asset-dep.js";
import type { AssetCheckSpec } from "./asset-check.js";
import type { BackfillPolicy, PartitionsDefinition } from "../partitions/index.js";
import type { AutomationCondition } from "./automation-condition.js";
import type { FreshnessPolicy } from "./freshness-policy.js";
import { AssetSpec, checkedSpec, plainDepOn } from "./asset-spec.js";
import { SourceAsset } from "./source-asset.js";
import { AssetsDefinition, type AssetInputDefinition } from "./assets-definition.js";
import type { AssetExecutionContext } from "./context.js";
import { DEFAULT_IO_MANAGER_KEY } from "./io-manager.js";
import type { MaterializeResult, AssetObservation } from "./results.js";
import type { AssetCheckResult } from "./asset-check.js";
import { RetryPolicy } from "./retry-policy.js";
import { NO_REQUIREMENTS, NO_RESOURCES, checkOpOptions, collectResources, opTagsOf, type ResourceDefinitionLike, type ResourceRequirement } from "./op-options.js";
import type { TypeCheck } from "./type-check.js";

/** Structural stand-ins so that, e.g., an AssetIn<Order[]> is accepted where any AssetIn is (its `type` check makes the class invariant). */
interface AssetInLike {
  readonly kind: "asset_in";
  readonly __value: unknown;
}

/** What an input may name: a definition (typed by its output), an AssetIn (typed by its generic), a spec or a key. */
export type AssetInputSource =
  | AssetsDefinition<unknown>
  | AssetInLike
  | AssetSpec
  | SourceAsset
  | AssetKey
  | string
  | readonly string[];

export type InputValue<S> = S extends AssetsDefinition<infer T> ? T : S extends AssetInLike ? S["__value"] : unknown;

/** The compute's second parameter: each input name mapped to its upstream's value type. */
export type AssetInputs<Ins> = { readonly [K in keyof Ins]: InputValue<Ins[K]> };

export type RequiredResources<R> = {
  readonly [K in keyof R]: R[K] extends ResourceDefinitionLike
    ? R[K]["__value"]
    : R[K] extends abstract new (...args: never[]) => infer I
      ? I
      : unknown;
};

export type ConfigValue<C> = C extends z.ZodType ? z.output<C> : undefined;

/** What a compute may yield from an async generator. */
export type AssetEvent = MaterializeResult<unknown> | AssetObservation | AssetCheckResult;

/** The value type a compute's return gives downstream inputs. */
export type AssetOutputOf<R> =
  R extends AsyncGenerator<infer Y, unknown, unknown>
    ? Y extends MaterializeResult<infer V>
      ? V
      : never
    : Awaited<R> extends infer A
      ? A extends MaterializeResult<infer V>
        ? V
        : A
      : never;

/** Options for `asset()`. */
export interface AssetOptions<Ins, C, R, RK extends string> {
  /** The asset's name (last key segment). Defaults to a named compute function's name. */
  name?: string;
  keyPrefix?: string | readonly string[];
  /** The full key; excludes `name` and `keyPrefix`. */
  key?: AssetKeyLike;
  /** Inputs loaded from upstream assets, by name. */
  ins?: Ins;
  /** Upstreams that must be materialized first but are not loaded. */
  deps?: readonly (AssetDep | AssetRef)[];
  /** A zod schema; run config at `ops.<opName>.config` is parsed by it into `ctx.config`. */
  config?: C;
  metadata?: RawMetadata;
  tags?: Record<string, string>;
  description?: string;
  /** Resource keys whose values the compute reads as `unknown`. */
  requiredResourceKeys?: readonly RK[];
  /** Typed resource requirements: `{ db: Warehouse }` makes `ctx.resources.db` a `Warehouse`. */
  resources?: R;
  /** Resources bound to this asset only (the reference's resource_defs). */
  resourceDefs?: Record<string, unknown>;
  /** @default "ioManager" */
  ioManagerKey?: string;
  /** An IO manager for this asset alone; it is bound under a key of its own. */
  ioManagerDef?: unknown;
  /** A runtime check on the returned value: a zod schema or a predicate. */
  type?: TypeCheck<never>;
  opTags?: Record<string, unknown>;
  /**
   * The concurrency pool of the asset's step: at most the pool's limit (`concurrency.pools` in tessera.yaml)
   * of its steps run at once across the instance.
   */
  pool?: string;
  /** @default "default" */
  groupName?: string;
  /** When false the compute may produce no value (return undefined), and downstream assets are skipped. @default true */
  outputRequired?: boolean;
  retryPolicy?: RetryPolicy;
  codeVersion?: string;
  owners?: readonly string[];
  kinds?: Iterable<string>;
  /** Checks this compute evaluates, reporting them as AssetCheckResults (yielded, or in MaterializeResult.checkResults). */
  checkSpecs?: readonly AssetCheckSpec[];
  /** How the asset is partitioned; each run materializes one partition (ctx.partitionKey) or a range. */
  partitionsDef?: PartitionsDefinition;
  /** How a backfill of this asset splits into runs. */
  backfillPolicy?: BackfillPolicy;
  /** When automation requests runs of this asset, e.g. AutomationCondition.eager(). */
  automationCondition?: AutomationCondition;
  /** How old the data the asset incorporates may be, e.g. new FreshnessPolicy({ maximumLagMinutes: 60 }). */
  freshnessPolicy?: FreshnessPolicy;
}

/** The function that computes an asset: it receives the run context and the loaded values of its inputs, and returns the asset's value (or a MaterializeResult). */
export type AssetCompute<Ins, C, R, RK extends string, Ret> = (
  ctx: AssetExecutionContext<ConfigValue<C>, RequiredResources<R> & { readonly [K in RK]: unknown }>,
  inputs: AssetInputs<Ins>,
) => Ret;

/**
 * Defines an asset: its key, its upstreams and the function that computes it.
 *
 * @example
 * const orders = asset("orders", async () => loadOrders());
 * const revenue = asset({ name: "revenue", ins: { orders } }, async (ctx, { orders }) => sum(orders));
 */
export function asset<
  const Ins extends Readonly<Record<string, AssetInputSource>> = Record<never, never>,
  C extends z.ZodType | undefined = undefined,
  R extends Readonly<Record<string, ResourceRequirement>> = Record<never, never>,
  RK extends string = never,
  Ret = unknown,
>(options: AssetOptions<Ins, C, R, RK>, compute: AssetCompute<Ins, C, R, RK, Ret>): AssetsDefinition<AssetOutputOf<Ret>>;
export function asset<Ret>(name: string, compute: AssetCompute<Record<never, never>, undefined, Record<never, never>, never, Ret>): AssetsDefinition<AssetOutputOf<Ret>>;
export function asset<Ret>(compute: AssetCompute<Record<never, never>, undefined, Record<never, never>, never, Ret>): AssetsDefinition<AssetOutputOf<Ret>>;
export function asset(
  optionsOrName: AssetOptions<Record<string, AssetInputSource>, z.ZodType | undefined, Record<string, ResourceRequirement>, string> | string | ((...a: never[]) => unknown),
  maybeCompute?: (...a: never[]) => unknown,
): AssetsDefinition<unknown> {
  if (typeof optionsOrName === "function") return buildAsset({}, optionsOrName);
  if (typeof maybeCompute !== "function") {
    throw new InvalidDefinitionError("asset() needs a compute function as its last argument: asset(options, async (ctx, inputs) => value)");
  }
  return buildAsset(typeof optionsOrName === "string" ? { name: optionsOrName } : optionsOrName, maybeCompute);
}

function buildAsset(
  options: AssetOptions<Record<string, AssetInputSource>, z.ZodType | undefined, Record<string, ResourceRequirement>, string>,
  compute: (...a: never[]) => unknown,
): AssetsDefinition<unknown> {
  const key = resolveKey(options, compute);
  // The name errors use (`asset "…"`) is built only when an option needs it: this runs once per asset, cold.
  const { inputs, deps } = collectInputs(options.ins, options.deps, key);

  let resourceDefs: Record<string, unknown> = options.resourceDefs ? { ...options.resourceDefs } : NO_RESOURCES;
  let ioManagerKey = options.ioManagerKey ?? DEFAULT_IO_MANAGER_KEY;
  if (options.ioManagerDef !== undefined) {
    const where = whereOf(key);
    if (options.ioManagerKey !== undefined) {
      throw new InvalidDefinitionError(`${where} takes either ioManagerKey or ioManagerDef, not both`, where);
    }
    ioManagerKey = `${key.toPythonIdentifier()}__io_manager`;
    resourceDefs = { ...resourceDefs, [ioManagerKey]: options.ioManagerDef };
  }
  if (ioManagerKey !== DEFAULT_IO_MANAGER_KEY) validateName(ioManagerKey, `ioManagerKey of ${whereOf(key)}`);

  const { requiredResourceKeys, resourceClasses } =
    options.requiredResourceKeys === undefined && options.resources === undefined ? NO_REQUIREMENTS : collectResources(options, whereOf(key));
  if (options.retryPolicy !== undefined || options.config !== undefined) checkOpOptions(options, whereOf(key));

  // The options themselves are the spec's attributes (same names), so no attributes object is made per asset.
  const spec = checkedSpec(key, deps, options.outputRequired === false, options);

  return new AssetsDefinition({
    specs: [spec],
    op: {
      name: key.toPythonIdentifier(),
      compute,
      configSchema: options.config,
      requiredResourceKeys,
      resourceClasses,
      retryPolicy: options.retryPolicy,
      tags:
        options.pool === undefined
          ? options.opTags === undefined
            ? NO_TAGS
            : opTagsOf(options.opTags, whereOf(key))
          : opTagsOf({ ...options.opTags, "tessera/pool": options.pool }, whereOf(key)),
      description: options.description,
    },
    inputs,
    outputs: [
      {
        name: "result",
        key,
        ioManagerKey,
        type: options.type as TypeCheck | undefined,
        required: options.outputRequired ?? true,
      },
    ],
    resourceDefs,
    checkSpecs: options.checkSpecs,
  });
}

/** How errors name asset()'s asset; collectInputs takes this key or a builder's own name. */
function whereOf(owner: AssetKey | string): string {
  return typeof owner === "string" ? owner : `asset "${owner.toString()}"`;
}

const PLAIN_NAME = /^[A-Za-z0-9_]+$/;

function resolveKey(options: { name?: string; key?: AssetKeyLike; keyPrefix?: string | readonly string[] }, compute: { name: string }): AssetKey {
  if (options.key !== undefined) {
    if (options.name !== undefined || options.keyPrefix !== undefined) {
      throw new InvalidDefinitionError(`asset() takes either \`key\` or \`name\`/\`keyPrefix\`, not both (key ${JSON.stringify(options.key)})`);
    }
    return AssetKey.from(options.key);
  }
  const name = options.name ?? (compute.name || undefined);
  if (name === undefined) {
    throw new InvalidDefinitionError(
      "asset() needs a name: pass { name: \"orders\" } (or `key`), use asset(\"orders\", fn), or give the compute a name (async function orders() {...})",
    );
  }
  const key = new AssetKey(name);
  return options.keyPrefix === undefined ? key : key.withPrefix(options.keyPrefix);
}

function resolveInput(name: string, source: AssetInputSource, where: string): AssetInputDefinition {
  if (source instanceof AssetIn) {
    return {
      name,
      key: source.resolveKey(name),
      metadata: source.metadata,
      partitionMapping: source.partitionMapping,
      type: source.type as TypeCheck | undefined,
      inputManagerKey: source.inputManagerKey,
    };
  }
  if (source instanceof AssetsDefinition) {
    if (source.specs.length !== 1) {
      throw new InvalidDefinitionError(
        `Input "${name}" of ${where} names a definition of several assets; use new AssetIn({ key }) to pick one of ${source.keys.map(String).join(", ")}`,
        where,
      );
    }
    return plainInput(name, (source.specs[0] as AssetSpec).key);
  }
  if (source instanceof AssetSpec || source instanceof SourceAsset) return plainInput(name, source.key);
  if (AssetKey.isAssetKeyLike(source)) return plainInput(name, AssetKey.from(source));
  throw new InvalidDefinitionError(
    `Input "${name}" of ${where} must be an asset definition, an AssetIn, an AssetSpec or a key; got ${typeof source}`,
    where,
  );
}

function plainInput(name: string, key: AssetKey): AssetInputDefinition {
  return { name, key, metadata: NO_METADATA, partitionMapping: undefined, type: undefined, inputManagerKey: undefined };
}

const NO_METADATA = coerceMetadata(undefined);
const NO_TAGS: Tags = opTagsOf(undefined, "");

/** True when `keys[0..end)` holds `key`; a scan, as most assets have a handful of upstreams. */
function holdsKey(keys: readonly { readonly key: AssetKey }[], end: number, key: AssetKey): boolean {
  if (end === 0) return false;
  const id = key.toString();
  for (let i = 0; i < end; i++) {
    const other = (keys[i] as { readonly key: AssetKey }).key;
    if (other === key || other.toString() === id) return true;
  }
  return false;
}

/** The inputs of an op and every upstream it depends on (inputs first, then non-argument deps). */
export function collectInputs(
  ins: Readonly<Record<string, AssetInputSource>> | undefined,
  depsGiven: readonly (AssetDep | AssetRef)[] | undefined,
  owner: AssetKey | string,
): { inputs: AssetInputDefinition[]; deps: AssetDep[] } {
  const depsOption = depsGiven === undefined || Array.isArray(depsGiven) ? depsGiven : [...(depsGiven as Iterable<AssetDep | AssetRef>)];
  // Arrays grown by push keep spare capacity; the definitions keep these for the life of the process, so they are
  // sized exactly.
  let count = 0;
  if (ins) for (const _ in ins) count++;
  const inputs: AssetInputDefinition[] = new Array(count);
  const deps: AssetDep[] = new Array(count + (depsOption?.length ?? 0));
  let n = 0;
  if (ins) {
    for (const name in ins) {
      if (!PLAIN_NAME.test(name)) validateName(name, `Input name "${name}" of ${whereOf(owner)}`);
      const source = ins[name] as AssetInputSource;
      // The usual input, a definition of one asset, shares that asset's plain dependency.
      const upstream = source instanceof AssetsDefinition && source.specs.length === 1 ? (source.specs[0] as AssetSpec) : undefined;
      const input = upstream === undefined ? resolveInput(name, source, whereOf(owner)) : plainInput(name, upstream.key);
      if (holdsKey(inputs, n, input.key)) {
        const where = whereOf(owner);
        throw new InvalidDefinitionError(`${where} loads "${input.key.toString()}" through two inputs; use one input per upstream asset`, where);
      }
      inputs[n] = input;
      deps[n] =
        upstream !== undefined
          ? plainDepOn(upstream)
          : input.partitionMapping === undefined
            ? new AssetDep(input.key)
            : new AssetDep(input.key, { partitionMapping: input.partitionMapping });
      n++;
    }
  }
  if (n !== count) {
    // A getter on `ins` may have added or removed names while they were read.
    inputs.length = n;
    deps.length = n + (depsOption?.length ?? 0);
  }
  let d = n;
  if (depsOption) {
    for (let i = 0; i < depsOption.length; i++) {
      const dep = depsOption[i] as AssetDep | AssetRef;
      const normalized = dep instanceof AssetDep ? dep : new AssetDep(dep);
      if (holdsKey(inputs, n, normalized.key)) {
        const where = whereOf(owner);
        throw new InvalidDefinitionError(
          `${where} names "${normalized.key.toString()}" both in ins and deps; keep it in ins only (an input is already a dependency)`,
          where,
        );
      }
      if (holdsKey(deps, d, normalized.key)) {
        const where = whereOf(owner);
        throw new InvalidDefinitionError(`${where} cannot set a dependency on asset "${normalized.key.toString()}" more than once; list each upstream once in deps`, where);
      }
      deps[d++] = normalized;
    }
  }
  return { inputs, deps };
}
