// graph(), graphAsset() and graphMultiAsset(): assets computed by several ops wired together.
import { AssetKey, InvalidDefinitionError, validateName, type AssetKeyLike } from "../core/index.js";
import { asset, type AssetInputSource, type AssetOptions, type InputValue } from "./asset.js";
import type { ResourceRequirement } from "./op-options.js";
import { AssetIn } from "./asset-dep.js";
import { AssetsDefinition, factories, type OpNode } from "./assets-definition.js";
import { callableDefinition, checkHandle, compose, currentComposition, runGraphBody, type GraphBody, type OutputHandle } from "./composition.js";
import { AssetOut, multiAsset, type AssetOutLike, type MultiAssetOptions } from "./multi-asset.js";
import { isOpDefinition, type OpDefinition } from "./op.js";

/** The handles a graph-asset compose function gets: one per `ins` entry, typed from the upstream. */
export type InputHandles<Ins> = { readonly [K in keyof Ins]: OutputHandle<InputValue<Ins[K]>> };

/** A graph: ops wired by a compose function, usable in graphAsset-like definitions and inside other graphs. */
export interface GraphDefinition<T = unknown> {
  (inputs?: Readonly<Record<string, OutputHandle>>): T;
  readonly kind: "graph_definition";
  readonly name: string;
  readonly inputNames: readonly string[];
  readonly body: GraphBody;
  /** Output names: "result" for a graph returning one handle. */
  readonly outputNames: readonly string[];
}

/**
 * Defines a graph of ops. `inputNames` are the graph's inputs; compose returns one output handle, or an object of them.
 *
 * @example
 * const cleanAndScore = graph({ name: "clean_and_score", inputNames: ["raw"] }, ({ raw }) => score({ rows: clean({ rows: raw }) }));
 */
export function graph<R extends OutputHandle | Readonly<Record<string, OutputHandle>>>(
  options: { name: string; inputNames?: readonly string[]; description?: string },
  composeFn: (inputs: Record<string, OutputHandle>) => R,
): GraphDefinition<R> {
  validateName(options.name, `Graph name "${options.name}"`);
  const inputNames = options.inputNames ?? [];
  const { body, returned, composition } = compose(options.name, inputNames, composeFn);
  const outputNames = outputNamesOf(returned, (v) => checkHandle(v, composition, `The compose function of graph "${options.name}"`));
  // Inside another compose function, calling the graph wires its ops into the caller's graph.
  const invoke = (inputs: Readonly<Record<string, OutputHandle>> = {}): R => {
    if (!currentComposition()) throw new InvalidDefinitionError(`Graph "${options.name}" was called outside a compose function; call it inside graph() or graphAsset()`);
    const missing = inputNames.filter((n) => !(n in inputs));
    if (missing.length) throw new InvalidDefinitionError(`The call of graph "${options.name}" leaves input${missing.length > 1 ? "s" : ""} ${missing.join(", ")} unconnected`);
    return composeFn({ ...inputs });
  };
  return callableDefinition(invoke, { kind: "graph_definition" as const, name: options.name, inputNames, body, outputNames }) as unknown as GraphDefinition<R>;
}

function outputNamesOf(returned: unknown, check: (value: unknown) => OutputHandle): string[] {
  if (returned !== null && typeof returned === "object" && !("kind" in returned && (returned as { kind: unknown }).kind === "output_handle")) {
    const names = Object.keys(returned as object);
    for (const name of names) check((returned as Record<string, unknown>)[name]);
    return names;
  }
  check(returned);
  return ["result"];
}

/** Options of `graphAsset()`: those of `asset()` that apply to an asset computed by a graph of ops. */
export type GraphAssetOptions<Ins> = Omit<AssetOptions<Ins, undefined, Record<never, never>, never>, "config" | "resources" | "requiredResourceKeys" | "ioManagerDef" | "deps" | "type" | "opTags"> & {
  resourceDefs?: Record<string, unknown>;
};

/**
 * An asset computed by a graph of ops. `compose` gets a handle per input and returns the handle of the asset's value;
 * it runs once, at definition time. Each op's config lives at `ops.<asset op>.ops.<op>.config` in run config.
 *
 * @example
 * const scored = graphAsset({ name: "scored_orders", ins: { orders } }, ({ orders }) => score({ rows: clean({ rows: orders }) }));
 */
export function graphAsset<const Ins extends Readonly<Record<string, AssetInputSource>> = Record<never, never>, T = unknown>(
  options: GraphAssetOptions<Ins>,
  composeFn: (inputs: InputHandles<Ins>) => OutputHandle<T>,
): AssetsDefinition<T> {
  const key = keyOf(options);
  const opName = key.toPythonIdentifier();
  const { body, returned, composition } = compose(opName, Object.keys(options.ins ?? {}), composeFn as (inputs: Record<string, OutputHandle>) => unknown);
  const output = checkHandle(returned, composition, `The compose function of graph asset "${key.toString()}"`);
  const { requiredResourceKeys, resourceClasses } = resourcesOf(body);
  const compute = async (ctx: object, inputs: Readonly<Record<string, unknown>>): Promise<unknown> => (await runGraphBody(body, graphContext(ctx), inputs))(output);
  const built = asset(
    { ...(options as AssetOptions<Record<string, AssetInputSource>, undefined, Record<never, never>, never>), requiredResourceKeys: requiredResourceKeys as never[] },
    compute as never,
  );
  const outputName = built.outputs[0]?.name ?? "result";
  return withGraph(built, { ...body, outputs: { [outputName]: output } }, resourceClasses) as AssetsDefinition<T>;
}

/** Several assets computed by one graph: compose returns an object of handles keyed like `outs`. */
export function graphMultiAsset<
  const Outs extends Readonly<Record<string, AssetOutLike>>,
  const Ins extends Readonly<Record<string, AssetInputSource>> = Record<never, never>,
>(
  options: Omit<MultiAssetOptions<Outs, Ins, undefined, Record<string, ResourceRequirement>, never>, "config" | "resources" | "requiredResourceKeys" | "specs"> & { name: string; outs: Outs },
  composeFn: (inputs: InputHandles<Ins>) => { readonly [K in keyof Outs]: OutputHandle },
): AssetsDefinition<{ readonly [K in keyof Outs]: Outs[K]["__value"] }> {
  const { body, returned, composition } = compose(options.name, Object.keys(options.ins ?? {}), composeFn as (inputs: Record<string, OutputHandle>) => unknown);
  const handles = returned as Record<string, unknown>;
  const outNames = Object.keys(options.outs);
  for (const name of Object.keys(handles ?? {})) {
    if (!outNames.includes(name)) throw new InvalidDefinitionError(`The compose function of graph multi-asset "${options.name}" returns "${name}", which is not among its outs (${outNames.join(", ")})`);
  }
  for (const name of outNames) checkHandle(handles?.[name], composition, `For output "${name}", the compose function of graph multi-asset "${options.name}"`);
  const { requiredResourceKeys, resourceClasses } = resourcesOf(body);
  const compute = async (ctx: object, inputs: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> => {
    const valueOf = await runGraphBody(body, graphContext(ctx), inputs);
    return Object.fromEntries(outNames.map((name) => [name, valueOf(handles[name] as OutputHandle)]));
  };
  const built = multiAsset({ ...(options as object), requiredResourceKeys } as never, compute as never);
  const outputs = Object.fromEntries(
    outNames.map((name) => [(built as AssetsDefinition<unknown>).outputNamed(name)?.name ?? name, handles[name] as OutputHandle]),
  );
  return withGraph(built as AssetsDefinition<unknown>, { ...body, outputs }, resourceClasses) as never;
}

function keyOf(options: { name?: string; key?: AssetKeyLike; keyPrefix?: string | readonly string[] }): AssetKey {
  if (options.key !== undefined) return AssetKey.from(options.key);
  if (options.name === undefined) throw new InvalidDefinitionError('graphAsset() needs a name: pass { name: "scored_orders" } (or key)');
  const key = new AssetKey(options.name);
  return options.keyPrefix === undefined ? key : key.withPrefix(options.keyPrefix);
}

function resourcesOf(body: GraphBody): { requiredResourceKeys: string[]; resourceClasses: Record<string, abstract new (...args: never[]) => unknown> } {
  const requiredResourceKeys = [...new Set(body.invocations.flatMap((i) => i.op.requiredResourceKeys))];
  const resourceClasses = Object.assign({}, ...body.invocations.map((i) => i.op.resourceClasses)) as Record<string, abstract new (...args: never[]) => unknown>;
  return { requiredResourceKeys, resourceClasses };
}

/** Each op sees the step's context with its own name and its own config (`ctx.config[alias]` of the graph step). */
function graphContext(ctx: object): { contextFor(alias: string, op: OpDefinition): unknown } {
  const configs = ((ctx as { config?: unknown }).config ?? {}) as Record<string, unknown>;
  return {
    contextFor: (alias) =>
      Object.create(ctx, {
        config: { value: configs[alias], enumerable: true },
        opName: { value: alias, enumerable: true },
      }) as unknown,
  };
}

function withGraph(definition: AssetsDefinition<unknown>, body: GraphBody, resourceClasses: OpNode["resourceClasses"]): AssetsDefinition<unknown> {
  checkNoLeafOps(body);
  return new AssetsDefinition({
    specs: definition.specs,
    op: { ...definition.op, graph: body, resourceClasses: { ...definition.op.resourceClasses, ...resourceClasses } },
    inputs: definition.inputs,
    outputs: definition.outputs,
    resourceDefs: definition.resourceDefs,
    canSubset: definition.canSubset,
    returnsByOutputName: definition.returnsByOutputName,
    checkSpecs: definition.checkSpecs,
    executionType: definition.executionType,
  });
}

/** Options for `AssetsDefinition.fromGraph()` and `fromOp()`: the asset keys of the graph's inputs and outputs, and its group and description. */
export interface FromGraphOptions {
  /** Upstream keys by graph input name. @default the input's name */
  keysByInputName?: Readonly<Record<string, AssetKeyLike>>;
  /** Asset keys by graph output name. @default the graph's name for a single output, else the output names */
  keysByOutputName?: Readonly<Record<string, AssetKeyLike>>;
  groupName?: string;
  description?: string;
  /** The upstream keys of each output by output name, when an output depends on less than every input. */
  internalAssetDeps?: Readonly<Record<string, readonly AssetKeyLike[]>>;
  partitionsDef?: AssetOptions<Record<never, never>, undefined, Record<never, never>, never>["partitionsDef"];
  /** Put before every output's key. */
  keyPrefix?: string | readonly string[];
  /** Each asset's description and metadata, by output name. */
  descriptionsByOutputName?: Readonly<Record<string, string>>;
  metadataByOutputName?: Readonly<Record<string, Record<string, unknown>>>;
  /** Whether a run may select some of the graph's assets; it then runs only the ops those need. */
  canSubset?: boolean;
}

function outputKey(opts: FromGraphOptions, output: string, fallback: string): AssetKey {
  const key = AssetKey.from(opts.keysByOutputName?.[output] ?? fallback);
  return opts.keyPrefix === undefined ? key : key.withPrefix(opts.keyPrefix);
}

factories.fromGraph = (graphDef, options) => {
  const g = graphDef as GraphDefinition<unknown>;
  if ((g as { kind?: unknown })?.kind !== "graph_definition") throw new InvalidDefinitionError("AssetsDefinition.fromGraph takes a graph made with graph()");
  const opts = options as FromGraphOptions;
  const ins = Object.fromEntries(g.inputNames.map((n) => [n, new AssetIn({ key: opts.keysByInputName?.[n] ?? n })]));
  const unknownInputs = Object.keys(opts.keysByInputName ?? {}).filter((n) => !g.inputNames.includes(n));
  const unknownOutputs = Object.keys(opts.keysByOutputName ?? {}).filter((n) => !g.outputNames.includes(n));
  if (unknownInputs.length > 0 || unknownOutputs.length > 0) {
    throw new InvalidDefinitionError(
      `AssetsDefinition.fromGraph of graph "${g.name}" maps ${[...unknownInputs.map((n) => `input ${n}`), ...unknownOutputs.map((n) => `output ${n}`)].join(", ")}, which the graph does not have; ` +
        `its inputs are ${g.inputNames.join(", ") || "none"} and its outputs ${g.outputNames.join(", ")}`,
    );
  }
  const single = g.outputNames.length === 1 && g.outputNames[0] === "result";
  if (single && opts.internalAssetDeps === undefined) {
    return graphAsset(
      {
        key: outputKey(opts, "result", g.name),
        ins,
        groupName: opts.groupName,
        description: opts.descriptionsByOutputName?.result ?? opts.description,
        metadata: opts.metadataByOutputName?.result,
        partitionsDef: opts.partitionsDef,
      },
      (inputs) => g(inputs) as OutputHandle,
    );
  }
  // Several outputs (or per-output deps): one asset per output, keyed by keysByOutputName or the output's name.
  const outs = Object.fromEntries(
    g.outputNames.map((n) => [
      n,
      new AssetOut({
        key: outputKey(opts, n, single ? g.name : n),
        groupName: opts.groupName,
        description: opts.descriptionsByOutputName?.[n],
        metadata: opts.metadataByOutputName?.[n],
      }),
    ]),
  );
  return graphMultiAsset(
    { name: g.name, ins, outs, description: opts.description, partitionsDef: opts.partitionsDef, internalAssetDeps: opts.internalAssetDeps, canSubset: opts.canSubset } as never,
    (inputs) => {
      const returned = g(inputs as Record<string, OutputHandle>) as unknown;
      return (single ? { result: returned } : returned) as never;
    },
  ) as AssetsDefinition<unknown>;
};

factories.fromOp = (opDef, options) => {
  if (!isOpDefinition(opDef)) throw new InvalidDefinitionError("AssetsDefinition.fromOp takes an op made with op()");
  const opts = options as FromGraphOptions;
  // An op has the one output "result".
  const unknownOutputs = Object.keys(opts.internalAssetDeps ?? {}).filter((n) => n !== "result");
  if (unknownOutputs.length > 0) {
    throw new InvalidDefinitionError(`internalAssetDeps of AssetsDefinition.fromOp of op "${opDef.name}" names output_name ${unknownOutputs.join(", ")}; an op's one output is named result`);
  }
  const ins = Object.fromEntries(opDef.inputNames.map((n) => [n, new AssetIn({ key: opts.keysByInputName?.[n] ?? n })]));
  const description = opts.descriptionsByOutputName?.result ?? opts.description ?? opDef.description;
  return graphAsset({ key: outputKey(opts, "result", opDef.name), ins, groupName: opts.groupName, description, metadata: opts.metadataByOutputName?.result }, (inputs) =>
    opDef(inputs as never),
  );
};

// An op whose value reaches no output of the asset would run for nothing and have no place in the asset's lineage
// (the reference refuses such "leaf nodes" too).
function checkNoLeafOps(body: GraphBody): void {
  const reached = new Set<number>();
  const pending = Object.values(body.outputs ?? {}).flatMap((h) => ("invocation" in h.source ? [h.source.invocation] : []));
  while (pending.length > 0) {
    const i = pending.pop() as number;
    if (reached.has(i)) continue;
    reached.add(i);
    for (const h of Object.values(body.invocations[i]?.inputs ?? {})) if ("invocation" in h.source) pending.push(h.source.invocation);
  }
  const leaves = body.invocations.filter((_, i) => !reached.has(i)).map((inv) => `"${inv.alias}"`);
  if (leaves.length > 0) {
    throw new InvalidDefinitionError(
      `Graph "${body.name}" has leaf nodes ${leaves.join(", ")} whose output no asset of it returns; return each as an output of the graph (an asset), or pass it to an op that does`,
    );
  }
}
