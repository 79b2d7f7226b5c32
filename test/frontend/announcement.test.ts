// The dashboard's BGP badge: the wire shape the server sends per frontend, and what the card
// shows for it.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FrontendInfo } from '../../src/api/index.js';
import { frontendJson } from '../../src/frontend/index.js';
import { announcementBadge } from '../../src/web/src/model/index.js';

describe('BGP badge', () => {
  test('the server sends the announcement, or null without maglev.announce', () => {
    const base = FrontendInfo.fromPartial({ name: 'web', address: '192.0.2.1', protocol: 'tcp', port: 80 });
    assert.equal(frontendJson(base).announcement, null);
    const announced = FrontendInfo.fromPartial({
      ...base,
      announcement: { frontend: 'web', address: '192.0.2.1', announced: true, wanted: true, reason: 'up' },
    });
    assert.deepEqual(frontendJson(announced).announcement, { announced: true, reason: 'up' });
  });

  test('announced, withdrawn with the reason, carried by a neighbour, off, none', () => {
    assert.deepEqual(announcementBadge({ announced: true, reason: 'up' }), {
      label: 'BGP',
      tone: 'bgp-announced',
      title: 'Announced over BGP: up and programmed in VPP',
    });
    assert.deepEqual(announcementBadge({ announced: false, reason: 'frontend-down' }), {
      label: 'no BGP',
      tone: 'bgp-withdrawn',
      title: 'Withdrawn: the frontend is not up',
    });
    assert.equal(
      announcementBadge({ announced: false, reason: 'not-programmed' })?.title,
      'Withdrawn: VPP does not hold the VIP (yet)',
    );
    assert.equal(
      announcementBadge({ announced: true, reason: 'frontend-down' })?.title,
      'Announced over BGP for another frontend on this address; this one: the frontend is not up',
    );
    assert.deepEqual(announcementBadge({ announced: false, reason: 'off' }), {
      label: 'BGP off',
      tone: 'bgp-off',
      title: 'Not announced: announce: false in the configuration',
    });
    assert.equal(announcementBadge(null), undefined);
    assert.equal(announcementBadge(undefined), undefined);
  });
});
