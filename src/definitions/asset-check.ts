// Asset checks: AssetCheckSpec, AssetCheckResult and assetCheck() — tests of an asset's data, recorded with each run.
import type { z } from "zod";
import {
  AssetKey,
  InvalidDefinitionError,
  coerceMetadata,
  validateName,
  type MetadataMap,
  type RawMetadata,
} from "../core/index.js";
import type { ConfigValue, RequiredResources } from "./asset.js";
import { checkOpOptions, collectResources, opTagsOf, type ResourceRequirement } from "./op-options.js";
import { AssetDep, refToKey, type AssetRef } from "./asset-dep.js";
import type { AssetInputDefinition, OpNode } from "./assets-definition.js";
import type { AssetExecutionContext } from "./context.js";
import type { RetryPolicy } from "./retry-policy.js";
import type { AutomationCondition } from "./automation-condition.js";

/** How serious a failed check is: WARN is reported only; ERROR (the default) also stops downstream assets when the check is blocking. */
export const AssetCheckSeverity = Object.freeze({ WARN: "WARN", ERROR: "ERROR" });
export type AssetCheckSeverity = (typeof AssetCheckSeverity)[keyof typeof AssetCheckSeverity];

/** Options for `new AssetCheckSpec(name, options)`. */
export interface AssetCheckSpecOptions {
  /** The asset checked. */
  asset: AssetRef;
  /** When true, a failed check of severity ERROR stops the asset's downstream assets in the run. @default false */
  blocking?: boolean;
  description?: string;
  /** Other assets the check reads (not loaded as inputs). */
  additionalDeps?: readonly (AssetDep | AssetRef)[];
  metadata?: RawMetadata;
  /** When automation requests this check on its own (e.g. AutomationCondition.eager() or onCron()). */
  automationCondition?: AutomationCondition;
}

/**
 * A check of an asset, by name. Declared on an asset (`checkSpecs`), whose compute then reports its result,
 * or made by `assetCheck()`.
 */
export class AssetCheckSpec {
  readonly kind = "asset_check_spec";
  readonly name: string;
  readonly assetKey: AssetKey;
  readonly blocking: boolean;
  readonly description: string | undefined;
  readonly additionalDeps: readonly AssetDep[];
  readonly metadata: MetadataMap;
  readonly automationCondition: AutomationCondition | undefined;

  constructor(name: string, options: AssetCheckSpecOptions) {
    validateName(name, `Asset check name "${name}"`);
    if (options === undefined || options.asset === undefined) {
      throw new InvalidDefinitionError(`AssetCheckSpec "${name}" needs the asset it checks: new AssetCheckSpec("${name}", { asset: orders })`);
    }
    this.name = name;
    this.assetKey = refToKey(options.asset, `AssetCheckSpec "${name}"`);
    this.blocking = options.blocking ?? false;
    this.description = options.description;
    this.additionalDeps = Object.freeze((options.additionalDeps ?? []).map((d) => (d instanceof AssetDep ? d : new AssetDep(d))));
    this.metadata = coerceMetadata(options.metadata, `metadata of check "${name}"`);
    this.automationCondition = options.automationCondition;
    Object.freeze(this);
  }

  /** `asset_key:check_name`, the check's identity. */
  get id(): string {
    return checkId(this.assetKey, this.name);
  }
}

export function checkId(assetKey: AssetKey, name: string): string {
  return `${assetKey.toString()}:${name}`;
}

/** Options for `new AssetCheckResult(options)`: whether the check passed, which check, and what to record with it. */
export interface AssetCheckResultOptions {
  passed: boolean;
  /** Which check: optional when the compute evaluates exactly one. */
  checkName?: string;
  assetKey?: AssetRef;
  /** @default ERROR */
  severity?: AssetCheckSeverity;
  metadata?: RawMetadata;
  description?: string;
}

/** The outcome of one check evaluation. */
export class AssetCheckResult {
  readonly kind = "asset_check_result";
  readonly passed: boolean;
  readonly checkName: string | undefined;
  readonly assetKey: AssetKey | undefined;
  readonly severity: AssetCheckSeverity;
  readonly metadata: MetadataMap;
  readonly description: string | undefined;

  constructor(options: AssetCheckResultOptions) {
    if (typeof options?.passed !== "boolean") {
      throw new InvalidDefinitionError(`AssetCheckResult needs passed: true or false, got ${JSON.stringify(options?.passed)}`);
    }
    const severity = options.severity ?? AssetCheckSeverity.ERROR;
    if (severity !== "WARN" && severity !== "ERROR") {
      throw new InvalidDefinitionError(`AssetCheckResult severity must be AssetCheckSeverity.WARN or ERROR, got ${JSON.stringify(severity)}`);
    }
    this.passed = options.passed;
    this.checkName = options.checkName;
    this.assetKey = options.assetKey === undefined ? undefined : refToKey(options.assetKey, "AssetCheckResult");
    this.severity = severity;
    this.metadata = coerceMetadata(options.metadata, "AssetCheckResult metadata");
    this.description = options.description;
    Object.freeze(this);
  }
}

/** Options for `assetCheck()`. */
export interface AssetCheckOptions<C, R, RK extends string> {
  /** The asset checked; its value is loaded and passed as `asset` when the compute takes a second parameter. */
  asset: AssetRef;
  /** @default the compute function's name */
  name?: string;
  blocking?: boolean;
  description?: string;
  additionalDeps?: readonly (AssetDep | AssetRef)[];
  metadata?: RawMetadata;
  config?: C;
  requiredResourceKeys?: readonly RK[];
  resources?: R;
  retryPolicy?: RetryPolicy;
  opTags?: Record<string, unknown>;
  /** Whether to load the asset's value. @default true when the compute declares a second parameter */
  loadAsset?: boolean;
  /** When automation requests this check on its own: `eager()` after its asset updates, `onCron()` on a schedule. */
  automationCondition?: AutomationCondition;
}

type AssetValueOf<A> = A extends { readonly __output: infer T } ? T : unknown;

export type AssetCheckCompute<A, C, R, RK extends string> = (
  ctx: AssetExecutionContext<ConfigValue<C>, RequiredResources<R> & { readonly [K in RK]: unknown }>,
  inputs: { readonly asset: AssetValueOf<A> },
) => AssetCheckResult | Promise<AssetCheckResult>;

/** A check computed by its own op, after the asset it checks. */
export class AssetChecksDefinition {
  readonly kind = "asset_checks_definition";
  readonly specs: readonly AssetCheckSpec[];
  readonly op: OpNode;
  readonly inputs: readonly AssetInputDefinition[];
  readonly resourceDefs: Readonly<Record<string, unknown>>;

  constructor(parts: { specs: readonly AssetCheckSpec[]; op: OpNode; inputs: readonly AssetInputDefinition[] }) {
    this.specs = Object.freeze([...parts.specs]);
    this.op = Object.freeze(parts.op);
    this.inputs = Object.freeze(parts.inputs.map((i) => Object.freeze(i)));
    this.resourceDefs = Object.freeze({});
    Object.freeze(this);
  }

  get spec(): AssetCheckSpec {
    return this.specs[0] as AssetCheckSpec;
  }

  get requiredResourceKeys(): ReadonlySet<string> {
    const keys = new Set(this.op.requiredResourceKeys);
    for (const input of this.inputs) if (input.inputManagerKey) keys.add(input.inputManagerKey);
    return keys;
  }
}

/**
 * Defines a check of an asset. The compute gets the asset's value as `asset` and returns an AssetCheckResult.
 *
 * @example
 * const ordersHaveIds = assetCheck({ asset: orders, blocking: true }, async (_ctx, { asset }) =>
 *   new AssetCheckResult({ passed: asset.every((o) => o.id !== undefined) }));
 */
export function assetCheck<
  const A extends AssetRef,
  C extends z.ZodType | undefined = undefined,
  R extends Readonly<Record<string, ResourceRequirement>> = Record<never, never>,
  RK extends string = never,
>(options: AssetCheckOptions<C, R, RK> & { asset: A }, compute: AssetCheckCompute<A, C, R, RK>): AssetChecksDefinition {
  if (typeof compute !== "function") throw new InvalidDefinitionError("assetCheck() needs a compute function as its last argument");
  const name = options.name ?? (compute.name || undefined);
  if (name === undefined) {
    throw new InvalidDefinitionError('assetCheck() needs a name: pass { name: "orders_have_ids" } or a named compute function');
  }
  const spec = new AssetCheckSpec(name, {
    asset: options.asset,
    blocking: options.blocking,
    description: options.description,
    additionalDeps: options.additionalDeps,
    metadata: options.metadata,
    automationCondition: options.automationCondition,
  });
  const where = `asset check "${spec.id}"`;
  checkOpOptions(options, where);
  const { requiredResourceKeys, resourceClasses } = collectResources(options, where);
  const loadAsset = options.loadAsset ?? compute.length >= 2;
  const inputs: AssetInputDefinition[] = loadAsset
    ? [{ name: "asset", key: spec.assetKey, metadata: coerceMetadata(undefined), partitionMapping: undefined, type: undefined, inputManagerKey: undefined }]
    : [];
  return new AssetChecksDefinition({
    specs: [spec],
    op: {
      name: `${spec.assetKey.toPythonIdentifier()}_${name}`,
      compute: compute as (ctx: never, inputs: never) => unknown,
      configSchema: options.config,
      requiredResourceKeys,
      resourceClasses,
      retryPolicy: options.retryPolicy,
      tags: opTagsOf(options.opTags, where),
      description: options.description,
    },
    inputs,
  });
}
