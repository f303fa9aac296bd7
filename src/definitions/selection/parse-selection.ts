// Selection strings: tries the attribute grammar, then the classic clause, then the legacy `tag:k=v` form, as the reference does.
import { parseAttributeSelection, type ParseFailure } from "./attribute-parser.js";
import { parseClassicClause } from "./classic-parser.js";
import { SelectionSyntaxError } from "./errors.js";
import { freezeNode, orNode, type SelectionNode } from "./selection-node.js";

/** Options for `AssetSelection.fromString()`. */
export interface FromStringOptions {
  /**
   * Whether `*`, `not` and the `tag:`, `group:` and `kind:` attributes take in external assets
   * (the reference's `include_sources`). `key:` and `owner:` always do.
   * @default false
   */
  includeSources?: boolean;
}

/**
 * Parses a selection string into its tree. Comma-separated parts (outside quotes) are parsed one by
 * one and united, as the reference's CLI does with `--select a,b`. Each part is read as the attribute
 * grammar when it parses as one; otherwise as a classic clause (`*name+`); otherwise, for
 * `tag:key=value` with characters the attribute grammar does not take unquoted, as a tag.
 */
export function parseSelection(text: string, options: FromStringOptions = {}): SelectionNode {
  if (typeof text !== "string") {
    throw new SelectionSyntaxError(String(text), 0, 1, `a ${text === null ? "null" : typeof text}`, ["a selection string"]);
  }
  const parts = splitOnCommas(text);
  if (parts.length === 1) return parsePart(text, text, 0, "end of input", options);
  const nodes = parts.map(({ start, end }, i) => {
    const last = i === parts.length - 1;
    return parsePart(text, text.slice(start, end), start, last ? "end of input" : "`,`", options);
  });
  return orNode(nodes);
}

function parsePart(whole: string, part: string, offset: number, endLabel: string, options: FromStringOptions): SelectionNode {
  if (part.trim() === "") {
    throw new SelectionSyntaxError(whole, offset + part.length, 1, endLabel, [
      "an asset key",
      "`*`",
      "an attribute such as `key:name`",
    ], "A selection cannot be empty; write `*` to select every asset.");
  }
  const attribute = parseAttributeSelection(part, { includeSources: options.includeSources ?? false, endLabel });
  if (attribute.ok) return attribute.node;
  const classic = parseClassicClause(part, endLabel);
  if (classic.ok) return classic.node;
  const tag = legacyTag(part);
  if (tag) {
    if ("failure" in tag) throw syntaxError(whole, offset, tag.failure);
    return tag.node;
  }
  throw syntaxError(whole, offset, looksClassic(part) ? classic.failure : attribute.failure);
}

/** `tag:key` or `tag:key=value` taken verbatim (the reference's fallback for characters the grammar needs quoted). */
function legacyTag(part: string): { node: SelectionNode } | { failure: ParseFailure } | undefined {
  const start = part.length - part.trimStart().length;
  const text = part.trim();
  if (!text.startsWith("tag:")) return undefined;
  const rest = text.slice(4);
  // Only one word: a longer text is an attribute expression with a mistake, better reported as such.
  if (!/^[^\s()"=][^\s()"]*$/.test(rest)) return undefined;
  const pieces = rest.split("=");
  if (pieces.length > 2) {
    const second = start + 4 + (pieces[0] as string).length + 1 + (pieces[1] as string).length;
    return { failure: { position: second, length: 1, found: "a second `=`", expected: ["one `=` between the tag key and value"], hint: 'Quote a value that holds `=`: tag:key="a=b".' } };
  }
  const [key, value = ""] = pieces as [string, string?];
  return { node: freezeNode({ type: "tag", key, value, includeSources: false }) };
}

/** No attribute syntax at all: the user most likely meant a classic clause, so its error reads better. */
function looksClassic(part: string): boolean {
  return !/[:()"<=,]/.test(part) && !/(^|\s)(and|or|not|AND|OR|NOT)(\s|$)/.test(part);
}

function syntaxError(whole: string, offset: number, failure: ParseFailure): SelectionSyntaxError {
  return new SelectionSyntaxError(whole, offset + failure.position, failure.length, failure.found, failure.expected, failure.hint);
}

/** Spans of the comma-separated parts of `text`, ignoring commas inside double quotes. */
function splitOnCommas(text: string): { start: number; end: number }[] {
  const parts: { start: number; end: number }[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === "," && !quoted) {
      parts.push({ start, end: i });
      start = i + 1;
    }
  }
  parts.push({ start, end: text.length });
  return parts;
}
