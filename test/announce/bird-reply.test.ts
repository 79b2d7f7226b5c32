// The birdc reply reader and what a configure reply means, on BIRD's own texts.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BirdProtocolError, BirdReplyReader, configureOutcome } from '../../src/announce/index.js';

describe('BirdReplyReader', () => {
  test('final lines, "-" and " " continuations, "+" messages, any chunking', () => {
    const wire =
      '0001 BIRD 2.0.12 ready.\n' +
      '+spontaneous log line\n' +
      '1000-BIRD 2.0.12\n' +
      '1011-Router ID is 10.255.91.2\n' +
      ' Hostname is vm\n' +
      '0013 Daemon is up and running\n';
    for (const size of [1, 3, 7, wire.length]) {
      const reader = new BirdReplyReader();
      const replies = [];
      for (let i = 0; i < wire.length; i += size) replies.push(...reader.push(wire.slice(i, i + size)));
      assert.deepEqual(replies, [
        { code: 1, lines: [{ code: 1, text: 'BIRD 2.0.12 ready.' }] },
        {
          code: 13,
          lines: [
            { code: 1000, text: 'BIRD 2.0.12' },
            { code: 1011, text: 'Router ID is 10.255.91.2' },
            { code: 1011, text: 'Hostname is vm' },
            { code: 13, text: 'Daemon is up and running' },
          ],
        },
      ]);
    }
  });

  test('a line that is no reply is a protocol error', () => {
    assert.throws(() => new BirdReplyReader().push('hello\n'), BirdProtocolError);
    assert.throws(() => new BirdReplyReader().push(' continuation first\n'), BirdProtocolError);
  });
});

describe('configureOutcome', () => {
  const reply = (wire: string) => {
    const [r] = new BirdReplyReader().push(wire);
    assert.ok(r);
    return r;
  };

  test('0003, 0004 and 0005 are taken', () => {
    const cases: [string, number, string][] = [
      ['0002-Reading configuration from /etc/bird/bird.conf\n0003 Reconfigured\n', 3, 'Reconfigured'],
      [
        '0002-Reading configuration from x\n0004 Reconfiguration in progress\n',
        4,
        'Reconfiguration in progress',
      ],
      [
        '0002-Reading configuration from x\n0005 Reconfiguration already in progress, queueing new config\n',
        5,
        'Reconfiguration already in progress, queueing new config',
      ],
    ];
    for (const [wire, code, message] of cases)
      assert.deepEqual(configureOutcome(reply(wire)), { ok: true, code, message });
  });

  test('8002, 0006, 0016 and 9001 are refusals with BIRD’s text', () => {
    assert.deepEqual(
      configureOutcome(
        reply(
          '0002-Reading configuration from n1.conf\n8002 /etc/bird/maglev-vips.conf:5:67 syntax error, unexpected CF_SYM_UNDEFINED\n',
        ),
      ),
      {
        ok: false,
        code: 8002,
        message: '/etc/bird/maglev-vips.conf:5:67 syntax error, unexpected CF_SYM_UNDEFINED',
      },
    );
    assert.deepEqual(
      configureOutcome(
        reply('0002-Reading configuration from x\n0006 Reconfiguration ignored, shutting down\n'),
      ),
      {
        ok: false,
        code: 6,
        message: 'Reconfiguration ignored, shutting down',
      },
    );
    assert.deepEqual(configureOutcome(reply('0016 Access restricted\n')), {
      ok: false,
      code: 16,
      message: 'Access restricted',
    });
    assert.deepEqual(configureOutcome(reply('9001 syntax error, unexpected CF_SYM_UNDEFINED\n')).ok, false);
  });
});
