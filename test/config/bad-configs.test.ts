// The corpus of invalid configs: each names the message it must produce and the exact line:col,
// and produces that one error only (no cascades from a single mistake).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertProblem, lines, mustFail, show, variant } from './fixtures.js';

interface BadCase {
  name: string;
  yaml: string;
  message: string | string[];
  line: number;
  col: number;
  /** How many errors the file produces; 1 unless the case says otherwise. */
  errors?: number;
}

const HC = (body: string) => variant({ 3: `    web: {type: http, port: 80${body}}` });
const FRONT = (...l: string[]) => variant({ 9: null, 10: null, 11: null, 12: null, 13: null, 14: null }, l);

const cases: BadCase[] = [
  // --- the document and its sections
  { name: 'empty file', yaml: '', message: ['the file is empty'], line: 1, col: 1 },
  {
    name: 'file is a list',
    yaml: '- a\n',
    message: ["must be a map with a top-level 'maglev:' key"],
    line: 1,
    col: 1,
  },
  {
    name: 'unknown top-level key',
    yaml: lines('maglev: {}', 'extra: 1'),
    message: ["top level: unknown key 'extra'", "everything goes under 'maglev:'"],
    line: 2,
    col: 1,
  },
  {
    name: 'no maglev key',
    yaml: lines('# comment', 'healthchecks: {}'),
    message: "top level: missing required key 'maglev'",
    line: 2,
    col: 1,
    errors: 2,
  },
  {
    name: 'maglev is a list',
    yaml: lines('maglev: [1]'),
    message: 'maglev: must be a map, got a list',
    line: 1,
    col: 9,
  },
  {
    name: 'section misspelt',
    yaml: lines('maglev:', '  backend: {}'),
    message: "maglev: unknown key 'backend' (did you mean 'backends'?)",
    line: 2,
    col: 3,
  },
  {
    name: 'healthchecks is a list',
    yaml: lines('maglev:', '  healthchecks: [web]'),
    message: 'healthchecks: must be a map, got a list',
    line: 2,
    col: 17,
  },
  {
    name: 'healthchecker unknown key',
    yaml: lines('maglev:', '  healthchecker: {transition-histroy: 3}'),
    message: "healthchecker: unknown key 'transition-histroy' (did you mean 'transition-history'?)",
    line: 2,
    col: 19,
  },
  {
    name: 'transition-history 0',
    yaml: lines('maglev:', '  healthchecker:', '    transition-history: 0'),
    message: 'healthchecker.transition-history: must be an integer of at least 1, got 0',
    line: 3,
    col: 25,
  },
  {
    name: 'netns with a slash',
    yaml: lines('maglev:', '  healthchecker: {netns: /var/run/netns/x}'),
    message: ['healthchecker.netns', 'no "/"'],
    line: 2,
    col: 26,
  },
  {
    name: 'vpp unknown key',
    yaml: lines('maglev:', '  vpp:', '    lb: {}', '    lbb: {}'),
    message: ["vpp: unknown key 'lbb'"],
    line: 4,
    col: 5,
  },
  // --- announce
  {
    name: 'announce unknown key',
    yaml: lines('maglev:', '  announce:', '    bird: {sockett: /run/bird/bird.ctl}'),
    message: "announce.bird: unknown key 'sockett' (did you mean 'socket'?)",
    line: 3,
    col: 12,
  },
  {
    name: 'announce without bird',
    yaml: lines('maglev:', '  announce:', '    gobgp: {}'),
    message: "announce: unknown key 'gobgp'",
    line: 3,
    col: 5,
  },
  {
    name: 'announce socket relative',
    yaml: lines('maglev:', '  announce:', '    bird: {socket: bird.ctl}'),
    message: 'announce.bird.socket: must be an absolute path to BIRD\'s control socket, got "bird.ctl"',
    line: 3,
    col: 20,
  },
  {
    name: 'announce include-file not a string',
    yaml: lines('maglev:', '  announce:', '    bird:', '      include-file: 42'),
    message: 'announce.bird.include-file: must be an absolute path to the include file, got 42',
    line: 4,
    col: 21,
  },
  {
    name: 'announce protocol not a BIRD symbol',
    yaml: lines('maglev:', '  announce:', '    bird:', '      protocol: maglev-vips'),
    message:
      "announce.bird.protocol: must be a BIRD symbol (a letter or '_', then letters, digits and '_'), got \"maglev-vips\"",
    line: 4,
    col: 17,
  },
  {
    name: 'announce protocol too long',
    yaml: lines('maglev:', '  announce:', '    bird:', `      protocol: ${'v'.repeat(64)}`),
    message: ['announce.bird.protocol: must be at most 63 characters'],
    line: 4,
    col: 17,
  },
  {
    name: 'announce route-attributes not text',
    yaml: lines('maglev:', '  announce:', '    bird:', '      route-attributes: [a]'),
    message: 'announce.bird.route-attributes: must be BIRD filter commands, got a list',
    line: 4,
    col: 25,
  },
  {
    name: 'frontend announce not a boolean',
    yaml: FRONT(
      '    f1: {address: 198.51.100.1, port: 80, announce: yes, pools: [{name: p, backends: {b1: {}}}]}',
    ),
    message: ['frontends.f1.announce: must be true or false, got "yes"'],
    line: 9,
    col: 53,
  },
  // --- vpp.lb
  {
    name: 'ipv4-src-address is IPv6',
    yaml: lines('maglev:', '  vpp:', '    lb:', '      ipv4-src-address: 2001:db8::1'),
    message: 'vpp.lb.ipv4-src-address: must be an IPv4 address, got IPv6 address 2001:db8::1',
    line: 4,
    col: 25,
  },
  {
    name: 'ipv6-src-address is IPv4',
    yaml: lines('maglev:', '  vpp:', '    lb:', '      ipv6-src-address: 192.0.2.1'),
    message: ['must be an IPv6 address, got IPv4 address 192.0.2.1'],
    line: 4,
    col: 25,
  },
  {
    name: 'sync-interval 0',
    yaml: lines('maglev:', '  vpp:', '    lb: {sync-interval: 0}'),
    message: 'vpp.lb.sync-interval: must be greater than 0',
    line: 3,
    col: 25,
  },
  {
    name: 'startup-min-delay garbage',
    yaml: lines('maglev:', '  vpp:', '    lb: {startup-min-delay: soon}'),
    message: ['vpp.lb.startup-min-delay: must be a duration like', '"soon"'],
    line: 3,
    col: 29,
  },
  {
    name: 'startup-max-delay before startup-min-delay',
    yaml: lines(
      'maglev:',
      '  vpp:',
      '    lb:',
      '      startup-min-delay: 10s',
      '      startup-max-delay: 5s',
    ),
    message: ['vpp.lb.startup-max-delay: 5s is shorter than startup-min-delay 10s'],
    line: 5,
    col: 26,
  },
  {
    name: 'sticky-buckets-per-core not a power of two',
    yaml: lines('maglev:', '  vpp:', '    lb: {sticky-buckets-per-core: 1000}'),
    message: 'vpp.lb.sticky-buckets-per-core: must be a power of two from 1 to 16777216, got 1000',
    line: 3,
    col: 35,
  },
  {
    name: 'flow-timeout not whole seconds',
    yaml: lines('maglev:', '  vpp:', '    lb: {flow-timeout: 1500ms}'),
    message: ['vpp.lb.flow-timeout: must be a whole number of seconds'],
    line: 3,
    col: 24,
  },
  // --- healthchecks
  {
    name: 'health check without type',
    yaml: variant({ 3: '    web: {port: 80}' }),
    message: "healthchecks.web: missing required key 'type'",
    line: 3,
    col: 5,
  },
  {
    name: 'health check with an unknown type',
    yaml: variant({ 3: '    web: {type: udp, port: 80}' }),
    message: 'healthchecks.web.type: must be one of icmp, tcp, http, https; got "udp"',
    line: 3,
    col: 17,
  },
  {
    name: 'icmp with a port',
    yaml: variant({ 3: '    web: {type: icmp, port: 80}' }),
    message: 'healthchecks.web.port: icmp checks take no port',
    line: 3,
    col: 23,
  },
  {
    name: 'tcp without a port',
    yaml: variant({ 3: '    web: {type: tcp}' }),
    message: "healthchecks.web: missing required key 'port' (tcp checks need one)",
    line: 3,
    col: 5,
  },
  {
    name: 'port out of range',
    yaml: variant({ 3: '    web: {type: http, port: 70000}' }),
    message: 'healthchecks.web.port: must be an integer from 1 to 65535, got 70000',
    line: 3,
    col: 29,
  },
  {
    name: 'port is a word',
    yaml: variant({ 3: '    web: {type: http, port: eighty}' }),
    message: 'healthchecks.web.port: must be an integer from 1 to 65535, got "eighty"',
    line: 3,
    col: 29,
  },
  {
    name: 'unknown key with a suggestion',
    yaml: HC(', intervall: 2s'),
    message: "healthchecks.web: unknown key 'intervall' (did you mean 'interval'?)",
    line: 3,
    col: 33,
  },
  {
    name: 'interval without unit',
    yaml: HC(', interval: 2'),
    message: [
      'healthchecks.web.interval: must be a duration like "2s", "500ms" or "1m30s", got 2 (durations need a unit',
    ],
    line: 3,
    col: 43,
  },
  {
    name: 'interval of zero',
    yaml: HC(', interval: 0s'),
    message: 'healthchecks.web.interval: must be greater than 0',
    line: 3,
    col: 43,
  },
  {
    name: 'fast-interval with an unknown unit',
    yaml: HC(', fast-interval: 2sec'),
    message: ['healthchecks.web.fast-interval', 'unknown unit "sec"'],
    line: 3,
    col: 48,
  },
  {
    name: 'negative timeout',
    yaml: HC(', timeout: -1s'),
    message: 'healthchecks.web.timeout: must not be negative, got "-1s"',
    line: 3,
    col: 42,
  },
  {
    name: 'down-interval is a boolean',
    yaml: HC(', down-interval: true'),
    message: 'healthchecks.web.down-interval: must be a duration like "2s", "500ms" or "1m30s", got true',
    line: 3,
    col: 48,
  },
  {
    name: 'rise of zero',
    yaml: HC(', rise: 0'),
    message: 'healthchecks.web.rise: must be an integer of at least 1, got 0',
    line: 3,
    col: 39,
  },
  {
    name: 'fractional fall',
    yaml: HC(', fall: 1.5'),
    message: 'healthchecks.web.fall: must be an integer of at least 1, got 1.5',
    line: 3,
    col: 39,
  },
  {
    name: 'probe-ipv4-src is IPv6',
    yaml: HC(', probe-ipv4-src: "::1"'),
    message: 'healthchecks.web.probe-ipv4-src: must be an IPv4 address, got IPv6 address ::1',
    line: 3,
    col: 49,
  },
  {
    name: 'probe-ipv6-src is not an address',
    yaml: HC(', probe-ipv6-src: localhost'),
    message: ['healthchecks.web.probe-ipv6-src: must be an IPv6 address, got "localhost"'],
    line: 3,
    col: 49,
  },
  {
    name: 'params.path without a slash',
    yaml: HC(', params: {path: healthz}'),
    message: 'healthchecks.web.params.path: must start with "/", got "healthz"',
    line: 3,
    col: 48,
  },
  {
    name: 'params.response-code out of range',
    yaml: HC(', params: {response-code: 600}'),
    message:
      'healthchecks.web.params.response-code: must be a status code N or a range "N-M" with 100 <= N <= M <= 599, got 600',
    line: 3,
    col: 57,
  },
  {
    name: 'params.response-code reversed',
    yaml: HC(', params: {response-code: 399-200}'),
    message: ['healthchecks.web.params.response-code', 'got "399-200"'],
    line: 3,
    col: 57,
  },
  {
    name: 'params.response-regexp does not compile',
    yaml: HC(', params: {response-regexp: "ok("}'),
    message: ['healthchecks.web.params.response-regexp: is not a valid regular expression'],
    line: 3,
    col: 59,
  },
  {
    name: 'params.ssl on an http check',
    yaml: HC(', params: {ssl: true}'),
    message: 'healthchecks.web.params.ssl: not used by http checks (only by tcp)',
    line: 3,
    col: 42,
  },
  {
    name: 'params.path on a tcp check',
    yaml: variant({ 3: '    web: {type: tcp, port: 80, params: {path: /}}' }),
    message: 'healthchecks.web.params.path: not used by tcp checks (only by http and https)',
    line: 3,
    col: 41,
  },
  {
    name: 'params.path on an icmp check',
    yaml: variant({ 3: '    web: {type: icmp, params: {path: /}}' }),
    message: ['healthchecks.web.params.path: not used by icmp checks'],
    line: 3,
    col: 32,
  },
  {
    name: 'server-name on tcp without ssl',
    yaml: variant({ 3: '    web: {type: tcp, port: 443, params: {server-name: a.example}}' }),
    message: 'healthchecks.web.params.server-name: needs params.ssl: true on tcp checks',
    line: 3,
    col: 42,
  },
  {
    name: 'half-open on an http check',
    yaml: HC(', params: {half-open: false}'),
    message: 'healthchecks.web.params.half-open: not used by http checks (only by tcp)',
    line: 3,
    col: 42,
  },
  {
    name: 'reset-close on an https check',
    yaml: variant({ 3: '    web: {type: https, port: 443, params: {reset-close: true}}' }),
    message: 'healthchecks.web.params.reset-close: not used by https checks (only by http)',
    line: 3,
    col: 44,
  },
  {
    name: 'tls-session-reuse on tcp without ssl',
    yaml: variant({ 3: '    web: {type: tcp, port: 443, params: {tls-session-reuse: false}}' }),
    message: 'healthchecks.web.params.tls-session-reuse: needs params.ssl: true on tcp checks',
    line: 3,
    col: 42,
  },
  {
    name: 'tls-session-reuse on an http check',
    yaml: HC(', params: {tls-session-reuse: true}'),
    message: 'healthchecks.web.params.tls-session-reuse: not used by http checks (only by tcp and https)',
    line: 3,
    col: 42,
  },
  {
    name: 'half-open with ssl',
    yaml: variant({ 3: '    web: {type: tcp, port: 443, params: {ssl: true, half-open: true}}' }),
    message:
      'healthchecks.web.params.half-open: cannot be used with params.ssl: TLS needs the whole handshake',
    line: 3,
    col: 53,
  },
  {
    name: 'server-name is an IP literal',
    yaml: variant({ 3: '    web: {type: https, port: 443, params: {server-name: 192.0.2.1}}' }),
    message: ['healthchecks.web.params.server-name: must be a DNS name: TLS SNI cannot carry an IP address'],
    line: 3,
    col: 57,
  },
  {
    name: 'params.host with a space',
    yaml: HC(', params: {host: "a b"}'),
    message: 'healthchecks.web.params.host: must be a host name without spaces, got "a b"',
    line: 3,
    col: 48,
  },
  {
    name: 'params key misspelt',
    yaml: HC(', params: {pth: /}'),
    message: "healthchecks.web.params: unknown key 'pth' (did you mean 'path'?)",
    line: 3,
    col: 42,
  },
  {
    name: 'insecure-skip-verify yes',
    yaml: variant({ 3: '    web: {type: https, port: 443, params: {insecure-skip-verify: yes}}' }),
    message: [
      'healthchecks.web.params.insecure-skip-verify: must be true or false, got "yes"',
      'YAML 1.2 booleans are only true and false',
    ],
    line: 3,
    col: 66,
  },
  {
    name: 'health check name with a space',
    yaml: variant({
      3: '    "web check": {type: icmp}',
      5: '    b1: {address: 192.0.2.1}',
      6: '    b2: {address: 192.0.2.2}',
    }),
    message: ['healthchecks: health check name "web check" is not valid'],
    line: 3,
    col: 5,
  },
  // --- backends
  {
    name: 'backend without address',
    yaml: variant({ 6: '    b2: {healthcheck: web}' }),
    message: "backends.b2: missing required key 'address'",
    line: 6,
    col: 5,
  },
  {
    name: 'backend address not an IP',
    yaml: variant({ 6: '    b2: {address: 192.0.2.300}' }),
    message: 'backends.b2.address: must be an IPv4 or IPv6 address, got "192.0.2.300": 300 is above 255',
    line: 6,
    col: 19,
  },
  {
    name: 'backend address with a zone index',
    yaml: variant({ 6: '    b2: {address: "fe80::1%eth0"}' }),
    message:
      'backends.b2.address: must be an IPv4 or IPv6 address, got "fe80::1%eth0": ' +
      'zone index %eth0: a zone names a link, not an address',
    line: 6,
    col: 19,
  },
  {
    name: 'backend address with a leading zero (octal to inet_aton)',
    yaml: variant({ 6: '    b2: {address: 192.0.2.010}' }),
    message:
      'backends.b2.address: must be an IPv4 or IPv6 address, got "192.0.2.010": ' +
      'leading zero in 010: inet_aton reads it as octal, others as decimal; write it without',
    line: 6,
    col: 19,
  },
  {
    name: 'backend with an undefined health check',
    yaml: variant({ 6: '    b2: {address: 192.0.2.2, healthcheck: wbe}' }),
    message: "backends.b2.healthcheck: health check 'wbe' is not defined (did you mean 'web'?)",
    line: 6,
    col: 43,
  },
  {
    name: 'backend with a weight (weights live in pools)',
    yaml: variant({ 6: '    b2: {address: 192.0.2.2, weight: 5}' }),
    message: "backends.b2: unknown key 'weight'",
    line: 6,
    col: 30,
  },
  {
    name: 'backend enabled is a string',
    yaml: variant({ 6: '    b2: {address: 192.0.2.2, enabled: "false"}' }),
    message: 'backends.b2.enabled: must be true or false, got "false"',
    line: 6,
    col: 39,
  },
  {
    name: 'backend name starting with a dash',
    yaml: variant({ 6: '    -b2: {address: 192.0.2.2}' }),
    message: ['backends: backend name "-b2" is not valid: names start with a letter or digit'],
    line: 6,
    col: 5,
  },
  // --- frontends
  {
    name: 'frontend without address',
    yaml: variant({ 10: null }),
    message: "frontends.f1: missing required key 'address'",
    line: 9,
    col: 5,
  },
  {
    name: 'frontend protocol sctp',
    yaml: variant({}, ['      protocol: sctp']),
    message: 'frontends.f1.protocol: must be one of tcp, udp, any; got "sctp"',
    line: 15,
    col: 17,
  },
  {
    name: 'protocol any with a port',
    yaml: variant({}, ['      protocol: any']),
    message: 'frontends.f1.port: protocol any serves all ports, so port must be 0 or omitted, got 80',
    line: 11,
    col: 13,
  },
  {
    name: 'tcp frontend without a port',
    yaml: variant({ 11: null }),
    message: ["frontends.f1: missing required key 'port' (tcp frontends need one"],
    line: 9,
    col: 5,
  },
  {
    name: 'tcp frontend on port 0',
    yaml: variant({ 11: '      port: 0' }),
    message: ['frontends.f1.port: port 0 means all ports: use protocol any'],
    line: 11,
    col: 13,
  },
  {
    name: 'frontend port too large',
    yaml: variant({ 11: '      port: 65536' }),
    message: 'frontends.f1.port: must be an integer from 0 to 65535, got 65536',
    line: 11,
    col: 13,
  },
  {
    name: 'frontend without pools',
    yaml: variant({ 12: null, 13: null, 14: null }),
    message: "frontends.f1: missing required key 'pools'",
    line: 9,
    col: 5,
  },
  {
    name: 'frontend with an empty pool list',
    yaml: variant({ 12: '      pools: []', 13: null, 14: null }),
    message: 'frontends.f1.pools: must list at least one pool',
    line: 12,
    col: 14,
  },
  {
    name: 'frontend description is a number',
    yaml: variant({}, ['      description: 42']),
    message: 'frontends.f1.description: must be a string, got 42',
    line: 15,
    col: 20,
  },
  {
    name: 'src-ip-sticky is a string',
    yaml: variant({}, ['      src-ip-sticky: "true"']),
    message: 'frontends.f1.src-ip-sticky: must be true or false, got "true"',
    line: 15,
    col: 22,
  },
  {
    name: 'flow-table-length not a power of two',
    yaml: variant({}, ['      flow-table-length: 1000']),
    message: 'frontends.f1.flow-table-length: must be a power of two from 1 to 16777216, got 1000',
    line: 15,
    col: 26,
  },
  {
    name: 'flow-table-length too large',
    yaml: variant({}, ['      flow-table-length: 33554432']),
    message: ['must be a power of two from 1 to 16777216, got 33554432'],
    line: 15,
    col: 26,
  },
  {
    name: 'panic-threshold without a percent sign',
    yaml: variant({}, ['      panic-threshold: 50']),
    message: 'frontends.f1.panic-threshold: must be a percentage from 0% to 100% like "50%", got 50',
    line: 15,
    col: 24,
  },
  {
    name: 'panic-threshold above 100%',
    yaml: variant({}, ['      panic-threshold: 150%']),
    message: 'frontends.f1.panic-threshold: must be a percentage from 0% to 100% like "50%", got "150%"',
    line: 15,
    col: 24,
  },
  {
    name: 'panic-threshold negative',
    yaml: variant({}, ['      panic-threshold: -5%']),
    message: ['must be a percentage from 0% to 100% like "50%", got "-5%"'],
    line: 15,
    col: 24,
  },
  {
    name: 'panic-threshold misspelt',
    yaml: variant({}, ['      panic_threshold: 50%']),
    message: "frontends.f1: unknown key 'panic_threshold' (did you mean 'panic-threshold'?)",
    line: 15,
    col: 7,
  },
  {
    name: 'frontend name with a slash',
    yaml: variant({ 9: '    f/1:' }),
    message: ['frontends: frontend name "f/1" is not valid'],
    line: 9,
    col: 5,
  },
  // --- pools
  {
    name: 'pool without a name',
    yaml: variant({ 13: '        - backends: {b1: {}}', 14: null }),
    message: "frontends.f1.pools[0]: missing required key 'name'",
    line: 13,
    col: 11,
  },
  {
    name: 'pool with an empty name',
    yaml: variant({ 13: '        - name: ""' }),
    message: 'frontends.f1.pools[0].name: must not be empty',
    line: 13,
    col: 17,
  },
  {
    name: 'pool name with a space',
    yaml: variant({ 13: '        - name: first choice' }),
    message: ['frontends.f1.pools[0].name: "first choice" is not a valid name'],
    line: 13,
    col: 17,
  },
  {
    name: 'two pools with one name',
    yaml: variant({}, ['        - name: primary', '          backends: {b2: {}}']),
    message: "frontends.f1.pools[1].name: pool name 'primary' is already used by pools[0]",
    line: 15,
    col: 17,
  },
  {
    name: 'pool with no backends',
    yaml: variant({ 14: '          backends: {}' }),
    message: 'frontends.f1.pools[0].backends: pool has no backends',
    line: 14,
    col: 21,
  },
  {
    name: 'pool with an undefined backend',
    yaml: variant({ 14: '          backends: {b1: {}, bl: {}}' }),
    message: "frontends.f1.pools[0]: backend 'bl' is not defined (did you mean 'b1'?)",
    line: 14,
    col: 30,
  },
  {
    name: 'pool weight above 100',
    yaml: variant({ 14: '          backends: {b1: {weight: 101}}' }),
    message: 'frontends.f1.pools[0].backends.b1.weight: must be an integer from 0 to 100, got 101',
    line: 14,
    col: 35,
  },
  {
    name: 'pool weight negative',
    yaml: variant({ 14: '          backends: {b1: {weight: -1}}' }),
    message: ['must be an integer from 0 to 100, got -1'],
    line: 14,
    col: 35,
  },
  {
    name: 'pool backend settings misspelt',
    yaml: variant({ 14: '          backends: {b1: {wieght: 50}}' }),
    message: "frontends.f1.pools[0].backends.b1: unknown key 'wieght' (did you mean 'weight'?)",
    line: 14,
    col: 27,
  },
  {
    name: 'one backend in two pools',
    yaml: variant({}, ['        - name: fallback', '          backends: {b1: {}}']),
    message: ["frontends.f1.pools[1]: backend 'b1' is already in pool 'primary' of this frontend"],
    line: 16,
    col: 22,
  },
  {
    name: 'mixed address families in one frontend',
    yaml: variant({ 14: '          backends: {b1: {}, b6: {}}' }),
    message:
      "frontends.f1: backend 'b6' is IPv6 but backend 'b1' is IPv4; all backends of a frontend must share one address family",
    line: 14,
    col: 30,
  },
  // --- across frontends
  {
    name: 'the same VIP twice',
    yaml: variant({}, [
      '    f2:',
      '      address: 198.51.100.1',
      '      port: 80',
      '      pools: [{name: p, backends: {b2: {}}}]',
    ]),
    message: "frontends.f2.address: same VIP as frontend 'f1' (198.51.100.1 tcp port 80)",
    line: 16,
    col: 16,
  },
  {
    name: 'the same IPv6 VIP spelt two ways',
    yaml: FRONT(
      '    f1: {address: "2001:db8::80", port: 80, pools: [{name: p, backends: {b1: {}}}]}',
      '    f2: {address: "2001:DB8:0:0::80", port: 80, pools: [{name: p, backends: {b2: {}}}]}',
    ),
    message: "frontends.f2.address: same VIP as frontend 'f1' (2001:db8::80 tcp port 80)",
    line: 10,
    col: 19,
  },
  {
    name: 'all-port and per-port VIPs on one address',
    yaml: FRONT(
      '    f1: {address: 198.51.100.1, port: 80, pools: [{name: p, backends: {b1: {}}}]}',
      '    f2: {address: 198.51.100.1, protocol: any, pools: [{name: p, backends: {b2: {}}}]}',
    ),
    message: [
      "frontend 'f2' serves all ports of 198.51.100.1 and frontend 'f1' serves tcp port 80; VPP cannot mix",
    ],
    line: 10,
    col: 19,
  },
  {
    name: 'one VIP address with backends of two families',
    yaml: FRONT(
      '    f1: {address: 198.51.100.1, port: 80, pools: [{name: p, backends: {b1: {}}}]}',
      '    f2: {address: 198.51.100.1, port: 443, pools: [{name: p, backends: {b6: {}}}]}',
    ),
    message: [
      "frontends.f2.address: frontend 'f1' on the same address 198.51.100.1 has IPv4 backends and this one has IPv6 backends",
    ],
    line: 10,
    col: 19,
  },
  {
    name: 'two all-port VIPs on one address',
    yaml: FRONT(
      '    f1: {address: 198.51.100.1, protocol: any, pools: [{name: p, backends: {b1: {}}}]}',
      '    f2: {address: 198.51.100.1, protocol: any, pools: [{name: p, backends: {b2: {}}}]}',
    ),
    message: "frontends.f2.address: same VIP as frontend 'f1' (198.51.100.1 all ports)",
    line: 10,
    col: 19,
  },
  {
    name: 'a per-port VIP after an all-port one on its address',
    yaml: FRONT(
      '    f1: {address: 198.51.100.1, protocol: any, pools: [{name: p, backends: {b1: {}}}]}',
      '    f2: {address: 198.51.100.1, port: 80, pools: [{name: p, backends: {b2: {}}}]}',
    ),
    message:
      "frontends.f2.address: frontend 'f1' serves all ports of 198.51.100.1 and frontend 'f2' serves tcp port 80; VPP cannot mix all-port and per-port VIPs on one address",
    line: 10,
    col: 19,
  },
  // --- one mistake, one error: the rules skip what the schema already refused
  {
    name: 'an unknown check type and no port',
    yaml: variant({ 3: '    web: {type: bogus}' }),
    message: 'healthchecks.web.type: must be one of icmp, tcp, http, https; got "bogus"',
    line: 3,
    col: 17,
  },
  {
    name: 'a TLS param on a tcp check with ssl: false',
    yaml: variant({ 3: '    web: {type: tcp, port: 443, params: {ssl: false, server-name: x.example}}' }),
    message: 'healthchecks.web.params.server-name: needs params.ssl: true on tcp checks',
    line: 3,
    col: 54,
  },
  {
    name: 'server-name on an http check',
    yaml: HC(', params: {server-name: x.example}'),
    message: 'healthchecks.web.params.server-name: not used by http checks (only by tcp and https)',
    line: 3,
    col: 42,
  },
  {
    name: 'an empty health check reference',
    yaml: variant({ 5: '    b1: {address: 192.0.2.1, healthcheck: ""}' }),
    message: 'backends.b1.healthcheck: must not be empty',
    line: 5,
    col: 43,
  },
  {
    name: 'a frontend using a backend whose address is refused',
    yaml: variant({ 5: '    b1: {address: nope, healthcheck: web}' }),
    message:
      'backends.b1.address: must be an IPv4 or IPv6 address, got "nope": not an IP literal (names are not resolved)',
    line: 5,
    col: 19,
  },
  {
    name: 'a pool without a name is named by its index',
    yaml: FRONT(
      '    f1: {address: 198.51.100.1, port: 80, pools: [{backends: {b1: {}}}, {name: q, backends: {b1: {}}}]}',
    ),
    message:
      "frontends.f1.pools[1]: backend 'b1' is already in pools[0] of this frontend; a backend can be in one pool of a frontend only",
    line: 9,
    col: 94,
    errors: 2,
  },
  // --- the YAML 1.1 boolean hint: only for a boolean field given a YAML 1.1 word
  {
    name: 'a boolean given a number',
    yaml: lines('maglev:', '  backends:', '    b1: {address: 192.0.2.1, enabled: 1}'),
    message: 'backends.b1.enabled: must be true or false, got 1',
    line: 3,
    col: 39,
  },
  {
    name: 'a boolean given a word that is no boolean in any YAML',
    yaml: lines('maglev:', '  backends:', '    b1: {address: 192.0.2.1, enabled: maybe}'),
    message: 'backends.b1.enabled: must be true or false, got "maybe"',
    line: 3,
    col: 39,
  },
  {
    name: 'a boolean given a word that only starts like yes',
    yaml: lines('maglev:', '  backends:', '    b1: {address: 192.0.2.1, enabled: yesno}'),
    message: 'backends.b1.enabled: must be true or false, got "yesno"',
    line: 3,
    col: 39,
  },
  {
    name: 'a boolean given a word that only ends like yes',
    yaml: lines('maglev:', '  backends:', '    b1: {address: 192.0.2.1, enabled: ayes}'),
    message: 'backends.b1.enabled: must be true or false, got "ayes"',
    line: 3,
    col: 39,
  },
  {
    name: 'a boolean given On, in any case',
    yaml: lines('maglev:', '  backends:', '    b1: {address: 192.0.2.1, enabled: On}'),
    message:
      'backends.b1.enabled: must be true or false, got "On" (YAML 1.2 booleans are only true and false)',
    line: 3,
    col: 39,
  },
  {
    name: 'a boolean given a list that prints as on',
    yaml: lines('maglev:', '  backends:', '    b1: {address: 192.0.2.1, enabled: [on]}'),
    message: 'backends.b1.enabled: must be true or false, got a list',
    line: 3,
    col: 39,
  },
  {
    name: 'a map given yes: no boolean hint',
    yaml: lines('maglev:', '  vpp: {lb: yes}'),
    message: 'vpp.lb: must be a map, got "yes"',
    line: 2,
    col: 13,
  },
  // --- values only some fields refuse
  {
    name: 'an HTTP path with a space',
    yaml: HC(', params: {path: "/a b"}'),
    message: 'healthchecks.web.params.path: must not contain spaces (use %20), got "/a b"',
    line: 3,
    col: 48,
  },
  {
    name: 'an empty server name',
    yaml: variant({ 3: '    web: {type: https, port: 443, params: {server-name: ""}}' }),
    message: 'healthchecks.web.params.server-name: must not be empty',
    line: 3,
    col: 57,
  },
  {
    name: 'flow-timeout one second past the u32 (0xffffffff means "keep")',
    yaml: lines('maglev:', '  vpp:', '    lb: {flow-timeout: 4294967295s}'),
    message: 'vpp.lb.flow-timeout: must be at most 4294967294s',
    line: 3,
    col: 24,
  },
  {
    name: 'startup-max-delay left at its default, below startup-min-delay',
    yaml: lines('maglev:', '  vpp:', '    lb: {startup-min-delay: 1m}'),
    message:
      'vpp.lb.startup-max-delay: 30s (the default) is shorter than startup-min-delay 1m0s; the release deadline cannot come before the warm-up ends (0 turns either off)',
    line: 3,
    col: 5,
  },
  {
    name: "BIRD's socket path with a control character",
    yaml: lines('maglev:', '  announce:', '    bird: {socket: "/run/\\x01"}'),
    message: 'announce.bird.socket: must not contain control characters, got "/run/\\u0001"',
    line: 3,
    col: 20,
  },
  {
    name: 'route attributes with a NUL',
    yaml: lines('maglev:', '  announce:', '    bird: {route-attributes: "a\\0b"}'),
    message: 'announce.bird.route-attributes: must not contain NUL',
    line: 3,
    col: 30,
  },
];

describe('invalid configs: message and line:col', () => {
  test('the corpus is large enough', () => {
    assert.ok(cases.length >= 45, `only ${cases.length} cases`);
  });
  for (const c of cases) {
    test(c.name, () => {
      const r = mustFail(c.yaml);
      assert.equal(r.kind, 'semantic', `kind; errors:\n${show(r.errors)}`);
      assertProblem(r.errors, c);
      assert.equal(r.errors.length, c.errors ?? 1, `error count; got:\n${show(r.errors)}`);
      for (const e of r.errors) assert.equal(e.file, 'test.yaml');
    });
  }
});
