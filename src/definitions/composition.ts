// Wiring ops into graphs: compose functions run once, at definition time, while calls to ops record invocations.
import { InvalidDefinitionError } from "../core/index.js";
import type { OpDefinition } from "./op.js";
import { runTypeCheck } from "./type-check.js";

/** A value flowing in a graph: an input of the graph, or the output of one op invocation. */
export class OutputHandle<T = unknown> {
  readonly kind = "output_handle";
  declare readonly __value: T;
  constructor(
    /** The composition this handle belongs to. */
    readonly owner: Composition,
    /** The graph input's name, or the index of the invocation that produces it. */
    readonly source: { readonly input: string } | { readonly invocation: number },
  ) {
    Object.freeze(this);
  }
}

export interface Invocation {
  /** Unique within the graph: the op's name, with `_2`, `_3` for repeated calls as in the reference. */
  readonly alias: string;
  readonly op: OpDefinition;
  readonly inputs: Readonly<Record<string, OutputHandle>>;
}

/** The ops a compose function wired, in call order (which is a valid execution order). */
export interface GraphBody {
  readonly name: string;
  readonly inputNames: readonly string[];
  readonly invocations: readonly Invocation[];
  /** For a graph-backed asset: the handle giving each output's value, by output name (each op is a step of its own). */
  readonly outputs?: Readonly<Record<string, OutputHandle>> | undefined;
}

let current: Composition | undefined;

export function currentComposition(): Composition | undefined {
  return current;
}

export class Composition {
  readonly name: string;
  readonly invocations: Invocation[] = [];
  readonly inputHandles: Record<string, OutputHandle> = {};
  readonly #aliases = new Map<string, number>();

  constructor(name: string, inputNames: readonly string[]) {
    this.name = name;
    for (const inputName of inputNames) this.inputHandles[inputName] = new OutputHandle(this, { input: inputName });
  }

  invoke(op: OpDefinition, inputs: Readonly<Record<string, unknown>>): OutputHandle {
    const where = `the call of op "${op.name}" in graph "${this.name}"`;
    for (const [inputName, handle] of Object.entries(inputs)) {
      if (!op.inputNames.includes(inputName)) {
        throw new InvalidDefinitionError(`${where} passes input "${inputName}", which the op does not have (its inputs: ${op.inputNames.join(", ") || "none"})`);
      }
      if (!(handle instanceof OutputHandle)) {
        throw new InvalidDefinitionError(
          `${where} passes a plain value for input "${inputName}". Inside a compose function, inputs must be outputs of other op calls or inputs of the graph; put constants in the op's config.`,
        );
      }
      if (handle.owner !== this) {
        throw new InvalidDefinitionError(`${where} passes for input "${inputName}" the output of a call made in another graph's compose function; wire ops within one graph`);
      }
    }
    const missing = op.inputNames.filter((n) => !(n in inputs));
    if (missing.length) throw new InvalidDefinitionError(`${where} leaves input${missing.length > 1 ? "s" : ""} ${missing.map((m) => `"${m}"`).join(", ")} unconnected`);
    const count = (this.#aliases.get(op.name) ?? 0) + 1;
    this.#aliases.set(op.name, count);
    this.invocations.push(Object.freeze({ alias: count === 1 ? op.name : `${op.name}_${count}`, op, inputs: Object.freeze({ ...(inputs as Record<string, OutputHandle>) }) }));
    return new OutputHandle(this, { invocation: this.invocations.length - 1 });
  }
}

/** Runs `compose` with handles for the graph's inputs and returns what it wired together with what it returned. */
export function compose<R>(name: string, inputNames: readonly string[], fn: (inputs: Record<string, OutputHandle>) => R): { body: GraphBody; returned: R; composition: Composition } {
  const previous = current;
  const composition = new Composition(name, inputNames);
  current = composition;
  let returned: R;
  try {
    returned = fn(composition.inputHandles);
  } finally {
    current = previous;
  }
  return { body: Object.freeze({ name, inputNames, invocations: Object.freeze([...composition.invocations]) }), returned, composition };
}

export function checkHandle(value: unknown, composition: Composition, what: string): OutputHandle {
  if (!(value instanceof OutputHandle) || value.owner !== composition) {
    throw new InvalidDefinitionError(`${what} must return the output of an op call made in it (got ${value === undefined ? "nothing" : typeof value})`);
  }
  return value;
}

export interface GraphRunContext {
  /** The context each op's compute gets, for its alias and config. */
  contextFor(alias: string, op: OpDefinition): unknown;
}

/** Executes a graph body in call order, passing values in memory; returns the value of each requested handle. */
export async function runGraphBody(
  body: GraphBody,
  run: GraphRunContext,
  graphInputs: Readonly<Record<string, unknown>>,
): Promise<(handle: OutputHandle) => unknown> {
  const values: unknown[] = [];
  const valueOf = (handle: OutputHandle): unknown => ("input" in handle.source ? graphInputs[handle.source.input] : values[handle.source.invocation]);
  for (const invocation of body.invocations) {
    const inputs: Record<string, unknown> = {};
    for (const [name, handle] of Object.entries(invocation.inputs)) {
      const value = valueOf(handle);
      const failure = runTypeCheck(invocation.op.inputTypes[name] as never, value);
      if (failure !== undefined) throw new InvalidDefinitionError(`Input "${name}" of op "${invocation.alias}" in graph "${body.name}" failed its type check: ${failure}`);
      inputs[name] = value;
    }
    const value = await (invocation.op.compute as (ctx: unknown, inputs: unknown) => unknown)(run.contextFor(invocation.alias, invocation.op), Object.freeze(inputs));
    const failure = runTypeCheck(invocation.op.outputType as never, value);
    if (failure !== undefined) throw new InvalidDefinitionError(`The output of op "${invocation.alias}" in graph "${body.name}" failed its type check: ${failure}`);
    values.push(value);
  }
  return valueOf;
}

/** Gives a function the properties of a definition; `name` needs defineProperty, functions have a read-only one. */
export function callableDefinition<F extends (...args: never[]) => unknown, P extends { name: string }>(fn: F, parts: P): F & P {
  const { name, ...rest } = parts;
  Object.defineProperty(fn, "name", { value: name, enumerable: true });
  return Object.freeze(Object.assign(fn, rest)) as F & P;
}
