import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AssetKey, UnknownAssetError } from "../../core/index.js";
import { AssetSpec, asset, type AssetsDefinition } from "../../definitions/index.js";
import { Definitions } from "../../code-location/index.js";
import { AssetGraph } from "../asset-graph.js";
import { AssetSelection } from "./asset-selection.js";
import { GraphIndex } from "./graph-index.js";
import { NodeSet, type DensePolicy } from "./node-set.js";
import { resolveNodeSet } from "./resolve-selection.js";
import { resolveMaskDense } from "./test-dense-resolver.js";
import { multiAssetOf } from "./test-graphs.js";

// The sparse resolver must select exactly what the dense one (the implementation before issue 13) did,
// whichever form its sets take: always sparse, always dense, or switching at a random size.

interface Plan {
  external: boolean;
  deps: number[];
  group: number;
  tag: number;
  kinds: number[];
  owner: number;
  bundle: number;
}

const keyOf = (i: number): AssetKey => (i % 3 === 1 ? new AssetKey(["p", `a${i}`]) : i % 3 === 2 ? new AssetKey(["p", "q", `b${i}`]) : new AssetKey(`a${i}`));
const GROUPS = ["g1", "g2", "h1", "default"];
const TAGS = [{}, { t: "x" }, { t: "y" }, { u: "" }];
const KINDS = ["dbt", "python"];
const OWNERS = ["", "team:a", "b@x.io"];

const planOf = (i: number): fc.Arbitrary<Plan> =>
  fc
    .record({
      external: fc.integer({ min: 0, max: 5 }).map((x) => x === 0),
      // Mostly near neighbours, so that long chains and wide fans both occur.
      deps: fc.uniqueArray(fc.integer({ min: Math.max(0, i - 12), max: Math.max(0, i - 1) }), { maxLength: i === 0 ? 0 : 3 }),
      group: fc.integer({ min: 0, max: GROUPS.length - 1 }),
      tag: fc.integer({ min: 0, max: TAGS.length - 1 }),
      kinds: fc.subarray([0, 1]),
      owner: fc.integer({ min: 0, max: OWNERS.length - 1 }),
      bundle: fc.constantFrom(-1, -1, -1, 0, 1),
    })
    .map((p) => (p.external ? { ...p, bundle: -1 } : p));

const plans = fc.integer({ min: 1, max: 150 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => planOf(i))));

function graphOf(plan: readonly Plan[]): AssetGraph {
  const items: (AssetSpec | AssetsDefinition)[] = [];
  const bundles = new Map<number, AssetSpec[]>();
  plan.forEach((p, i) => {
    const attributes = {
      deps: p.deps.map(keyOf),
      groupName: GROUPS[p.group] as string,
      tags: TAGS[p.tag] as Record<string, string>,
      kinds: p.kinds.map((k) => KINDS[k] as string),
      owners: p.owner === 0 ? [] : [OWNERS[p.owner] as string],
    };
    if (p.external) items.push(new AssetSpec(keyOf(i), attributes));
    else if (p.bundle >= 0) {
      const specs = bundles.get(p.bundle) ?? [];
      if (specs.length === 0) bundles.set(p.bundle, specs);
      specs.push(new AssetSpec(keyOf(i), attributes));
    } else items.push(asset({ key: keyOf(i).path, ...attributes }, () => i));
  });
  for (const [bundle, specs] of bundles) items.push(multiAssetOf(`bundle_${bundle}`, specs));
  return AssetGraph.of(new Definitions({ assets: items }));
}

const depth = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 5 }));
const src = fc.boolean().map((includeSources) => ({ includeSources }));

const leaf: fc.Arbitrary<AssetSelection> = fc.oneof(
  src.map((o) => AssetSelection.all(o)),
  fc.uniqueArray(fc.integer({ min: 0, max: 150 }), { maxLength: 3 }).map((is) => AssetSelection.assets(...is.map(keyOf))),
  fc
    .constantFrom("key:a1*", "key:p/*", "key:p/q/*", "key:\"*1\"", "key:p/*/b*", "key:a3", "key:\"*\"", "key:zz*", "group:\"g*\"", "group:\"*1\"", "kind:<null>", "tag:t", "is:external", "is:materializable")
    .map((text) => AssetSelection.fromString(text)),
  fc.tuple(fc.subarray(GROUPS, { minLength: 1 }), src).map(([groups, o]) => AssetSelection.groups(...groups, o)),
  fc.tuple(fc.constantFrom("t", "u"), fc.constantFrom("x", "y", ""), src).map(([k, v, o]) => AssetSelection.tag(k, v, o)),
  fc.tuple(fc.constantFrom("dbt", "python", null), src).map(([k, o]) => AssetSelection.kind(k, o)),
  fc.constantFrom("team:a", "b@x.io").map((owner) => AssetSelection.owner(owner)),
  fc.tuple(fc.constantFrom(["p"], ["p", "q"], ["a1"], []), src).map(([prefix, o]) => AssetSelection.keyPrefixes(prefix, o)),
);

const { selection } = fc.letrec<{ selection: AssetSelection }>((tie) => ({
  selection: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.tuple(tie("selection"), tie("selection"), fc.constantFrom("and", "or", "minus")).map(([l, r, op]) => (op === "and" ? l.and(r) : op === "or" ? l.or(r) : l.minus(r))),
    fc.tuple(tie("selection"), fc.boolean(), depth, fc.boolean()).map(([s, up, d, self]) => (up ? s.upstream(d, self) : s.downstream(d, self))),
    fc
      .tuple(tie("selection"), fc.constantFrom("roots", "sinks", "materializable", "neighbors", "sources"))
      .map(([s, f]) =>
        f === "roots" ? s.roots() : f === "sinks" ? s.sinks() : f === "materializable" ? s.materializable() : f === "neighbors" ? s.requiredMultiAssetNeighbors() : s.upstreamSourceAssets(),
      ),
  ),
}));

const policies: Record<string, DensePolicy> = {
  sparse: () => false,
  dense: () => true,
  default: (count, universe) => count * 8 >= universe && universe > 64,
};
const policy = fc.oneof(
  fc.constantFrom(...Object.keys(policies)).map((name) => policies[name] as DensePolicy),
  fc.integer({ min: 0, max: 40 }).map((at): DensePolicy => (count) => count >= at),
);

function outcome(run: () => number[]): number[] | "unknown-key" {
  try {
    return run();
  } catch (error) {
    if (error instanceof UnknownAssetError) return "unknown-key";
    throw error;
  }
}

function maskIndices(mask: Uint8Array): number[] {
  const out: number[] = [];
  mask.forEach((bit, i) => {
    if (bit === 1) out.push(i);
  });
  return out;
}

describe("sparse selection resolution (property)", () => {
  it("selects exactly what the dense resolver selects, in either set form", () => {
    fc.assert(
      fc.property(plans, selection, policy, fc.boolean(), (plan, s, p, sortedKeys) => {
        const graph = graphOf(plan);
        // Key prefixes are scanned for the first queries of a graph and looked up in the sorted keys after.
        if (sortedKeys) void GraphIndex.of(graph).byId;
        const expected = outcome(() => maskIndices(resolveMaskDense(s.node, graph)));
        expect(outcome(() => resolveNodeSet(s.node, graph, {}, p).toArray())).toEqual(expected);
        expect(outcome(() => s.resolveIndices(graph))).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("parses classic clauses to the same nodes as the dense resolver", () => {
    fc.assert(
      fc.property(plans, fc.integer({ min: 0, max: 149 }), fc.constantFrom("", "*", "+", "++"), fc.constantFrom("", "*", "+", "+++"), (plan, i, up, down) => {
        const graph = graphOf(plan);
        const text = `${up}${keyOf(i).toString()}${down}`;
        const s = AssetSelection.fromString(text);
        const expected = outcome(() => maskIndices(resolveMaskDense(s.node, graph)));
        expect(outcome(() => s.resolveIndices(graph)), text).toEqual(expected);
        expect(outcome(() => maskIndices(s.resolveMask(graph))), text).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe("NodeSet", () => {
  const sets = fc.tuple(fc.integer({ min: 1, max: 200 }), fc.boolean(), fc.boolean()).chain(([n, denseA, denseB]) =>
    fc.tuple(fc.constant(n), fc.uniqueArray(fc.nat({ max: n - 1 })), fc.uniqueArray(fc.nat({ max: n - 1 })), fc.constant(denseA), fc.constant(denseB)),
  );
  const make = (n: number, ids: number[], dense: boolean): NodeSet => NodeSet.fromUnsorted(n, Int32Array.from(ids), () => dense);

  it("unites, intersects, subtracts and complements as sets do, whatever the forms of its operands", () => {
    fc.assert(
      fc.property(sets, fc.boolean(), ([n, a, b, denseA, denseB], denseOut) => {
        const x = make(n, a, denseA);
        const y = make(n, b, denseB);
        const out: DensePolicy = () => denseOut;
        const sorted = (values: Iterable<number>): number[] => [...values].sort((p, q) => p - q);
        const setB = new Set(b);
        expect(x.union(y, out).toArray()).toEqual(sorted(new Set([...a, ...b])));
        expect(x.intersect(y, out).toArray()).toEqual(sorted(a.filter((v) => setB.has(v))));
        expect(x.minus(y, out).toArray()).toEqual(sorted(a.filter((v) => !setB.has(v))));
        const inA = new Set(a);
        expect(x.complement(out).toArray()).toEqual(Array.from({ length: n }, (_, i) => i).filter((i) => !inA.has(i)));
        expect(x.union(y, out).size).toBe(new Set([...a, ...b]).size);
        for (const v of [0, n - 1, a[0] ?? 0]) expect(x.has(v)).toBe(inA.has(v));
      }),
      { numRuns: 300 },
    );
  });
});
