// AssetGraph: Definitions resolved once into integer-indexed nodes, edges and a topological order.
import { AssetKey, DependencyCycleError, UnknownAssetError, closestMatches } from "../core/index.js";
import { AssetSpec, AssetsDefinition, Definitions, registerDefinitionsValidator, type AssetsItem } from "../definitions/index.js";

/**
 * The asset graph. Node `i` has key `keys[i]`, spec `specs[i]`, the definition that computes it
 * (undefined for external assets) and integer adjacency in both directions.
 */
export class AssetGraph {
  readonly keys: readonly AssetKey[];
  readonly ids: readonly string[];
  readonly specs: readonly AssetSpec[];
  readonly definitions: readonly (AssetsDefinition | undefined)[];
  readonly parents: readonly (readonly number[])[];
  readonly children: readonly (readonly number[])[];
  /** Every node, upstreams before downstreams. */
  readonly topologicalOrder: Int32Array;
  readonly #indexOf: Map<string, number>;

  private constructor(parts: {
    keys: AssetKey[];
    ids: string[];
    specs: AssetSpec[];
    definitions: (AssetsDefinition | undefined)[];
    parents: number[][];
    children: number[][];
    topologicalOrder: Int32Array;
    indexOf: Map<string, number>;
  }) {
    this.keys = parts.keys;
    this.ids = parts.ids;
    this.specs = parts.specs;
    this.definitions = parts.definitions;
    this.parents = parts.parents;
    this.children = parts.children;
    this.topologicalOrder = parts.topologicalOrder;
    this.#indexOf = parts.indexOf;
  }

  get size(): number {
    return this.keys.length;
  }

  /** The graph of a Definitions, built once and cached. */
  static of(defs: Definitions): AssetGraph {
    let graph = cache.get(defs);
    if (!graph) {
      graph = AssetGraph.fromAssets(defs.assets);
      cache.set(defs, graph);
    }
    return graph;
  }

  /**
   * Resolves assets into a graph. A dependency on an undefined key becomes an external asset,
   * unless it is a near-miss of a defined key, which is reported as a likely typo.
   */
  static fromAssets(items: readonly AssetsItem[]): AssetGraph {
    const keys: AssetKey[] = [];
    const ids: string[] = [];
    const specs: AssetSpec[] = [];
    const definitions: (AssetsDefinition | undefined)[] = [];
    const indexOf = new Map<string, number>();
    const add = (spec: AssetSpec, definition: AssetsDefinition | undefined): void => {
      const id = spec.key.toString();
      indexOf.set(id, keys.length);
      keys.push(spec.key);
      ids.push(id);
      specs.push(spec);
      definitions.push(definition);
    };
    for (const item of items) {
      if (item instanceof AssetSpec) add(item, undefined);
      else for (const spec of item.specs) add(spec, item);
    }

    const definedCount = keys.length;
    const parents: number[][] = [];
    for (let i = 0; i < definedCount; i++) {
      const spec = specs[i] as AssetSpec;
      const ups: number[] = [];
      for (const dep of spec.deps) {
        const depId = dep.key.toString();
        let parent = indexOf.get(depId);
        if (parent === undefined) {
          rejectLikelyTypo(depId, spec.key.toString(), ids.slice(0, definedCount));
          parent = keys.length;
          add(new AssetSpec(dep.key), undefined);
        }
        ups.push(parent);
      }
      parents.push(ups);
    }
    for (let i = definedCount; i < keys.length; i++) parents.push([]);

    const children: number[][] = Array.from({ length: keys.length }, () => []);
    for (let i = 0; i < parents.length; i++) for (const p of parents[i] as number[]) (children[p] as number[]).push(i);

    const topologicalOrder = topologicalSort(parents, children, ids);
    return new AssetGraph({ keys, ids, specs, definitions, parents, children, topologicalOrder, indexOf });
  }

  indexOf(key: AssetKey | string): number | undefined {
    return this.#indexOf.get(typeof key === "string" ? key : key.toString());
  }

  has(key: AssetKey | string): boolean {
    return this.indexOf(key) !== undefined;
  }

  isExternal(index: number): boolean {
    return this.definitions[index] === undefined;
  }

  /** The node index of `key`, or an UnknownAssetError with near matches. */
  require(key: AssetKey | string, context = "the selection"): number {
    const id = typeof key === "string" ? key : key.toString();
    const index = this.#indexOf.get(id);
    if (index !== undefined) return index;
    const suggestions = closestMatches(id, this.ids);
    throw new UnknownAssetError(
      id,
      `Asset "${id}" in ${context} is not defined.` +
        (suggestions.length ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(" or ")}?` : " List the defined assets with `tessera asset list`."),
      suggestions,
    );
  }
}

const cache = new WeakMap<Definitions, AssetGraph>();

registerDefinitionsValidator((defs) => {
  AssetGraph.of(defs);
});

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

// Kahn's algorithm; on leftovers, walks child edges among them to name one cycle.
function topologicalSort(parents: readonly number[][], children: readonly number[][], ids: readonly string[]): Int32Array {
  const n = parents.length;
  const remaining = new Int32Array(n);
  const order = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) {
    remaining[i] = (parents[i] as number[]).length;
    if (remaining[i] === 0) order[tail++] = i;
  }
  while (head < tail) {
    const node = order[head++] as number;
    for (const child of children[node] as number[]) {
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
    node = (parents[node] as number[]).find((p) => (remaining[p] as number) > 0) as number;
  }
  const cycle = path.slice(seenAt.get(node)).reverse();
  cycle.push(cycle[0] as number);
  throw new DependencyCycleError(cycle.map((i) => ids[i] as string));
}
