// Shareable URLs: each view keeps what it shows (selection, filters, tab) in the query part of the location's hash,
// #/page?key=value, so a copied address opens the same view.

/** The query of the current hash route (#/page?a=1 gives a=1). */
export function hashQuery(): URLSearchParams {
  const hash = window.location.hash;
  const at = hash.indexOf("?");
  return new URLSearchParams(at === -1 ? "" : hash.slice(at + 1));
}

/** The path of the current hash route, without its query (#/runs/abc?x=1 gives /runs/abc). */
export function hashPath(): string {
  const hash = window.location.hash.replace(/^#/, "");
  const at = hash.indexOf("?");
  return at === -1 ? hash : hash.slice(0, at);
}

/**
 * Writes `values` into the hash's query (empty values removed) without a new history entry or a hashchange: the
 * view already shows them, the address only has to say so.
 */
export function setHashQuery(values: Record<string, string | undefined>): void {
  const query = hashQuery();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === "") query.delete(key);
    else query.set(key, value);
  }
  const text = query.toString();
  const next = `#${hashPath()}${text ? `?${text}` : ""}`;
  if (next !== window.location.hash) window.history.replaceState(window.history.state, "", next);
}
