// The include file's text: both static protocols always, one blackhole route per VIP.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderIncludeFile } from '../../src/announce/index.js';

describe('renderIncludeFile', () => {
  test('no routes: both protocols, empty', () => {
    const text = renderIncludeFile({ protocol: 'maglev_vips', routeAttributes: '' }, []);
    assert.match(text, /^# Written by maglevd/);
    assert.ok(
      text.endsWith(
        'protocol static maglev_vips4 {\n  ipv4;\n}\n\nprotocol static maglev_vips6 {\n  ipv6;\n}\n',
      ),
    );
  });

  test('routes by family, with the route attributes and the frontends as a comment', () => {
    const text = renderIncludeFile({ protocol: 'lb', routeAttributes: ' bgp_community.add((65000,100)); ' }, [
      { prefix: '192.0.2.1/32', family: 4, frontends: ['web', 'tls'] },
      { prefix: '2001:db8::1/128', family: 6, frontends: ['v6'] },
    ]);
    const body = text.slice(text.indexOf('protocol'));
    assert.equal(
      body,
      [
        'protocol static lb4 {',
        '  ipv4;',
        '  route 192.0.2.1/32 blackhole { bgp_community.add((65000,100)); }; # web, tls',
        '}',
        '',
        'protocol static lb6 {',
        '  ipv6;',
        '  route 2001:db8::1/128 blackhole { bgp_community.add((65000,100)); }; # v6',
        '}',
        '',
      ].join('\n'),
    );
  });
});
