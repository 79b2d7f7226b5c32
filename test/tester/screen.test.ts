import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeClock } from '../../src/clock/index.js';
import {
  ANOMALY_COLOUR,
  COLOUR,
  Monitor,
  plainText,
  screenLines,
  type Line,
  type ScreenSettings,
} from '../../src/tester/index.js';
import { answered, connected, refused, target, timedOut } from './fixtures.js';

const settings: ScreenSettings = {
  fqdn: 'lb-tester.example.net',
  intervalMs: 100,
  timeoutMs: 2_000,
  keepalive: false,
  uri: '/.well-known/ipng/healthz',
  header: 'X-IPng-Frontend',
  host: undefined,
  skipped: [
    { name: 'dns', address: '192.0.2.53', protocol: 'udp', port: 53, reason: 'udp VIPs are not probed' },
  ],
};

async function busyMonitor(clock: FakeClock, errors: number): Promise<Monitor> {
  const web = target('web');
  const ssh = target('ssh', 'tcp', '192.0.2.2', 22);
  const m = new Monitor([web, ssh]);
  for (let i = 0; i < 100; i++) {
    m.record(web, answered(1 + (i % 5), i < 50 ? 'nginx0' : 'nginx1'), clock.now());
    await clock.advance(100);
  }
  for (let i = 0; i < errors; i++) {
    // Alternating failure and success: every failure is a row of its own.
    m.record(ssh, refused(), clock.now());
    m.record(ssh, connected(1), clock.now());
    await clock.advance(10);
  }
  return m;
}

function rowOf(lines: Line[], text: string): Line {
  const line = lines.find((l) => plainText(l).includes(text));
  assert.ok(line, `no line with ${text}:\n${lines.map(plainText).join('\n')}`);
  return line;
}

describe('screenLines', () => {
  test('fills rows-1 lines: header, a block per VIP, errors, footer', async () => {
    const clock = new FakeClock();
    const m = await busyMonitor(clock, 3);
    const lines = screenLines(m.view(clock.now()), settings, { columns: 120, rows: 40 });
    assert.equal(lines.length, 39);
    const text = lines.map(plainText);
    assert.match(text[0]!, /^maglevt on lb-tester\.example\.net +\d\d:\d\d:\d\d$/);
    assert.equal(text[0]!.length, 120);
    assert.match(
      text[1]!,
      /2 VIPs · every 100ms ±10% · timeout 2s · new connection per probe · GET \/\.well-known/,
    );
    assert.match(text[2]!, /not probed: dns \(udp VIPs are not probed\)/);
    assert.match(
      rowOf(lines, 'N 100 ')
        .map((s) => s.text)
        .join(''),
      /FAIL 0 +OK 100\.0% +LAST 204 +p50 3\.00ms +p95 5\.00ms/,
    );
    assert.match(plainText(rowOf(lines, 'X-IPng-Frontend')), /X-IPng-Frontend +count +share +last/);
    assert.match(plainText(rowOf(lines, 'nginx0')), /nginx0 +50 +50\.0% +5\.1s/);
    assert.match(plainText(rowOf(lines, 'ssh ')), /192\.0\.2\.2:22 tcp connect/);
    assert.match(plainText(rowOf(lines, 'Errors')), /Errors +timeout 0 +http-err 0 +net-err 3 +spike 0/);
    assert.equal(text.filter((t) => /ECONNREFUSED/.test(t)).length, 3);
    assert.equal(text.at(-1), 'q quit');
  });

  test('drained tally rows are grey, fresh ones white; LAST in its class colour', async () => {
    const clock = new FakeClock();
    const m = await busyMonitor(clock, 1);
    await clock.advance(200);
    const lines = screenLines(m.view(clock.now()), settings, { columns: 120, rows: 40 });
    // nginx0 last answered 5.3 s ago, nginx1 0.3 s ago.
    assert.equal(rowOf(lines, 'nginx0').at(-1)?.colour, COLOUR.drained);
    assert.equal(rowOf(lines, 'nginx1').at(-1)?.colour, COLOUR.fresh);
    const sshStats = lines[lines.findIndex((l) => plainText(l).startsWith('ssh')) + 1]!;
    const last = sshStats[sshStats.findIndex((s) => s.text === 'LAST ') + 1];
    assert.equal(last?.text.trim(), 'open');
    assert.equal(last?.colour, COLOUR.ok);
    const refusedRow = rowOf(lines, 'ECONNREFUSED');
    assert.ok(refusedRow.some((s) => s.text.trim() === 'net-err' && s.colour === ANOMALY_COLOUR['net-err']));
  });

  test('the error panel takes the rows left over, newest first, and follows a resize', async () => {
    const clock = new FakeClock();
    const m = await busyMonitor(clock, 50);
    const view = m.view(clock.now());
    const count = (rows: number) =>
      screenLines(view, settings, { columns: 100, rows })
        .map(plainText)
        .filter((t) => /ECONNREFUSED/.test(t)).length;
    const tall = count(40);
    const taller = count(50);
    assert.ok(tall > 10, `only ${tall} error rows`);
    assert.equal(taller, tall + 10);
    const lines = screenLines(view, settings, { columns: 100, rows: 40 }).map(plainText);
    const firstError = lines.findIndex((t) => /ECONNREFUSED/.test(t));
    const times = lines.slice(firstError, firstError + 2).map((t) => t.trim().slice(0, 12));
    assert.ok(times[0]! > times[1]!, `not newest first: ${times.join(' ')}`);
    assert.equal(lines.length, 39);
  });

  test('a tiny terminal still gets exactly rows-1 lines and the footer', async () => {
    const clock = new FakeClock();
    const m = await busyMonitor(clock, 5);
    for (const rows of [1, 2, 3, 8]) {
      const lines = screenLines(m.view(clock.now()), settings, { columns: 40, rows });
      assert.equal(lines.length, Math.max(1, rows - 1));
      assert.equal(plainText(lines.at(-1)!), 'q quit');
    }
  });

  test('no answers yet, no errors yet', () => {
    const m = new Monitor([target('web')]);
    const lines = screenLines(
      m.view(0),
      { ...settings, skipped: [], keepalive: true, host: 'www.example.net' },
      { columns: 120, rows: 30 },
    ).map(plainText);
    assert.match(lines[1]!, /keep-alive · GET \/\.well-known\/ipng\/healthz Host www\.example\.net/);
    assert.ok(lines.some((t) => t.includes('(no answers yet)')));
    assert.ok(lines.some((t) => t.trim() === 'none'));
    assert.ok(lines.some((t) => /N 0 +FAIL 0 +OK - +LAST -/.test(t)));
  });

  test('error rows: time, VIP, kind, code, repeats, detail', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1, 12, 0, 0));
    const web = target('web');
    const m = new Monitor([web]);
    m.record(web, timedOut(), clock.now());
    m.record(web, answered(1, 'b1'), clock.now());
    for (let i = 0; i < 3; i++) {
      m.record(web, refused(), clock.now());
      await clock.advance(1_500);
    }
    const text = screenLines(m.view(clock.now()), settings, { columns: 160, rows: 30 }).map(plainText);
    const errors = text
      .filter((t) => /^ {2}\d\d:\d\d:\d\d\.\d{3} /.test(t))
      .map((t) => t.replace(/\d\d:(\d\d:\d\d\.\d{3})/g, 'hh:$1'));
    assert.deepEqual(errors, [
      '  hh:00:00.000  web   net-err   ECONNREFUSED ×3 until hh:00:03.000  connect ECONNREFUSED 192.0.2.1:80',
      '  hh:00:00.000  web   timeout   no answer within 2s',
    ]);
  });
});
