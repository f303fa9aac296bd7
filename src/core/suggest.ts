// "Did you mean" suggestions for misspelt names.

/** Candidates within a small edit distance of `target`, closest first. */
export function closestMatches(target: string, candidates: Iterable<string>, max = 3): string[] {
  const limit = Math.max(1, Math.min(3, Math.floor(target.length / 3)));
  const scored: [string, number][] = [];
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - target.length) > limit) continue;
    const d = editDistance(target, candidate, limit);
    if (d <= limit && candidate !== target) scored.push([candidate, d]);
  }
  return scored.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).slice(0, max).map(([c]) => c);
}

// Damerau-free Levenshtein with an early exit once every cell exceeds the limit.
function editDistance(a: string, b: string, limit: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length] as number;
}
