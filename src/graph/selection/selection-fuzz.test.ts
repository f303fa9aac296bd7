import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UnknownAssetError } from "../../core/index.js";
import { AssetSelection } from "./asset-selection.js";
import { UnsupportedSelectionError } from "./errors.js";
import { SelectionNotExpressibleError, SelectionSyntaxError } from "../../definitions/index.js";
import { definitionsOf, shop, type RandomAssetPlan } from "./test-graphs.js";
import { Model, UnknownKeyInModel, idOf, type ModelExpr } from "./test-model.js";

// ---------------------------------------------------------------------------------------------
// Random graphs: up to 10 assets, each with up to 3 upstreams among the earlier ones; some are
// external, some are computed together by one op, with groups, tags, kinds and owners.

const assetPlan = (i: number): fc.Arbitrary<RandomAssetPlan> =>
  fc
    .record({
      external: fc.integer({ min: 0, max: 3 }).map((x) => x === 0),
      deps: fc.subarray(Array.from({ length: i }, (_, j) => j), { maxLength: Math.min(3, i) }),
      group: fc.constantFrom("g1", "g2", "default"),
      tags: fc.constantFrom<Record<string, string>>({}, { t: "x" }, { t: "" }, { u: "y" }, { t: "x", u: "y" }),
      kinds: fc.subarray(["python", "dbt"]),
      owners: fc.subarray(["team:a", "b@x.io"]),
      bundle: fc.constantFrom(-1, -1, 0, 1),
    })
    .map((p) => (p.external ? { ...p, bundle: -1 } : p));

const plans = fc.integer({ min: 1, max: 10 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => assetPlan(i))));

// ---------------------------------------------------------------------------------------------
// Well-formed attribute expressions, rendered with random spacing, quoting and parentheses.

type G =
  | { t: "star" }
  | { t: "key"; v: string }
  | { t: "tag"; key: string | null; value?: string | null }
  | { t: "group" | "kind" | "owner"; v: string | null }
  | { t: "is"; v: "external" | "materializable" }
  | { t: "not"; e: G }
  | { t: "and" | "or"; l: G; r: G }
  | { t: "trav"; up?: number | null; down?: number | null; e: G }
  | { t: "fn"; name: "roots" | "sinks"; e: G }
  | { t: "paren"; e: G };

const depth = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 4 }));
const leaf: fc.Arbitrary<G> = fc.oneof(
  fc.constant<G>({ t: "star" }),
  fc.constantFrom("a0", "p/a1", "a2", "p/a3", "a4", "p/a5", "a8", "p/*", "a*", "*", "*3", "zz").map((v): G => ({ t: "key", v })),
  fc.record({ key: fc.constantFrom<string | null>("t", "u", "v", null), value: fc.constantFrom<string | null | undefined>(undefined, "x", "y", "", null) }).map(
    ({ key, value }): G => (value === undefined ? { t: "tag", key } : { t: "tag", key, value }),
  ),
  fc.constantFrom<string | null>("g1", "g2", "default", "missing", "g*", null).map((v): G => ({ t: "group", v })),
  fc.constantFrom<string | null>("python", "dbt", "sql", null).map((v): G => ({ t: "kind", v })),
  fc.constantFrom<string | null>("team:a", "b@x.io", "team:z", null).map((v): G => ({ t: "owner", v })),
  fc.constantFrom<"external" | "materializable">("external", "materializable").map((v): G => ({ t: "is", v })),
);

const { expr } = fc.letrec<{ expr: G }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    tie("expr").map((e): G => ({ t: "not", e })),
    fc.record({ t: fc.constantFrom<"and" | "or">("and", "or"), l: tie("expr"), r: tie("expr") }).map((x): G => x),
    fc
      .record({ up: fc.option(depth, { nil: undefined }), down: fc.option(depth, { nil: undefined }), e: tie("expr") })
      .filter((x) => x.up !== undefined || x.down !== undefined)
      .map(({ up, down, e }): G => ({ t: "trav", e, ...(up === undefined ? {} : { up }), ...(down === undefined ? {} : { down }) })),
    fc.record({ name: fc.constantFrom<"roots" | "sinks">("roots", "sinks"), e: tie("expr") }).map(({ name, e }): G => ({ t: "fn", name, e })),
    tie("expr").map((e): G => ({ t: "paren", e })),
  ),
}));

/** A small deterministic generator of rendering choices, so a failing case shrinks to one seed. */
function chooser(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
}

const RESERVED = /^(and|or|not|AND|OR|NOT|key|owner|group|tag|kind|is|code_location|status|column|table_name|column_tag|changed_in_branch|partitions|automation_type|sensor|schedule|job|sinks|roots|not_materialized_in_hours)$/;

function render(g: G, seed: number): string {
  const random = chooser(seed);
  const space = (): string => (random() < 0.5 ? "" : random() < 0.8 ? " " : "  ");
  const gap = (): string => (random() < 0.8 ? " " : "\t ");
  const value = (v: string | null, keyValue: boolean): string => {
    if (v === null) return "<null>";
    const plain = /^[a-zA-Z_][a-zA-Z0-9_/]*$/.test(v) || (keyValue && /^[a-zA-Z_*][a-zA-Z0-9_*/]*$/.test(v) && v !== "*");
    return plain && !RESERVED.test(v) && random() < 0.6 ? v : `"${v}"`;
  };
  const word = (w: string): string => (random() < 0.2 ? w.toUpperCase() : w);
  const go = (g: G): { text: string; level: number } => {
    const wrap = (x: G, min: number): string => {
      const r = go(x);
      return r.level >= min ? r.text : `(${space()}${r.text}${space()})`;
    };
    switch (g.t) {
      case "star":
        return { text: "*", level: 3 };
      case "key":
        return { text: `key:${value(g.v, true)}`, level: 4 };
      case "tag":
        return { text: `tag:${value(g.key, false)}${g.value === undefined ? "" : `=${value(g.value, false)}`}`, level: 4 };
      case "group":
      case "kind":
      case "owner":
        return { text: `${g.t}:${value(g.v, false)}`, level: 4 };
      case "is":
        return { text: `is:${value(g.v, false)}`, level: 4 };
      case "not":
        return { text: `${word("not")}${gap()}${wrap(g.e, 2)}`, level: 2 };
      case "and":
        return { text: `${wrap(g.l, 1)}${gap()}${word("and")}${gap()}${wrap(g.r, 2)}`, level: 1 };
      case "or":
        return { text: `${wrap(g.l, 0)}${gap()}${word("or")}${gap()}${wrap(g.r, 1)}`, level: 0 };
      case "trav": {
        const up = g.up === undefined ? "" : `${g.up ?? ""}${space()}+${space()}`;
        const down = g.down === undefined ? "" : `${space()}+${space()}${g.down ?? ""}`;
        return { text: `${up}${wrap(g.e, 4)}${down}`, level: 3 };
      }
      case "fn":
        return { text: `${g.name}${space()}(${space()}${go(g.e).text}${space()})`, level: 4 };
      case "paren":
        return { text: `(${space()}${go(g.e).text}${space()})`, level: 4 };
    }
  };
  return `${space()}${go(g).text}${space()}`;
}

function toModel(g: G, src: boolean): ModelExpr {
  switch (g.t) {
    case "star":
      return { k: "all", src };
    case "key":
      return { k: "keyWildcard", pattern: g.v };
    case "tag":
      return { k: "tag", key: g.key, value: g.value ?? "", src };
    case "group":
      return { k: "group", group: g.v, src };
    case "kind":
      return { k: "kind", kind: g.v, src };
    case "owner":
      return { k: "owner", owner: g.v };
    case "is":
      return { k: "is", value: g.v };
    case "not":
      return { k: "not", e: toModel(g.e, src), src };
    case "and":
    case "or":
      return { k: g.t, l: toModel(g.l, src), r: toModel(g.r, src) };
    case "trav": {
      const e = toModel(g.e, src);
      if (g.up !== undefined && g.down !== undefined) return { k: "updown", e, up: g.up, down: g.down };
      if (g.up !== undefined) return { k: "up", e, depth: g.up, self: true };
      return { k: "down", e, depth: g.down ?? null, self: true };
    }
    case "fn":
      return { k: g.name, e: toModel(g.e, src) };
    case "paren":
      return { k: "paren", e: toModel(g.e, src) };
  }
}

// ---------------------------------------------------------------------------------------------
// Outcomes compared as sorted keys, or as the kind of error.

type Outcome = string[] | "unknown-key";

function outcomeOf(run: () => { map(f: (k: { toString(): string }) => string): string[] }): Outcome {
  try {
    return run()
      .map((k) => k.toString())
      .sort();
  } catch (error) {
    if (error instanceof UnknownAssetError) return "unknown-key";
    throw error;
  }
}

function modelOutcome(model: Model, e: ModelExpr): Outcome {
  try {
    return [...model.eval(e)].sort();
  } catch (error) {
    if (error instanceof UnknownKeyInModel) return "unknown-key";
    throw error;
  }
}

describe("parsing well-formed attribute expressions (property)", () => {
  it("resolves every rendering of a random expression as the reference model does, and round-trips it", () => {
    fc.assert(
      fc.property(plans, expr, fc.integer(), fc.boolean(), (plan, g, seed, includeSources) => {
        const defs = definitionsOf(plan);
        const model = new Model(plan);
        const text = render(g, seed);
        const selection = AssetSelection.fromString(text, { includeSources });
        const expected = modelOutcome(model, toModel(g, includeSources));
        expect(outcomeOf(() => selection.resolve(defs)), text).toEqual(expected);

        const written = selection.toSelectionString({ includeSources });
        const again = AssetSelection.fromString(written, { includeSources });
        expect(outcomeOf(() => again.resolve(defs)), `${text} → ${written}`).toEqual(expected);
        expect(again.toSelectionString({ includeSources })).toBe(written);
      }),
      { numRuns: 400 },
    );
  });

  it("unites comma-separated parts", () => {
    fc.assert(
      fc.property(plans, fc.array(fc.tuple(expr, fc.integer()), { minLength: 1, maxLength: 3 }), (plan, parts) => {
        const defs = definitionsOf(plan);
        const model = new Model(plan);
        const text = parts.map(([g, seed]) => render(g, seed)).join(",");
        const expected = new Set(parts.flatMap(([g]) => [...model.eval(toModel(g, false))]));
        expect(outcomeOf(() => AssetSelection.fromString(text).resolve(defs)), text).toEqual([...expected].sort());
      }),
      { numRuns: 150 },
    );
  });
});

describe("parsing classic clauses (property)", () => {
  const side = fc.constantFrom<number | "*">(0, 1, 2, 3, "*");
  it("resolves *name+ forms as the reference model does, unknown names included", () => {
    fc.assert(
      fc.property(plans, fc.integer({ min: 0, max: 11 }), side, side, (plan, i, up, down) => {
        const defs = definitionsOf(plan);
        const id = idOf(i);
        const text = `${up === "*" ? "*" : "+".repeat(up)}${id}${down === "*" ? "*" : "+".repeat(down)}`;
        const keys: ModelExpr = { k: "keys", keys: [id] };
        const u = up === "*" ? null : up;
        const d = down === "*" ? null : down;
        const e: ModelExpr = u !== 0 && d !== 0 ? { k: "updown", e: keys, up: u, down: d } : u !== 0 ? { k: "up", e: keys, depth: u, self: true } : d !== 0 ? { k: "down", e: keys, depth: d, self: true } : keys;
        const selection = AssetSelection.fromString(text);
        expect(outcomeOf(() => selection.resolve(defs)), text).toEqual(modelOutcome(new Model(plan), e));
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Arbitrary input: nothing crashes or hangs, every failure is a SelectionSyntaxError.

const FRAGMENTS = [
  "key", "tag", "group", "owner", "kind", "is", "status", "code_location", "column_tag", "not_materialized_in_hours", "sinks", "roots",
  "and", "or", "not", "AND", "NOT", "*", "+", "++", "2", "0", "10", ":", "(", ")", ",", "=", '"', "<null>", "<", ">",
  "a", "a0", "p/a1", "p/", "/", "-", ".", "_", "x y", " ", "  ", "\t", "\n", "external", "materializable", "g1", "t", "é", "\\", "@", "🙂",
  "key:", "tag:t=", "group:", " and ", " or ", "not ", "2+", "+2", "roots(", "sinks(",
];

/** A well-formed expression with one edit: a fragment inserted, or a span deleted or replaced. */
const nearlyWellFormed = fc
  .tuple(expr, fc.integer(), fc.nat(), fc.nat({ max: 4 }), fc.constantFrom(...FRAGMENTS), fc.constantFrom("insert", "delete", "replace"))
  .map(([g, seed, at, span, fragment, edit]) => {
    const text = render(g, seed);
    const i = at % (text.length + 1);
    if (edit === "insert") return text.slice(0, i) + fragment + text.slice(i);
    if (edit === "delete") return text.slice(0, i) + text.slice(i + span + 1);
    return text.slice(0, i) + fragment + text.slice(i + span + 1);
  });

const arbitraryInput = fc.oneof(
  nearlyWellFormed,
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 30 }).map((parts) => parts.join("")),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(..."key:tag=*+()0123456789 ,\"<>ab/_-.andort"), maxLength: 60 }),
);

describe("parsing arbitrary input (property)", () => {
  it("returns a selection or throws a SelectionSyntaxError pointing inside the input", () => {
    const defs = shop();
    fc.assert(
      fc.property(arbitraryInput, (text) => {
        let selection: AssetSelection;
        const started = performance.now();
        try {
          selection = AssetSelection.fromString(text);
        } catch (error) {
          expect(error).toBeInstanceOf(SelectionSyntaxError);
          const e = error as SelectionSyntaxError;
          expect(e.code).toBe("SELECTION_SYNTAX");
          expect(e.position).toBeGreaterThanOrEqual(0);
          expect(e.position).toBeLessThanOrEqual(text.length);
          expect(e.column).toBe(e.position + 1);
          expect(e.found.length).toBeGreaterThan(0);
          const caretLine = e.message.split("\n").at(-1) as string;
          if (text.length <= 120) expect(caretLine).toMatch(new RegExp(`^  ${" ".repeat(e.position)}\\^+$`));
          else expect(caretLine).toMatch(/^ {2,}\^+$/);
          return;
        } finally {
          expect(performance.now() - started).toBeLessThan(250);
        }
        // What parses resolves or refuses cleanly, and what prints parses back to the same assets.
        const resolved = settle(() => selection.resolve(defs).map(String).sort());
        let written: string;
        try {
          written = selection.toSelectionString();
        } catch (error) {
          expect(error).toBeInstanceOf(SelectionNotExpressibleError);
          return;
        }
        const again = AssetSelection.fromString(written);
        // Keys named in a classic clause must exist, while the `key:` form they are written as selects nothing
        // instead: compare only selections that resolved.
        if (resolved !== "unknown-key") expect(settle(() => again.resolve(defs).map(String).sort()), `${JSON.stringify(text)} → ${written}`).toEqual(resolved);
      }),
      { numRuns: 2000 },
    );
  });
});

function settle(run: () => string[]): string[] | "unknown-key" | "unsupported" {
  try {
    return run();
  } catch (error) {
    if (error instanceof UnknownAssetError) return "unknown-key";
    if (error instanceof UnsupportedSelectionError) return "unsupported";
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Selections built in code against the model; written for includeSources: true they round-trip.

type Built = { selection: AssetSelection; model: ModelExpr };

const { built } = fc.letrec<{ built: Built }>((tie) => ({
  built: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.boolean().map((src): Built => ({ selection: AssetSelection.all({ includeSources: src }), model: { k: "all", src } })),
    fc.subarray([0, 1, 2, 3], { minLength: 0, maxLength: 2 }).map((is): Built => {
      const ids = is.map(idOf);
      return { selection: AssetSelection.assets(...ids), model: { k: "keys", keys: ids } };
    }),
    fc.tuple(fc.constantFrom("g1", "g2", "default"), fc.boolean()).map(([g, src]): Built => ({ selection: AssetSelection.groups(g, { includeSources: src }), model: { k: "group", group: g, src } })),
    fc.tuple(fc.constantFrom("t", "u"), fc.constantFrom("x", "y", ""), fc.boolean()).map(([key, value, src]): Built => ({
      selection: AssetSelection.tag(key, value, { includeSources: src }),
      model: { k: "tag", key, value, src },
    })),
    fc.tuple(fc.constantFrom("python", "dbt", null), fc.boolean()).map(([kind, src]): Built => ({ selection: AssetSelection.kind(kind, { includeSources: src }), model: { k: "kind", kind, src } })),
    fc.constantFrom("team:a", "b@x.io").map((owner): Built => ({ selection: AssetSelection.owner(owner), model: { k: "owner", owner } })),
    fc.tuple(fc.constantFrom<string[]>(["p"], ["a0"], ["p", "a1"], ["q"]), fc.boolean()).map(([prefix, src]): Built => ({
      selection: AssetSelection.keyPrefixes(prefix, { includeSources: src }),
      model: { k: "keyPrefixes", prefixes: [prefix], src },
    })),
    fc.tuple(tie("built"), tie("built"), fc.constantFrom<"and" | "or" | "minus">("and", "or", "minus")).map(([l, r, op]): Built => ({
      selection: op === "and" ? l.selection.and(r.selection) : op === "or" ? l.selection.or(r.selection) : l.selection.minus(r.selection),
      model: { k: op, l: l.model, r: r.model },
    })),
    fc.tuple(tie("built"), fc.constantFrom<"up" | "down">("up", "down"), depth, fc.boolean()).map(([b, dir, d, self]): Built => ({
      selection: dir === "up" ? b.selection.upstream(d, self) : b.selection.downstream(d, self),
      model: { k: dir, e: b.model, depth: d, self },
    })),
    fc.tuple(tie("built"), fc.constantFrom<"roots" | "sinks" | "materializable" | "neighbors" | "sources">("roots", "sinks", "materializable", "neighbors", "sources")).map(
      ([b, f]): Built => ({
        selection:
          f === "roots" ? b.selection.roots() : f === "sinks" ? b.selection.sinks() : f === "materializable" ? b.selection.materializable() : f === "neighbors" ? b.selection.requiredMultiAssetNeighbors() : b.selection.upstreamSourceAssets(),
        model: { k: f, e: b.model },
      }),
    ),
  ),
}));

describe("the algebra (property)", () => {
  it("resolves selections built in code as the reference model does", () => {
    fc.assert(
      fc.property(plans, built, (plan, { selection, model }) => {
        expect(outcomeOf(() => selection.resolve(definitionsOf(plan)))).toEqual(modelOutcome(new Model(plan), model));
      }),
      { numRuns: 400 },
    );
  });

  it("writes selections built in code so that they parse back to the same assets, or says it cannot", () => {
    fc.assert(
      fc.property(plans, built, fc.boolean(), (plan, { selection, model }, includeSources) => {
        const defs = definitionsOf(plan);
        const expected = modelOutcome(new Model(plan), model);
        let written: string;
        try {
          written = selection.toSelectionString({ includeSources });
        } catch (error) {
          expect(error).toBeInstanceOf(SelectionNotExpressibleError);
          // Everything but multi-asset neighbours and upstream external assets is expressible for includeSources: true.
          if (includeSources) expect(JSON.stringify(selection.node)).toMatch(/"requiredNeighbors"|"upstreamSources"/);
          return;
        }
        const again = AssetSelection.fromString(written, { includeSources });
        // A key named in code must exist; the `key:` form it is written as selects nothing for an unknown key instead.
        const parsedBack = expected === "unknown-key" ? modelOutcome(new Model(plan, { unknownKeys: "selectNothing" }), model) : expected;
        expect(outcomeOf(() => again.resolve(defs)), written).toEqual(parsedBack);
      }),
      { numRuns: 400 },
    );
  });
});
