// AssetsDefinition: one or more assets computed together by one op.
import type { z } from "zod";
import { AssetKey, InvalidDefinitionError, type MetadataMap, type Tags } from "../core/index.js";
import type { AssetCheckSpec } from "./asset-check.js";
import type { BackfillPolicy, PartitionsDefinition } from "../partitions/index.js";
import type { GraphBody } from "./composition.js";
import type { AssetSpec } from "./asset-spec.js";
import { NO_RESOURCES } from "./op-options.js";
import type { RetryPolicy } from "./retry-policy.js";
import type { TypeCheck } from "./type-check.js";

/** An argument input of the op: loaded from an upstream asset through an IO manager. */
export interface AssetInputDefinition {
  readonly name: string;
  readonly key: AssetKey;
  readonly metadata: MetadataMap;
  readonly partitionMapping: unknown;
  readonly type: TypeCheck | undefined;
  readonly inputManagerKey: string | undefined;
}

/** An output of the op: one asset's value. */
export interface AssetOutputDefinition {
  readonly name: string;
  readonly key: AssetKey;
  readonly ioManagerKey: string;
  readonly type: TypeCheck | undefined;
  /** False when the compute may produce no value, which skips downstream assets. */
  readonly required: boolean;
  /**
   * True for an output of `multiAsset({ specs })`: as in the reference (whose spec outputs are `Nothing`), a
   * compute that returns nothing materializes it without a value.
   */
  readonly fromSpec?: boolean;
}

/** The op inside an asset definition. `compute` takes (ctx, inputs) and returns a value, a result, or an async generator. */
export interface OpNode {
  readonly name: string;
  readonly compute: (ctx: never, inputs: never) => unknown;
  readonly configSchema: z.ZodType | undefined;
  readonly requiredResourceKeys: readonly string[];
  /** Resource keys whose values are checked against a class at run time. */
  readonly resourceClasses: Readonly<Record<string, abstract new (...args: never[]) => unknown>>;
  /** For graph-backed assets: the ops the compute runs, whose config lives at `ops.<name>.ops.<alias>.config`. */
  readonly graph?: GraphBody | undefined;
  readonly retryPolicy: RetryPolicy | undefined;
  readonly tags: Tags;
  readonly description: string | undefined;
}

export interface AssetsDefinitionParts {
  specs: readonly AssetSpec[];
  op: OpNode;
  inputs: readonly AssetInputDefinition[];
  outputs: readonly AssetOutputDefinition[];
  resourceDefs: Readonly<Record<string, unknown>>;
  /** Whether a run may materialize only some of the assets. @default false */
  canSubset?: boolean;
  /** Whether the compute returns its values keyed by output name (multi-assets) rather than one value. @default false */
  returnsByOutputName?: boolean;
  /** Checks the compute evaluates along with its assets. */
  checkSpecs?: readonly AssetCheckSpec[];
  /** "observe" for observable source assets: the compute reports data versions instead of producing values. @default "materialize" */
  executionType?: "materialize" | "observe";
}

/**
 * Assets computed by one op. Built by `asset()`, `multiAsset()`, `graphAsset()` and `graphMultiAsset()`;
 * `TOut` is the value type downstream inputs receive.
 */
export class AssetsDefinition<TOut = unknown> {
  readonly kind = "assets_definition";
  // Fields are declared, not defined, where the constructor assigns them: a defined field is first set to undefined,
  // a second store per field on every instance, and large code locations build these by the ten thousand.
  declare readonly specs: readonly AssetSpec[];
  declare readonly op: OpNode;
  declare readonly inputs: readonly AssetInputDefinition[];
  declare readonly outputs: readonly AssetOutputDefinition[];
  declare readonly resourceDefs: Readonly<Record<string, unknown>>;
  /** Whether a run may materialize only some of the assets (the compute reads ctx.selectedAssetKeys). */
  declare readonly canSubset: boolean;
  /** True for multi-assets: a returned object holds the values by output name. */
  declare readonly returnsByOutputName: boolean;
  /** Checks the compute evaluates along with its assets. */
  declare readonly checkSpecs: readonly AssetCheckSpec[];
  /** "observe" for observable source assets, whose compute reports data versions; "materialize" otherwise. */
  declare readonly executionType: "materialize" | "observe";
  declare readonly __output: TOut;
  #keys: readonly AssetKey[] | undefined;
  #requiredResourceKeys: ReadonlySet<string> | undefined;

  // Parts are frozen in place rather than copied: building 100,000 assets must stay allocation-light.
  constructor(parts: AssetsDefinitionParts) {
    if (parts.specs.length === 0) throw new InvalidDefinitionError("An asset definition needs at least one asset");
    this.specs = Object.freeze(parts.specs as AssetSpec[]);
    this.op = Object.freeze(parts.op);
    const inputs = parts.inputs;
    for (let i = 0; i < inputs.length; i++) Object.freeze(inputs[i]);
    const outputs = parts.outputs;
    for (let i = 0; i < outputs.length; i++) Object.freeze(outputs[i]);
    this.inputs = Object.freeze(inputs as AssetInputDefinition[]);
    this.outputs = Object.freeze(outputs as AssetOutputDefinition[]);
    this.resourceDefs = parts.resourceDefs === NO_RESOURCES ? NO_RESOURCES : Object.freeze(parts.resourceDefs);
    this.canSubset = parts.canSubset ?? false;
    this.returnsByOutputName = parts.returnsByOutputName ?? false;
    this.checkSpecs = parts.checkSpecs === undefined || parts.checkSpecs.length === 0 ? NO_CHECK_SPECS : Object.freeze([...parts.checkSpecs]);
    this.executionType = parts.executionType ?? "materialize";
    // One spec agrees with itself; the loops below are for definitions of several assets or with checks.
    const partitioned = this.specs[0]?.partitionsDef;
    for (let i = 1; i < this.specs.length; i++) {
      const spec = this.specs[i] as AssetSpec;
      const same = spec.partitionsDef === partitioned || (spec.partitionsDef !== undefined && spec.partitionsDef.equals(partitioned));
      if (!same) {
        throw new InvalidDefinitionError(
          `The assets of op "${this.op.name}" have different partitions (${this.specs.map((s) => `${s.key.toString()}: ${s.partitionsDef?.toString() ?? "none"}`).join("; ")}); assets computed together share one partitionsDef`,
        );
      }
    }
    for (let c = 0; c < this.checkSpecs.length; c++) {
      const check = this.checkSpecs[c] as AssetCheckSpec;
      if (!this.specs.some((spec) => spec.key.equals(check.assetKey))) {
        throw new InvalidDefinitionError(
          `Check "${check.name}" in the checkSpecs of op "${this.op.name}" targets "${check.assetKey.toString()}", which that op does not compute; define it with assetCheck() instead`,
        );
      }
    }
    Object.freeze(this);
  }

  /** Keys of the assets, in the order of `specs`. */
  get keys(): readonly AssetKey[] {
    this.#keys ??= Object.freeze(this.specs.map((s) => s.key));
    return this.#keys;
  }

  /** Resource keys the op, its IO managers and its input managers need. */
  get requiredResourceKeys(): ReadonlySet<string> {
    if (!this.#requiredResourceKeys) {
      const required = new Set(this.op.requiredResourceKeys);
      for (const output of this.outputs) required.add(output.ioManagerKey);
      for (const input of this.inputs) if (input.inputManagerKey) required.add(input.inputManagerKey);
      this.#requiredResourceKeys = required;
    }
    return this.#requiredResourceKeys;
  }

  /** How these assets are partitioned, or undefined. */
  get partitionsDef(): PartitionsDefinition | undefined {
    return this.specs[0]?.partitionsDef;
  }

  /** How a backfill of these assets splits into runs, or undefined for the default. */
  get backfillPolicy(): BackfillPolicy | undefined {
    return this.specs[0]?.backfillPolicy;
  }

  /** An asset (or assets, one per graph output) computed by a graph; see graphAsset(). */
  static fromGraph(graph: unknown, options: Record<string, unknown> = {}): AssetsDefinition<unknown> {
    if (!factories.fromGraph) throw new InvalidDefinitionError("AssetsDefinition.fromGraph needs the graph-asset module; import from the package root");
    return factories.fromGraph(graph, options);
  }

  /** An asset computed by one op; see op(). */
  static fromOp(op: unknown, options: Record<string, unknown> = {}): AssetsDefinition<unknown> {
    if (!factories.fromOp) throw new InvalidDefinitionError("AssetsDefinition.fromOp needs the graph-asset module; import from the package root");
    return factories.fromOp(op, options);
  }

  /** The single asset's key; throws for a definition of several assets (use `keys`). */
  get key(): AssetKey {
    if (this.specs.length !== 1) {
      throw new InvalidDefinitionError(
        `This definition has ${this.specs.length} assets (${this.keys.map(String).join(", ")}); use .keys instead of .key`,
      );
    }
    return (this.specs[0] as AssetSpec).key;
  }

  getAssetSpec(key?: AssetKey | string | readonly string[]): AssetSpec {
    if (key === undefined) {
      if (this.specs.length === 1) return this.specs[0] as AssetSpec;
      throw new InvalidDefinitionError("getAssetSpec() needs a key for a definition of several assets");
    }
    const wanted = AssetKey.from(key);
    const spec = this.specs.find((s) => s.key.equals(wanted));
    if (!spec) throw new InvalidDefinitionError(`Asset "${wanted.toString()}" is not part of this definition (${this.keys.map(String).join(", ")})`);
    return spec;
  }

  /**
   * The partition mapping given for upstream `inputKey` (on its AssetIn or AssetDep), or undefined when the
   * default applies.
   */
  getPartitionMapping(inputKey: AssetKey | string | readonly string[]): unknown {
    const key = AssetKey.from(inputKey);
    for (const spec of this.specs) {
      const dep = spec.deps.find((d) => d.key.equals(key));
      if (dep) return dep.partitionMapping;
    }
    throw new InvalidDefinitionError(`"${key.toString()}" is not an upstream of ${this.keys.map(String).join(", ")}`);
  }

  /**
   * These assets as seen from another code location: external specs that keep their attributes and the
   * IO manager that loads them (the reference's `to_source_assets`, in today's AssetSpec form).
   */
  toSourceAssets(): AssetSpec[] {
    return this.specs.map((spec) => {
      const ioManagerKey = this.outputForKey(spec.key).ioManagerKey;
      const external = spec.replaceAttributes({ deps: [] });
      return ioManagerKey === "ioManager" ? external : external.withIoManagerKey(ioManagerKey);
    });
  }

  /** The single asset as an external spec; see toSourceAssets(). */
  toSourceAsset(key?: AssetKey | string | readonly string[]): AssetSpec {
    const spec = this.getAssetSpec(key);
    return this.toSourceAssets().find((s) => s.key.equals(spec.key)) as AssetSpec;
  }

  /** Upstream keys of each asset. */
  get assetDeps(): ReadonlyMap<string, readonly AssetKey[]> {
    return new Map(this.specs.map((s) => [s.key.toString(), s.deps.map((d) => d.key)]));
  }

  /** Every upstream key of any asset in this definition. */
  get dependencyKeys(): ReadonlySet<AssetKey> {
    const byString = new Map<string, AssetKey>();
    for (const spec of this.specs) for (const dep of spec.deps) byString.set(dep.key.toString(), dep.key);
    return new Set(byString.values());
  }

  get descriptionsByKey(): ReadonlyMap<string, string | undefined> {
    return new Map(this.specs.map((s) => [s.key.toString(), s.description]));
  }

  get groupNamesByKey(): ReadonlyMap<string, string> {
    return new Map(this.specs.map((s) => [s.key.toString(), s.groupName]));
  }

  /** The op inside, as the reference's `node_def`. */
  get nodeDef(): OpNode {
    return this.op;
  }

  get isExecutable(): boolean {
    return true;
  }

  /** True when runs materialize these assets. */
  get isMaterializable(): boolean {
    return this.executionType === "materialize";
  }

  /** True for observable source assets. */
  get isObservable(): boolean {
    return this.executionType === "observe";
  }

  /** The output named `name`. */
  outputNamed(name: string): AssetOutputDefinition | undefined {
    return this.outputs.find((o) => o.name === name);
  }

  outputForKey(key: AssetKey): AssetOutputDefinition {
    const only = this.outputs.length === 1 ? this.outputs[0] : undefined;
    const output = only && only.key.equals(key) ? only : this.outputs.find((o) => o.key.equals(key));
    if (!output) throw new InvalidDefinitionError(`Asset "${key.toString()}" has no output in op "${this.op.name}"`);
    return output;
  }

  /** A copy with each spec replaced by `fn(spec)`; keys may not change. */
  mapAssetSpecs(fn: (spec: AssetSpec) => AssetSpec): AssetsDefinition<TOut> {
    const specs = this.specs.map((spec) => {
      const mapped = fn(spec);
      if (!mapped.key.equals(spec.key)) {
        throw new InvalidDefinitionError(`mapAssetSpecs cannot change the key of "${spec.key.toString()}" on an asset definition`);
      }
      const removedDeps = spec.deps.filter((d) => !mapped.deps.some((e) => e.key.equals(d.key)) && this.inputs.some((i) => i.key.equals(d.key)));
      if (removedDeps.length) {
        throw new InvalidDefinitionError(`mapAssetSpecs cannot remove "${removedDeps[0]?.key.toString()}": it is an input of "${spec.key.toString()}"`);
      }
      return mapped;
    });
    const ioKeys = new Map(specs.map((s) => [s.key.toString(), s.ioManagerKey]));
    const outputs = this.outputs.map((o) => ({ ...o, ioManagerKey: ioKeys.get(o.key.toString()) ?? o.ioManagerKey }));
    return new AssetsDefinition<TOut>({ specs, op: this.op, inputs: this.inputs, outputs, resourceDefs: this.resourceDefs, canSubset: this.canSubset, returnsByOutputName: this.returnsByOutputName, checkSpecs: this.checkSpecs, executionType: this.executionType });
  }
}

const NO_CHECK_SPECS: readonly AssetCheckSpec[] = Object.freeze([]);

/** Set by graph-asset.ts, which builds on this module (a static method cannot import it without a cycle). */
export const factories: {
  fromGraph?: (graph: unknown, options: Record<string, unknown>) => AssetsDefinition<unknown>;
  fromOp?: (op: unknown, options: Record<string, unknown>) => AssetsDefinition<unknown>;
} = {};
