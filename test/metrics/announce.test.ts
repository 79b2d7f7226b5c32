// The announcement families, read from the announcer's snapshot at scrape time; absent without one.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AnnouncementsSnapshot } from '../../src/announce/index.js';
import { createMetrics } from '../../src/metrics/index.js';
import { Scrape } from './fixtures.js';

const SNAPSHOT: AnnouncementsSnapshot = {
  socket: '/run/bird/bird.ctl',
  includeFile: '/etc/bird/maglev-vips.conf',
  protocol: 'maglev_vips',
  birdOk: false,
  lastError: { kind: 'refused', message: 'x', at: 0 },
  appliedAt: 0,
  frontends: [
    { frontend: 'web', address: '192.0.2.1', family: 4, wanted: true, reason: 'up', announced: true },
    {
      frontend: 'tls',
      address: '192.0.2.1',
      family: 4,
      wanted: false,
      reason: 'frontend-down',
      announced: true,
    },
    {
      frontend: 'v6',
      address: '2001:db8::1',
      family: 6,
      wanted: false,
      reason: 'not-programmed',
      announced: false,
    },
  ],
  routes: [{ prefix: '192.0.2.1/32', family: 4, frontends: ['web'] }],
  errors: { unreachable: 2, refused: 1, write: 0 },
};

describe('announcement metrics', () => {
  test('absent until there is an announcer', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const scrape = await Scrape.of(metrics);
    assert.equal(scrape.samples.filter((s) => /announce|bird/.test(s.name)).length, 0);
  });

  test('per frontend, per family, BIRD up and errors by kind', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.setAnnouncements(() => SNAPSHOT);
    const samples = (await Scrape.of(metrics)).samples.filter((s) => /announce|bird/.test(s.name));
    assert.deepEqual(
      samples.map((s) => [s.name, s.labels, s.value]),
      [
        ['maglev_frontend_announced', { frontend: 'web' }, 1],
        ['maglev_frontend_announced', { frontend: 'tls' }, 1],
        ['maglev_frontend_announced', { frontend: 'v6' }, 0],
        ['maglev_announced_routes', { family: 'ipv4' }, 1],
        ['maglev_announced_routes', { family: 'ipv6' }, 0],
        ['maglev_bird_up', {}, 0],
        ['maglev_bird_errors_total', { kind: 'unreachable' }, 2],
        ['maglev_bird_errors_total', { kind: 'refused' }, 1],
        ['maglev_bird_errors_total', { kind: 'write' }, 0],
      ],
    );
  });
});
