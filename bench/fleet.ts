// What the probe benchmarks share: the config of N backends behind one health check, and how
// lag figures are read off a sorted sample.

/**
 * maglev.yaml for n backends (b0..b{n-1} at address(i)) using health check `check` (its lines
 * under `healthchecks:`, indented for it), one frontend per 100 backends so the event fan-out is
 * realistic too. `healthchecker` lines, when given, go under `healthchecker:`.
 */
export function fleetConfigYaml(
  n: number,
  address: (i: number) => string,
  check: { name: string; lines: string[] },
  healthchecker: string[] = [],
): string {
  const lines = ['maglev:'];
  if (healthchecker.length > 0) lines.push('  healthchecker:', ...healthchecker.map((l) => `    ${l}`));
  lines.push('  healthchecks:', `    ${check.name}:`, ...check.lines.map((l) => `      ${l}`), '  backends:');
  for (let i = 0; i < n; i++) lines.push(`    b${i}: { address: ${address(i)}, healthcheck: ${check.name} }`);
  lines.push('  frontends:');
  for (let f = 0; f * 100 < n; f++) {
    lines.push(
      `    fe${f}:`,
      `      address: 192.0.2.${(f % 250) + 1}`,
      `      port: ${1000 + f}`,
      '      pools:',
    );
    lines.push('        - name: primary', '          backends:');
    for (let i = f * 100; i < Math.min(n, (f + 1) * 100); i++) lines.push(`            b${i}: {}`);
  }
  return lines.join('\n') + '\n';
}

/** The p-th percentile of an ascending sample (NaN when empty). */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
