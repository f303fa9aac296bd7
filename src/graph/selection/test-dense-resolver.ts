// The dense resolver that selection used before issue 13: every set a full node mask, every walk over every node.
// Kept only as the reference the property tests compare the sparse resolver with (not part of the public API).
import { InvalidDefinitionError } from "../../core/index.js";
import type { AssetGraph } from "../asset-graph.js";
import { SelectionNeedsInstanceError, UnsupportedSelectionError } from "./errors.js";
import { GraphIndex } from "./graph-index.js";
import type { SelectionNode } from "../../definitions/index.js";
import { wildcardToRegExp } from "../../definitions/index.js";

import { partitionsKindOf, unresolvableMessage, type ResolveOptions } from "./resolve-selection.js";
import type { Adjacency } from "./graph-index.js";


/** The mask (1 = selected) of the graph nodes that `node` selects. Unknown explicit keys throw UnknownAssetError. */
export function resolveMaskDense(node: SelectionNode, graph: AssetGraph, options: ResolveOptions = {}): Uint8Array {
  return new Resolver(GraphIndex.of(graph), options).mask(node);
}

class Resolver {
  readonly #index: GraphIndex;
  readonly #options: ResolveOptions;

  constructor(index: GraphIndex, options: ResolveOptions) {
    this.#index = index;
    this.#options = options;
  }

  mask(node: SelectionNode): Uint8Array {
    const index = this.#index;
    const graph = index.graph;
    const n = index.size;
    switch (node.type) {
      case "all":
        return node.includeSources ? new Uint8Array(n).fill(1) : index.materializable.slice();
      case "keys": {
        const out = new Uint8Array(n);
        for (const key of node.keys) out[graph.require(key)] = 1;
        return out;
      }
      case "keyWildcard": {
        const out = new Uint8Array(n);
        if (!node.pattern.includes("*")) {
          const i = graph.indexOf(node.pattern);
          if (i !== undefined) out[i] = 1;
          return out;
        }
        const star = node.pattern.indexOf("*");
        if (star === node.pattern.length - 1) {
          // `prefix*`, the common case, without a regular expression.
          const prefix = node.pattern.slice(0, -1);
          for (let i = 0; i < n; i++) if ((graph.ids[i] as string).startsWith(prefix)) out[i] = 1;
          return out;
        }
        const regex = wildcardToRegExp(node.pattern);
        for (let i = 0; i < n; i++) if (regex.test(graph.ids[i] as string)) out[i] = 1;
        return out;
      }
      case "keyPrefixes": {
        const out = new Uint8Array(n);
        for (let i = 0; i < n; i++) {
          const key = graph.keys[i];
          if (key && node.prefixes.some((prefix) => key.hasPrefix(prefix))) out[i] = 1;
        }
        return this.#sources(out, node.includeSources);
      }
      case "groups": {
        const ids = new Set<number>();
        for (const group of node.groups) {
          const id = index.groupIds.get(group);
          if (id !== undefined) ids.add(id);
        }
        return this.#sources(this.#byGroup(ids), node.includeSources);
      }
      case "groupWildcard": {
        const regex = wildcardToRegExp(node.pattern);
        const ids = new Set<number>();
        for (const [group, id] of index.groupIds) if (regex.test(group)) ids.add(id);
        return this.#sources(this.#byGroup(ids), node.includeSources);
      }
      case "tag": {
        const out = new Uint8Array(n);
        if (node.key !== null) for (const i of index.tags.get(node.key)?.get(node.value) ?? []) out[i] = 1;
        return this.#sources(out, node.includeSources);
      }
      case "kind": {
        let out: Uint8Array;
        if (node.kind === null) {
          out = new Uint8Array(n).fill(1);
          for (const nodes of index.kinds.values()) for (const i of nodes) out[i] = 0;
        } else {
          out = new Uint8Array(n);
          for (const i of index.kinds.get(node.kind) ?? []) out[i] = 1;
        }
        return this.#sources(out, node.includeSources);
      }
      case "owner": {
        const out = new Uint8Array(n);
        if (node.owner !== null) for (const i of index.owners.get(node.owner) ?? []) out[i] = 1;
        return out;
      }
      case "is": {
        const out = index.materializable.slice();
        if (node.attribute === "external") for (let i = 0; i < n; i++) out[i] = (out[i] as number) ^ 1;
        return out;
      }
      case "codeLocation": {
        const location = this.#options.codeLocation;
        if (location === undefined) {
          throw new UnsupportedSelectionError(
            "code_location",
            `code_location:${node.location ?? "<null>"} cannot be resolved against definitions alone: they do not know the code location they are loaded as. ` +
              "Resolve with resolve(defs, { codeLocation: \"<name>\" }), or select by key, group, tag, owner or kind.",
          );
        }
        return node.location === location ? new Uint8Array(n).fill(1) : new Uint8Array(n);
      }
      case "status": {
        const health = this.#options.assetHealth;
        if (health === undefined) throw new SelectionNeedsInstanceError(`status:${node.status}`);
        const out = new Uint8Array(n);
        for (let i = 0; i < n; i++) if ((health.get(graph.ids[i] as string) ?? "UNKNOWN") === node.status) out[i] = 1;
        return this.#sources(out, node.includeSources);
      }
      case "partitions": {
        const out = new Uint8Array(n);
        if (node.partitions !== null) for (let i = 0; i < n; i++) if (partitionsKindOf(graph.specs[i]?.partitionsDef) === node.partitions) out[i] = 1;
        return out;
      }
      case "unresolvable":
        throw new UnsupportedSelectionError(node.attribute, unresolvableMessage(node.attribute, node.text));
      case "or": {
        const out = new Uint8Array(n);
        for (const operand of node.operands) orInto(out, this.mask(operand));
        return out;
      }
      case "and": {
        const [first, ...rest] = node.operands;
        if (!first) return new Uint8Array(n);
        const out = this.mask(first);
        for (const operand of rest) andInto(out, this.mask(operand));
        return out;
      }
      case "minus": {
        const out = this.mask(node.left);
        minusInto(out, this.mask(node.right));
        return out;
      }
      case "upstream": {
        const selected = this.mask(node.child);
        if (isEmpty(selected)) return selected;
        const out = reach(index.up, selected, node.depth);
        if (!node.includeSelf) minusInto(out, selected);
        // As in the reference, upstream never yields external assets, not even selected ones.
        andInto(out, index.materializable);
        return out;
      }
      case "downstream": {
        const selected = this.mask(node.child);
        const out = reach(index.down, selected, node.depth);
        if (!node.includeSelf) minusInto(out, selected);
        return out;
      }
      case "roots":
        return withoutReachableFromOthers(index.down, this.mask(node.child));
      case "sinks":
        return withoutReachableFromOthers(index.up, this.mask(node.child));
      case "materializable": {
        const out = this.mask(node.child);
        andInto(out, index.materializable);
        return out;
      }
      case "requiredNeighbors": {
        const selected = this.mask(node.child);
        const out = selected.slice();
        for (let i = 0; i < n; i++) if (selected[i] === 1) for (const sibling of index.executionSet(i)) out[sibling] = 1;
        return out;
      }
      case "upstreamSources": {
        const selected = this.mask(node.child);
        if (isEmpty(selected)) return selected;
        const out = reach(index.up, selected, null);
        minusInto(out, index.materializable);
        return out;
      }
      case "allChecks":
      case "checksForAssets":
      case "checkKeys":
        // Check selections select checks, never assets.
        return new Uint8Array(n);
      default:
        throw new InvalidDefinitionError(`Unknown asset selection node ${JSON.stringify((node as { type?: unknown }).type)}`);
    }
  }

  #byGroup(ids: ReadonlySet<number>): Uint8Array {
    const { groupOf, size } = this.#index;
    const out = new Uint8Array(size);
    if (ids.size === 0) return out;
    if (ids.size === 1) {
      const [id] = ids;
      for (let i = 0; i < size; i++) if (groupOf[i] === id) out[i] = 1;
    } else {
      for (let i = 0; i < size; i++) if (ids.has(groupOf[i] as number)) out[i] = 1;
    }
    return out;
  }

  // Attribute leaves hold external assets only when asked to, as in the reference.
  #sources(mask: Uint8Array, includeSources: boolean): Uint8Array {
    if (!includeSources) andInto(mask, this.#index.materializable);
    return mask;
  }
}

/**
 * The seeds plus every node within `depth` steps of one of them along `adjacency`
 * (`depth: null` is unlimited). Walking from all seeds at once visits each node once; a node is
 * within `depth` of some seed exactly when its distance from the nearest seed is.
 */
function reach(adjacency: Adjacency, seeds: Uint8Array, depth: number | null): Uint8Array {
  const { offsets, targets } = adjacency;
  const n = seeds.length;
  const out = seeds.slice();
  const queue = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) if (seeds[i] === 1) queue[tail++] = i;
  let head = 0;
  for (let level = 0; head < tail && (depth === null || level < depth); level++) {
    const levelEnd = tail;
    while (head < levelEnd) {
      const node = queue[head++] as number;
      const end = offsets[node + 1] as number;
      for (let e = offsets[node] as number; e < end; e++) {
        const next = targets[e] as number;
        if (out[next] === 0) {
          out[next] = 1;
          queue[tail++] = next;
        }
      }
    }
  }
  return out;
}

/** Nodes reachable from a seed in one step or more (a seed is included only if another seed, or itself, leads to it). */
function strictlyReachable(adjacency: Adjacency, seeds: Uint8Array): Uint8Array {
  const { offsets, targets } = adjacency;
  const n = seeds.length;
  const reached = new Uint8Array(n);
  const queued = seeds.slice();
  const queue = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) if (seeds[i] === 1) queue[tail++] = i;
  for (let head = 0; head < tail; ) {
    const node = queue[head++] as number;
    const end = offsets[node + 1] as number;
    for (let e = offsets[node] as number; e < end; e++) {
      const next = targets[e] as number;
      reached[next] = 1;
      if (queued[next] === 0) {
        queued[next] = 1;
        queue[tail++] = next;
      }
    }
  }
  return reached;
}

/** Selected nodes with no selected node strictly before them along `adjacency` (roots walking down, sinks walking up). */
function withoutReachableFromOthers(adjacency: Adjacency, selected: Uint8Array): Uint8Array {
  const reached = strictlyReachable(adjacency, selected);
  const out = selected.slice();
  for (let i = 0; i < out.length; i++) if (reached[i] === 1) out[i] = 0;
  return out;
}

function orInto(target: Uint8Array, other: Uint8Array): void {
  for (let i = 0; i < target.length; i++) target[i] = (target[i] as number) | (other[i] as number);
}

function andInto(target: Uint8Array, other: Uint8Array): void {
  for (let i = 0; i < target.length; i++) target[i] = (target[i] as number) & (other[i] as number);
}

function minusInto(target: Uint8Array, other: Uint8Array): void {
  for (let i = 0; i < target.length; i++) target[i] = (target[i] as number) & ((other[i] as number) ^ 1);
}

function isEmpty(mask: Uint8Array): boolean {
  for (let i = 0; i < mask.length; i++) if (mask[i] === 1) return false;
  return true;
}
