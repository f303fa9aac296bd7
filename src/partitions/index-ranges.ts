// Sets of integers as sorted, disjoint, non-adjacent half-open ranges, flattened: [s0, e0, s1, e1, ...].
// Every operation is a linear merge over the ranges, never over the integers.

export type IndexRanges = readonly number[];

/** Ranges from arbitrary [start, end) pairs (any order, overlapping or empty). */
export function normalizeRanges(pairs: readonly (readonly [number, number])[]): number[] {
  const sorted = pairs.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [s, e] of sorted) {
    const n = out.length;
    if (n && s <= (out[n - 1] as number)) {
      if (e > (out[n - 1] as number)) out[n - 1] = e;
    } else out.push(s, e);
  }
  return out;
}

/** Ranges from sorted or unsorted integers. */
export function rangesFromIndices(indices: Iterable<number>): number[] {
  const sorted = Float64Array.from(indices).sort();
  const out: number[] = [];
  for (const i of sorted) {
    const n = out.length;
    if (n && i <= (out[n - 1] as number)) {
      if (i + 1 > (out[n - 1] as number)) out[n - 1] = i + 1;
    } else out.push(i, i + 1);
  }
  return out;
}

export function countRanges(r: IndexRanges): number {
  let n = 0;
  for (let i = 0; i < r.length; i += 2) n += (r[i + 1] as number) - (r[i] as number);
  return n;
}

export function rangesContain(r: IndexRanges, x: number): boolean {
  let lo = 0;
  let hi = r.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((r[2 * mid + 1] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo < r.length / 2 && (r[2 * lo] as number) <= x;
}

export function unionRanges(a: IndexRanges, b: IndexRanges): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let s: number;
    let e: number;
    if (j >= b.length || (i < a.length && (a[i] as number) <= (b[j] as number))) {
      s = a[i] as number;
      e = a[i + 1] as number;
      i += 2;
    } else {
      s = b[j] as number;
      e = b[j + 1] as number;
      j += 2;
    }
    const n = out.length;
    if (n && s <= (out[n - 1] as number)) {
      if (e > (out[n - 1] as number)) out[n - 1] = e;
    } else out.push(s, e);
  }
  return out;
}

export function intersectRanges(a: IndexRanges, b: IndexRanges): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const s = Math.max(a[i] as number, b[j] as number);
    const e = Math.min(a[i + 1] as number, b[j + 1] as number);
    if (s < e) out.push(s, e);
    if ((a[i + 1] as number) < (b[j + 1] as number)) i += 2;
    else j += 2;
  }
  return out;
}

export function subtractRanges(a: IndexRanges, b: IndexRanges): number[] {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let s = a[i] as number;
    const e = a[i + 1] as number;
    while (j < b.length && (b[j + 1] as number) <= s) j += 2;
    let k = j;
    while (k < b.length && (b[k] as number) < e) {
      if ((b[k] as number) > s) out.push(s, b[k] as number);
      s = Math.max(s, b[k + 1] as number);
      if (s >= e) break;
      k += 2;
    }
    if (s < e) out.push(s, e);
  }
  return out;
}

export function rangesEqual(a: IndexRanges, b: IndexRanges): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
