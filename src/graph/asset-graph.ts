// AssetGraph: Definitions resolved once into integer-indexed nodes, edges and a topological order.
import { AssetKey, DependencyCycleError, UnknownAssetError, closestMatches } from "../core/index.js";
import {
  AssetChecksDefinition,
  AssetSpec,
  checkId,
  DefinitionsData,
  SourceAsset,
  type AssetCheckSpec,
  type AssetDep,
  type AssetsDefinition,
  type AssetsItem,
} from "../definitions/index.js";
import { InvalidDefinitionError } from "../core/index.js";
import {
  MultiPartitionMapping,
  MultiPartitionsDefinition,
  TimeWindowPartitionMapping,
  TimeWindowPartitionsDefinition,
  type PartitionsDefinition,
} from "../partitions/index.js";

/** An asset depends on itself in a way that is not "on its own earlier time partitions". */
export class SelfDependencyError extends InvalidDefinitionError {
  readonly assetKey: string;
  constructor(assetKey: string, reason: string) {
    super(
      `Asset "${assetKey}" depends on itself, ${reason}. An asset may depend only on its own earlier partitions: partition it by time ` +
        `(or by two dimensions, one of them time) and give the dependency partitionMapping: new TimeWindowPartitionMapping({ startOffset: -1, endOffset: -1 }) ` +
        `(negative offsets; add allowNonexistentUpstreamPartitions: true so the first partition runs with no previous one). ` +
        `Otherwise remove "${assetKey}" from its own ins or deps.`,
      assetKey,
    );
    this.assetKey = assetKey;
  }
}

/** A check in the graph: what it checks, and which definition computes it (an asset's op, or its own). */
export interface CheckNode {
  readonly index: number;
  /** `asset_key:name` */
  readonly id: string;
  readonly spec: AssetCheckSpec;
  /** The graph node of the checked asset. */
  readonly asset: number;
  /** Graph nodes of the check's additional deps. */
  readonly additionalDeps: readonly number[];
  /** The definition whose op evaluates the check. */
  readonly definition: AssetsDefinition | AssetChecksDefinition;
}

/**
 * The asset graph. Node `i` has key `keys[i]`, spec `specs[i]`, the definition that computes it
 * (undefined for external assets) and integer adjacency in both directions.
 */
export class AssetGraph {
  readonly keys: readonly AssetKey[];
  readonly ids: readonly string[];
  readonly specs: readonly AssetSpec[];
  readonly definitions: readonly (AssetsDefinition | undefined)[];
  // Edges are kept in compressed form (node v's neighbours are targets[offsets[v] .. offsets[v + 1])): building a
  // graph, as every Definitions does when a code location loads, then makes no array per node. `parents` and
  // `children` are made from them when first read.
  readonly #up: Adjacency;
  readonly #down: Adjacency;
  #parents: readonly (readonly number[])[] | undefined;
  #children: readonly (readonly number[])[] | undefined;
  /**
   * 1 for nodes that depend on their own earlier partitions. Such self-edges are kept out of `parents` and
   * `children` (and so out of the topological order, cycle checks, selections and staleness).
   */
  readonly selfDependent: Uint8Array;
  /** Every node, upstreams before downstreams. */
  readonly topologicalOrder: Int32Array;
  /** Every asset check, in definition order. */
  readonly checks: readonly CheckNode[];
  readonly #checksOfAsset: Map<number, number[]>;
  readonly #checkIndex = new Map<string, number>();
  readonly #mappedNodes: readonly number[];
  readonly #selfDependentNodes: readonly number[];
  readonly #conditionNodes: readonly number[];
  readonly #definedIndex: ReadonlyMap<string, number>;
  readonly #externalIndex: ReadonlyMap<string, number>;

  private constructor(parts: {
    keys: AssetKey[];
    ids: string[];
    specs: AssetSpec[];
    definitions: (AssetsDefinition | undefined)[];
    up: Adjacency;
    down: Adjacency;
    selfDependent: Uint8Array;
    topologicalOrder: Int32Array;
    definedIndex: ReadonlyMap<string, number>;
    externalIndex: ReadonlyMap<string, number>;
    mappedNodes: readonly number[];
    conditionNodes: readonly number[];
    selfDependentNodes: readonly number[];
  }) {
    this.keys = parts.keys;
    this.ids = parts.ids;
    this.specs = parts.specs;
    this.definitions = parts.definitions;
    this.#up = parts.up;
    this.#down = parts.down;
    this.selfDependent = parts.selfDependent;
    this.topologicalOrder = parts.topologicalOrder;
    this.checks = [];
    this.#checksOfAsset = new Map();
    this.#definedIndex = parts.definedIndex;
    this.#externalIndex = parts.externalIndex;
    this.#mappedNodes = parts.mappedNodes;
    this.#selfDependentNodes = parts.selfDependentNodes;
    this.#conditionNodes = parts.conditionNodes;
  }

  /** Each node's parents (its upstream nodes, ascending by their position in the definitions), read-only. */
  get parents(): readonly (readonly number[])[] {
    return (this.#parents ??= lists(this.#up, NO_PARENTS));
  }

  /** Each node's children (its downstream nodes, ascending), read-only. */
  get children(): readonly (readonly number[])[] {
    return (this.#children ??= lists(this.#down, NO_CHILDREN));
  }

  /** @internal The edges both ways in compressed form, as `parents` and `children` list them; read-only. */
  adjacency(): { readonly up: Adjacency; readonly down: Adjacency } {
    return { up: this.#up, down: this.#down };
  }

  /** @internal Nodes (ascending) with a dependency that gives a partition mapping: the ones validation reads. */
  nodesWithPartitionMappings(): readonly number[] {
    return this.#mappedNodes;
  }

  /** @internal Nodes (ascending) that depend on their own partitions: the ones validation reads. */
  selfDependentNodes(): readonly number[] {
    return this.#selfDependentNodes;
  }

  /** @internal Nodes (ascending) with an automation condition: the ones validation reads. */
  nodesWithConditions(): readonly number[] {
    return this.#conditionNodes;
  }

  get size(): number {
    return this.keys.length;
  }

  /** The graph of a Definitions, built once and cached. */
  static of(defs: DefinitionsData): AssetGraph {
    let graph = cache.get(defs);
    if (!graph) {
      const { index, specs, definitions } = defs.resolvedAssets();
      graph = AssetGraph.#build(index, specs, definitions);
      graph.#addChecks(definitions, defs.assetChecks);
      cache.set(defs, graph);
    }
    return graph;
  }

  /** The graph of assets and specs not gathered in a Definitions (no resource checks). */
  static fromAssets(items: readonly AssetsItem[]): AssetGraph {
    const index = new Map<string, number>();
    const specs: AssetSpec[] = [];
    const definitions: (AssetsDefinition | undefined)[] = [];
    for (const given of items) {
      const item = given instanceof SourceAsset ? given.toAssetsItem() : given;
      for (const spec of item instanceof AssetSpec ? [item] : item.specs) {
        index.set(spec.key.toString(), specs.length);
        specs.push(spec);
        definitions.push(item instanceof AssetSpec ? undefined : item);
      }
    }
    const graph = AssetGraph.#build(index, specs, definitions);
    graph.#addChecks(definitions, []);
    return graph;
  }

  #addChecks(definitions: readonly (AssetsDefinition | undefined)[], checkDefinitions: readonly AssetChecksDefinition[]): void {
    const checks = this.checks as CheckNode[];
    const add = (spec: AssetCheckSpec, definition: AssetsDefinition | AssetChecksDefinition): void => {
      const id = checkId(spec.assetKey, spec.name);
      if (this.#checkIndex.has(id)) {
        throw new InvalidDefinitionError(`Asset check "${id}" is defined twice; give one of the checks another name`);
      }
      const asset = this.require(spec.assetKey, `asset check "${id}"`);
      const additionalDeps = spec.additionalDeps.map((d) => this.require(d.key, `the additionalDeps of asset check "${id}"`));
      const node: CheckNode = Object.freeze({ index: checks.length, id, spec, asset, additionalDeps, definition });
      checks.push(node);
      this.#checkIndex.set(id, node.index);
      const list = this.#checksOfAsset.get(asset) ?? [];
      list.push(node.index);
      this.#checksOfAsset.set(asset, list);
    };
    const seen = new Set<AssetsDefinition>();
    for (let i = 0; i < definitions.length; i++) {
      const definition = definitions[i];
      // Most definitions have no checks: they need no entry in `seen`.
      if (!definition || definition.checkSpecs.length === 0 || seen.has(definition)) continue;
      seen.add(definition);
      for (const spec of definition.checkSpecs) add(spec, definition);
    }
    for (const definition of checkDefinitions) for (const spec of definition.specs) add(spec, definition);
  }

  /** Check indices of the checks of asset node `node`. */
  checksOf(node: number): readonly number[] {
    return this.#checksOfAsset.get(node) ?? NO_CHECKS;
  }

  /** The check with id `asset_key:name`, or undefined. */
  checkIndexOf(id: string): number | undefined {
    return this.#checkIndex.get(id);
  }

  /**
   * Resolves dependencies into integer edges. A dependency on an undefined key becomes an external asset,
   * unless it is a near-miss of a defined key, which is reported as a likely typo.
   */
  static #build(
    definedIndex: ReadonlyMap<string, number>,
    definedSpecs: readonly AssetSpec[],
    definedDefinitions: readonly (AssetsDefinition | undefined)[],
  ): AssetGraph {
    const definedCount = definedSpecs.length;
    const specs = definedSpecs.slice();
    const definitions = definedDefinitions.slice();
    const keys: AssetKey[] = new Array(definedCount);
    const ids: string[] = new Array(definedCount);
    let edgeBound = 0;
    for (let i = 0; i < definedCount; i++) {
      const spec = specs[i] as AssetSpec;
      const key = spec.key;
      keys[i] = key;
      ids[i] = key.toString();
      edgeBound += spec.deps.length;
    }
    const externalIndex = new Map<string, number>();
    // Parent edges of the defined nodes in order; external nodes, appended after them, have none.
    const upOffsets = new Int32Array(definedCount + 1);
    const upTargets = new Int32Array(edgeBound);
    let edges = 0;
    const selfDeps: number[] = [];
    const mappedNodes: number[] = [];
    const conditionNodes: number[] = [];
    let definedIds: readonly string[] | undefined;
    for (let i = 0; i < definedCount; i++) {
      const spec = specs[i] as AssetSpec;
      const deps = spec.deps;
      let mapped = false;
      if (spec.automationCondition !== undefined) conditionNodes.push(i);
      for (let d = 0; d < deps.length; d++) {
        const dep = deps[d] as AssetDep;
        if (dep.partitionMapping !== undefined && !mapped) {
          mapped = true;
          mappedNodes.push(i);
        }
        const depKey = dep.key;
        const depId = depKey.toString();
        let parent = definedIndex.get(depId) ?? externalIndex.get(depId);
        if (parent === undefined) {
          rejectLikelyTypo(depId, ids[i] as string, (definedIds ??= ids.slice(0, definedCount)));
          parent = keys.length;
          externalIndex.set(depId, parent);
          keys.push(depKey);
          ids.push(depId);
          specs.push(new AssetSpec(depKey));
          definitions.push(undefined);
        }
        // An asset reading its own earlier partitions is not a cycle: the edge is recorded apart.
        if (parent === i) selfDeps.push(i);
        else upTargets[edges++] = parent;
      }
      upOffsets[i + 1] = edges;
    }

    const size = keys.length;
    const up: Adjacency = { offsets: new Int32Array(size + 1), targets: edges === edgeBound ? upTargets : upTargets.slice(0, edges) };
    up.offsets.set(upOffsets);
    up.offsets.fill(edges, definedCount + 1);
    const down = reverse(up, size);

    const selfDependent = new Uint8Array(size);
    for (const i of selfDeps) selfDependent[i] = 1;
    const topologicalOrder = topologicalSort(up, down, ids);
    return new AssetGraph({ keys, ids, specs, definitions, up, down, selfDependent, topologicalOrder, definedIndex, externalIndex, mappedNodes, conditionNodes, selfDependentNodes: selfDeps });
  }

  /** True when node `index` depends on its own (earlier) partitions. */
  isSelfDependent(index: number): boolean {
    return this.selfDependent[index] === 1;
  }

  indexOf(key: AssetKey | string): number | undefined {
    const id = typeof key === "string" ? key : key.toString();
    return this.#definedIndex.get(id) ?? this.#externalIndex.get(id);
  }

  has(key: AssetKey | string): boolean {
    return this.indexOf(key) !== undefined;
  }

  /** True for assets Tessera does not materialize: specs of external assets and observable sources. */
  isExternal(index: number): boolean {
    const definition = this.definitions[index];
    return definition === undefined || definition.executionType === "observe";
  }

  /** True for observable source assets: external, with an observe function. */
  isObservable(index: number): boolean {
    return this.definitions[index]?.executionType === "observe";
  }

  /** The node index of `key`, or an UnknownAssetError with near matches. */
  require(key: AssetKey | string, context = "the selection"): number {
    const id = typeof key === "string" ? key : key.toString();
    const index = this.indexOf(id);
    if (index !== undefined) return index;
    throw undefinedAssetError(id, this.ids, `in ${context} is not defined`);
  }
}

const cache = new WeakMap<DefinitionsData, AssetGraph>();
const NO_CHECKS: readonly number[] = Object.freeze([]);
// Shared by every node without parents (external assets) or children (leaves): the lists are read-only.
const NO_PARENTS = Object.freeze([]) as unknown as number[];
const NO_CHILDREN = Object.freeze([]) as unknown as number[];

/** Adjacency in compressed form: the neighbours of node `v` are `targets[offsets[v] .. offsets[v + 1])`. */
export interface Adjacency {
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
}

/** The edges of `up` turned around; each node's neighbours stay ascending, as `up` lists them by node. */
function reverse(up: Adjacency, size: number): Adjacency {
  const { offsets, targets } = up;
  const edges = targets.length;
  const downOffsets = new Int32Array(size + 1);
  for (let e = 0; e < edges; e++) downOffsets[(targets[e] as number) + 1]++;
  for (let v = 0; v < size; v++) downOffsets[v + 1] += downOffsets[v] as number;
  const downTargets = new Int32Array(edges);
  const filled = downOffsets.slice(0, size);
  for (let v = 0; v < size; v++) {
    const end = offsets[v + 1] as number;
    for (let e = offsets[v] as number; e < end; e++) {
      const parent = targets[e] as number;
      downTargets[(filled[parent] as number)++] = v;
    }
  }
  return { offsets: downOffsets, targets: downTargets };
}

/** One array per node, sized exactly; nodes without neighbours share `empty`. */
function lists(adjacency: Adjacency, empty: number[]): readonly (readonly number[])[] {
  const { offsets, targets } = adjacency;
  const size = offsets.length - 1;
  const out: number[][] = new Array(size);
  for (let v = 0; v < size; v++) {
    const start = offsets[v] as number;
    const count = (offsets[v + 1] as number) - start;
    if (count === 0) {
      out[v] = empty;
      continue;
    }
    const list: number[] = new Array(count);
    for (let k = 0; k < count; k++) list[k] = targets[start + k] as number;
    out[v] = list;
  }
  return out;
}

/** Self-dependencies that reach only earlier partitions, and one op per step key. */
export function validateAssetGraph(defs: DefinitionsData): void {
  const graph = AssetGraph.of(defs);
  for (const node of graph.selfDependentNodes()) validateSelfDependency(graph.specs[node] as AssetSpec);
  // Step keys are op names: two ops of one name would make two steps indistinguishable in a run.
  if (mayShareOpNames(defs)) claimOpNames(defs);
}

/**
 * False when no two ops can share a name, found without a map of every name: an op named after its definition's
 * single key (as asset() names it) cannot meet another such op, since keys are unique, so only the other ops are
 * looked up, among themselves and in the key index. True sends the caller to the exact check, which names the pair.
 */
function mayShareOpNames(defs: DefinitionsData): boolean {
  const { index, definitions } = defs.resolvedAssets();
  const ownsName = (definition: AssetsDefinition | undefined, name: string): boolean =>
    definition !== undefined && definition.specs.length === 1 && (definition.specs[0] as AssetSpec).key.toString() === name && definition.op.name === name;
  let others: Set<string> | undefined;
  const other = (name: string, owner: AssetsDefinition | AssetChecksDefinition): boolean => {
    const position = index.get(name);
    if (position !== undefined) {
      const definition = definitions[position];
      if (definition !== owner && ownsName(definition, name)) return true;
    }
    if ((others ??= new Set()).has(name)) return true;
    others.add(name);
    return false;
  };
  const assets = defs.assets;
  const namedApart = defs.definitionsNamedApart();
  for (let n = 0; n < namedApart.length; n++) {
    const item = assets[namedApart[n] as number];
    if (item instanceof AssetSpec || item === undefined) continue;
    const specs = item.specs;
    const name = item.op.name;
    if (specs.length === 1 && (specs[0] as AssetSpec).key.toString() === name) continue;
    if (other(name, item)) return true;
  }
  for (const check of defs.assetChecks) if (other(check.op.name, check)) return true;
  return false;
}

function claimOpNames(defs: DefinitionsData): void {
  // Owners are kept as objects and described only when two of them meet.
  const owners = new Map<string, AssetsDefinition | AssetChecksDefinition>();
  const claim = (opName: string, owner: AssetsDefinition | AssetChecksDefinition): void => {
    const other = owners.get(opName);
    if (other !== undefined && other !== owner) {
      const what = describeOwner(owner);
      const before = describeOwner(other);
      if (before !== what) {
        throw new InvalidDefinitionError(
          `Op name "${opName}" is used by ${before} and by ${what}; step keys must be unique. Give one of them another name (or key).`,
        );
      }
    }
    owners.set(opName, owner);
  };
  for (const item of defs.assets) if (!(item instanceof AssetSpec)) claim(item.op.name, item);
  for (const check of defs.assetChecks) claim(check.op.name, check);
}

function describeOwner(owner: AssetsDefinition | AssetChecksDefinition): string {
  return owner instanceof AssetChecksDefinition
    ? `asset check "${owner.spec.id}"`
    : `the definition of ${owner.keys.map((k) => `"${k.toString()}"`).join(", ")}`;
}

/**
 * As in the reference: a self-dependency must map each partition to strictly earlier time partitions, through a
 * TimeWindowPartitionMapping with negative offsets (for two dimensions, on the time dimension of a MultiPartitionMapping).
 */
function validateSelfDependency(spec: AssetSpec): void {
  const id = spec.key.toString();
  const def = spec.partitionsDef;
  for (const dep of spec.deps) {
    if (!dep.key.equals(spec.key)) continue;
    if (!def) throw new SelfDependencyError(id, "but it is not partitioned");
    if (dep.partitionMapping === undefined) throw new SelfDependencyError(id, "with no partitionMapping, so each partition would need itself");
    const window = selfTimeWindowMapping(dep.partitionMapping, def);
    if (!window) throw new SelfDependencyError(id, `but its partitionMapping is not a TimeWindowPartitionMapping over the time partitions of ${def.toString()}`);
    if (!(window.startOffset < 0 && window.endOffset < 0)) {
      throw new SelfDependencyError(id, `with offsets startOffset ${window.startOffset} and endOffset ${window.endOffset}, which reach its own partition or later ones`);
    }
  }
}

function selfTimeWindowMapping(mapping: unknown, def: PartitionsDefinition): TimeWindowPartitionMapping | undefined {
  if (mapping instanceof TimeWindowPartitionMapping) return def instanceof TimeWindowPartitionsDefinition ? mapping : undefined;
  if (mapping instanceof MultiPartitionMapping && def instanceof MultiPartitionsDefinition) {
    for (const [upstreamDimension, { dimensionName, partitionMapping }] of Object.entries(mapping.downstreamMappingsByUpstreamDimension)) {
      const isTime = def.partitionsDefs.find((d) => d.name === dimensionName)?.partitionsDef instanceof TimeWindowPartitionsDefinition;
      if (upstreamDimension === dimensionName && isTime && partitionMapping instanceof TimeWindowPartitionMapping) return partitionMapping;
    }
  }
  return undefined;
}

/**
 * `Asset "<id>" <where>.`, with the nearest of `known` as suggestions, or how to list the assets: the error for a key
 * that names no asset.
 */
export function undefinedAssetError(id: string, known: readonly string[], where: string): UnknownAssetError {
  const suggestions = closestMatches(id, known);
  return new UnknownAssetError(
    id,
    `Asset "${id}" ${where}.` +
      (suggestions.length ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(" or ")}?` : " List the defined assets with `tessera asset list`."),
    suggestions,
  );
}

function rejectLikelyTypo(depId: string, dependent: string, definedIds: readonly string[]): void {
  const suggestions = closestMatches(depId, definedIds);
  if (suggestions.length === 0) return;
  throw new UnknownAssetError(
    depId,
    `Asset "${dependent}" depends on "${depId}", which is not defined. Did you mean ${suggestions.map((s) => `"${s}"`).join(" or ")}?` +
      ` If "${depId}" is an external asset, declare it with new AssetSpec(${JSON.stringify(depId)}) in Definitions.`,
    suggestions,
  );
}

// Kahn's algorithm; on leftovers, walks parent edges among them to name one cycle.
function topologicalSort(up: Adjacency, down: Adjacency, ids: readonly string[]): Int32Array {
  const n = up.offsets.length - 1;
  const remaining = new Int32Array(n);
  const order = new Int32Array(n);
  const upOffsets = up.offsets;
  const downOffsets = down.offsets;
  const downTargets = down.targets;
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) {
    const count = (upOffsets[i + 1] as number) - (upOffsets[i] as number);
    remaining[i] = count;
    if (count === 0) order[tail++] = i;
  }
  while (head < tail) {
    const node = order[head++] as number;
    const end = downOffsets[node + 1] as number;
    for (let e = downOffsets[node] as number; e < end; e++) {
      const child = downTargets[e] as number;
      const left = (remaining[child] as number) - 1;
      remaining[child] = left;
      if (left === 0) order[tail++] = child;
    }
  }
  if (tail === n) return order;

  const start = remaining.findIndex((r) => r > 0);
  const seenAt = new Map<number, number>();
  const path: number[] = [];
  let node = start;
  while (!seenAt.has(node)) {
    seenAt.set(node, path.length);
    path.push(node);
    let next = -1;
    for (let e = upOffsets[node] as number; e < (upOffsets[node + 1] as number) && next < 0; e++) {
      const parent = up.targets[e] as number;
      if ((remaining[parent] as number) > 0) next = parent;
    }
    node = next;
  }
  const cycle = path.slice(seenAt.get(node)).reverse();
  cycle.push(cycle[0] as number);
  throw new DependencyCycleError(cycle.map((i) => ids[i] as string));
}
