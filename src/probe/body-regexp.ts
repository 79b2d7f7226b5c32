// Compiled response-regexp patterns, one per distinct source string: a probe never compiles.
// The cache is bounded by the config (one entry per distinct params.response-regexp).

const compiled = new Map<string, RegExp>();

/** The RegExp for source; throws SyntaxError when source is not a valid pattern. */
export function bodyRegexp(source: string): RegExp {
  let re = compiled.get(source);
  if (re === undefined) {
    // No 'g' or 'y' flag: test() must not carry lastIndex from one probe to the next.
    re = new RegExp(source);
    compiled.set(source, re);
  }
  return re;
}
