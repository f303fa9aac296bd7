// A recursive-descent parser for the attribute selection grammar (`key:a+ and not tag:pii`), mirroring the reference's.
import { closestMatches } from "../../core/index.js";
import { KEYWORDS, show, tokenize, type Token, type TokenType } from "./attribute-lexer.js";
import { AssetHealthStatus, MAX_DEPTH, PARTITIONS_KINDS, andNode, freezeNode, orNode, type PartitionsKind, type SelectionNode } from "./selection-node.js";

/** Where and why a parse failed; positions are offsets into the parsed text. */
export interface ParseFailure {
  readonly position: number;
  readonly length: number;
  readonly found: string;
  readonly expected: readonly string[];
  readonly hint?: string;
}

export type ParseResult = { readonly ok: true; readonly node: SelectionNode } | { readonly ok: false; readonly failure: ParseFailure };

export interface AttributeParseOptions {
  /** Whether `*`, `not` and the `tag:`/`group:`/`kind:` attributes take in external assets. @default false */
  includeSources?: boolean;
  /** How the end of the text reads in messages (a comma list ends a part at a comma). @default "end of input" */
  endLabel?: string;
}

/**
 * Parses the attribute grammar:
 *
 *   start     := expr EOF
 *   expr      := and ("or" and)*                    — `and` binds tighter than `or`, both left-associative
 *   and       := unary ("and" unary)*
 *   unary     := "not" unary | "*" | DIGITS? "+" primary ("+" DIGITS?)? | primary ("+" DIGITS?)?
 *   primary   := attribute | ("roots" | "sinks") "(" expr ")" | "(" expr ")"
 *   attribute := "key:" keyValue | "tag:" value ("=" value)? | "owner:" value | "group:" value | "kind:" value
 *              | "is:" value | "code_location:" value | "status:" value | ... (the reference's list)
 */
export function parseAttributeSelection(text: string, options: AttributeParseOptions = {}): ParseResult {
  const parser = new Parser(text, tokenize(text), options.includeSources ?? false, options.endLabel ?? "end of input");
  try {
    return { ok: true, node: parser.start() };
  } catch (error) {
    if (error instanceof Failure) return { ok: false, failure: error.failure };
    throw error;
  }
}

class Failure {
  constructor(readonly failure: ParseFailure) {}
}

const ATTRIBUTE_LIST = "an attribute (`key:`, `tag:`, `group:`, `owner:`, `kind:`, `is:`, ...)";
const OPERAND = [ATTRIBUTE_LIST, "`*`", "`not`", "`+`", "`(`", "`roots(`", "`sinks(`"];
const TRAVERSABLE = [ATTRIBUTE_LIST, "`(`", "`roots(`", "`sinks(`"];
const VALUE = ["a name", "a quoted value", "`<null>`"];
const KEY_VALUE = ["an asset key (`name`, `prefix/name`, a wildcard like `raw/*`)", "a quoted key"];
/** Deeper nesting is refused rather than risking the call stack. */
const MAX_NESTING = 256;
const HEALTH_STATUSES: ReadonlySet<string> = new Set(Object.values(AssetHealthStatus));
/** Keywords the grammar also takes as plain values. */
const KEYWORD_VALUES: ReadonlySet<string> = new Set(["sensor", "schedule", "job"]);

class Parser {
  readonly #text: string;
  readonly #tokens: readonly Token[];
  readonly #includeSources: boolean;
  readonly #endLabel: string;
  #at = 0;
  #depth = 0;
  /** Whether the operand just parsed could still take a `+` (a downstream traversal). */
  #plusAllowed = false;

  constructor(text: string, tokens: readonly Token[], includeSources: boolean, endLabel: string) {
    this.#text = text;
    this.#tokens = tokens;
    this.#includeSources = includeSources;
    this.#endLabel = endLabel;
  }

  start(): SelectionNode {
    const node = this.#or();
    if (this.#peek().type !== "EOF") this.#fail(this.#peek(), this.#afterOperand(false));
    return node;
  }

  // Operands are collected first: folding `a or b or c ...` pairwise would copy the list at every step.
  #or(): SelectionNode {
    const operands = [this.#and()];
    while (this.#peek().type === "OR") {
      this.#next();
      operands.push(this.#and());
    }
    return operands.length === 1 ? (operands[0] as SelectionNode) : orNode(operands);
  }

  #and(): SelectionNode {
    const operands = [this.#unary()];
    while (this.#peek().type === "AND") {
      this.#next();
      operands.push(this.#unary());
    }
    return operands.length === 1 ? (operands[0] as SelectionNode) : andNode(operands);
  }

  #unary(): SelectionNode {
    const token = this.#peek();
    if (++this.#depth > MAX_NESTING) {
      this.#fail(token, [], `The selection nests \`not\`, parentheses or function calls more than ${MAX_NESTING} levels deep.`);
    }
    try {
      return this.#unaryInner(token);
    } finally {
      this.#depth--;
    }
  }

  #unaryInner(token: Token): SelectionNode {
    if (token.type === "NOT") {
      this.#next();
      const operand = this.#unary();
      return freezeNode({ type: "minus", left: this.#all(), right: operand });
    }
    if (token.type === "STAR") {
      this.#next();
      this.#plusAllowed = false;
      return this.#all();
    }
    let up: number | null | undefined;
    if (token.type === "DIGITS") {
      this.#next();
      const plus = this.#peek();
      if (plus.type !== "PLUS") this.#fail(plus, ["`+` after the depth (as in `2+key:a`)"]);
      this.#next();
      up = depthOf(token.text);
    } else if (token.type === "PLUS") {
      this.#next();
      up = null;
    }
    const primary = this.#primary(up !== undefined);
    let down: number | null | undefined;
    if (this.#peek().type === "PLUS") {
      this.#next();
      const digits = this.#peek();
      if (digits.type === "DIGITS") {
        this.#next();
        down = depthOf(digits.text);
      } else {
        down = null;
      }
    }
    this.#plusAllowed = down === undefined;
    const upstream: SelectionNode | undefined =
      up === undefined ? undefined : freezeNode({ type: "upstream", child: primary, depth: up, includeSelf: true });
    const downstream: SelectionNode | undefined =
      down === undefined ? undefined : freezeNode({ type: "downstream", child: primary, depth: down, includeSelf: true });
    if (upstream && downstream) return orNode([upstream, downstream]);
    return upstream ?? downstream ?? primary;
  }

  #primary(traversed: boolean): SelectionNode {
    const token = this.#peek();
    if (token.type === "LPAREN") {
      this.#next();
      return this.#closeParen(this.#or());
    }
    if (token.type === "KEYWORD" && (token.text === "roots" || token.text === "sinks")) {
      this.#next();
      this.#expect("LPAREN", [`\`(\` after \`${token.text}\``]);
      const child = this.#closeParen(this.#or());
      return freezeNode({ type: token.text === "roots" ? "roots" : "sinks", child });
    }
    if (token.type === "KEYWORD") return this.#attribute();
    this.#fail(token, traversed ? TRAVERSABLE : OPERAND, this.#operandHint(token, traversed));
  }

  #closeParen(node: SelectionNode): SelectionNode {
    if (this.#peek().type !== "RPAREN") this.#fail(this.#peek(), this.#afterOperand(true));
    this.#next();
    return node;
  }

  #attribute(): SelectionNode {
    const name = this.#next().text;
    this.#expect("COLON", [`\`:\` after \`${name}\``], `Write it as \`${name}:<value>\`; a value spelled \`${name}\` must be quoted.`);
    const sources = this.#includeSources;
    switch (name) {
      case "key": {
        const pattern = this.#keyValue();
        return freezeNode({ type: "keyWildcard", pattern });
      }
      case "tag": {
        const key = this.#value();
        let value: string | null = "";
        if (this.#peek().type === "EQUAL") {
          this.#next();
          value = this.#value();
        }
        return freezeNode({ type: "tag", key, value: value ?? "", includeSources: sources });
      }
      case "owner":
        return freezeNode({ type: "owner", owner: this.#value() });
      case "group": {
        const group = this.#value();
        if (group === null) return freezeNode({ type: "groups", groups: [], includeSources: sources });
        if (group.includes("*")) return freezeNode({ type: "groupWildcard", pattern: group, includeSources: sources });
        return freezeNode({ type: "groups", groups: [group], includeSources: sources });
      }
      case "kind":
        return freezeNode({ type: "kind", kind: this.#value(), includeSources: sources });
      case "is": {
        const token = this.#peek();
        const value = this.#value();
        if (value !== "external" && value !== "materializable") this.#fail(token, ["`external`", "`materializable`"]);
        return freezeNode({ type: "is", attribute: value });
      }
      case "code_location":
        return freezeNode({ type: "codeLocation", location: this.#value() });
      case "status": {
        // The reference upper-cases the value, so `status:healthy` is `status:HEALTHY`.
        const token = this.#peek();
        const value = this.#value()?.toUpperCase();
        if (value === undefined || !HEALTH_STATUSES.has(value)) {
          this.#fail(token, [...HEALTH_STATUSES].map((s) => `\`${s}\``), "`status:` selects assets by their health in the instance; the value is case-insensitive.");
        }
        return freezeNode({ type: "status", status: value as AssetHealthStatus, includeSources: sources });
      }
      case "partitions": {
        const token = this.#peek();
        const value = this.#value();
        if (value !== null && !(PARTITIONS_KINDS as readonly string[]).includes(value)) {
          this.#fail(token, [...PARTITIONS_KINDS, "<null>"].map((k) => `\`${k}\``), "`partitions:` selects assets by the kind of their partitions definition.");
        }
        return freezeNode({ type: "partitions", partitions: value as PartitionsKind | null });
      }
      case "column_tag": {
        const key = this.#value();
        let text = `column_tag:${quoteOrNull(key)}`;
        if (this.#peek().type === "EQUAL") {
          this.#next();
          const value = this.#value();
          if (value) text += `=${quoteOrNull(value)}`;
        }
        return freezeNode({ type: "unresolvable", attribute: name, text });
      }
      case "not_materialized_in_hours": {
        const token = this.#expect("DIGITS", ["a number of hours"]);
        return freezeNode({ type: "unresolvable", attribute: name, text: `${name}:${BigInt(token.text).toString()}` });
      }
      default:
        // column, table_name, changed_in_branch, partitions, automation_type, sensor, schedule, job:
        // attributes of state this process does not hold, kept so that resolving them can say so.
        return freezeNode({ type: "unresolvable", attribute: name, text: `${name}:${quoteOrNull(this.#value())}` });
    }
  }

  /** `value` of the grammar: a name, a quoted string, `<null>` (null) or one of the keywords allowed as values. */
  #value(): string | null {
    const token = this.#peek();
    if (token.type === "NULL") {
      this.#next();
      return null;
    }
    if (token.type === "QUOTED") {
      this.#next();
      return token.text.slice(1, -1);
    }
    if (token.type === "UNQUOTED" || (token.type === "KEYWORD" && KEYWORD_VALUES.has(token.text))) {
      this.#next();
      return token.text;
    }
    this.#fail(token, VALUE, this.#quoteHint(token));
  }

  /** `keyValue` of the grammar: a name, a quoted string, or an unquoted wildcard. */
  #keyValue(): string {
    const token = this.#peek();
    if (token.type === "QUOTED") {
      this.#next();
      return token.text.slice(1, -1);
    }
    if (token.type === "UNQUOTED" || token.type === "WILDCARD") {
      this.#next();
      return token.text;
    }
    this.#fail(token, KEY_VALUE, token.type === "STAR" ? 'To match every key, quote the wildcard: `key:"*"`.' : this.#quoteHint(token));
  }

  #all(): SelectionNode {
    return freezeNode({ type: "all", includeSources: this.#includeSources });
  }

  #peek(): Token {
    const token = this.#tokens[this.#at] as Token;
    if (token.type === "ERROR") this.#lexFailure(token);
    return token;
  }

  #next(): Token {
    const token = this.#peek();
    this.#at++;
    return token;
  }

  #expect(type: TokenType, expected: readonly string[], hint?: string): Token {
    const token = this.#peek();
    if (token.type !== type) this.#fail(token, expected, hint);
    return this.#next();
  }

  #afterOperand(inParens: boolean): string[] {
    return [...(this.#plusAllowed ? ["`+`"] : []), "`and`", "`or`", inParens ? "`)`" : this.#endLabel];
  }

  #fail(token: Token, expected: readonly string[], hint?: string): never {
    const found = token.type === "EOF" ? this.#endLabel : token.type === "COMMA" ? "`,` (a comma list cannot be nested)" : show(token.text);
    throw new Failure({ position: token.start, length: Math.max(1, token.end - token.start), found, expected, ...(hint ? { hint } : {}) });
  }

  #lexFailure(token: Token): never {
    const problem = token.problem as NonNullable<Token["problem"]>;
    let hint = problem.hint;
    // `key:my-asset`: a value that runs into a character only quoted values may hold.
    const previous = this.#tokens[this.#at - 1];
    const before = this.#tokens[this.#at - 2];
    if (!hint && previous && previous.end === token.start && before && (before.type === "COLON" || before.type === "EQUAL")) {
      if (previous.type === "UNQUOTED" || previous.type === "WILDCARD" || previous.type === "DIGITS") hint = this.#quoteAdvice(previous.start);
    }
    throw new Failure({ position: token.start, length: problem.length, found: problem.found, expected: problem.expected, ...(hint ? { hint } : {}) });
  }

  #quoteHint(token: Token): string | undefined {
    if (token.type === "KEYWORD" || token.type === "AND" || token.type === "OR" || token.type === "NOT" || token.type === "DIGITS") {
      return this.#quoteAdvice(token.start);
    }
    return undefined;
  }

  #operandHint(token: Token, traversed: boolean): string | undefined {
    if (token.type === "STAR" && traversed) return "`*` cannot be traversed; write `*` alone to select every asset.";
    if (token.type === "WILDCARD") return `Wildcards go after \`key:\`, as in \`key:${token.text}\`.`;
    if (token.type === "UNQUOTED") {
      const next = this.#tokens[this.#at + 1];
      if (next?.type === "COLON") {
        const near = closestMatches(token.text, KEYWORDS);
        return `\`${token.text}\` is not an attribute${near.length ? `; did you mean \`${near[0]}:\`` : ""}? Attributes are ${[...KEYWORDS].filter((k) => k !== "sinks" && k !== "roots").join(", ")}.`;
      }
      return `To select by key in this syntax write \`key:${token.text}\`; a bare name is the classic syntax (\`*name+\`), which has no \`and\`/\`or\`/\`not\`.`;
    }
    return undefined;
  }

  // Suggests quoting the run of characters a user meant as one value (up to whitespace, a parenthesis or the end).
  #quoteAdvice(valueStart: number): string {
    const run = (/^[^\s()]+/.exec(this.#text.slice(valueStart))?.[0] ?? "").replace(/["\\]/g, "");
    let prefix = "";
    for (let i = this.#at - 1; i > 0; i--) {
      const token = this.#tokens[i - 1] as Token;
      if (token.type === "KEYWORD" && this.#tokens[i]?.type === "COLON") {
        prefix = this.#text.slice(token.start, valueStart).replace(/\s+/g, "");
        break;
      }
    }
    return `Quote values that are not plain names (letters, digits, \`_\` and \`/\`, not starting with a digit) or that are keywords: \`${prefix}"${run}"\`.`;
  }
}

function depthOf(digits: string): number | null {
  const depth = Number(digits);
  return depth > MAX_DEPTH ? null : depth;
}

function quoteOrNull(value: string | null): string {
  return value === null ? "<null>" : `"${value}"`;
}

