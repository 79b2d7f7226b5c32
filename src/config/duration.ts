// Go-style durations (`500ms`, `2s`, `1m30s`, `1.5h`), parsed as Go's time.ParseDuration does,
// because operators copy configs between the Go original and this implementation.

const NS_PER_UNIT: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n], // µ MICRO SIGN
  ['\u03bcs', 1_000n], // μ GREEK SMALL LETTER MU
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

const MAX_NS = (1n << 63n) - 1n; // Go's Duration is an int64 of nanoseconds.

/** For editors (JSON Schema): one or more `<number><unit>` groups, or a bare `0`. */
export const GO_DURATION_PATTERN = '^(0|((\\d+(\\.\\d*)?|\\.\\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$';

export type DurationParse = { ok: true; ms: number } | { ok: false; reason: string };

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/**
 * Parses a Go duration string into milliseconds (fractional below 1 ms). A leading sign is
 * accepted, as in Go, so that callers can say "must not be negative" instead of "bad syntax".
 */
export function parseGoDuration(text: string): DurationParse {
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, ms: 0 };
  if (s === '') return { ok: false, reason: 'empty duration' };

  let totalNs = 0n;
  let i = 0;
  while (i < s.length) {
    const groupStart = i;
    let intDigits = '';
    while (isDigit(s[i])) intDigits += s[i++];
    let fracDigits = '';
    if (s[i] === '.') {
      i++;
      while (isDigit(s[i])) fracDigits += s[i++];
    }
    if (intDigits === '' && fracDigits === '') {
      return { ok: false, reason: `expected a number at "${s.slice(groupStart)}"` };
    }
    let unit = '';
    while (i < s.length && !isDigit(s[i]) && s[i] !== '.') unit += s[i++];
    if (unit === '') {
      const n = s.slice(groupStart, i);
      return { ok: false, reason: `missing unit after ${n} (use ns, us, ms, s, m or h)` };
    }
    const unitNs = NS_PER_UNIT.get(unit);
    if (unitNs === undefined)
      return { ok: false, reason: `unknown unit "${unit}" (use ns, us, ms, s, m or h)` };
    const whole = BigInt(intDigits === '' ? '0' : intDigits) * unitNs;
    // Truncate the fraction towards zero at nanosecond resolution, as Go does.
    const frac = fracDigits === '' ? 0n : (BigInt(fracDigits) * unitNs) / 10n ** BigInt(fracDigits.length);
    totalNs += whole + frac;
    if (totalNs > MAX_NS) return { ok: false, reason: 'duration out of range' };
  }
  const ms = Number(totalNs) / 1e6;
  return { ok: true, ms: negative ? -ms : ms };
}

function fractionDigits(value: bigint, digits: number): string {
  // value holds `digits` decimal places; print them without trailing zeros.
  const scale = 10n ** BigInt(digits);
  const intPart = value / scale;
  let frac = (value % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  if (frac !== '') frac = '.' + frac;
  return `${intPart}${frac}`;
}

/** Formats milliseconds the way Go's Duration.String does: `1m30s`, `500ms`, `1h0m0s`, `0s`. */
export function formatGoDuration(ms: number): string {
  let ns = BigInt(Math.round(ms * 1e6));
  const sign = ns < 0n ? '-' : '';
  if (ns < 0n) ns = -ns;
  if (ns === 0n) return '0s';
  if (ns < 1_000n) return `${sign}${ns}ns`;
  if (ns < 1_000_000n) return `${sign}${fractionDigits(ns, 3)}\u00b5s`;
  if (ns < 1_000_000_000n) return `${sign}${fractionDigits(ns, 6)}ms`;
  const seconds = ns / 1_000_000_000n;
  const secPart = fractionDigits((seconds % 60n) * 1_000_000_000n + (ns % 1_000_000_000n), 9);
  const minutes = seconds / 60n;
  if (minutes === 0n) return `${sign}${secPart}s`;
  const hours = minutes / 60n;
  if (hours === 0n) return `${sign}${minutes}m${secPart}s`;
  return `${sign}${hours}h${minutes % 60n}m${secPart}s`;
}
