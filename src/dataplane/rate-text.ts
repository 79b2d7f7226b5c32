// Traffic rates as people read them, the same in maglevc and on the dashboard: a short SI number
// (`0`, `0.04`, `12`, `1.5k`, `230M`) and bytes per second with their unit (`1.5 MB/s`). No
// imports, so the web page can take it as it is.

const SI = ['', 'k', 'M', 'G', 'T', 'P', 'E'] as const;

/** The number in at most three significant digits and its SI prefix. */
function scale(value: number): { digits: string; prefix: string } {
  if (!Number.isFinite(value) || value <= 0) return { digits: '0', prefix: '' };
  if (value < 1) return { digits: String(Number(value.toPrecision(1))), prefix: '' };
  let scaled = value;
  let step = 0;
  while (scaled >= 999.5 && step < SI.length - 1) {
    scaled /= 1000;
    step++;
  }
  const digits = scaled < 9.95 ? scaled.toFixed(1).replace(/\.0$/, '') : String(Math.round(scaled));
  return { digits, prefix: SI[step] ?? '' };
}

/** A non-negative number, short: `0.4`, `12`, `1.5k`, `230M`. */
export function siNumber(value: number): string {
  const { digits, prefix } = scale(value);
  return digits + prefix;
}

/** Packets per second: `12`, `1.5k`. */
export function packetRate(perSecond: number): string {
  return siNumber(perSecond);
}

/** Bytes per second: `512 B/s`, `1.5 MB/s`. */
export function byteRate(perSecond: number): string {
  const { digits, prefix } = scale(perSecond);
  return `${digits} ${prefix}B/s`;
}
