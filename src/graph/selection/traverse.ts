// Breadth-first walks over compressed adjacency, on node masks (Uint8Array, 1 = selected). The hot path of resolution.
import type { Adjacency } from "./graph-index.js";

/**
 * The seeds plus every node within `depth` steps of one of them along `adjacency`
 * (`depth: null` is unlimited). Walking from all seeds at once visits each node once; a node is
 * within `depth` of some seed exactly when its distance from the nearest seed is.
 */
export function reach(adjacency: Adjacency, seeds: Uint8Array, depth: number | null): Uint8Array {
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
export function strictlyReachable(adjacency: Adjacency, seeds: Uint8Array): Uint8Array {
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
export function withoutReachableFromOthers(adjacency: Adjacency, selected: Uint8Array): Uint8Array {
  const reached = strictlyReachable(adjacency, selected);
  const out = selected.slice();
  for (let i = 0; i < out.length; i++) if (reached[i] === 1) out[i] = 0;
  return out;
}

export function orInto(target: Uint8Array, other: Uint8Array): void {
  for (let i = 0; i < target.length; i++) target[i] = (target[i] as number) | (other[i] as number);
}

export function andInto(target: Uint8Array, other: Uint8Array): void {
  for (let i = 0; i < target.length; i++) target[i] = (target[i] as number) & (other[i] as number);
}

export function minusInto(target: Uint8Array, other: Uint8Array): void {
  for (let i = 0; i < target.length; i++) target[i] = (target[i] as number) & ((other[i] as number) ^ 1);
}

export function isEmpty(mask: Uint8Array): boolean {
  for (let i = 0; i < mask.length; i++) if (mask[i] === 1) return false;
  return true;
}

export function countOf(mask: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i] as number;
  return count;
}

/** Indices of the set bits, ascending. (Sized up front: growing the array by push is several times slower here.) */
export function indicesOf(mask: Uint8Array): number[] {
  const out = new Array<number>(countOf(mask));
  let at = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === 1) out[at++] = i;
  return out;
}

/** `items[i]` for each set bit `i`, ascending. */
export function pick<T>(mask: Uint8Array, items: readonly T[]): T[] {
  const out = new Array<T>(countOf(mask));
  let at = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === 1) out[at++] = items[i] as T;
  return out;
}
