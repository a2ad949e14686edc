/** Levenshtein distance: insertions, deletions and substitutions of one character each cost 1. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}

/**
 * The names a mistyped one was most likely meant to be, best first: close in spelling (a third of
 * its length at most), else sharing its first characters (`8507` → the `8507…` codes, `supplier` →
 * `supplier_shares`). Case does not count.
 */
function closeMatches(word: string, candidates: readonly string[], limit = 3): string[] {
  const w = word.toLowerCase();
  const prefix = w.slice(0, Math.max(3, Math.ceil(w.length * 0.6)));
  const scored = [...new Set(candidates)]
    .map((c) => ({ c, d: editDistance(w, c.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c));
  const close = scored.filter(({ d }) => d <= Math.max(1, Math.floor(w.length / 3)));
  // Only when nothing is spelled alike: the names that start the same way.
  const matches = close.length > 0 ? close : scored.filter(({ c }) => c.toLowerCase().startsWith(prefix));
  return matches.slice(0, limit).map(({ c }) => c);
}

/** `Did you mean "a" or "b"? ` — empty when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const matches = closeMatches(word, candidates).map((m) => `"${m}"`);
  if (matches.length === 0) return '';
  const list = matches.length === 1 ? matches[0] : `${matches.slice(0, -1).join(', ')} or ${matches.at(-1)}`;
  return `Did you mean ${list}? `;
}
