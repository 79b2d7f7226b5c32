// `show announcements` and the announcement lines of `watch events`, rendered without colour.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AnnouncementEvent, Announcements } from '../../src/api/index.js';
import { plainStyle, renderAnnouncements, renderEventLine, type RenderContext } from '../../src/cli/index.js';

process.env.TZ = 'UTC';
const T0 = Date.UTC(2026, 11, 7, 0, 10, 0);
const ctx: RenderContext = { style: plainStyle, now: T0 + 120_000 };

describe('show announcements', () => {
  test('off without maglev.announce', () => {
    assert.deepEqual(renderAnnouncements(Announcements.fromPartial({ enabled: false }), ctx), [
      'announcements are off: the configuration has no maglev.announce',
    ]);
  });

  test("BIRD's state, the last error, and one line per frontend with why", () => {
    const lines = renderAnnouncements(
      Announcements.fromPartial({
        enabled: true,
        birdSocket: '/run/bird/bird.ctl',
        includeFile: '/etc/bird/maglev-vips.conf',
        protocol: 'maglev_vips',
        birdOk: false,
        lastErrorKind: 'refused',
        lastError: '/etc/bird/maglev-vips.conf:5:40 syntax error',
        lastErrorTime: new Date(T0 + 60_000),
        appliedTime: new Date(T0),
        frontends: [
          { frontend: 'web', address: '198.51.100.10', announced: true, wanted: true, reason: 'up' },
          {
            frontend: 'tls',
            address: '198.51.100.10',
            announced: true,
            wanted: false,
            reason: 'frontend-down',
          },
          {
            frontend: 'dns',
            address: '198.51.100.53',
            announced: false,
            wanted: false,
            reason: 'not-programmed',
          },
          { frontend: 'ssh', address: '198.51.100.40', announced: false, wanted: false, reason: 'off' },
        ],
      }),
      ctx,
    );
    assert.deepEqual(lines, [
      'bird           failing',
      'bird-socket    /run/bird/bird.ctl',
      'include-file   /etc/bird/maglev-vips.conf',
      'protocols      maglev_vips4 maglev_vips6',
      'applied        2026-12-07 00:10:00 (2m0s ago)',
      'last-error     refused: /etc/bird/maglev-vips.conf:5:40 syntax error',
      'last-error-at  2026-12-07 00:11:00 (1m0s ago)',
      '',
      'FRONTEND  ADDRESS        ROUTE      WHY',
      'web       198.51.100.10  announced  up and programmed in VPP',
      'tls       198.51.100.10  announced  frontend not up; another frontend on the address holds the route',
      'dns       198.51.100.53  withdrawn  VPP does not hold it (yet)',
      'ssh       198.51.100.40  off        announce: false',
    ]);
  });
});

describe('watch events: announcement lines', () => {
  const at = new Date(T0);
  test('a frontend withdrawn, BIRD failing, BIRD ok', () => {
    const line = (value: Partial<AnnouncementEvent>) =>
      renderEventLine(
        { event: { $case: 'announcement', value: AnnouncementEvent.fromPartial({ time: at, ...value }) } },
        plainStyle,
      );
    assert.equal(
      line({ frontend: 'web', address: '198.51.100.10', announced: false, reason: 'frontend-down' }),
      '00:10:00.000 announce web 198.51.100.10 withdrawn (frontend-down)',
    );
    assert.equal(
      line({ birdOk: false, errorKind: 'unreachable', error: 'BIRD at /run/bird/bird.ctl: ENOENT' }),
      '00:10:00.000 announce BIRD failing unreachable: BIRD at /run/bird/bird.ctl: ENOENT',
    );
    assert.equal(line({ birdOk: true }), '00:10:00.000 announce BIRD ok');
  });
});
