// The scale harness's config (the shared harness's scale/run.sh), for bench/scale.ts and
// bench/config-reload.ts: backend b<i> at 127.1.x.y, probed over HTTP; one frontend (a /32 VIP,
// tcp:80) per 100 backends; warm-up 0-1 s.

import { targetAddress } from './native/tools.js';

export interface ScaleConfigOptions {
  readonly backends: number;
  /** The HTTP port of the targets. */
  readonly port: number;
  /** The probe interval, as config text (`5s`). */
  readonly interval: string;
  /** Backends written with `enabled: false`. */
  readonly disabled?: ReadonlySet<number>;
}

export function scaleConfigYaml(o: ScaleConfigOptions): string {
  const frontends = Math.ceil(o.backends / 100);
  const lines = [
    'maglev:',
    "  vpp: { lb: { ipv4-src-address: 192.0.2.254, ipv6-src-address: '2001:db8::fe', startup-min-delay: 0s, startup-max-delay: 1s } }",
    `  healthchecks: { h: { type: http, port: ${o.port}, interval: ${o.interval}, timeout: 1s, params: { path: /healthz } } }`,
    '  backends:',
  ];
  for (let i = 0; i < o.backends; i++)
    lines.push(
      `    b${i}: {address: ${targetAddress(i)}, healthcheck: h${o.disabled?.has(i) ? ', enabled: false' : ''}}`,
    );
  lines.push('  frontends:');
  for (let f = 0; f < frontends; f++) {
    lines.push(
      `    fe${f}:`,
      `      address: 192.0.${2 + Math.floor(f / 250)}.${(f % 250) + 1}`,
      '      protocol: tcp',
      '      port: 80',
      '      flow-table-length: 16384',
      '      pools:',
      '        - name: p',
      '          backends:',
    );
    for (let i = f * 100; i < Math.min(o.backends, (f + 1) * 100); i++) lines.push(`            b${i}: {}`);
  }
  return lines.join('\n') + '\n';
}
