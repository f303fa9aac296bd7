// Completion for the selection box: attribute names (`group:`, `kind:`, `tag:` ...), then their values from the
// workspace (asset keys, groups, kinds, tags, owners, code locations), and asset keys for a bare word. Pure, so the
// page only renders what this returns.

export interface Vocabulary {
  readonly keys: readonly string[];
  readonly groups: readonly string[];
  readonly kinds: readonly string[];
  readonly tags: readonly string[];
  readonly owners: readonly string[];
  readonly locations: readonly string[];
}

export interface Suggestion {
  /** What the list shows. */
  readonly label: string;
  /** What replaces text[from, to). */
  readonly insert: string;
  readonly detail: string;
}

export interface Completion {
  readonly from: number;
  readonly to: number;
  readonly suggestions: readonly Suggestion[];
}

export const ATTRIBUTES = ["key", "group", "kind", "tag", "owner", "is", "status", "code_location"] as const;
const FIXED_VALUES: Record<string, readonly string[]> = {
  is: ["external", "materializable"],
  status: ["HEALTHY", "WARNING", "DEGRADED", "UNKNOWN"],
};
const FUNCTIONS = ["roots(", "sinks(", "not ", "and ", "or "];
const LIMIT = 12;

/** A value needs quotes unless it is a plain word. */
const quoted = (value: string): string => (/^[A-Za-z0-9_*.-]+$/.test(value) ? value : `"${value.replace(/"/g, '\\"')}"`);

/** The word the caret is in: back to a space or bracket (or through an open quoted value), on to the next one. */
function wordAt(text: string, caret: number): { from: number; to: number } {
  const stop = /[\s()+,]/;
  let open = -1;
  for (let i = 0; i < caret; i++) if (text[i] === '"') open = open < 0 ? i : -1;
  let from = open >= 0 ? open : caret;
  while (from > 0 && !stop.test(text[from - 1] as string)) from--;
  let to = caret;
  if (open >= 0) {
    const close = text.indexOf('"', caret);
    to = close < 0 ? text.length : close + 1;
  } else while (to < text.length && !stop.test(text[to] as string)) to++;
  return { from, to };
}

function rank(values: readonly string[], prefix: string): string[] {
  const lower = prefix.toLowerCase();
  const starts: string[] = [];
  const contains: string[] = [];
  for (const value of values) {
    const v = value.toLowerCase();
    if (v.startsWith(lower)) starts.push(value);
    else if (lower.length > 0 && v.includes(lower)) contains.push(value);
    if (starts.length >= LIMIT) break;
  }
  return [...starts, ...contains].slice(0, LIMIT);
}

export function complete(text: string, caret: number, vocabulary: Vocabulary): Completion {
  const { from, to } = wordAt(text, caret);
  const word = text.slice(from, caret);
  const colon = word.indexOf(":");
  if (colon >= 0) {
    const attribute = word.slice(0, colon);
    const partial = word.slice(colon + 1).replace(/^"/, "").replace(/"$/, "");
    const values =
      attribute === "key"
        ? vocabulary.keys
        : attribute === "group"
          ? vocabulary.groups
          : attribute === "kind"
            ? vocabulary.kinds
            : attribute === "tag"
              ? vocabulary.tags
              : attribute === "owner"
                ? vocabulary.owners
                : attribute === "code_location"
                  ? vocabulary.locations
                  : (FIXED_VALUES[attribute] ?? []);
    const suggestions = rank(values, partial).map((value) => ({ label: `${attribute}:${value}`, insert: `${attribute}:${quoted(value)}`, detail: attribute }));
    return { from, to, suggestions };
  }
  const attributes = ATTRIBUTES.filter((a) => a.startsWith(word.toLowerCase())).map((a) => ({ label: `${a}:`, insert: `${a}:`, detail: "attribute" }));
  const functions = word === "" ? [] : FUNCTIONS.filter((f) => f.startsWith(word.toLowerCase())).map((f) => ({ label: f.trim(), insert: f, detail: "operator" }));
  const keys = word === "" ? [] : rank(vocabulary.keys, word).map((key) => ({ label: key, insert: `key:${quoted(key)}`, detail: "asset" }));
  return { from, to, suggestions: [...attributes, ...functions, ...keys].slice(0, LIMIT) };
}

/** The text with a suggestion applied, and where the caret goes. */
export function apply(text: string, completion: Completion, suggestion: Suggestion): { text: string; caret: number } {
  const next = text.slice(0, completion.from) + suggestion.insert + text.slice(completion.to);
  return { text: next, caret: completion.from + suggestion.insert.length };
}
