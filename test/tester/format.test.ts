import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, test } from 'node:test';
import {
  fit,
  formatAge,
  formatClock,
  formatLatency,
  formatPercent,
  resolveFqdn,
  type NameResolver,
} from '../../src/tester/index.js';

describe('formats', () => {
  test('latency keeps three significant digits', () => {
    assert.equal(formatLatency(0.4234), '0.42ms');
    assert.equal(formatLatency(12.34), '12.3ms');
    assert.equal(formatLatency(245.4), '245ms');
    assert.equal(formatLatency(1_204), '1.20s');
    assert.equal(formatLatency(12_500), '12.5s');
  });

  test('a percentage never rounds a failure up to 100%', () => {
    assert.equal(formatPercent(1), '100.0%');
    assert.equal(formatPercent(0.99999), '99.9%');
    assert.equal(formatPercent(0.5), '50.0%');
    assert.equal(formatPercent(0), '0.0%');
  });

  test('ages', () => {
    assert.equal(formatAge(300), '0.3s');
    assert.equal(formatAge(12_400), '12s');
    assert.equal(formatAge(245_000), '4m05s');
    assert.equal(formatAge(7_380_000), '2h03m');
    assert.equal(formatAge(-5), '0.0s');
  });

  test('the clock is local time, to the millisecond', () => {
    const at = Date.UTC(2026, 0, 1, 14, 3, 7, 125);
    const tz = process.env['TZ'];
    try {
      process.env['TZ'] = 'UTC';
      assert.equal(formatClock(at), '14:03:07.125');
      process.env['TZ'] = 'Asia/Kolkata'; // +05:30
      assert.equal(formatClock(at), '19:33:07.125');
      process.env['TZ'] = 'America/St_Johns'; // -03:30 in January
      assert.equal(formatClock(Date.UTC(2026, 0, 1, 2, 0, 0, 5)), '22:30:00.005');
    } finally {
      if (tz === undefined) delete process.env['TZ'];
      else process.env['TZ'] = tz;
    }
  });

  test('fit pads or cuts to the width', () => {
    assert.equal(fit('abc', 5), 'abc  ');
    assert.equal(fit('abc', 5, 'right'), '  abc');
    assert.equal(fit('abcdef', 4), 'abc…');
    assert.equal(fit('abc', 0), '');
  });
});

describe('resolveFqdn', () => {
  const HANG = Symbol('hang');
  const resolver = (reverse: string | Error | typeof HANG): NameResolver => ({
    lookup: () => Promise.resolve('127.0.1.1'),
    reverse: () =>
      reverse === HANG
        ? new Promise<string>(() => undefined)
        : reverse instanceof Error
          ? Promise.reject(reverse)
          : Promise.resolve(reverse),
  });

  test('takes the reverse name when it extends the short name', async () => {
    assert.equal(await resolveFqdn('lb1', resolver('lb1.example.net.')), 'lb1.example.net');
    assert.equal(await resolveFqdn('LB1', resolver('lb1.example.net')), 'lb1.example.net');
  });

  test('keeps the short name when the reverse name is another host (loopback: localhost)', async () => {
    assert.equal(await resolveFqdn('lb1', resolver('localhost')), 'lb1');
    assert.equal(await resolveFqdn('lb1', resolver('lb10.example.net')), 'lb1');
  });

  test('keeps the short name on failure or past the deadline', async () => {
    assert.equal(await resolveFqdn('lb1', resolver(new Error('ENOTFOUND'))), 'lb1');
    assert.equal(await resolveFqdn('lb1', resolver(HANG), 20), 'lb1');
  });

  test('a host name with a domain is already the answer', async () => {
    assert.equal(await resolveFqdn('lb1.example.net', resolver(HANG)), 'lb1.example.net');
  });

  test('the real resolver answers with this host: its short name or a name that extends it', async () => {
    const short = hostname();
    const name = await resolveFqdn();
    assert.ok(
      name === short || name.toLowerCase().startsWith(`${short.toLowerCase()}.`),
      `${name} for ${short}`,
    );
  });
});
