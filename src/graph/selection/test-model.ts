// A second, deliberately naive implementation of the reference's selection semantics, on sets of key strings,
// for the property tests to check the parser and the mask resolver against (not part of the public API).
import type { RandomAssetPlan } from "./test-graphs.js";

/** Selections as the model evaluates them: the reference's classes, one case each. */
export type ModelExpr =
  | { k: "all"; src: boolean }
  | { k: "keys"; keys: string[] }
  | { k: "keyWildcard"; pattern: string }
  | { k: "keyPrefixes"; prefixes: string[][]; src: boolean }
  | { k: "tag"; key: string | null; value: string; src: boolean }
  | { k: "group"; group: string | null; src: boolean }
  | { k: "kind"; kind: string | null; src: boolean }
  | { k: "owner"; owner: string | null }
  | { k: "is"; value: "external" | "materializable" }
  | { k: "not"; e: ModelExpr; src: boolean }
  | { k: "and"; l: ModelExpr; r: ModelExpr }
  | { k: "or"; l: ModelExpr; r: ModelExpr }
  | { k: "minus"; l: ModelExpr; r: ModelExpr }
  | { k: "up"; e: ModelExpr; depth: number | null; self: boolean }
  | { k: "down"; e: ModelExpr; depth: number | null; self: boolean }
  | { k: "updown"; e: ModelExpr; up: number | null; down: number | null }
  | { k: "roots" | "sinks" | "materializable" | "neighbors" | "sources"; e: ModelExpr }
  | { k: "paren"; e: ModelExpr };

export class UnknownKeyInModel extends Error {}

/** The model graph: asset `i` is `a<i>`, or `p/a<i>` for odd `i` (as definitionsOf builds it). */
export class Model {
  readonly ids: string[];
  readonly parents: Map<string, string[]>;
  readonly children: Map<string, string[]>;
  readonly plan: readonly RandomAssetPlan[];
  /** Whether naming an undefined key throws (as AssetSelection.keys does) or selects nothing (as `key:"x"` does). */
  readonly unknownKeys: "throw" | "selectNothing";

  constructor(plan: readonly RandomAssetPlan[], options: { unknownKeys?: "throw" | "selectNothing" } = {}) {
    this.plan = plan;
    this.unknownKeys = options.unknownKeys ?? "throw";
    this.ids = plan.map((_, i) => idOf(i));
    this.parents = new Map(this.ids.map((id, i) => [id, (plan[i] as RandomAssetPlan).deps.map(idOf)]));
    this.children = new Map(this.ids.map((id) => [id, [] as string[]]));
    for (const [id, ups] of this.parents) for (const up of ups) this.children.get(up)?.push(id);
  }

  #at(id: string): RandomAssetPlan {
    return this.plan[this.ids.indexOf(id)] as RandomAssetPlan;
  }

  materializable(): Set<string> {
    return new Set(this.ids.filter((id) => !this.#at(id).external));
  }

  #base(src: boolean): string[] {
    return src ? this.ids : [...this.materializable()];
  }

  eval(e: ModelExpr): Set<string> {
    const mat = this.materializable();
    switch (e.k) {
      case "all":
        return new Set(this.#base(e.src));
      case "keys":
        if (this.unknownKeys === "selectNothing") return new Set(e.keys.filter((key) => this.ids.includes(key)));
        for (const key of e.keys) if (!this.ids.includes(key)) throw new UnknownKeyInModel(key);
        return new Set(e.keys);
      case "keyWildcard": {
        const regex = wildcard(e.pattern);
        return new Set(this.ids.filter((id) => regex.test(id)));
      }
      case "keyPrefixes":
        return new Set(this.#base(e.src).filter((id) => e.prefixes.some((p) => p.every((s, i) => id.split("/")[i] === s))));
      case "tag":
        return new Set(this.#base(e.src).filter((id) => e.key !== null && Object.hasOwn(this.#at(id).tags, e.key) && this.#at(id).tags[e.key] === e.value));
      case "group": {
        const group = e.group;
        const matches = (g: string): boolean => (group !== null && group.includes("*") ? wildcard(group).test(g) : g === group);
        return new Set(this.#base(e.src).filter((id) => matches(this.#at(id).group)));
      }
      case "kind":
        return new Set(this.#base(e.src).filter((id) => (e.kind === null ? this.#at(id).kinds.length === 0 : this.#at(id).kinds.includes(e.kind))));
      case "owner":
        return new Set(this.ids.filter((id) => e.owner !== null && this.#at(id).owners.includes(e.owner)));
      case "is":
        return new Set(this.ids.filter((id) => (e.value === "external") === this.#at(id).external));
      case "not":
        return minus(new Set(this.#base(e.src)), this.eval(e.e));
      case "and": {
        const r = this.eval(e.r);
        return new Set([...this.eval(e.l)].filter((x) => r.has(x)));
      }
      case "or":
        return new Set([...this.eval(e.l), ...this.eval(e.r)]);
      case "minus":
        return minus(this.eval(e.l), this.eval(e.r));
      case "up":
        return this.#up(this.eval(e.e), e.depth, e.self);
      case "down":
        return this.#down(this.eval(e.e), e.depth, e.self);
      case "updown": {
        const s = this.eval(e.e);
        return new Set([...this.#up(s, e.up, true), ...this.#down(s, e.down, true)]);
      }
      case "roots": {
        const s = this.eval(e.e);
        return new Set([...s].filter((x) => ![...this.#fetch(x, this.parents, null)].some((a) => a !== x && s.has(a))));
      }
      case "sinks": {
        const s = this.eval(e.e);
        return new Set([...s].filter((x) => ![...this.#fetch(x, this.children, null)].some((a) => a !== x && s.has(a))));
      }
      case "materializable":
        return new Set([...this.eval(e.e)].filter((x) => mat.has(x)));
      case "neighbors": {
        const s = this.eval(e.e);
        const out = new Set(s);
        for (const x of s) {
          const p = this.#at(x);
          if (p.external || p.bundle < 0) continue;
          this.ids.forEach((id) => {
            const q = this.#at(id);
            if (!q.external && q.bundle === p.bundle) out.add(id);
          });
        }
        // A bundle of one asset is a plain asset.
        return out;
      }
      case "sources": {
        const s = this.eval(e.e);
        const all = new Set(s);
        for (const x of s) for (const y of this.#fetch(x, this.parents, null)) all.add(y);
        return new Set([...all].filter((x) => !mat.has(x)));
      }
      case "paren":
        return this.eval(e.e);
    }
  }

  #up(s: Set<string>, depth: number | null, self: boolean): Set<string> {
    if (s.size === 0) return s;
    const out = new Set(s);
    for (const x of s) for (const y of this.#fetch(x, this.parents, depth)) out.add(y);
    const mat = this.materializable();
    return new Set([...(self ? out : minus(out, s))].filter((x) => mat.has(x)));
  }

  #down(s: Set<string>, depth: number | null, self: boolean): Set<string> {
    const out = new Set(s);
    for (const x of s) for (const y of this.#fetch(x, this.children, depth)) out.add(y);
    return self ? out : minus(out, s);
  }

  // One item at a time, level by level, as the reference's traverser does.
  #fetch(item: string, edges: Map<string, string[]>, depth: number | null): Set<string> {
    const result = new Set<string>();
    let frontier = [item];
    for (let level = 0; frontier.length > 0 && (depth === null || level < depth); level++) {
      const next: string[] = [];
      for (const x of frontier) for (const y of edges.get(x) ?? []) if (!result.has(y)) (result.add(y), next.push(y));
      frontier = next;
    }
    return result;
  }
}

export function idOf(i: number): string {
  return i % 2 === 1 ? `p/a${i}` : `a${i}`;
}

function minus(a: Set<string>, b: Set<string>): Set<string> {
  return new Set([...a].filter((x) => !b.has(x)));
}

// Written apart from the library's wildcard.ts on purpose: escape everything but letters, digits, `_` and `/`.
function wildcard(pattern: string): RegExp {
  return new RegExp(`^${[...pattern].map((c) => (c === "*" ? ".*" : /[A-Za-z0-9_/]/.test(c) ? c : `\\u{${(c.codePointAt(0) as number).toString(16)}}`)).join("")}$`, "su");
}
