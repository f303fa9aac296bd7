// Breadth-first walks over compressed adjacency that touch only the nodes they reach (the hot path of resolution).
import type { Adjacency, GraphIndex } from "./graph-index.js";
import { NodeSet, type DensePolicy } from "./node-set.js";

/**
 * The seeds plus every node within `depth` steps of one of them along `adjacency`
 * (`depth: null` is unlimited). Walking from all seeds at once visits each node once; a node is
 * within `depth` of some seed exactly when its distance from the nearest seed is.
 */
export function reach(index: GraphIndex, adjacency: Adjacency, seeds: NodeSet, depth: number | null, policy: DensePolicy): NodeSet {
  if (seeds.size === 0 || depth === 0) return seeds;
  const { offsets, targets } = adjacency;
  const { stamps, queue, first: seen } = index.scratch(1);
  let tail = 0;
  seeds.forEach((id) => {
    stamps[id] = seen;
    queue[tail++] = id;
  });
  let head = 0;
  for (let level = 0; head < tail && (depth === null || level < depth); level++) {
    const levelEnd = tail;
    while (head < levelEnd) {
      const node = queue[head++] as number;
      const end = offsets[node + 1] as number;
      for (let e = offsets[node] as number; e < end; e++) {
        const next = targets[e] as number;
        if (stamps[next] !== seen) {
          stamps[next] = seen;
          queue[tail++] = next;
        }
      }
    }
  }
  if (tail === seeds.size) return seeds;
  return collect(index, queue, tail, policy);
}

/**
 * The selected nodes that no selected node leads to in one step or more along `adjacency` (roots
 * walking down, sinks walking up). The walk covers what the selection reaches, not the whole graph.
 */
export function withoutReachableFromOthers(index: GraphIndex, adjacency: Adjacency, selected: NodeSet, policy: DensePolicy): NodeSet {
  if (selected.size === 0) return selected;
  const { offsets, targets } = adjacency;
  // `queued`: a seed nothing has led to yet; `reached`: a node some selected node leads to.
  const { stamps, queue, first: queued } = index.scratch(2);
  const reached = queued + 1;
  let tail = 0;
  selected.forEach((id) => {
    stamps[id] = queued;
    queue[tail++] = id;
  });
  for (let head = 0; head < tail; ) {
    const node = queue[head++] as number;
    const end = offsets[node + 1] as number;
    for (let e = offsets[node] as number; e < end; e++) {
      const next = targets[e] as number;
      const stamp = stamps[next];
      if (stamp === reached) continue;
      if (stamp !== queued) queue[tail++] = next;
      stamps[next] = reached;
    }
  }
  let kept = 0;
  const out = new Int32Array(selected.size);
  selected.forEach((id) => {
    if (stamps[id] === queued) out[kept++] = id;
  });
  return NodeSet.fromSorted(index.size, kept === out.length ? out : out.slice(0, kept), policy);
}

// The walk's queue holds the reached nodes in visiting order; a large result goes straight to a mask.
function collect(index: GraphIndex, queue: Int32Array, count: number, policy: DensePolicy): NodeSet {
  if (policy(count, index.size)) {
    const mask = new Uint8Array(index.size);
    for (let i = 0; i < count; i++) mask[queue[i] as number] = 1;
    return NodeSet.fromMask(mask, count, policy);
  }
  return NodeSet.fromUnsorted(index.size, queue.slice(0, count), policy);
}
