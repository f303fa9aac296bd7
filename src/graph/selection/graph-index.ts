// Integer views of an AssetGraph that selections resolve against, built once per graph and cached.
import type { AssetSpec, AssetsDefinition } from "../../definitions/index.js";
import type { AssetGraph } from "../asset-graph.js";
import { NodeSet } from "./node-set.js";

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
  /** Whether every node is materializable (no external assets), so filtering by it can be skipped. */
  readonly allMaterializable: boolean;
  #materializableSet: NodeSet | undefined;
  #externalSet: NodeSet | undefined;
  #groupMembers: Int32Array[] | undefined;
  #byId: Int32Array | undefined;
  #prefixScans = 0;
  #stamps: Uint32Array | undefined;
  #epoch = 0;
  #queue: Int32Array | undefined;
  #tags: Map<string, Map<string, number[]>> | undefined;
  #kinds: Map<string, number[]> | undefined;
  #owners: Map<string, number[]> | undefined;
  #siblings: Int32Array[] | undefined;

  private constructor(graph: AssetGraph) {
    this.graph = graph;
    const n = graph.size;
    this.size = n;
    // The graph's own compressed edges (read-only typed arrays shared with it).
    const { up, down } = graph.adjacency();
    this.up = up;
    this.down = down;
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
    let external = 0;
    for (let i = 0; i < n; i++) external += 1 - (this.materializable[i] as number);
    this.allMaterializable = external === 0;
  }

  static of(graph: AssetGraph): GraphIndex {
    let index = cache.get(graph);
    if (!index) cache.set(graph, (index = new GraphIndex(graph)));
    return index;
  }

  /** The materializable nodes as a set (dense or sparse by how many there are). */
  get materializableSet(): NodeSet {
    this.#materializableSet ??= NodeSet.fromMask(this.materializable.slice(), undefined, (count, universe) => count * 8 >= universe);
    return this.#materializableSet;
  }

  /** The external nodes as a set. */
  get externalSet(): NodeSet {
    if (!this.#externalSet) {
      const mask = new Uint8Array(this.size);
      for (let i = 0; i < mask.length; i++) mask[i] = (this.materializable[i] as number) ^ 1;
      this.#externalSet = NodeSet.fromMask(mask, undefined, (count, universe) => count * 8 >= universe);
    }
    return this.#externalSet;
  }

  /** The nodes of group id `id`, ascending. */
  groupMembers(id: number): Int32Array {
    if (!this.#groupMembers) {
      const counts = new Int32Array(this.groupIds.size);
      for (let i = 0; i < this.size; i++) counts[this.groupOf[i] as number]++;
      const members = Array.from(counts, (c) => new Int32Array(c));
      const at = new Int32Array(this.groupIds.size);
      for (let i = 0; i < this.size; i++) {
        const g = this.groupOf[i] as number;
        (members[g] as Int32Array)[at[g]++] = i;
      }
      this.#groupMembers = members;
    }
    return this.#groupMembers[id] as Int32Array;
  }

  /** Node ids ordered by their key string, so that a key prefix is one contiguous run of it. */
  get byId(): Int32Array {
    if (!this.#byId) {
      const ids = this.graph.ids;
      const order = Int32Array.from({ length: this.size }, (_, i) => i);
      order.sort((a, b) => {
        const x = ids[a] as string;
        const y = ids[b] as string;
        return x < y ? -1 : x > y ? 1 : 0;
      });
      this.#byId = order;
    }
    return this.#byId;
  }

  /**
   * Node ids whose key string starts with `prefix`, in no particular order: from the third query on, a
   * binary search of {@link byId}, so its cost is the number of matches, not the graph's size.
   */
  idsWithPrefix(prefix: string): Int32Array {
    const ids = this.graph.ids;
    // Sorting every key costs more than a few scans: a one-off query (a CLI run) scans, a repeated one sorts once.
    if (!this.#byId && this.#prefixScans++ < 2) {
      const out: number[] = [];
      for (let i = 0; i < ids.length; i++) if ((ids[i] as string).startsWith(prefix)) out.push(i);
      return Int32Array.from(out);
    }
    const order = this.byId;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ids[order[mid] as number] as string) < prefix) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < order.length && (ids[order[end] as number] as string).startsWith(prefix)) end++;
    return order.subarray(lo, end);
  }

  /**
   * Scratch space for one walk at a time: a stamp per node and a queue as long as the graph. A walk
   * takes fresh stamp values, so "visited" needs no clearing, and the arrays are allocated once per graph.
   * `values` stamps are reserved: `[first, first + values)` are newer than anything stamped before.
   */
  scratch(values: number): { stamps: Uint32Array; queue: Int32Array; first: number } {
    this.#stamps ??= new Uint32Array(this.size);
    this.#queue ??= new Int32Array(this.size);
    if (this.#epoch + values >= 0xffffffff) {
      this.#stamps.fill(0);
      this.#epoch = 0;
    }
    const first = this.#epoch + 1;
    this.#epoch += values;
    return { stamps: this.#stamps, queue: this.#queue, first };
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
