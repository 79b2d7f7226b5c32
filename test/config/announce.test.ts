// announcesFrontend: the one reading of maglev.announce and a frontend's announce flag.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { announcesFrontend, type FrontendConfig } from '../../src/config/index.js';

const BIRD = {
  bird: {
    socket: '/run/bird/bird.ctl',
    includeFile: '/etc/bird/maglev.conf',
    protocol: 'maglev',
    routeAttributes: '',
  },
};

function frontend(announce: boolean | undefined): FrontendConfig {
  return { announce } as FrontendConfig;
}

test('a frontend is announced when maglev.announce is set and it does not opt out', () => {
  const cases: [announceSet: boolean, flag: boolean | undefined, expected: boolean][] = [
    [true, undefined, true],
    [true, true, true],
    [true, false, false],
    [false, undefined, false],
    [false, true, false],
    [false, false, false],
  ];
  for (const [announceSet, flag, expected] of cases) {
    const config = announceSet ? { announce: BIRD } : {};
    assert.equal(
      announcesFrontend(config, frontend(flag)),
      expected,
      `announce ${announceSet}, flag ${flag}`,
    );
  }
});
