// Resolution of a selection tree to a set of nodes of an AssetGraph, with the reference's rules for external assets.
// Sets stay sparse while small (see node-set.ts), so a selection costs what it reaches, not the graph's size.
import { InvalidDefinitionError } from "../../core/index.js";
import type { AssetGraph } from "../asset-graph.js";
import { SelectionNeedsInstanceError, UnsupportedSelectionError } from "./errors.js";
import { GraphIndex } from "./graph-index.js";
import type { AssetHealthStatus, PartitionsKind, SelectionNode } from "../../definitions/index.js";
import { DynamicPartitionsDefinition, MultiPartitionsDefinition, TimeWindowPartitionsDefinition, type PartitionsDefinition } from "../../partitions/index.js";
import { wildcardMatcher } from "../../definitions/index.js";
import { defaultDensePolicy, NodeSet, type DensePolicy } from "./node-set.js";
import { reach, withoutReachableFromOthers } from "./walk.js";

/** Options for `AssetSelection.resolve()`: what the selection's `code_location:` and `status:` parts are answered with. */
export interface ResolveOptions {
  /**
   * The name of the code location the definitions are loaded as. `code_location:<name>` selects
   * every asset when it names this location and none otherwise; without it, `code_location:`
   * cannot be answered (as in the reference, which resolves it only in a workspace).
   */
  codeLocation?: string;
  /**
   * The health of assets by key (`a/b`), which `status:` selects by; assets missing from the map are
   * UNKNOWN. `AssetSelection.resolveWithInstance` fills it from an instance; without it `status:`
   * throws a SelectionNeedsInstanceError.
   */
  assetHealth?: ReadonlyMap<string, AssetHealthStatus>;
  /**
   * Whether explicitly named assets and checks that the definitions do not hold are left out instead
   * of refused (the reference's `allow_missing`), for selections written against other definitions.
   * @default false
   */
  allowMissing?: boolean;
}

/** The graph nodes that `node` selects. Unknown explicit keys throw UnknownAssetError. `policy` is for tests. */
export function resolveNodeSet(node: SelectionNode, graph: AssetGraph, options: ResolveOptions = {}, policy: DensePolicy = defaultDensePolicy): NodeSet {
  return new Resolver(GraphIndex.of(graph), options, policy).set(node);
}

/** The mask (1 = selected) of the graph nodes that `node` selects. Unknown explicit keys throw UnknownAssetError. */
export function resolveMask(node: SelectionNode, graph: AssetGraph, options: ResolveOptions = {}): Uint8Array {
  return resolveNodeSet(node, graph, options).toMask();
}

class Resolver {
  readonly #index: GraphIndex;
  readonly #options: ResolveOptions;
  readonly #policy: DensePolicy;

  constructor(index: GraphIndex, options: ResolveOptions, policy: DensePolicy) {
    this.#index = index;
    this.#options = options;
    this.#policy = policy;
  }

  set(node: SelectionNode): NodeSet {
    const index = this.#index;
    const graph = index.graph;
    const n = index.size;
    const policy = this.#policy;
    switch (node.type) {
      case "all":
        return node.includeSources ? NodeSet.full(n) : index.materializableSet;
      case "keys": {
        if (!this.#options.allowMissing) return NodeSet.fromUnsorted(n, Int32Array.from(node.keys, (key) => graph.require(key)), policy);
        const known = node.keys.map((key) => graph.indexOf(key)).filter((i): i is number => i !== undefined);
        return NodeSet.fromUnsorted(n, Int32Array.from(known), policy);
      }
      case "keyWildcard": {
        const star = node.pattern.indexOf("*");
        if (star < 0) {
          const i = graph.indexOf(node.pattern);
          return i === undefined ? NodeSet.empty(n) : NodeSet.fromSorted(n, Int32Array.of(i), policy);
        }
        // Only keys starting with the text before the first `*` can match: a run of the keys in order.
        const candidates = index.idsWithPrefix(node.pattern.slice(0, star));
        if (star === node.pattern.length - 1) return NodeSet.fromUnsorted(n, candidates.slice(), policy);
        const matches = wildcardMatcher(node.pattern);
        return NodeSet.fromUnsorted(n, candidates.filter((i) => matches(graph.ids[i] as string)), policy);
      }
      case "keyPrefixes": {
        let out = NodeSet.empty(n);
        for (const prefix of node.prefixes) {
          // A key with this path prefix has an id starting with the joined prefix; the converse needs the check.
          const candidates = index.idsWithPrefix(prefix.join("/")).filter((i) => graph.keys[i]?.hasPrefix(prefix) === true);
          out = out.union(NodeSet.fromUnsorted(n, candidates, policy), policy);
        }
        return this.#sources(out, node.includeSources);
      }
      case "groups": {
        let out = NodeSet.empty(n);
        for (const group of new Set(node.groups)) {
          const id = index.groupIds.get(group);
          if (id !== undefined) out = out.union(NodeSet.fromSorted(n, index.groupMembers(id), policy), policy);
        }
        return this.#sources(out, node.includeSources);
      }
      case "groupWildcard": {
        const matches = wildcardMatcher(node.pattern);
        let out = NodeSet.empty(n);
        for (const [group, id] of index.groupIds) {
          if (matches(group)) out = out.union(NodeSet.fromSorted(n, index.groupMembers(id), policy), policy);
        }
        return this.#sources(out, node.includeSources);
      }
      case "tag": {
        const nodes = node.key === null ? undefined : index.tags.get(node.key)?.get(node.value);
        return this.#sources(this.#postings(nodes), node.includeSources);
      }
      case "kind": {
        if (node.kind === null) {
          let any = NodeSet.empty(n);
          for (const nodes of index.kinds.values()) any = any.union(this.#postings(nodes), policy);
          return this.#sources(any.complement(policy), node.includeSources);
        }
        return this.#sources(this.#postings(index.kinds.get(node.kind)), node.includeSources);
      }
      case "owner":
        return this.#postings(node.owner === null ? undefined : index.owners.get(node.owner));
      case "is":
        return node.attribute === "external" ? index.externalSet : index.materializableSet;
      case "codeLocation": {
        const location = this.#options.codeLocation;
        if (location === undefined) {
          throw new UnsupportedSelectionError(
            "code_location",
            `code_location:${node.location ?? "<null>"} cannot be resolved against definitions alone: they do not know the code location they are loaded as. ` +
              "Resolve with resolve(defs, { codeLocation: \"<name>\" }), or select by key, group, tag, owner or kind.",
          );
        }
        return node.location === location ? NodeSet.full(n) : NodeSet.empty(n);
      }
      case "status": {
        const health = this.#options.assetHealth;
        if (health === undefined) throw new SelectionNeedsInstanceError(`status:${node.status}`);
        const out = new Uint8Array(n);
        for (let i = 0; i < n; i++) if ((health.get(graph.ids[i] as string) ?? "UNKNOWN") === node.status) out[i] = 1;
        return this.#sources(NodeSet.fromMask(out, undefined, policy), node.includeSources);
      }
      case "partitions": {
        const out = new Uint8Array(n);
        if (node.partitions !== null) for (let i = 0; i < n; i++) if (partitionsKindOf(graph.specs[i]?.partitionsDef) === node.partitions) out[i] = 1;
        return NodeSet.fromMask(out, undefined, policy);
      }
      case "unresolvable":
        throw new UnsupportedSelectionError(node.attribute, unresolvableMessage(node.attribute, node.text));
      case "or": {
        let out = NodeSet.empty(n);
        for (const operand of node.operands) out = out.union(this.set(operand), policy);
        return out;
      }
      case "and": {
        const [first, ...rest] = node.operands;
        if (!first) return NodeSet.empty(n);
        let out = this.set(first);
        // Every operand is resolved, even once the intersection is empty: an unknown key still throws.
        for (const operand of rest) out = out.intersect(this.set(operand), policy);
        return out;
      }
      case "minus":
        return this.set(node.left).minus(this.set(node.right), policy);
      case "upstream": {
        const selected = this.set(node.child);
        if (selected.size === 0) return selected;
        let out = reach(index, index.up, selected, node.depth, policy);
        if (!node.includeSelf) out = out.minus(selected, policy);
        // As in the reference, upstream never yields external assets, not even selected ones.
        return this.#materializable(out);
      }
      case "downstream": {
        const selected = this.set(node.child);
        const out = reach(index, index.down, selected, node.depth, policy);
        return node.includeSelf ? out : out.minus(selected, policy);
      }
      case "roots":
        return withoutReachableFromOthers(index, index.down, this.set(node.child), policy);
      case "sinks":
        return withoutReachableFromOthers(index, index.up, this.set(node.child), policy);
      case "materializable":
        return this.#materializable(this.set(node.child));
      case "requiredNeighbors": {
        const selected = this.set(node.child);
        const out: number[] = [];
        selected.forEach((i) => {
          for (const sibling of index.executionSet(i)) out.push(sibling);
        });
        return NodeSet.fromUnsorted(n, Int32Array.from(out), policy);
      }
      case "upstreamSources": {
        const selected = this.set(node.child);
        if (selected.size === 0) return selected;
        return reach(index, index.up, selected, null, policy).intersect(index.externalSet, policy);
      }
      case "allChecks":
      case "checksForAssets":
      case "checkKeys":
        // Check selections select checks, never assets.
        return NodeSet.empty(n);
      default:
        throw new InvalidDefinitionError(`Unknown asset selection node ${JSON.stringify((node as { type?: unknown }).type)}`);
    }
  }

  // Posting lists are ascending node ids; the set gets its own copy so the index's stays untouched.
  #postings(nodes: readonly number[] | undefined): NodeSet {
    const n = this.#index.size;
    return nodes === undefined || nodes.length === 0 ? NodeSet.empty(n) : NodeSet.fromSorted(n, Int32Array.from(nodes), this.#policy);
  }

  #materializable(set: NodeSet): NodeSet {
    return this.#index.allMaterializable ? set : set.intersect(this.#index.materializableSet, this.#policy);
  }

  // Attribute leaves hold external assets only when asked to, as in the reference.
  #sources(set: NodeSet, includeSources: boolean): NodeSet {
    return includeSources ? set : this.#materializable(set);
  }
}

/** The `partitions:` value that selects an asset with this partitions definition. */
export function partitionsKindOf(def: PartitionsDefinition | undefined): PartitionsKind {
  if (def === undefined) return "none";
  if (def instanceof TimeWindowPartitionsDefinition) return "time";
  if (def instanceof MultiPartitionsDefinition) return "multipartitions";
  if (def instanceof DynamicPartitionsDefinition) return "dynamic";
  return "static";
}

export function unresolvableMessage(attribute: string, text: string): string {
  const why: Record<string, string> = {
    not_materialized_in_hours: "it depends on the materialization history in an instance",
    changed_in_branch: "it compares deployments of a branch",
    sensor: "sensors are not part of the asset graph",
    schedule: "schedules are not part of the asset graph",
    job: "jobs are not part of the asset graph",
    automation_type: "automation is not part of the asset graph",
    column: "column lineage is not recorded in the asset graph",
    column_tag: "column tags are not recorded in the asset graph",
    table_name: "table names are not recorded in the asset graph",
  };
  return (
    `${text} cannot be resolved against definitions: ${why[attribute] ?? "this process does not have the information it needs"}. ` +
    "Select by key, group, tag, owner or kind instead."
  );
}
