import { describe, expect, it } from "vitest";
import { layeredLayout, layoutKey, type LayoutInput, type Rect } from "./layered-layout.js";

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function inside(inner: Rect, outer: Rect): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

/** `groups` groups of `perGroup` assets in chains of width `width`, each group fed by the previous one. */
function pipeline(groups: number, perGroup: number, width = 10): LayoutInput {
  const nodes: { id: string; group: string }[] = [];
  const edges: [number, number][] = [];
  for (let g = 0; g < groups; g++) {
    for (let i = 0; i < perGroup; i++) {
      const index = nodes.length;
      nodes.push({ id: `g${g}/a${i}`, group: `group_${g}` });
      if (i >= width) edges.push([index - width, index]);
      if (g > 0 && i < width) edges.push([index - perGroup + perGroup - width + (i % width), index]);
    }
  }
  return { nodes, edges };
}

describe("layeredLayout", () => {
  it("puts every asset inside its group's box, no two boxes overlapping, downstream to the right of upstream", () => {
    const input = pipeline(4, 60);
    const layout = layeredLayout(input);
    const boxes = layout.nodes as Rect[];
    expect(boxes.every((b) => b !== undefined)).toBe(true);
    input.nodes.forEach((n, i) => {
      const group = layout.groups.find((g) => g.name === n.group);
      expect(group && inside(boxes[i] as Rect, group)).toBe(true);
    });
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i] as Rect, boxes[j] as Rect)).toBe(false);
    for (let i = 0; i < layout.groups.length; i++) {
      for (let j = i + 1; j < layout.groups.length; j++) expect(overlaps(layout.groups[i] as Rect, layout.groups[j] as Rect)).toBe(false);
    }
    for (const [from, to] of input.edges) expect((boxes[to] as Rect).x).toBeGreaterThan((boxes[from] as Rect).x);
  });

  it("draws a collapsed group as one box and none of its assets", () => {
    const input = { ...pipeline(3, 30), collapsed: new Set(["group_1"]) };
    const layout = layeredLayout(input);
    const collapsed = layout.groups.find((g) => g.name === "group_1");
    expect(collapsed).toMatchObject({ collapsed: true, size: 30 });
    input.nodes.forEach((n, i) => expect(layout.nodes[i] === undefined).toBe(n.group === "group_1"));
  });

  it("lays out groups that feed each other both ways (a cycle of groups, not of assets)", () => {
    const input: LayoutInput = {
      nodes: [
        { id: "a", group: "x" },
        { id: "b", group: "y" },
        { id: "c", group: "x" },
      ],
      edges: [
        [0, 1],
        [1, 2],
      ],
    };
    const layout = layeredLayout(input);
    expect(layout.groups.map((g) => g.name).sort()).toEqual(["x", "y"]);
    expect(layout.nodes.every((n) => n !== undefined)).toBe(true);
  });

  it("lays out 6,000 assets in 30 groups (linear in nodes and edges)", () => {
    const layout = layeredLayout(pipeline(30, 200, 20));
    expect(layout.nodes.filter(Boolean)).toHaveLength(6000);
    expect(layout.width).toBeGreaterThan(0);
  });

  it("keys the cache by nodes, groups, edges and collapsed groups", () => {
    const input = pipeline(2, 10);
    expect(layoutKey(input)).toBe(layoutKey(pipeline(2, 10)));
    expect(layoutKey(input)).not.toBe(layoutKey({ ...input, collapsed: new Set(["group_0"]) }));
    expect(layoutKey(input)).not.toBe(layoutKey({ ...input, edges: input.edges.slice(1) }));
  });
});
