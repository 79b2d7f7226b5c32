// Pure pieces of the API layer: time conversions, log attributes as Struct values, the watch
// filter, listen addresses.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  durationFromMs,
  eventPasses,
  jsonAttrs,
  msFromDuration,
  normaliseListenAddress,
  watchFilter,
  type WatchRequest,
} from '../../src/api/index.js';
import { InvalidArgumentError } from '../../src/errors.js';

const req = (r: Partial<WatchRequest>): WatchRequest => ({
  log: false,
  logLevel: '',
  backend: false,
  frontend: false,
  backendNames: [],
  frontendNames: [],
  probeSummaryMs: 0,
  announcement: false,
  ...r,
});

void describe('durations', () => {
  void test('ms → Duration → ms round-trips, including fractions of a millisecond', () => {
    assert.deepEqual(durationFromMs(1500), { seconds: 1n, nanos: 500_000_000 });
    assert.deepEqual(durationFromMs(0), { seconds: 0n, nanos: 0 });
    assert.deepEqual(durationFromMs(0.25), { seconds: 0n, nanos: 250_000 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), (ms) => {
        const d = durationFromMs(ms);
        assert.ok(d.nanos >= 0 && d.nanos < 1e9);
        assert.equal(msFromDuration(d), ms);
      }),
    );
  });
});

void describe('log attributes as google.protobuf.Struct', () => {
  void test('JSON values pass through; other values become readable strings; undefined is dropped', () => {
    const circularSafe = { deep: { er: { still: [1, 'two', null, true] } } };
    assert.deepEqual(
      jsonAttrs({
        s: 'x',
        n: 1.5,
        b: false,
        nil: null,
        u: undefined,
        big: 12345678901234567890n,
        inf: Infinity,
        date: new Date(0),
        err: new RangeError('out of range'),
        buf: Buffer.from([0xde, 0xad]),
        map: new Map([['a', 1]]),
        set: new Set(['x']),
        fn: () => 1,
        obj: circularSafe,
      }),
      {
        s: 'x',
        n: 1.5,
        b: false,
        nil: null,
        big: '12345678901234567890',
        inf: 'Infinity',
        date: '1970-01-01T00:00:00.000Z',
        err: 'out of range',
        buf: 'dead',
        map: { a: 1 },
        set: ['x'],
        obj: circularSafe,
      },
    );
  });

  void test('a self-referencing object is cut off instead of recursing forever', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop['self'] = loop;
    const out = jsonAttrs({ loop });
    assert.equal(JSON.stringify(out).includes('nested too deep'), true);
  });
});

void describe('watch filter', () => {
  void test('nothing selected means everything at info (announcements only when asked); names and levels are kept', () => {
    assert.deepEqual(watchFilter(req({})), {
      log: true,
      logLevel: 'info',
      backend: true,
      frontend: true,
      backendNames: new Set(),
      frontendNames: new Set(),
      probeSummaryMs: 0,
      announcement: false,
    });
    assert.deepEqual(
      Object.entries(watchFilter(req({ announcement: true }))).filter(([, v]) => v === true),
      [['announcement', true]],
    );
    const f = watchFilter(req({ backend: true, logLevel: 'debug', frontendNames: ['a'] }));
    assert.equal(f.log, false);
    assert.equal(f.frontend, false);
    assert.equal(f.logLevel, 'debug');
    // Probe summaries ride on backend events: asked for without them, there are none.
    assert.equal(watchFilter(req({ probeSummaryMs: 500 })).probeSummaryMs, 500);
    assert.equal(watchFilter(req({ backend: true, probeSummaryMs: 500 })).probeSummaryMs, 500);
    assert.equal(watchFilter(req({ log: true, probeSummaryMs: 500 })).probeSummaryMs, 0);
    assert.throws(
      () => watchFilter(req({ log: true, logLevel: 'trace' })),
      (e: unknown) => {
        return e instanceof InvalidArgumentError && e.code === 'invalid-argument';
      },
    );
  });

  void test('name filters apply to backend and frontend events', () => {
    const t = { from: 'up', to: 'down', at: 0, code: 'L4CON', detail: '' } as const;
    const be = (frontend: string | undefined, backend: string) =>
      ({ type: 'backend-transition', frontend, backend, address: '192.0.2.1', transition: t }) as const;
    const fe = (frontend: string) =>
      ({ type: 'frontend-state', frontend, from: 'up', to: 'down', at: 0 }) as const;
    const f = watchFilter(
      req({ backend: true, frontend: true, frontendNames: ['web'], backendNames: ['b1'] }),
    );
    assert.equal(eventPasses(f, be('web', 'b1')), true);
    assert.equal(eventPasses(f, be('web', 'b2')), false);
    assert.equal(eventPasses(f, be('other', 'b1')), false);
    assert.equal(eventPasses(f, be(undefined, 'b1')), false);
    assert.equal(eventPasses(f, fe('web')), true);
    assert.equal(eventPasses(f, fe('other')), false);
    const onlyFrontends = watchFilter(req({ frontend: true }));
    assert.equal(eventPasses(onlyFrontends, be('web', 'b1')), false);
    assert.equal(eventPasses(onlyFrontends, fe('other')), true);
  });
});

void describe('listen addresses', () => {
  void test('Go-style ":port" listens everywhere; everything else is passed to grpc-js as is', () => {
    assert.equal(normaliseListenAddress(':9090'), '[::]:9090');
    assert.equal(normaliseListenAddress('localhost:9090'), 'localhost:9090');
    assert.equal(normaliseListenAddress('[::1]:9090'), '[::1]:9090');
    assert.equal(normaliseListenAddress('unix:/run/maglevd.sock'), 'unix:/run/maglevd.sock');
  });
});
