// "How long ago" as the tables show it: the two largest units (10m30s, 1h12m, 1d16h), and "now"
// for anything under a second so small clock skew between maglevd and the browser never shows
// as a negative or jittering age.

const UNITS: readonly [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

export function formatAge(ms: number): string {
  if (!Number.isFinite(ms) || ms < 1000) return 'now';
  const parts: string[] = [];
  let rest = Math.floor(ms);
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || parts.length > 0) parts.push(`${n}${unit}`);
    if (parts.length === 2) break;
  }
  // "1h0m" reads oddly; drop a trailing zero unit.
  if (parts.length === 2 && /^0[a-z]$/.test(parts[1]!)) parts.pop();
  return parts.join('');
}

/** The age of a timestamp, or an em dash when unknown. */
export function ageSince(at: number | null | undefined, now: number): string {
  return at === null || at === undefined ? '—' : formatAge(now - at);
}

/** A compact duration for uptimes ("3d4h"); same rules as ages. */
export const formatDuration = formatAge;
