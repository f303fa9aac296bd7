// op(): a computation with typed inputs and an output, wired into graphs (and graph-backed assets) by calling it.
import type { z } from "zod";
import { InvalidDefinitionError, validateName, type Tags } from "../core/index.js";
import type { ConfigValue, RequiredResources } from "./asset.js";
import { checkOpOptions, collectResources, opTagsOf, type ResourceRequirement } from "./op-options.js";
import type { AssetExecutionContext } from "./context.js";
import type { RetryPolicy } from "./retry-policy.js";
import type { TypeCheck } from "./type-check.js";
import { callableDefinition, currentComposition, type OutputHandle } from "./composition.js";

/** An input of an op. `T` is the value type the op receives. */
export class In<T = unknown> {
  readonly kind = "in";
  readonly type: TypeCheck<T> | undefined;
  readonly description: string | undefined;
  declare readonly __value: T;
  constructor(options: { type?: TypeCheck<T>; description?: string } = {}) {
    this.type = options.type;
    this.description = options.description;
    Object.freeze(this);
  }
}

/** The output of an op. `T` is its value type. */
export class Out<T = unknown> {
  readonly kind = "out";
  readonly type: TypeCheck<T> | undefined;
  readonly description: string | undefined;
  declare readonly __value: T;
  constructor(options: { type?: TypeCheck<T>; description?: string } = {}) {
    this.type = options.type;
    this.description = options.description;
    Object.freeze(this);
  }
}

interface InLike {
  readonly kind: "in";
  readonly __value: unknown;
}

export type OpInputValues<Ins> = { readonly [K in keyof Ins]: Ins[K] extends InLike ? Ins[K]["__value"] : unknown };
/** What a call of the op inside a compose function takes: an output handle for each input. */
export type OpInputHandles<Ins> = { readonly [K in keyof Ins]: OutputHandle<Ins[K] extends InLike ? Ins[K]["__value"] : unknown> };

/** Options for `op()`. */
export interface OpOptions<Ins, T, C, R, RK extends string> {
  /** @default the compute function's name */
  name?: string;
  ins?: Ins;
  out?: Out<T>;
  description?: string;
  config?: C;
  requiredResourceKeys?: readonly RK[];
  resources?: R;
  retryPolicy?: RetryPolicy;
  tags?: Record<string, unknown>;
  /** The concurrency pool of this op's step inside a graph asset (as asset({ pool })). */
  pool?: string;
}

export type OpCompute<Ins, T, C, R, RK extends string> = (
  ctx: AssetExecutionContext<ConfigValue<C>, RequiredResources<R> & { readonly [K in RK]: unknown }>,
  inputs: OpInputValues<Ins>,
) => T | Promise<T>;

/** An op: callable inside a `compose` function to wire it into a graph. */
export interface OpDefinition<Ins = Record<string, InLike>, T = unknown> {
  (inputs?: OpInputHandles<Ins>): OutputHandle<T>;
  readonly kind: "op_definition";
  readonly name: string;
  readonly inputNames: readonly string[];
  readonly inputTypes: Readonly<Record<string, TypeCheck | undefined>>;
  readonly outputType: TypeCheck | undefined;
  readonly compute: (ctx: never, inputs: never) => unknown;
  readonly configSchema: z.ZodType | undefined;
  readonly requiredResourceKeys: readonly string[];
  readonly resourceClasses: Readonly<Record<string, abstract new (...args: never[]) => unknown>>;
  readonly retryPolicy: RetryPolicy | undefined;
  readonly tags: Tags;
  readonly description: string | undefined;
}

/**
 * Defines an op. Inside `graph()` / `graphAsset()` compose functions, call it with an output handle per input.
 *
 * @example
 * const double = op({ name: "double", ins: { x: new In<number>() } }, (_ctx, { x }) => x * 2);
 * const doubled = graphAsset({ name: "doubled", ins: { raw } }, ({ raw }) => double({ x: raw }));
 */
export function op<
  const Ins extends Readonly<Record<string, InLike>> = Record<never, never>,
  T = unknown,
  C extends z.ZodType | undefined = undefined,
  R extends Readonly<Record<string, ResourceRequirement>> = Record<never, never>,
  RK extends string = never,
>(options: OpOptions<Ins, T, C, R, RK>, compute: OpCompute<Ins, T, C, R, RK>): OpDefinition<Ins, Awaited<T>> {
  if (typeof compute !== "function") throw new InvalidDefinitionError("op() needs a compute function as its last argument");
  const name = options.name ?? (compute.name || undefined);
  if (name === undefined) throw new InvalidDefinitionError('op() needs a name: pass { name: "double" } or a named compute function');
  validateName(name, `Op name "${name}"`);
  const where = `op "${name}"`;
  checkOpOptions(options, where);
  const { requiredResourceKeys, resourceClasses } = collectResources(options, where);
  const ins = (options.ins ?? {}) as Readonly<Record<string, In>>;
  for (const inputName of Object.keys(ins)) {
    validateName(inputName, `Input name "${inputName}" of ${where}`);
    if (!(ins[inputName] instanceof In)) throw new InvalidDefinitionError(`Input "${inputName}" of ${where} must be an In: new In({ type? })`, where);
  }
  const parts = {
    kind: "op_definition" as const,
    name,
    inputNames: Object.freeze(Object.keys(ins)),
    inputTypes: Object.freeze(Object.fromEntries(Object.entries(ins).map(([k, v]) => [k, v.type as TypeCheck | undefined]))),
    outputType: options.out?.type as TypeCheck | undefined,
    compute: compute as (ctx: never, inputs: never) => unknown,
    configSchema: options.config,
    requiredResourceKeys,
    resourceClasses,
    retryPolicy: options.retryPolicy,
    tags: opTagsOf(options.pool === undefined ? options.tags : { ...options.tags, "tessera/pool": options.pool }, where),
    description: options.description,
  };
  const invoke = (inputs: Readonly<Record<string, unknown>> = {}): OutputHandle<unknown> => {
    const composition = currentComposition();
    if (!composition) {
      throw new InvalidDefinitionError(
        `Op "${name}" was called outside a compose function. Call ops inside graph(), graphAsset() or graphMultiAsset() compose functions; to test its logic, call the function you passed to op() directly.`,
      );
    }
    return composition.invoke(definition as unknown as OpDefinition, inputs);
  };
  const definition = callableDefinition(invoke, parts) as unknown as OpDefinition<Ins, Awaited<T>>;
  // The call records an invocation of `definition` itself, so graphs see the op with its options.
  return definition;
}

export function isOpDefinition(value: unknown): value is OpDefinition {
  return typeof value === "function" && (value as { kind?: unknown }).kind === "op_definition";
}
