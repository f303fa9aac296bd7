// Selection trees back to attribute-grammar strings that parse to selections resolving to the same assets.
import { SelectionNotExpressibleError } from "./errors.js";
import type { SelectionNode } from "./selection-node.js";

/** Options for `AssetSelection.toSelectionString()`. */
export interface ToSelectionStringOptions {
  /**
   * The `includeSources` the string will be parsed with (`fromString(text, { includeSources })`).
   * With `true`, every selection that has a string form can be written exactly; with the default
   * `false`, the attribute syntax cannot name external assets of a group, tag or kind, nor
   * subtract from a selection that may hold external assets.
   * @default false
   */
  includeSources?: boolean;
}

// Precedence levels of the grammar: a printed operand is wrapped in parentheses when its level is below the slot's.
const OR = 0;
const AND = 1;
const UNARY = 2;
const TRAVERSAL = 3;
const PRIMARY = 4;

interface Printed {
  readonly text: string;
  readonly level: number;
}

/** The string of `node` for `fromString(text, { includeSources })`, or a SelectionNotExpressibleError. */
export function toSelectionString(node: SelectionNode, options: ToSelectionStringOptions = {}): string {
  return new Printer(options.includeSources ?? false).print(node).text;
}

const NOTHING: Printed = { text: "not *", level: UNARY };

class Printer {
  readonly #includeSources: boolean;

  constructor(includeSources: boolean) {
    this.#includeSources = includeSources;
  }

  print(node: SelectionNode): Printed {
    switch (node.type) {
      case "all":
        if (node.includeSources === this.#includeSources) return { text: "*", level: TRAVERSAL };
        return node.includeSources ? { text: 'key:"*"', level: PRIMARY } : { text: "is:materializable", level: PRIMARY };
      case "keys":
        return this.#any(node.keys.map((key) => `key:${quote(key.toString())}`));
      case "keyWildcard":
        return { text: `key:${quote(node.pattern)}`, level: PRIMARY };
      case "keyPrefixes": {
        const terms = node.prefixes.flatMap((prefix) => {
          if (prefix.length === 0) return ['key:"*"'];
          const path = prefix.join("/");
          if (path.includes("*")) throw new SelectionNotExpressibleError(`The key prefix "${path}" holds a \`*\`, which the \`key:\` attribute reads as a wildcard.`);
          return [`key:${quote(path)}`, `key:${quote(`${path}/*`)}`];
        });
        if (terms.length === 0) return NOTHING;
        // `key:` takes external assets whatever fromString's includeSources: filter them out explicitly.
        const any = this.#any(terms);
        if (node.includeSources) return any;
        return { text: `${any.level >= UNARY ? any.text : `(${any.text})`} and is:materializable`, level: AND };
      }
      case "groups":
        if (node.groups.length === 0) return { text: "group:<null>", level: PRIMARY };
        return this.#sourced(this.#any(node.groups.map((group) => `group:${quote(group)}`)), node.includeSources, "groups");
      case "groupWildcard":
        return this.#sourced({ text: `group:${quote(node.pattern)}`, level: PRIMARY }, node.includeSources, "groups");
      case "tag": {
        if (node.key === null) return { text: "tag:<null>", level: PRIMARY };
        const text = `tag:${quote(node.key)}${node.value === "" ? "" : `=${quote(node.value)}`}`;
        return this.#sourced({ text, level: PRIMARY }, node.includeSources, "tag");
      }
      case "kind":
        return this.#sourced({ text: `kind:${node.kind === null ? "<null>" : quote(node.kind)}`, level: PRIMARY }, node.includeSources, "kind");
      case "owner":
        return { text: `owner:${node.owner === null ? "<null>" : quote(node.owner)}`, level: PRIMARY };
      case "is":
        return { text: `is:${node.attribute}`, level: PRIMARY };
      case "codeLocation":
        return { text: `code_location:${node.location === null ? "<null>" : quote(node.location)}`, level: PRIMARY };
      case "partitions":
        return { text: `partitions:${node.partitions ?? "<null>"}`, level: PRIMARY };
      case "status":
        return this.#sourced({ text: `status:${node.status}`, level: PRIMARY }, node.includeSources, "status");
      case "unresolvable":
        return { text: node.text, level: PRIMARY };
      case "or":
        return node.operands.length === 0 ? NOTHING : { text: node.operands.map((o) => this.#operand(o, AND)).join(" or "), level: OR };
      case "and":
        return node.operands.length === 0 ? NOTHING : { text: node.operands.map((o) => this.#operand(o, UNARY)).join(" and "), level: AND };
      case "minus":
        return this.#minus(node.left, node.right);
      case "upstream": {
        const base = node.includeSelf ? node : { ...node, includeSelf: true };
        const text = `${node.depth === null ? "" : node.depth}+${this.#operand(node.child, PRIMARY)}`;
        return node.includeSelf ? { text, level: TRAVERSAL } : this.#minus(base, node.child);
      }
      case "downstream": {
        const base = node.includeSelf ? node : { ...node, includeSelf: true };
        const text = `${this.#operand(node.child, PRIMARY)}+${node.depth === null ? "" : node.depth}`;
        return node.includeSelf ? { text, level: TRAVERSAL } : this.#minus(base, node.child);
      }
      case "roots":
      case "sinks":
        return { text: `${node.type}(${this.print(node.child).text})`, level: PRIMARY };
      case "materializable":
        if (materializableOnly(node.child)) return this.print(node.child);
        return { text: `${this.#operand(node.child, UNARY)} and is:materializable`, level: AND };
      case "requiredNeighbors":
        throw new SelectionNotExpressibleError("requiredMultiAssetNeighbors() has no selection-string form: the attribute syntax cannot name the other assets of a multi-asset.");
      case "upstreamSources":
        throw new SelectionNotExpressibleError("upstreamSourceAssets() has no selection-string form: upstream traversals in the attribute syntax never yield external assets.");
      case "allChecks":
      case "checksForAssets":
      case "checkKeys":
        throw new SelectionNotExpressibleError("Selections of asset checks have no selection-string form.");
    }
  }

  #operand(node: SelectionNode, level: number): string {
    const printed = this.print(node);
    return printed.level >= level ? printed.text : `(${printed.text})`;
  }

  #any(terms: readonly string[]): Printed {
    if (terms.length === 0) return NOTHING;
    return terms.length === 1 ? { text: terms[0] as string, level: PRIMARY } : { text: terms.join(" or "), level: OR };
  }

  // An attribute leaf reads external assets per fromString's includeSources; adjust when the leaf was built otherwise.
  #sourced(printed: Printed, includeSources: boolean, what: string): Printed {
    if (includeSources === this.#includeSources) return printed;
    if (this.#includeSources) return { text: `${printed.level >= UNARY ? printed.text : `(${printed.text})`} and is:materializable`, level: AND };
    throw new SelectionNotExpressibleError(
      `A ${what} selection with includeSources: true has no string form for fromString's default includeSources: false, which reads it without external assets. ` +
        "Write it with toSelectionString({ includeSources: true }) and parse it with fromString(text, { includeSources: true }).",
    );
  }

  // `not x` complements within the assets fromString's includeSources covers: exact when the left side holds nothing else.
  #minus(left: SelectionNode, right: SelectionNode): Printed {
    const all = left.type === "all" && left.includeSources === this.#includeSources;
    if (all) return { text: `not ${this.#operand(right, UNARY)}`, level: UNARY };
    const difference = `${this.#operand(left, UNARY)} and not ${this.#operand(right, UNARY)}`;
    if (this.#includeSources || materializableOnly(left)) return { text: difference, level: AND };
    const leftKeys = explicitKeys(left);
    const rightKeys = explicitKeys(right);
    if (leftKeys && rightKeys) {
      const removed = new Set(rightKeys);
      return this.#any(leftKeys.filter((key) => !removed.has(key)).map((key) => `key:${quote(key)}`));
    }
    if (materializableOnly(right)) {
      // External assets of the left side are never in the right side, so they all stay.
      return { text: `(${difference}) or (${this.#operand(left, UNARY)} and is:external)`, level: OR };
    }
    throw new SelectionNotExpressibleError(
      "A difference of two selections that may both hold external assets has no string form for fromString's default includeSources: false, " +
        "whose `not` ranges over materializable assets only. Write it with toSelectionString({ includeSources: true }) and parse it with fromString(text, { includeSources: true }).",
    );
  }
}

/**
 * The keys (`a/b`) a selection of named assets resolves to whatever the graph — named keys combined by
 * `or`, `and` and `minus` — or undefined. Named keys select external assets too, which `not` in the
 * default grammar cannot, so their differences are printed as the remaining keys.
 */
function explicitKeys(node: SelectionNode): string[] | undefined {
  switch (node.type) {
    case "keys":
      return [...new Set(node.keys.map(String))];
    case "or":
    case "and": {
      const sets = node.operands.map(explicitKeys);
      if (sets.some((set) => set === undefined)) return undefined;
      const [first = [], ...rest] = sets as string[][];
      if (node.type === "or") return [...new Set([first, ...rest].flat())];
      return first.filter((key) => rest.every((set) => set.includes(key)));
    }
    case "minus": {
      const left = explicitKeys(node.left);
      const right = explicitKeys(node.right);
      if (!left || !right) return undefined;
      return left.filter((key) => !right.includes(key));
    }
    default:
      return undefined;
  }
}

/** Whether `node` can only ever resolve to materializable assets, whatever the graph. */
export function materializableOnly(node: SelectionNode): boolean {
  switch (node.type) {
    case "all":
    case "keyPrefixes":
    case "groupWildcard":
    case "kind":
      return !node.includeSources;
    case "groups":
      return !node.includeSources || node.groups.length === 0;
    case "tag":
      return !node.includeSources || node.key === null;
    case "status":
      return !node.includeSources;
    case "keys":
      return node.keys.length === 0;
    case "owner":
      return node.owner === null;
    case "is":
      return node.attribute === "materializable";
    case "or":
      return node.operands.every(materializableOnly);
    case "and":
      return node.operands.some(materializableOnly);
    case "minus":
      return materializableOnly(node.left);
    case "roots":
    case "sinks":
    case "requiredNeighbors":
      return materializableOnly(node.child);
    case "upstream":
    case "materializable":
    case "allChecks":
    case "checksForAssets":
    case "checkKeys":
      return true;
    case "keyWildcard":
    case "codeLocation":
    case "partitions":
    case "unresolvable":
    case "downstream":
    case "upstreamSources":
      return false;
  }
}

function quote(value: string): string {
  if (/["\\\r\n]/.test(value)) {
    throw new SelectionNotExpressibleError(`${JSON.stringify(value)} cannot be written in a selection string: quoted values cannot hold \`"\`, \`\\\` or line breaks.`);
  }
  return `"${value}"`;
}
