// The parser's warm-up: a small synthetic config parsed a number of times on the daemon's main
// thread, so that the first reload finds the parser, zod's structure check, the rules and
// normalising compiled and optimised. maglevd parses its file at start-up on a worker thread
// (load-isolated.ts), so without this the first reload ran that code cold on the main thread:
// about twice the CPU of a later reload's load at 10 000 backends
// (bench/README.md §The first reload after start). A parse of the real file warms it too, but
// its result outlives V8's young generation and left maglevd ~40 MiB larger for good at 10 000
// backends; this one leaves a few MiB (the compiled code, and the compiler's memory). Pure: the
// caller says how to pause between rounds.

import { parseConfig } from './parse.js';
import { parsePlainYaml } from './plain-yaml.js';
import type { MaglevConfig } from './types.js';

/**
 * A config that uses every key a maglev.yaml may hold (every health check type and param, IPv4
 * and IPv6, disabled backends and backends without a health check, every frontend protocol,
 * several pools, weights, the panic threshold, announce), with `backends` backends spread over
 * frontends of 10, in the plain YAML that the fast path reads (plain-yaml.ts) and without any
 * finding, so that it takes the path a reload of a clean file takes.
 */
export function warmupConfigText(backends: number): string {
  const isV6 = (backend: number): boolean => backend % 3 === 2;
  const checks = ['ping', 'ssh', 'imaps', 'web', 'secure', ''];
  const lines = [
    '# maglevd parser warm-up (src/config/warm-up.ts)',
    'maglev:',
    '  healthchecker:',
    '    transition-history: 10',
    '    netns: maglev-warm-up',
    '  vpp:',
    '    lb:',
    '      ipv4-src-address: 192.0.2.254',
    "      ipv6-src-address: '2001:db8::fe'",
    '      sync-interval: 30s',
    '      startup-min-delay: 5s',
    '      startup-max-delay: 30s',
    '      sticky-buckets-per-core: 1024',
    '      flow-timeout: 40s',
    '  announce:',
    '    bird:',
    '      socket: /run/bird/bird.ctl',
    '      include-file: /etc/bird/maglev-vips.conf',
    '      protocol: maglev_vips',
    "      route-attributes: 'bgp_community.add((65000,100));'",
    '  healthchecks:',
    '    ping: { type: icmp, interval: 1s, timeout: 500ms, rise: 3, fall: 3 }',
    '    ssh:',
    '      type: tcp',
    '      port: 22',
    '      interval: 5s',
    '      timeout: 2s',
    '      params: { half-open: true }',
    '    imaps:',
    '      type: tcp',
    '      port: 993',
    '      params:',
    '        ssl: true',
    '        server-name: imap.example.net',
    '        insecure-skip-verify: false',
    '        tls-session-reuse: true',
    '    web:',
    '      type: http',
    '      port: 80',
    '      interval: 2s',
    '      fast-interval: 500ms',
    '      down-interval: 10s',
    '      timeout: 1s',
    '      rise: 2',
    '      fall: 3',
    '      probe-ipv4-src: 192.0.2.253',
    '      params:',
    '        path: /healthz',
    '        host: www.example.net',
    '        response-code: 200-299',
    "        response-regexp: 'ok'",
    '        reset-close: true',
    '    secure:',
    '      type: https',
    '      port: 443',
    '      interval: 1m30s',
    '      timeout: 2s',
    "      probe-ipv6-src: '2001:db8::fd'",
    '      params:',
    '        path: /healthz',
    '        host: www.example.net',
    '        response-code: 200',
    '        server-name: www.example.net',
    '        insecure-skip-verify: true',
    '        tls-session-reuse: false',
    '  backends:',
  ];
  for (let i = 0; i < backends; i++) {
    const address = isV6(i) ? `'2001:db8:10::${(i + 1).toString(16)}'` : `192.0.${2 + (i >> 8)}.${i & 255}`;
    const check = checks[i % checks.length] ?? '';
    const healthcheck = check === '' ? '' : `, healthcheck: ${check}`;
    lines.push(`    w${i}: { address: ${address}${healthcheck}${i % 7 === 3 ? ', enabled: false' : ''} }`);
  }
  lines.push('  frontends:');
  const protocols = ['tcp', 'udp', 'any'];
  for (let f = 0; f * 10 < backends; f++) {
    // Ten backends per frontend, those of the frontend's family (a VIP's ASes share its family).
    const range = Array.from({ length: Math.min(10, backends - f * 10) }, (_, k) => f * 10 + k);
    const v6 = f % 2 === 1 && range.some(isV6);
    const members = range.filter((i) => isV6(i) === v6);
    const protocol = protocols[f % protocols.length] ?? 'tcp';
    lines.push(
      `    f${f}:`,
      `      description: 'warm-up frontend ${f}'`,
      `      address: ${v6 ? `'2001:db8:100::${(f + 1).toString(16)}'` : `198.51.${100 + (f >> 8)}.${f & 255}`}`,
      `      protocol: ${protocol}`,
      ...(protocol === 'any' ? [] : [`      port: ${80 + f}`]),
      `      src-ip-sticky: ${f % 2 === 0}`,
      `      flush-on-down: ${f % 3 === 0}`,
      '      flow-table-length: 1024',
      ...(f % 2 === 0 ? ['      panic-threshold: 50%'] : []),
      ...(f % 4 === 3 ? ['      announce: false'] : []),
      '      pools:',
    );
    const half = Math.ceil(members.length / 2);
    for (const [p, pool] of [members.slice(0, half), members.slice(half)].entries()) {
      if (pool.length === 0) continue;
      lines.push(`        - name: ${p === 0 ? 'primary' : 'fallback'}`, '          backends:');
      for (const i of pool) lines.push(`            w${i}: ${i % 4 === 0 ? `{ weight: ${i % 101} }` : '{}'}`);
    }
  }
  return lines.join('\n') + '\n';
}

export interface ParserWarmupResult {
  /** Rounds parsed. */
  readonly rounds: number;
  /** Whether every round gave a valid config by the fast path (false means a bug here). */
  readonly ok: boolean;
}

/**
 * Parses warmupConfigText(backends) `rounds` times, pausing between rounds so that the caller's
 * event loop keeps turning (each round is a few milliseconds). Each valid result goes to
 * `rehearse` (the daemon warms with it what a reload runs after the parse: the sync's planning),
 * then is dropped.
 */
export async function warmConfigParser(
  rounds: number,
  backends: number,
  pause: () => Promise<void>,
  rehearse: (config: MaglevConfig) => void = () => {},
): Promise<ParserWarmupResult> {
  const text = warmupConfigText(backends);
  let ok = parsePlainYaml(text) !== undefined;
  for (let r = 0; r < rounds; r++) {
    const result = parseConfig(text, 'maglevd parser warm-up');
    ok &&= result.ok && result.warnings.length === 0;
    if (result.ok) rehearse(result.config);
    await pause();
  }
  return { rounds, ok };
}
