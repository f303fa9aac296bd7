// Tokens of the attribute selection grammar, with the reference lexer's rules (longest match, keywords win ties).

export type TokenType =
  | "AND"
  | "OR"
  | "NOT"
  | "STAR"
  | "PLUS"
  | "DIGITS"
  | "COLON"
  | "LPAREN"
  | "RPAREN"
  | "COMMA"
  | "EQUAL"
  | "KEYWORD"
  | "QUOTED"
  | "UNQUOTED"
  | "WILDCARD"
  | "NULL"
  | "EOF"
  | "ERROR";

export interface Token {
  readonly type: TokenType;
  /** The source text (for QUOTED, with its quotes). */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** For ERROR tokens: what was wrong and what would have been accepted. */
  readonly problem?: { found: string; expected: readonly string[]; hint?: string; length: number };
}

/** Attribute names and function names; they are reserved words, so a value spelled like one must be quoted. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  "key",
  "owner",
  "group",
  "tag",
  "kind",
  "is",
  "code_location",
  "status",
  "column",
  "table_name",
  "column_tag",
  "changed_in_branch",
  "partitions",
  "automation_type",
  "sensor",
  "schedule",
  "job",
  "sinks",
  "roots",
  "not_materialized_in_hours",
]);

const SINGLE: Readonly<Record<string, TokenType>> = {
  "+": "PLUS",
  ":": "COLON",
  "(": "LPAREN",
  ")": "RPAREN",
  ",": "COMMA",
  "=": "EQUAL",
};

/**
 * Splits `text` into tokens. Lexing stops at the first character no token can start with,
 * which becomes an ERROR token: the parser reports it only if it gets that far.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    const start = i;
    const ch = text[i] as string;
    if (isWordStart(c) || c === 42 /* * */) {
      // UNQUOTED: [a-zA-Z_][a-zA-Z0-9_/]*   UNQUOTED_WILDCARD: [a-zA-Z_*][a-zA-Z0-9_*/]*
      let plain = 0;
      if (c !== 42) {
        plain = 1;
        while (start + plain < n && isWordPart(text.charCodeAt(start + plain))) plain++;
      }
      let wild = 1;
      while (start + wild < n && (isWordPart(text.charCodeAt(start + wild)) || text.charCodeAt(start + wild) === 42)) wild++;
      if (wild > plain) {
        // A lone `*` is STAR: both rules match one character and STAR is declared first.
        tokens.push({ type: wild === 1 ? "STAR" : "WILDCARD", text: text.slice(start, start + wild), start, end: start + wild });
        i = start + wild;
        continue;
      }
      const word = text.slice(start, start + plain);
      tokens.push({ type: wordType(word), text: word, start, end: start + plain });
      i = start + plain;
      continue;
    }
    if (c >= 48 && c <= 57) {
      while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
      tokens.push({ type: "DIGITS", text: text.slice(start, i), start, end: i });
      continue;
    }
    if (ch === '"') {
      i++;
      while (i < n && text[i] !== '"' && text[i] !== "\\" && text[i] !== "\r" && text[i] !== "\n") i++;
      if (i < n && text[i] === '"') {
        tokens.push({ type: "QUOTED", text: text.slice(start, i + 1), start, end: i + 1 });
        i++;
        continue;
      }
      if (i >= n) {
        tokens.push(error(start, n - start, `an unterminated quoted value ${show(text.slice(start))}`, ['a closing `"`']));
      } else {
        tokens.push(
          error(i, 1, `${describeChar(text[i] as string)} inside a quoted value`, ['a closing `"`'], 'Quoted values cannot hold `\\`, `"` or line breaks.'),
        );
      }
      return finish(tokens, text);
    }
    if (ch === "<") {
      if (text.startsWith("<null>", i)) {
        tokens.push({ type: "NULL", text: "<null>", start, end: i + 6 });
        i += 6;
        continue;
      }
      const run = /^<[^\s()]*/.exec(text.slice(i))?.[0] ?? "<";
      tokens.push(error(start, run.length, show(run), ["`<null>`"]));
      return finish(tokens, text);
    }
    const single = SINGLE[ch];
    if (single) {
      tokens.push({ type: single, text: ch, start, end: i + 1 });
      i++;
      continue;
    }
    const full = String.fromCodePoint(text.codePointAt(i) as number);
    tokens.push(error(start, full.length, describeChar(full), []));
    return finish(tokens, text);
  }
  return finish(tokens, text);
}

function finish(tokens: Token[], text: string): Token[] {
  const last = tokens[tokens.length - 1];
  if (!last || last.type !== "ERROR") tokens.push({ type: "EOF", text: "", start: text.length, end: text.length });
  return tokens;
}

function wordType(word: string): TokenType {
  if (word === "and" || word === "AND") return "AND";
  if (word === "or" || word === "OR") return "OR";
  if (word === "not" || word === "NOT") return "NOT";
  return KEYWORDS.has(word) ? "KEYWORD" : "UNQUOTED";
}

function error(start: number, length: number, found: string, expected: readonly string[], hint?: string): Token {
  return {
    type: "ERROR",
    text: "",
    start,
    end: start + length,
    problem: { found, expected, length, ...(hint === undefined ? {} : { hint }) },
  };
}

function isWordStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isWordPart(c: number): boolean {
  return isWordStart(c) || (c >= 48 && c <= 57) || c === 47 /* / */;
}

/** A token's text for messages. */
export function show(text: string): string {
  return `\`${text.length > 40 ? `${text.slice(0, 40)}…` : text}\``;
}

export function describeChar(ch: string): string {
  if (ch === " ") return "a space";
  if (ch === "\t") return "a tab";
  if (ch === "\n" || ch === "\r") return "a line break";
  if (ch === "\\") return "`\\`";
  const code = ch.codePointAt(0) ?? 0;
  if (code < 32 || code === 127) return `the control character U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return `\`${ch}\``;
}
