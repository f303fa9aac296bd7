// Wildcard patterns of `key:` and `group:`: `*` matches any run of characters (across `/` too), the rest literally.

export function wildcardToRegExp(pattern: string): RegExp {
  const body = pattern
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`, "s");
}
