// multiAsset() and AssetOut: several assets computed by one op.
import type { z } from "zod";
import { AssetKey, InvalidDefinitionError, validateName, type AssetKeyLike, type RawMetadata } from "../core/index.js";
import { collectInputs, type AssetInputSource, type AssetInputs, type ConfigValue, type RequiredResources } from "./asset.js";
import { checkOpOptions, collectResources, opTagsOf, type ResourceRequirement } from "./op-options.js";
import type { AssetCheckSpec } from "./asset-check.js";
import type { BackfillPolicy, PartitionsDefinition } from "../partitions/index.js";
import { AssetDep, type AssetRef } from "./asset-dep.js";
import { AssetSpec } from "./asset-spec.js";
import { AssetsDefinition, type AssetOutputDefinition } from "./assets-definition.js";
import type { AssetExecutionContext } from "./context.js";
import { DEFAULT_IO_MANAGER_KEY } from "./io-manager.js";
import type { AssetObservation, MaterializeResult } from "./results.js";
import type { AssetCheckResult } from "./asset-check.js";
import type { RetryPolicy } from "./retry-policy.js";
import type { TypeCheck } from "./type-check.js";
import type { AutomationCondition } from "./automation-condition.js";
import type { FreshnessPolicy } from "./freshness-policy.js";

/** Options for `new AssetOut(options)`: one output (one asset) of a multi-asset. */
export interface AssetOutOptions<T> {
  /** The asset's key. @default the output's name (under keyPrefix) */
  key?: AssetKeyLike;
  keyPrefix?: string | readonly string[];
  /** @default "ioManager" */
  ioManagerKey?: string;
  metadata?: RawMetadata;
  description?: string;
  groupName?: string;
  /** False when the compute may leave this output out, skipping its downstream. @default true */
  isRequired?: boolean;
  codeVersion?: string;
  tags?: Record<string, string>;
  owners?: readonly string[];
  kinds?: Iterable<string>;
  /** A runtime check on this output's value. */
  type?: TypeCheck<T>;
  /** When automation requests runs of this asset, e.g. AutomationCondition.eager(). */
  automationCondition?: AutomationCondition;
  /** How old the data this asset incorporates may be. */
  freshnessPolicy?: FreshnessPolicy;
}

/**
 * One output of a multi-asset. `T` is its value type.
 *
 * @example
 * multiAsset({ name: "split", outs: { cats: new AssetOut<Cat[]>(), dogs: new AssetOut<Dog[]>() } }, () => ({ cats, dogs }))
 */
export class AssetOut<T = unknown> {
  readonly kind = "asset_out";
  readonly options: Readonly<AssetOutOptions<T>>;
  /** The spec this output was made from, by AssetOut.fromSpec. */
  readonly spec: AssetSpec | undefined;
  declare readonly __value: T;

  constructor(options: AssetOutOptions<T> = {}, spec?: AssetSpec) {
    if (options.key !== undefined && options.keyPrefix !== undefined) {
      throw new InvalidDefinitionError("AssetOut takes either `key` or `keyPrefix`, not both");
    }
    this.options = Object.freeze({ ...options });
    this.spec = spec;
    Object.freeze(this);
  }

  /**
   * An output with the key and attributes of `spec`. As in the reference, a spec with `deps` is refused: an
   * output's upstreams come from its multi-asset (`deps`/`ins`, `internalAssetDeps`), or give the specs
   * themselves with `multiAsset({ specs })`, which keeps each spec's deps.
   */
  static fromSpec<T = unknown>(spec: AssetSpec, options: { ioManagerKey?: string; type?: TypeCheck<T> } = {}): AssetOut<T> {
    if (spec.deps.length > 0) {
      const where = `AssetOut.fromSpec(spec "${spec.key.toString()}")`;
      throw new InvalidDefinitionError(
        `Cannot build an AssetOut from spec "${spec.key.toString()}": it has deps (${spec.deps.map((d) => `"${d.key.toString()}"`).join(", ")}), which an AssetOut cannot carry. ` +
          `Put them on the multi-asset (multiAsset({ deps, internalAssetDeps, outs })), or pass the specs themselves: multiAsset({ specs: [spec, ...] }).`,
        where,
      );
    }
    return outOfSpec<T>(spec, options);
  }
}

/** An output with the key and attributes of `spec`, deps included (multiAsset's specs= keeps them). */
function outOfSpec<T>(spec: AssetSpec, options: { ioManagerKey?: string; type?: TypeCheck<T> } = {}): AssetOut<T> {
  return new AssetOut<T>({ key: spec.key, ioManagerKey: options.ioManagerKey ?? spec.ioManagerKey, isRequired: !spec.skippable, type: options.type }, spec);
}

export interface AssetOutLike {
  readonly kind: "asset_out";
  readonly __value: unknown;
}

/** What a multi-asset's compute may return: values by output name, or results naming their assets. */
export type MultiAssetReturn<Outs> =
  | { readonly [K in keyof Outs]?: Outs[K] extends AssetOutLike ? Outs[K]["__value"] : unknown }
  | MaterializeResult<unknown>
  | readonly MaterializeResult<unknown>[]
  | AsyncIterable<MaterializeResult<unknown> | AssetObservation | AssetCheckResult>
  | Iterable<MaterializeResult<unknown> | AssetObservation | AssetCheckResult>
  // Nothing at all: each output of `multiAsset({ specs })` is then materialized without a value.
  | void;

/** Options for `multiAsset()`. */
export interface MultiAssetOptions<Outs, Ins, C, R, RK extends string> {
  /** The op's name. @default the compute function's name */
  name?: string;
  /** Outputs by name; each is one asset. Give either outs or specs. */
  outs?: Outs;
  /** Specs of the assets, as an alternative to outs; output names are the keys joined by `__`. */
  specs?: readonly AssetSpec[];
  ins?: Ins;
  deps?: readonly (AssetDep | AssetRef)[];
  /** Per output name, the upstream keys it depends on (by default each output depends on every input and dep). */
  internalAssetDeps?: Readonly<Record<string, readonly AssetKeyLike[]>>;
  /** Whether a run may select only some outputs; the compute then reads ctx.selectedAssetKeys. @default false */
  canSubset?: boolean;
  /** The group of every output that does not name its own. */
  groupName?: string;
  config?: C;
  description?: string;
  requiredResourceKeys?: readonly RK[];
  resources?: R;
  resourceDefs?: Record<string, unknown>;
  retryPolicy?: RetryPolicy;
  opTags?: Record<string, unknown>;
  /** The concurrency pool of the multi-asset's step (see asset's `pool`). */
  pool?: string;
  /** The code version of every output that does not name its own. */
  codeVersion?: string;
  /** Checks this compute evaluates along with its assets. */
  checkSpecs?: readonly AssetCheckSpec[];
  /** The partitioning of every output (a multi-asset's assets share one). */
  partitionsDef?: PartitionsDefinition;
  backfillPolicy?: BackfillPolicy;
}

export type MultiAssetCompute<Outs, Ins, C, R, RK extends string> = (
  ctx: AssetExecutionContext<ConfigValue<C>, RequiredResources<R> & { readonly [K in RK]: unknown }>,
  inputs: AssetInputs<Ins>,
) => MultiAssetReturn<Outs> | Promise<MultiAssetReturn<Outs>>;

/** The value types of a multi-asset's outputs, by output name. */
export type MultiAssetOutputs<Outs> = { readonly [K in keyof Outs]: Outs[K] extends AssetOutLike ? Outs[K]["__value"] : unknown };

/**
 * Defines several assets computed together by one op.
 *
 * @example
 * const split = multiAsset(
 *   { name: "split_orders", ins: { orders }, outs: { online: new AssetOut<Order[]>(), retail: new AssetOut<Order[]>() } },
 *   (_ctx, { orders }) => ({ online: orders.filter(isOnline), retail: orders.filter((o) => !isOnline(o)) }),
 * );
 */
export function multiAsset<
  const Outs extends Readonly<Record<string, AssetOutLike>> = Record<never, never>,
  const Ins extends Readonly<Record<string, AssetInputSource>> = Record<never, never>,
  C extends z.ZodType | undefined = undefined,
  R extends Readonly<Record<string, ResourceRequirement>> = Record<never, never>,
  RK extends string = never,
>(options: MultiAssetOptions<Outs, Ins, C, R, RK>, compute: MultiAssetCompute<Outs, Ins, C, R, RK>): AssetsDefinition<MultiAssetOutputs<Outs>> {
  if (typeof compute !== "function") throw new InvalidDefinitionError("multiAsset() needs a compute function as its last argument");
  const name = options.name ?? (compute.name || undefined);
  if (name === undefined) throw new InvalidDefinitionError('multiAsset() needs a name: pass { name: "split_orders" } or a named compute function');
  validateName(name, `The name of multi-asset "${name}"`);
  const where = `multi-asset "${name}"`;
  if ((options.outs === undefined) === (options.specs === undefined)) {
    throw new InvalidDefinitionError(`${where} takes either \`outs\` or \`specs\` (exactly one of them)`, where);
  }
  const { inputs, deps } = collectInputs(options.ins, options.deps, where);
  const { requiredResourceKeys, resourceClasses } = collectResources(options, where);
  checkOpOptions(options, where);

  const entries: [string, AssetOut][] = options.outs
    ? Object.entries(options.outs as unknown as Readonly<Record<string, AssetOut>>)
    : (options.specs as readonly AssetSpec[]).map((spec) => [spec.key.toPythonIdentifier(), outOfSpec(spec)]);
  if (entries.length === 0) throw new InvalidDefinitionError(`${where} has no outputs; give it outs or specs`, where);

  const keyOf = (outputName: string, out: AssetOut): AssetKey => {
    const o = out.options;
    if (o.key !== undefined) return AssetKey.from(o.key);
    return o.keyPrefix !== undefined ? new AssetKey(outputName).withPrefix(o.keyPrefix) : new AssetKey(outputName);
  };
  const outputKeys = new Map<string, AssetKey>();
  for (const [outputName, out] of entries) {
    if (!(out instanceof AssetOut)) throw new InvalidDefinitionError(`Output "${outputName}" of ${where} must be an AssetOut`, where);
    validateName(outputName, `Output name "${outputName}" of ${where}`);
    const key = keyOf(outputName, out);
    if ([...outputKeys.values()].some((k) => k.equals(key))) throw new InvalidDefinitionError(`${where} has two outputs for asset "${key.toString()}"`, where);
    outputKeys.set(outputName, key);
  }

  if (options.groupName !== undefined) {
    const conflicting = entries.filter(([, out]) => out.options.groupName !== undefined && out.options.groupName !== options.groupName).map(([name]) => name);
    if (conflicting.length > 0) {
      throw new InvalidDefinitionError(
        `${where} has groupName "${options.groupName}" and output${conflicting.length > 1 ? "s" : ""} ${conflicting.join(", ")} with a group name of ${conflicting.length > 1 ? "their" : "its"} own; ` +
          "set the group either on the multi-asset or on its outs, not both",
        where,
      );
    }
  }
  const unknownOutputs = Object.keys(options.internalAssetDeps ?? {}).filter((outputName) => !outputKeys.has(outputName));
  if (unknownOutputs.length > 0) {
    throw new InvalidDefinitionError(
      `internalAssetDeps of ${where} names output_name ${unknownOutputs.join(", ")}, which ${unknownOutputs.length > 1 ? "are not outputs" : "is not an output"} of it; its outputs are ${[...outputKeys.keys()].join(", ")}`,
      where,
    );
  }
  if (options.specs) {
    checkOneMappingPerUpstream(options.specs, where);
    checkSpecsCarryDeps(options.specs, options, inputs, deps, where);
  }
  const specs: AssetSpec[] = [];
  const outputs: AssetOutputDefinition[] = [];
  for (const [outputName, out] of entries) {
    const o = out.options;
    const key = outputKeys.get(outputName) as AssetKey;
    const internal = options.internalAssetDeps?.[outputName];
    let outputDeps: AssetDep[];
    if (out.spec && options.specs) outputDeps = [...out.spec.deps];
    else if (internal !== undefined) {
      // An output may depend on the op's upstreams or on sibling outputs, nothing else.
      outputDeps = internal.map((k) => {
        const depKey = AssetKey.from(k);
        const known = deps.find((d) => d.key.equals(depKey));
        if (known) return known;
        if ([...outputKeys.values()].some((sibling) => sibling.equals(depKey) && !sibling.equals(key))) return new AssetDep(depKey);
        throw new InvalidDefinitionError(
          `internalAssetDeps of output "${outputName}" of ${where} names "${depKey.toString()}", which is neither an input, a dep nor another output of it`,
          where,
        );
      });
    } else outputDeps = deps;

    const base = out.spec;
    const spec = new AssetSpec(key, {
      deps: outputDeps,
      description: o.description ?? base?.description ?? options.description,
      metadata: { ...(base?.metadata ?? {}), ...(o.metadata ?? {}) },
      skippable: o.isRequired === false,
      groupName: o.groupName ?? base?.groupName ?? options.groupName,
      codeVersion: o.codeVersion ?? base?.codeVersion ?? options.codeVersion,
      owners: o.owners ?? base?.owners,
      tags: o.tags ?? base?.tags,
      kinds: o.kinds ?? base?.kinds,
      partitionsDef: options.partitionsDef ?? base?.partitionsDef,
      backfillPolicy: options.backfillPolicy ?? base?.backfillPolicy,
      automationCondition: o.automationCondition ?? base?.automationCondition,
      freshnessPolicy: o.freshnessPolicy ?? base?.freshnessPolicy,
    });
    specs.push(spec);
    const ioManagerKey = o.ioManagerKey ?? DEFAULT_IO_MANAGER_KEY;
    if (ioManagerKey !== DEFAULT_IO_MANAGER_KEY) validateName(ioManagerKey, `ioManagerKey of output "${outputName}" of ${where}`);
    outputs.push({ name: outputName, key, ioManagerKey, type: o.type as TypeCheck | undefined, required: o.isRequired !== false, ...(options.specs ? { fromSpec: true } : {}) });
  }
  for (const outputName of Object.keys(options.internalAssetDeps ?? {})) {
    if (!entries.some(([n]) => n === outputName)) {
      throw new InvalidDefinitionError(`internalAssetDeps names output "${outputName}", which ${where} does not have (outputs: ${entries.map(([n]) => n).join(", ")})`, where);
    }
  }

  return new AssetsDefinition<MultiAssetOutputs<Outs>>({
    specs,
    op: {
      name,
      compute: compute as (ctx: never, inputs: never) => unknown,
      configSchema: options.config,
      requiredResourceKeys,
      resourceClasses,
      retryPolicy: options.retryPolicy,
      tags: opTagsOf(options.pool === undefined ? options.opTags : { ...options.opTags, "tessera/pool": options.pool }, where),
      description: options.description,
    },
    inputs,
    outputs,
    resourceDefs: options.resourceDefs ? { ...options.resourceDefs } : {},
    canSubset: options.canSubset ?? false,
    returnsByOutputName: true,
    checkSpecs: options.checkSpecs,
  });
}

// One op reads each upstream through one partition mapping (ctx.assetPartitionKeysForInput names the upstream
// only), so specs of one multi-asset must agree on it, as in the reference.
function checkOneMappingPerUpstream(specs: readonly AssetSpec[], where: string): void {
  const seen = new Map<string, unknown>();
  for (const spec of specs) {
    for (const dep of spec.deps) {
      const id = dep.key.toString();
      if (!seen.has(id)) {
        seen.set(id, dep.partitionMapping);
        continue;
      }
      const other = seen.get(id);
      const same =
        other === dep.partitionMapping ||
        (other !== undefined && dep.partitionMapping !== undefined && (other as object).constructor === (dep.partitionMapping as object).constructor && JSON.stringify(other) === JSON.stringify(dep.partitionMapping));
      if (!same) {
        throw new InvalidDefinitionError(
          `Two different partition mappings for "${id}" in ${where} (on spec "${spec.key.toString()}" and an earlier one); use the same partition mapping for "${id}" in every spec.`,
          where,
        );
      }
    }
  }
}

// With specs, each asset's upstreams are its spec's deps: internalAssetDeps, or deps no spec has, would be
// ignored, and an input must read one of the specs' deps.
function checkSpecsCarryDeps(
  specs: readonly AssetSpec[],
  options: { internalAssetDeps?: unknown },
  inputs: readonly { name: string; key: AssetKey }[],
  deps: readonly AssetDep[],
  where: string,
): void {
  const fix = `with specs, give each asset's upstreams as deps on its AssetSpec (new AssetSpec("b", { deps: ["a"] }))`;
  if (options.internalAssetDeps !== undefined) throw new InvalidDefinitionError(`${where} takes specs and internalAssetDeps; ${fix}`, where);
  const depKeys = new Set(specs.flatMap((spec) => spec.deps.map((d) => d.key.toString())));
  const inputKeys = new Set(inputs.map((i) => i.key.toString()));
  const strayDeps = deps.filter((d) => !inputKeys.has(d.key.toString()) && !depKeys.has(d.key.toString()));
  if (strayDeps.length > 0) {
    throw new InvalidDefinitionError(`${where} takes specs and deps ${strayDeps.map((d) => `"${d.key.toString()}"`).join(", ")} that no spec has; ${fix}`, where);
  }
  const stray = inputs.filter((input) => !depKeys.has(input.key.toString()));
  if (stray.length > 0) {
    throw new InvalidDefinitionError(
      `${where} has ins ${stray.map((i) => `${i.name} (asset "${i.key.toString()}")`).join(", ")} that no spec depends on; ins must be specified as deps on its AssetSpecs (new AssetSpec(key, { deps: [${stray.map((i) => `"${i.key.toString()}"`).join(", ")}] }))`,
      where,
    );
  }
}
