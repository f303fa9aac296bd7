// The lineage layout: linear in nodes plus edges, so that 5,000+ assets lay out in tens of milliseconds (dagre and
// ELK took seconds to minutes past ~1,000 nodes on this machine). Groups are boxes placed in columns by their order
// in the graph of groups; inside a group, assets sit in layers by longest path from the group's own roots, ordered
// in each layer by the mean position of their upstreams (one barycenter sweep).

export interface LayoutInput {
  /** Asset ids, in a stable order (the API's). */
  readonly nodes: readonly { readonly id: string; readonly group: string }[];
  /** Upstream → downstream, by index into `nodes`. */
  readonly edges: readonly (readonly [number, number])[];
  /** Groups drawn as one small box. */
  readonly collapsed?: ReadonlySet<string>;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GroupBox extends Rect {
  readonly name: string;
  readonly size: number;
  readonly collapsed: boolean;
}

export interface Layout {
  /** Per node, its box; a node of a collapsed group has none. */
  readonly nodes: (Rect | undefined)[];
  readonly groups: GroupBox[];
  readonly width: number;
  readonly height: number;
}

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 44;
const LAYER_GAP = 70;
const ROW_GAP = 16;
const GROUP_PADDING = 24;
const GROUP_HEADER = 30;
const GROUP_GAP = 60;
const COLLAPSED_WIDTH = 240;
const COLLAPSED_HEIGHT = 64;

/** Kahn's order of `count` vertices; on a cycle (groups can form one) the waiting vertex with fewest inputs goes next. */
function topologicalOrder(count: number, out: readonly number[][], inDegree: number[]): number[] {
  const order: number[] = [];
  const ready: number[] = [];
  const placed = new Uint8Array(count);
  for (let v = 0; v < count; v++) if (inDegree[v] === 0) ready.push(v);
  while (order.length < count) {
    if (ready.length === 0) {
      let best = -1;
      for (let v = 0; v < count; v++) if (!placed[v] && (best < 0 || (inDegree[v] as number) < (inDegree[best] as number))) best = v;
      ready.push(best);
    }
    const v = ready.shift() as number;
    if (placed[v]) continue;
    placed[v] = 1;
    order.push(v);
    for (const w of out[v] as number[]) {
      inDegree[w] = (inDegree[w] as number) - 1;
      if (inDegree[w] === 0 && !placed[w]) ready.push(w);
    }
  }
  return order;
}

export function layeredLayout(input: LayoutInput): Layout {
  const { nodes, edges } = input;
  const collapsed = input.collapsed ?? new Set<string>();
  const groupNames: string[] = [];
  const groupIndex = new Map<string, number>();
  const groupOf = nodes.map((n) => {
    let g = groupIndex.get(n.group);
    if (g === undefined) {
      g = groupNames.length;
      groupIndex.set(n.group, g);
      groupNames.push(n.group);
    }
    return g;
  });
  const members: number[][] = groupNames.map(() => []);
  nodes.forEach((_, i) => (members[groupOf[i] as number] as number[]).push(i));

  // Edges inside a group lay out its assets; edges across groups order the groups.
  const innerUp: number[][] = nodes.map(() => []);
  const innerOut: number[][] = nodes.map(() => []);
  const innerIn = new Array<number>(nodes.length).fill(0);
  const groupOut: Set<number>[] = groupNames.map(() => new Set());
  for (const [from, to] of edges) {
    const gf = groupOf[from] as number;
    const gt = groupOf[to] as number;
    if (gf === gt) {
      (innerOut[from] as number[]).push(to);
      (innerUp[to] as number[]).push(from);
      innerIn[to] = (innerIn[to] as number) + 1;
    } else (groupOut[gf] as Set<number>).add(gt);
  }

  const positions: (Rect | undefined)[] = new Array(nodes.length).fill(undefined);
  const boxes: { width: number; height: number }[] = [];
  for (let g = 0; g < groupNames.length; g++) {
    const ids = members[g] as number[];
    if (collapsed.has(groupNames[g] as string)) {
      boxes.push({ width: COLLAPSED_WIDTH, height: COLLAPSED_HEIGHT });
      continue;
    }
    // Longest path from the group's roots, in the order Kahn's algorithm gives (inside a group the graph is acyclic).
    const local = new Map<number, number>(ids.map((id, i) => [id, i]));
    const out = ids.map((id) => (innerOut[id] as number[]).map((w) => local.get(w) as number));
    const inDegree = ids.map((id) => innerIn[id] as number);
    const order = topologicalOrder(ids.length, out, inDegree);
    const layer = new Array<number>(ids.length).fill(0);
    for (const v of order) for (const w of out[v] as number[]) layer[w] = Math.max(layer[w] as number, (layer[v] as number) + 1);
    const layers: number[][] = [];
    for (const v of order) (layers[layer[v] as number] ??= []).push(v);
    const row = new Array<number>(ids.length).fill(0);
    let rows = 0;
    layers.forEach((members, depth) => {
      if (depth > 0) {
        const mean = (v: number): number => {
          const ups = innerUp[ids[v] as number] as number[];
          if (ups.length === 0) return Number.POSITIVE_INFINITY;
          let sum = 0;
          for (const u of ups) sum += row[local.get(u) as number] as number;
          return sum / ups.length;
        };
        const keyed = members.map((v) => [mean(v), v] as const);
        keyed.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        members.splice(0, members.length, ...keyed.map(([, v]) => v));
      }
      members.forEach((v, i) => (row[v] = i));
      rows = Math.max(rows, members.length);
    });
    ids.forEach((id, v) => {
      positions[id] = {
        x: GROUP_PADDING + (layer[v] as number) * (NODE_WIDTH + LAYER_GAP),
        y: GROUP_HEADER + GROUP_PADDING + (row[v] as number) * (NODE_HEIGHT + ROW_GAP),
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
      };
    });
    boxes.push({
      width: Math.max(COLLAPSED_WIDTH, 2 * GROUP_PADDING + layers.length * NODE_WIDTH + Math.max(0, layers.length - 1) * LAYER_GAP),
      height: GROUP_HEADER + 2 * GROUP_PADDING + rows * NODE_HEIGHT + Math.max(0, rows - 1) * ROW_GAP,
    });
  }

  // Groups: columns by longest path in the graph of groups (a cycle broken where it must be), stacked in a column.
  const groupEdges = groupOut.map((targets) => [...targets]);
  const groupIn = groupNames.map(() => 0);
  for (const targets of groupEdges) for (const t of targets) groupIn[t] = (groupIn[t] as number) + 1;
  const groupOrder = topologicalOrder(groupNames.length, groupEdges, [...groupIn]);
  const rank = new Array<number>(groupNames.length).fill(0);
  const position = new Array<number>(groupNames.length);
  groupOrder.forEach((g, i) => (position[g] = i));
  for (const g of groupOrder) {
    for (const t of groupEdges[g] as number[]) if ((position[t] as number) > (position[g] as number)) rank[t] = Math.max(rank[t] as number, (rank[g] as number) + 1);
  }
  const columns: number[][] = [];
  for (const g of groupOrder) (columns[rank[g] as number] ??= []).push(g);
  const groups: GroupBox[] = new Array(groupNames.length);
  let x = 0;
  let height = 0;
  for (const column of columns) {
    if (!column) continue;
    let y = 0;
    let width = 0;
    for (const g of column) {
      const box = boxes[g] as { width: number; height: number };
      groups[g] = { name: groupNames[g] as string, size: (members[g] as number[]).length, collapsed: collapsed.has(groupNames[g] as string), x, y, ...box };
      for (const id of members[g] as number[]) {
        const p = positions[id];
        if (p) {
          p.x += x;
          p.y += y;
        }
      }
      y += box.height + GROUP_GAP;
      width = Math.max(width, box.width);
    }
    height = Math.max(height, y - GROUP_GAP);
    x += width + GROUP_GAP;
  }
  return { nodes: positions, groups, width: Math.max(0, x - GROUP_GAP), height };
}

/** A short, stable hash of what the layout depends on, to cache it. */
export function layoutKey(input: LayoutInput): string {
  let h = 2166136261;
  const mix = (text: string): void => {
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 16777619);
    }
  };
  for (const n of input.nodes) mix(`${n.id}\u0000${n.group}\u0001`);
  for (const [a, b] of input.edges) mix(`${a}>${b};`);
  for (const g of [...(input.collapsed ?? [])].sort()) mix(`c:${g}`);
  return (h >>> 0).toString(36);
}
