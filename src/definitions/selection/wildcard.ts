// Wildcard patterns of `key:` and `group:`: `*` matches any run of characters (across `/` too), the rest literally.

/**
 * The pattern as a regular expression. A backtracking engine can take exponential time on patterns like
 * `*a*a*a…*z` against a long key; match with {@link wildcardMatcher} instead.
 */
export function wildcardToRegExp(pattern: string): RegExp {
  const body = pattern
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`, "s");
}

/**
 * A predicate matching `pattern` without backtracking: the literal parts between stars are found left to right,
 * each at its first occurrence after the previous one (leftmost is always safe when `*` is the only operator),
 * so a test costs at most one substring search per part.
 */
export function wildcardMatcher(pattern: string): (value: string) => boolean {
  const parts = pattern.split("*");
  if (parts.length === 1) return (value) => value === pattern;
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  const middle = parts.slice(1, -1).filter((p) => p.length > 0);
  const minLength = first.length + last.length + middle.reduce((sum, p) => sum + p.length, 0);
  return (value) => {
    if (value.length < minLength || !value.startsWith(first) || !value.endsWith(last)) return false;
    let at = first.length;
    const end = value.length - last.length;
    for (const part of middle) {
      const found = value.indexOf(part, at);
      if (found === -1 || found + part.length > end) return false;
      at = found + part.length;
    }
    return true;
  };
}
