// Names of health checks, backends, frontends and pools. They appear in Prometheus labels, log
// events, CLI commands and Tab completion, so they are restricted to characters that need no
// quoting anywhere.

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const NAME_RULE = "names start with a letter or digit and use only letters, digits, '.', '_' and '-'";

export function isValidName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions (prot → port). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = d[i];
      if (row) row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The closest known name to a typo, if one is close enough to be worth suggesting. */
export function closestName(wanted: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 3)));
  for (const candidate of known) {
    const d = editDistance(wanted.toLowerCase(), candidate.toLowerCase());
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** ` (did you mean 'x'?)`, or '' when nothing is close. */
export function didYouMean(wanted: string, known: Iterable<string>): string {
  const hit = closestName(wanted, known);
  return hit === undefined ? '' : ` (did you mean '${hit}'?)`;
}
