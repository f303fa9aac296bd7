// Sets of graph nodes that stay sparse (sorted ids) while small and turn dense (a byte mask) only when large.
//
// A selection that reaches a handful of nodes in a 100,000-node graph should cost a handful of operations:
// a dense mask costs the whole graph for every leaf, union and walk. Sparse sets cost what they hold, and a
// set that grows past a fraction of the graph switches to a mask, where scans are cheaper than merges.

/** When a set of `count` nodes of a graph of `universe` nodes is held as a mask. Tests force either form. */
export type DensePolicy = (count: number, universe: number) => boolean;

/** Masks pay for the whole graph per operation; sorted ids pay ~2 operations per element. */
export const defaultDensePolicy: DensePolicy = (count, universe) => count * 8 >= universe && universe > 64;

/** An immutable set of node ids `0 … universe-1`: sorted unique ids, or a mask with its count. */
export class NodeSet {
  readonly universe: number;
  readonly size: number;
  /** Sorted, unique ids when sparse. */
  readonly ids: Int32Array | undefined;
  /** `mask[i] === 1` for members when dense. */
  readonly mask: Uint8Array | undefined;

  private constructor(universe: number, size: number, ids: Int32Array | undefined, mask: Uint8Array | undefined) {
    this.universe = universe;
    this.size = size;
    this.ids = ids;
    this.mask = mask;
  }

  static empty(universe: number): NodeSet {
    return new NodeSet(universe, 0, new Int32Array(0), undefined);
  }

  static full(universe: number): NodeSet {
    return new NodeSet(universe, universe, undefined, new Uint8Array(universe).fill(1));
  }

  /** Takes ownership of `ids`, which must be sorted and unique. */
  static fromSorted(universe: number, ids: Int32Array, policy: DensePolicy): NodeSet {
    if (!policy(ids.length, universe)) return new NodeSet(universe, ids.length, ids, undefined);
    const mask = new Uint8Array(universe);
    for (let i = 0; i < ids.length; i++) mask[ids[i] as number] = 1;
    return new NodeSet(universe, ids.length, undefined, mask);
  }

  /** Ids in any order, possibly repeated. Takes ownership of `ids`. */
  static fromUnsorted(universe: number, ids: Int32Array, policy: DensePolicy): NodeSet {
    if (policy(ids.length, universe)) {
      const mask = new Uint8Array(universe);
      let size = 0;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i] as number;
        if (mask[id] === 0) {
          mask[id] = 1;
          size++;
        }
      }
      return NodeSet.fromMask(mask, size, policy);
    }
    ids.sort();
    let at = 0;
    for (let i = 0; i < ids.length; i++) if (at === 0 || ids[i] !== ids[at - 1]) ids[at++] = ids[i] as number;
    return new NodeSet(universe, at, at === ids.length ? ids : ids.slice(0, at), undefined);
  }

  /** Takes ownership of `mask`; `size` is its count of ones (computed when omitted). */
  static fromMask(mask: Uint8Array, size: number | undefined, policy: DensePolicy): NodeSet {
    const count = size ?? countOnes(mask);
    if (policy(count, mask.length)) return new NodeSet(mask.length, count, undefined, mask);
    const ids = new Int32Array(count);
    let at = 0;
    for (let i = 0; at < count; i++) if (mask[i] === 1) ids[at++] = i;
    return new NodeSet(mask.length, count, ids, undefined);
  }

  has(id: number): boolean {
    if (this.mask) return this.mask[id] === 1;
    const ids = this.ids as Int32Array;
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ids[mid] as number) < id) lo = mid + 1;
      else hi = mid;
    }
    return lo < ids.length && ids[lo] === id;
  }

  /** Calls `f` for each member, ascending. */
  forEach(f: (id: number) => void): void {
    if (this.ids) {
      const ids = this.ids;
      for (let i = 0; i < ids.length; i++) f(ids[i] as number);
      return;
    }
    const mask = this.mask as Uint8Array;
    for (let i = 0, seen = 0; seen < this.size; i++) {
      if (mask[i] === 1) {
        seen++;
        f(i);
      }
    }
  }

  /** A fresh mask of the members. */
  toMask(): Uint8Array {
    if (this.mask) return this.mask.slice();
    const mask = new Uint8Array(this.universe);
    const ids = this.ids as Int32Array;
    for (let i = 0; i < ids.length; i++) mask[ids[i] as number] = 1;
    return mask;
  }

  /** The members, ascending. */
  toArray(): number[] {
    return this.pick<number>(undefined);
  }

  /** `items[i]` for each member `i`, ascending (the ids themselves without `items`). */
  pick<T>(items: readonly T[] | undefined): T[] {
    // Sized up front: growing an array by push is several times slower here.
    const out = new Array<T>(this.size);
    let at = 0;
    if (this.ids) {
      const ids = this.ids;
      for (let i = 0; i < ids.length; i++) out[at++] = (items ? items[ids[i] as number] : ids[i]) as T;
      return out;
    }
    const mask = this.mask as Uint8Array;
    for (let i = 0; at < this.size; i++) if (mask[i] === 1) out[at++] = (items ? items[i] : i) as T;
    return out;
  }

  union(other: NodeSet, policy: DensePolicy): NodeSet {
    if (other.size === 0) return this;
    if (this.size === 0) return other;
    if (this.ids && other.ids) {
      const a = this.ids;
      const b = other.ids;
      const out = new Int32Array(a.length + b.length);
      let i = 0;
      let j = 0;
      let at = 0;
      while (i < a.length && j < b.length) {
        const x = a[i] as number;
        const y = b[j] as number;
        if (x < y) (out[at++] = x), i++;
        else if (y < x) (out[at++] = y), j++;
        else (out[at++] = x), i++, j++;
      }
      while (i < a.length) out[at++] = a[i++] as number;
      while (j < b.length) out[at++] = b[j++] as number;
      return NodeSet.fromSorted(this.universe, at === out.length ? out : out.slice(0, at), policy);
    }
    const [dense, other2] = this.mask ? [this, other] : [other, this];
    const mask = (dense.mask as Uint8Array).slice();
    let size = dense.size;
    if (other2.ids) {
      const ids = other2.ids;
      for (let k = 0; k < ids.length; k++) {
        const id = ids[k] as number;
        if (mask[id] === 0) (mask[id] = 1), size++;
      }
      return NodeSet.fromMask(mask, size, policy);
    }
    const m = other2.mask as Uint8Array;
    for (let k = 0; k < mask.length; k++) mask[k] = (mask[k] as number) | (m[k] as number);
    return NodeSet.fromMask(mask, undefined, policy);
  }

  intersect(other: NodeSet, policy: DensePolicy): NodeSet {
    if (this.size === 0) return this;
    if (other.size === 0) return other;
    if (this.ids || other.ids) {
      // Keep the sparse side's members that the other side holds.
      const [sparse, rest] = this.ids ? [this, other] : [other, this];
      return sparse.#filter((id) => rest.has(id), policy);
    }
    const a = this.mask as Uint8Array;
    const b = other.mask as Uint8Array;
    const mask = new Uint8Array(a.length);
    for (let k = 0; k < a.length; k++) mask[k] = (a[k] as number) & (b[k] as number);
    return NodeSet.fromMask(mask, undefined, policy);
  }

  minus(other: NodeSet, policy: DensePolicy): NodeSet {
    if (this.size === 0 || other.size === 0) return this;
    if (this.ids) return this.#filter((id) => !other.has(id), policy);
    const mask = (this.mask as Uint8Array).slice();
    if (other.ids) {
      const ids = other.ids;
      let size = this.size;
      for (let k = 0; k < ids.length; k++) {
        const id = ids[k] as number;
        if (mask[id] === 1) (mask[id] = 0), size--;
      }
      return NodeSet.fromMask(mask, size, policy);
    }
    const m = other.mask as Uint8Array;
    for (let k = 0; k < mask.length; k++) mask[k] = (mask[k] as number) & ((m[k] as number) ^ 1);
    return NodeSet.fromMask(mask, undefined, policy);
  }

  /** The nodes not in this set. */
  complement(policy: DensePolicy): NodeSet {
    if (this.ids && this.size === 0) return NodeSet.full(this.universe);
    const mask = new Uint8Array(this.universe).fill(1);
    if (this.ids) {
      const ids = this.ids;
      for (let k = 0; k < ids.length; k++) mask[ids[k] as number] = 0;
    } else {
      const m = this.mask as Uint8Array;
      for (let k = 0; k < mask.length; k++) mask[k] = (m[k] as number) ^ 1;
    }
    return NodeSet.fromMask(mask, this.universe - this.size, policy);
  }

  #filter(keep: (id: number) => boolean, policy: DensePolicy): NodeSet {
    const ids = this.ids as Int32Array;
    const out = new Int32Array(ids.length);
    let at = 0;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k] as number;
      if (keep(id)) out[at++] = id;
    }
    if (at === ids.length) return this;
    return NodeSet.fromSorted(this.universe, out.slice(0, at), policy);
  }
}

function countOnes(mask: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i] as number;
  return count;
}
