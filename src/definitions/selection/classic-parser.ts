// The classic selection clause of the reference: `name`, `*name`, `name*`, `+name`, `name++`, `*name+`.
import { AssetKey, InvalidAssetKeyError } from "../../core/index.js";
import type { ParseResult } from "./attribute-parser.js";
import { describeChar } from "./attribute-lexer.js";
import { freezeNode, orNode, type SelectionNode } from "./selection-node.js";

/**
 * Parses one clause `("*" | "+"*) name ("+"* | "*")`, where `*` is unlimited depth and each `+` one
 * level (the reference's regular expression, whose star comes before the pluses upstream and after
 * them downstream). `name` is an asset key, segments joined by `/`.
 */
export function parseClassicClause(text: string, endLabel = "end of input"): ParseResult {
  const n = text.length;
  let i = 0;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  let end = n;
  while (end > i && isSpace(text.charCodeAt(end - 1))) end--;
  const fail = (position: number, expected: readonly string[], hint?: string): ParseResult => ({
    ok: false,
    failure: {
      position,
      length: 1,
      found: position >= end ? endLabel : foundAt(text, position),
      expected,
      ...(hint ? { hint } : {}),
    },
  });

  let up = 0;
  if (text[i] === "*") {
    up = Infinity;
    i++;
  }
  while (text[i] === "+") {
    if (up !== Infinity) up++;
    i++;
  }
  const nameStart = i;
  while (i < end && isNameChar(text.charCodeAt(i))) i++;
  if (i === nameStart) {
    const expected = up === 0 && nameStart === skipSpace(text) ? ["an asset key", "`*`", "`+`"] : ["an asset key"];
    return fail(i, expected);
  }
  const name = text.slice(nameStart, i);
  let down = 0;
  while (text[i] === "+") {
    down++;
    i++;
  }
  if (text[i] === "*") {
    down = Infinity;
    i++;
  }
  if (i < end) return fail(i, down === Infinity ? [endLabel] : down > 0 ? ["`+`", "`*`", endLabel] : ["`+`", "`*`", "`/`", endLabel]);

  let key: AssetKey;
  try {
    key = AssetKey.from(name);
  } catch (error) {
    if (!(error instanceof InvalidAssetKeyError)) throw error;
    const empty = name.startsWith("/") ? nameStart : name.endsWith("/") ? nameStart + name.length - 1 : nameStart + name.indexOf("//") + 1;
    return {
      ok: false,
      failure: { position: empty, length: 1, found: "an empty key segment", expected: ["a key segment"], hint: "Asset keys are segments joined by single `/`s, e.g. `raw/orders`." },
    };
  }
  const keys: SelectionNode = freezeNode({ type: "keys", keys: [key] });
  const depth = (d: number): number | null => (d === Infinity ? null : d);
  const upstream: SelectionNode | undefined = up ? freezeNode({ type: "upstream", child: keys, depth: depth(up), includeSelf: true }) : undefined;
  const downstream: SelectionNode | undefined = down ? freezeNode({ type: "downstream", child: keys, depth: depth(down), includeSelf: true }) : undefined;
  if (upstream && downstream) return { ok: true, node: orNode([upstream, downstream]) };
  return { ok: true, node: upstream ?? downstream ?? keys };
}

// Key characters of Tessera (letters, digits, `_`, `-`, `.`) and the `/` between segments.
function isNameChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46 || c === 47;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
}

function skipSpace(text: string): number {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

function foundAt(text: string, position: number): string {
  const ch = String.fromCodePoint(text.codePointAt(position) as number);
  return describeChar(ch);
}
