// AssetSelection: an immutable query over the assets of a graph (the reference's algebra), and its string forms.
import { AssetKey, InvalidDefinitionError, type AssetKeyLike } from "../../core/index.js";
import {
  AssetChecksDefinition,
  checkId,
  DefinitionsData,
  andNode,
  describeSelectionValue,
  freezeNode,
  isSelectionExpression,
  isValidDepth,
  normalizeDepth,
  orNode,
  parseSelection,
  selectionKeysOf,
  selectionNodeOf,
  toSelectionString,
  type AssetCheckKeyLike,
  type AssetCheckKeyRef,
  type AssetSelectionTarget,
  type AssetsItem,
  type CoercibleToAssetSelection,
  type FromStringOptions,
  type SelectionExpression,
  type SelectionNode,
  type ToSelectionStringOptions,
} from "../../definitions/index.js";
import { AssetGraph } from "../asset-graph.js";
import { instanceHealthSource, type AssetHealthInstance, type AssetHealthSource } from "./asset-health.js";
import { UnknownAssetCheckError } from "./errors.js";
import { resolveMask, resolveNodeSet, type ResolveOptions } from "./resolve-selection.js";

export type { AssetCheckKeyLike, AssetSelectionTarget, CoercibleToAssetSelection };

let warnedSources = false;

/** Options for the `AssetSelection` constructors that can take in external assets. */
export interface IncludeSourcesOptions {
  /** Whether external assets (AssetSpecs in Definitions, or undeclared dependencies) are selected too. @default false */
  includeSources?: boolean;
}

/** What a selection resolves against. */
export type SelectionScope = DefinitionsData | AssetGraph | readonly AssetsItem[];

/** Where `status:` reads the health of assets: an instance, or another source of it. */
export type ResolveWithInstanceOptions = ResolveOptions & ({ instance: AssetHealthInstance; healthSource?: never } | { healthSource: AssetHealthSource; instance?: never });

/**
 * A query over assets, built from statics and combined with `or`, `and` and `minus`. Immutable;
 * resolving it against definitions gives the selected keys. By default a selection leaves out
 * external assets wherever the reference does (`all()`, `groups()`, `tag()`, `kind()`, `keyPrefixes()`
 * and every `upstream()`); explicit keys, `key:` wildcards and `owner()` select them too.
 *
 * @example
 * AssetSelection.groups("marketing").minus(AssetSelection.assets("promotions"));
 * AssetSelection.assets(orders).downstream(2);
 * AssetSelection.fromString("tag:tier=gold and +key:raw/orders");
 */
export class AssetSelection implements SelectionExpression {
  readonly kind = "asset_selection";
  /** The selection's tree (plain frozen data). */
  readonly node: SelectionNode;

  constructor(node: SelectionNode) {
    this.node = freezeNode(node);
    Object.freeze(this);
  }

  /** Every materializable asset, and with `includeSources` every external asset too. */
  static all(options: IncludeSourcesOptions = {}): AssetSelection {
    return new AssetSelection({ type: "all", includeSources: options.includeSources ?? false });
  }

  /** Every asset check (and no asset). */
  static allAssetChecks(): AssetSelection {
    return new AssetSelection({ type: "allChecks" });
  }

  /**
   * The given assets: keys (`"a/b"` strings are split on `/`), definitions (all their assets) or
   * specs. External assets named here are selected. Resolving a key that is not defined throws
   * an UnknownAssetError with near matches.
   */
  static assets(...assets: AssetSelectionTarget[]): AssetSelection {
    return new AssetSelection({ type: "keys", keys: selectionKeysOf(assets, "AssetSelection.assets") });
  }

  /** @deprecated The reference's older name of {@link AssetSelection.assets}; use that. */
  static keys(...keys: AssetKeyLike[]): AssetSelection {
    return new AssetSelection({ type: "keys", keys: selectionKeysOf(keys, "AssetSelection.keys") });
  }

  /**
   * Assets whose key starts with one of the prefixes (a key equal to a prefix matches too). A prefix
   * is a `"a/b"` string or an array of segments.
   */
  static keyPrefixes(...args: [...prefixes: (string | readonly string[])[], options: IncludeSourcesOptions] | (string | readonly string[])[]): AssetSelection {
    const { items, options } = splitOptions<string | readonly string[]>(args);
    const prefixes = items.map((prefix) => {
      if (typeof prefix === "string") return Object.freeze(prefix.split("/"));
      if (Array.isArray(prefix) && prefix.every((s) => typeof s === "string")) return Object.freeze([...prefix]);
      throw new InvalidDefinitionError(`AssetSelection.keyPrefixes takes "a/b" strings or arrays of segments, got ${JSON.stringify(prefix)}`);
    });
    return new AssetSelection({ type: "keyPrefixes", prefixes, includeSources: options.includeSources ?? false });
  }

  /** Assets in any of the groups. */
  static groups(...args: [...groups: string[], options: IncludeSourcesOptions] | string[]): AssetSelection {
    const { items, options } = splitOptions<string>(args);
    for (const group of items) {
      if (typeof group !== "string") throw new InvalidDefinitionError(`AssetSelection.groups takes group names, got ${JSON.stringify(group)}`);
    }
    return new AssetSelection({ type: "groups", groups: items, includeSources: options.includeSources ?? false });
  }

  /** Assets whose tag `key` has exactly `value` (`""` selects assets where the tag is present with an empty value). */
  static tag(key: string, value: string, options: IncludeSourcesOptions = {}): AssetSelection {
    return new AssetSelection({ type: "tag", key, value, includeSources: options.includeSources ?? false });
  }

  /** `"key"` or `"key=value"`, as {@link AssetSelection.tag}. */
  static tagString(text: string, options: IncludeSourcesOptions = {}): AssetSelection {
    const pieces = text.split("=");
    if (pieces.length > 2) throw new InvalidDefinitionError(`Invalid tag selection "${text}": use "key" or "key=value", with at most one "="`);
    return AssetSelection.tag(pieces[0] as string, pieces[1] ?? "", options);
  }

  /** Assets of the given kind; `null` selects assets without kinds. */
  static kind(kind: string | null, options: IncludeSourcesOptions = {}): AssetSelection {
    return new AssetSelection({ type: "kind", kind, includeSources: options.includeSources ?? false });
  }

  /** Assets with the given owner (an email address or `team:name`), external ones included. */
  static owner(owner: string | null): AssetSelection {
    return new AssetSelection({ type: "owner", owner });
  }

  /** The checks of the given assets (and no asset). */
  static checksForAssets(...assets: AssetSelectionTarget[]): AssetSelection {
    return new AssetSelection({ type: "checksForAssets", keys: selectionKeysOf(assets, "AssetSelection.checksForAssets") });
  }

  /**
   * The given asset checks (and no asset): check keys `{ assetKey, name }`, check specs, or check
   * definitions (every check a definition holds), as the reference's `AssetSelection.checks`.
   */
  static checks(...checks: (AssetCheckKeyLike | AssetChecksDefinition)[]): AssetSelection {
    const refs: AssetCheckKeyRef[] = checks.flatMap((check) => {
      if (check instanceof AssetChecksDefinition) {
        return check.specs.map((spec) => Object.freeze({ assetKey: spec.assetKey, name: spec.name }));
      }
      if (!check || typeof check !== "object" || typeof check.name !== "string") {
        throw new InvalidDefinitionError(
          `AssetSelection.checks takes check definitions (assetCheck(...)) or { assetKey, name } check keys, got ${JSON.stringify(check)}`,
        );
      }
      return [Object.freeze({ assetKey: AssetKey.from(check.assetKey), name: check.name })];
    });
    return new AssetSelection({ type: "checkKeys", checks: refs });
  }

  /**
   * Parses a selection string: the attribute syntax (`key:raw/* and tag:tier=gold`, `2+group:sales`,
   * `roots(kind:dbt)`) or the classic one (`*orders+`), comma lists of either united.
   * Throws a SelectionSyntaxError with the column, what was found and what was expected.
   */
  static fromString(text: string, options: FromStringOptions = {}): AssetSelection {
    return new AssetSelection(parseSelection(text, options));
  }

  /** A selection from a string (as fromString), strings (united), keys, definitions or specs; a selection is returned as is. */
  static from(selection: CoercibleToAssetSelection): AssetSelection {
    return selection instanceof AssetSelection ? selection : new AssetSelection(selectionNodeOf(selection));
  }

  /**
   * This selection and every asset downstream of it, `depth` levels deep (unlimited by default).
   * With `includeSelf: false` the assets of this selection are left out.
   */
  downstream(depth?: number | null, includeSelf = true): AssetSelection {
    return new AssetSelection({ type: "downstream", child: this.node, depth: checkDepth(depth, "downstream"), includeSelf });
  }

  /**
   * This selection and every asset upstream of it, `depth` levels up (unlimited by default). As in
   * the reference, only materializable assets are returned: external parents are left out (see
   * {@link AssetSelection.upstreamSourceAssets}).
   */
  upstream(depth?: number | null, includeSelf = true): AssetSelection {
    return new AssetSelection({ type: "upstream", child: this.node, depth: checkDepth(depth, "upstream"), includeSelf });
  }

  /** The assets of this selection with no upstream asset in it (through any path, in the selection or not). */
  roots(): AssetSelection {
    return new AssetSelection({ type: "roots", child: this.node });
  }

  /** @deprecated The reference's older name of {@link AssetSelection.roots}; use that. Warns once per process, as the reference warns. */
  sources(): AssetSelection {
    if (!warnedSources) {
      warnedSources = true;
      process.emitWarning("AssetSelection.sources() is deprecated: use roots(), which selects the same assets.", {
        type: "DeprecationWarning",
        code: "TESSERA_SELECTION_SOURCES",
      });
    }
    return this.roots();
  }

  /** The assets of this selection with no downstream asset in it. */
  sinks(): AssetSelection {
    return new AssetSelection({ type: "sinks", child: this.node });
  }

  /** The materializable assets of this selection (external assets removed). */
  materializable(): AssetSelection {
    return new AssetSelection({ type: "materializable", child: this.node });
  }

  /** This selection plus the other assets of every multi-asset definition that cannot run in part. */
  requiredMultiAssetNeighbors(): AssetSelection {
    return new AssetSelection({ type: "requiredNeighbors", child: this.node });
  }

  /** The external assets upstream of this selection. */
  upstreamSourceAssets(): AssetSelection {
    return new AssetSelection({ type: "upstreamSources", child: this.node });
  }

  /** This selection without asset checks. */
  withoutChecks(): AssetSelection {
    return this.minus(AssetSelection.allAssetChecks());
  }

  /** Assets in this selection or any of the others. */
  or(...others: AssetSelection[]): AssetSelection {
    return new AssetSelection(orNode([this.node, ...others.map((o) => nodeOf(o, "or"))]));
  }

  /** Assets in this selection and in every one of the others. */
  and(...others: AssetSelection[]): AssetSelection {
    return new AssetSelection(andNode([this.node, ...others.map((o) => nodeOf(o, "and"))]));
  }

  /** Assets in this selection but not in `other`. */
  minus(other: AssetSelection): AssetSelection {
    return new AssetSelection({ type: "minus", left: this.node, right: nodeOf(other, "minus") });
  }

  /**
   * The selected asset keys, in the graph's node order. Pass Definitions (their cached graph is
   * used), an AssetGraph, or a list of assets.
   */
  resolve(scope: SelectionScope, options: ResolveOptions = {}): AssetKey[] {
    const graph = graphOf(scope);
    return resolveNodeSet(this.node, graph, options).pick(graph.keys);
  }

  /** Whether the selection reads state that only an instance has (`status:`), so needs {@link AssetSelection.resolveWithInstance}. */
  needsInstance(): boolean {
    return someNode(this.node, (n) => n.type === "status");
  }

  /**
   * The selected asset keys, reading the health of assets that `status:` selects by from the
   * instance (or `healthSource`). Selections without `status:` resolve as {@link AssetSelection.resolve}.
   *
   * @example
   * await AssetSelection.fromString("status:DEGRADED").resolveWithInstance(defs, { instance });
   */
  async resolveWithInstance(scope: SelectionScope, options: ResolveWithInstanceOptions): Promise<AssetKey[]> {
    const graph = graphOf(scope);
    return resolveNodeSet(this.node, graph, await healthOptions(this.node, graph, options)).pick(graph.keys);
  }

  /**
   * This selection with each `status:` replaced by the assets that have that health in the instance
   * now: a selection that resolves without an instance, to hand to `materialize`, jobs or backfills.
   * Returns this selection when it has no `status:`.
   */
  async withStatusesResolved(scope: SelectionScope, options: ResolveWithInstanceOptions): Promise<AssetSelection> {
    if (!this.needsInstance()) return this;
    const graph = graphOf(scope);
    const { assetHealth } = await healthOptions(this.node, graph, options);
    return new AssetSelection(
      mapNodes(this.node, (n) => {
        if (n.type !== "status") return n;
        const keys = graph.keys.filter((k, i) => (n.includeSources || !graph.isExternal(i)) && (assetHealth?.get(k.toString()) ?? "UNKNOWN") === n.status);
        return freezeNode({ type: "keys", keys });
      }),
    );
  }

  /** The selected graph nodes, ascending. */
  resolveIndices(graph: AssetGraph, options: ResolveOptions = {}): number[] {
    return resolveNodeSet(this.node, graph, options).toArray();
  }

  /** The selected graph nodes as a mask: `mask[i] === 1` when node `i` is selected. */
  resolveMask(graph: AssetGraph, options: ResolveOptions = {}): Uint8Array {
    return resolveMask(this.node, graph, options);
  }

  /**
   * The selected asset checks. As in the reference, selecting assets selects their checks; check
   * selections (`checks()`, `checksForAssets()`, `allAssetChecks()`) select checks alone, and `or`,
   * `and` and `minus` combine the checks of their operands. A named check that does not exist throws
   * an UnknownAssetCheckError, or is left out with `allowMissing`.
   */
  resolveChecks(scope: SelectionScope, options: ResolveOptions = {}): { assetKey: AssetKey; name: string }[] {
    const graph = graphOf(scope);
    return this.resolveCheckIndices(graph, options).map((i) => {
      const spec = (graph.checks[i] as { spec: { assetKey: AssetKey; name: string } }).spec;
      return { assetKey: spec.assetKey, name: spec.name };
    });
  }

  /** Indices into `graph.checks` of the selected checks, ascending. */
  resolveCheckIndices(graph: AssetGraph, options: ResolveOptions = {}): number[] {
    return [...checksOf(this.node, graph, options)].sort((a, b) => a - b);
  }

  /**
   * A string that `AssetSelection.fromString(text, options)` parses into a selection resolving to the
   * same assets. Throws a SelectionNotExpressibleError for selections the grammar cannot write
   * (multi-asset neighbours, upstream external assets, checks; see the options for external assets).
   */
  toSelectionString(options: ToSelectionStringOptions = {}): string {
    return toSelectionString(this.node, options);
  }

  /** Structural equality of two selections. */
  equals(other: AssetSelection): boolean {
    return other instanceof AssetSelection && JSON.stringify(this.node) === JSON.stringify(other.node);
  }

  toJSON(): SelectionNode {
    return this.node;
  }

  toString(): string {
    try {
      return this.toSelectionString();
    } catch {
      return `AssetSelection(${this.node.type})`;
    }
  }
}

async function healthOptions(node: SelectionNode, graph: AssetGraph, options: ResolveWithInstanceOptions): Promise<ResolveOptions> {
  const { instance, healthSource, ...rest } = options;
  if (!someNode(node, (n) => n.type === "status")) return rest;
  const source = healthSource ?? (instance ? instanceHealthSource(instance) : undefined);
  if (!source) throw new InvalidDefinitionError("resolveWithInstance takes { instance } (or { healthSource }) to answer `status:`; got neither");
  return { ...rest, assetHealth: await source.getAssetHealth(graph) };
}

/** Whether any node of the tree satisfies `test`. */
function someNode(node: SelectionNode, test: (node: SelectionNode) => boolean): boolean {
  if (test(node)) return true;
  return childrenOf(node).some((child) => someNode(child, test));
}

function childrenOf(node: SelectionNode): readonly SelectionNode[] {
  if (node.type === "or" || node.type === "and") return node.operands;
  if (node.type === "minus") return [node.left, node.right];
  if ("child" in node) return [node.child];
  return [];
}

/** The tree with `fn` applied to every node, children first. */
function mapNodes(node: SelectionNode, fn: (node: SelectionNode) => SelectionNode): SelectionNode {
  if (node.type === "or") return fn(orNode(node.operands.map((o) => mapNodes(o, fn))));
  if (node.type === "and") return fn(andNode(node.operands.map((o) => mapNodes(o, fn))));
  if (node.type === "minus") return fn(freezeNode({ ...node, left: mapNodes(node.left, fn), right: mapNodes(node.right, fn) }));
  if ("child" in node) return fn(freezeNode({ ...node, child: mapNodes(node.child, fn) }));
  return fn(node);
}

function graphOf(scope: SelectionScope): AssetGraph {
  if (scope instanceof AssetGraph) return scope;
  if (scope instanceof DefinitionsData) return AssetGraph.of(scope);
  if (Array.isArray(scope)) return AssetGraph.fromAssets(scope);
  throw new InvalidDefinitionError(`A selection resolves against Definitions, an AssetGraph or a list of assets; got ${describeSelectionValue(scope)}`);
}

function splitOptions<T>(args: readonly (T | IncludeSourcesOptions)[]): { items: T[]; options: IncludeSourcesOptions } {
  const last = args[args.length - 1];
  if (last !== null && typeof last === "object" && !Array.isArray(last)) {
    return { items: args.slice(0, -1) as T[], options: last as IncludeSourcesOptions };
  }
  return { items: [...args] as T[], options: {} };
}

function checkDepth(depth: number | null | undefined, method: string): number | null {
  if (!isValidDepth(depth)) {
    throw new InvalidDefinitionError(`${method}(depth) takes a whole number of levels (0 or more), or nothing for unlimited; got ${JSON.stringify(depth)}`);
  }
  return normalizeDepth(depth);
}

function nodeOf(selection: SelectionExpression, method: string): SelectionNode {
  if (!isSelectionExpression(selection)) {
    throw new InvalidDefinitionError(`AssetSelection.${method} takes another AssetSelection; got ${describeSelectionValue(selection)} (use AssetSelection.from to convert)`);
  }
  return selection.node;
}

function checksOf(node: SelectionNode, graph: AssetGraph, options: ResolveOptions): Set<number> {
  switch (node.type) {
    case "allChecks":
      return new Set(graph.checks.map((c) => c.index));
    case "checkKeys": {
      const indices = node.checks.map((c) => graph.checkIndexOf(checkId(c.assetKey, c.name)));
      const missing = node.checks.filter((_c, i) => indices[i] === undefined);
      if (missing.length > 0 && !options.allowMissing) throw new UnknownAssetCheckError(missing.map((c) => checkId(c.assetKey, c.name)));
      return new Set(indices.filter((i): i is number => i !== undefined));
    }
    case "checksForAssets": {
      const assets = options.allowMissing ? node.keys.filter((k) => graph.has(k)) : node.keys;
      return new Set(assets.flatMap((k) => graph.checksOf(graph.require(k, "AssetSelection.checksForAssets"))));
    }
    case "or": {
      const out = new Set<number>();
      for (const operand of node.operands) for (const c of checksOf(operand, graph, options)) out.add(c);
      return out;
    }
    case "and": {
      const [first, ...rest] = node.operands.map((o) => checksOf(o, graph, options));
      return new Set([...(first ?? [])].filter((c) => rest.every((r) => r.has(c))));
    }
    case "minus": {
      const right = checksOf(node.right, graph, options);
      return new Set([...checksOf(node.left, graph, options)].filter((c) => !right.has(c)));
    }
    default: {
      const assets = resolveNodeSet(node, graph, options);
      const out = new Set<number>();
      for (const check of graph.checks) if (assets.has(check.asset)) out.add(check.index);
      return out;
    }
  }
}


