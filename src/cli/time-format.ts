// Times as operators read them: ages in the two largest units (`45s`, `10m30s`, `1h12m`,
// `1d16h`), durations Go-style (`500ms`, `2s`, `1m30s`, as maglev.yaml writes them) and
// timestamps in local time to the second.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Elapsed time in its two largest units; negative (clock skew) counts as 0s. */
export function formatAge(ms: number): string {
  const total = Math.max(0, Math.floor(ms / SECOND));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return `${d}d${h}h`;
  if (h > 0) return `${h}h${m}m`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** The age of a moment, or '-' when it is unknown. */
export function ageSince(at: Date | undefined, now: number): string {
  return at === undefined ? '-' : formatAge(now - at.getTime());
}

/** A configured duration the way maglev.yaml spells it: `500ms`, `1.5s`, `1m30s`, `1h`. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < SECOND) return `${ms}ms`;
  const h = Math.floor(ms / HOUR);
  const m = Math.floor((ms % HOUR) / MINUTE);
  const s = (ms % MINUTE) / SECOND;
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 ? `${s}s` : ''}`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Local time to the second: `2026-04-15 14:00:05`. */
export function formatTimestamp(at: Date): string {
  return (
    `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ` +
    `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`
  );
}

/** Local time of day with milliseconds, for event lines: `14:00:05.123`. */
export function formatClock(at: Date): string {
  return `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}.${pad(at.getMilliseconds(), 3)}`;
}
