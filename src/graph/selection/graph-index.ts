// Integer views of an AssetGraph that selections resolve against, built once per graph and cached.
import type { AssetSpec, AssetsDefinition } from "../../definitions/index.js";
import type { AssetGraph } from "../asset-graph.js";

/** Adjacency in compressed form: the neighbours of node `v` are `targets[offsets[v] .. offsets[v + 1])`. */
export interface Adjacency {
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
}

/**
 * What resolution needs of a graph, as typed arrays: edges both ways, which nodes are
 * materializable, group ids, and (built on first use) tag and kind postings and multi-asset siblings.
 */
export class GraphIndex {
  readonly graph: AssetGraph;
  readonly size: number;
  readonly up: Adjacency;
  readonly down: Adjacency;
  /** 1 where the node is computed by a definition (not an external asset). */
  readonly materializable: Uint8Array;
  /** Group id of each node; `groupIds` maps names to ids. */
  readonly groupOf: Int32Array;
  readonly groupIds: ReadonlyMap<string, number>;
  #tags: Map<string, Map<string, number[]>> | undefined;
  #kinds: Map<string, number[]> | undefined;
  #owners: Map<string, number[]> | undefined;
  #siblings: Int32Array[] | undefined;

  private constructor(graph: AssetGraph) {
    this.graph = graph;
    const n = graph.size;
    this.size = n;
    this.up = compress(graph.parents);
    this.down = compress(graph.children);
    this.materializable = new Uint8Array(n);
    this.groupOf = new Int32Array(n);
    const groupIds = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      if (!graph.isExternal(i)) this.materializable[i] = 1;
      const group = (graph.specs[i] as AssetSpec).groupName;
      let id = groupIds.get(group);
      if (id === undefined) groupIds.set(group, (id = groupIds.size));
      this.groupOf[i] = id;
    }
    this.groupIds = groupIds;
  }

  static of(graph: AssetGraph): GraphIndex {
    let index = cache.get(graph);
    if (!index) cache.set(graph, (index = new GraphIndex(graph)));
    return index;
  }

  /** Nodes by tag key, then tag value. */
  get tags(): ReadonlyMap<string, ReadonlyMap<string, readonly number[]>> {
    if (!this.#tags) {
      const tags = new Map<string, Map<string, number[]>>();
      this.graph.specs.forEach((spec, i) => {
        for (const [key, value] of Object.entries(spec.tags)) {
          let byValue = tags.get(key);
          if (!byValue) tags.set(key, (byValue = new Map()));
          let nodes = byValue.get(value);
          if (!nodes) byValue.set(value, (nodes = []));
          nodes.push(i);
        }
      });
      this.#tags = tags;
    }
    return this.#tags;
  }

  /** Nodes by kind. */
  get kinds(): ReadonlyMap<string, readonly number[]> {
    this.#kinds ??= postings(this.graph, (spec) => spec.kinds);
    return this.#kinds;
  }

  /** Nodes by owner. */
  get owners(): ReadonlyMap<string, readonly number[]> {
    this.#owners ??= postings(this.graph, (spec) => spec.owners);
    return this.#owners;
  }

  /**
   * The nodes that must be materialized together with node `i`: all assets of its definition when
   * that definition computes several and cannot subset, otherwise `i` alone.
   */
  executionSet(i: number): Int32Array {
    if (!this.#siblings) {
      const byDefinition = new Map<AssetsDefinition, number[]>();
      this.graph.definitions.forEach((definition, node) => {
        if (!definition || definition.specs.length < 2 || definition.canSubset) return;
        let nodes = byDefinition.get(definition);
        if (!nodes) byDefinition.set(definition, (nodes = []));
        nodes.push(node);
      });
      const siblings: Int32Array[] = new Array(this.size);
      for (const nodes of byDefinition.values()) {
        const set = Int32Array.from(nodes);
        for (const node of nodes) siblings[node] = set;
      }
      this.#siblings = siblings;
    }
    return this.#siblings[i] ?? Int32Array.of(i);
  }
}

const cache = new WeakMap<AssetGraph, GraphIndex>();

function postings(graph: AssetGraph, valuesOf: (spec: AssetSpec) => Iterable<string>): Map<string, number[]> {
  const byValue = new Map<string, number[]>();
  graph.specs.forEach((spec, i) => {
    for (const value of valuesOf(spec)) {
      let nodes = byValue.get(value);
      if (!nodes) byValue.set(value, (nodes = []));
      // An owner listed twice on one asset is one posting.
      if (nodes[nodes.length - 1] !== i) nodes.push(i);
    }
  });
  return byValue;
}

function compress(lists: readonly (readonly number[])[]): Adjacency {
  const offsets = new Int32Array(lists.length + 1);
  let total = 0;
  for (let i = 0; i < lists.length; i++) {
    offsets[i] = total;
    total += (lists[i] as readonly number[]).length;
  }
  offsets[lists.length] = total;
  const targets = new Int32Array(total);
  let at = 0;
  for (const list of lists) for (const target of list) targets[at++] = target;
  return { offsets, targets };
}
