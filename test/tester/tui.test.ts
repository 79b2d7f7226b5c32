// The TUI in a real terminal (tmux): three backends behind a tiny balancer on a VIP address,
// one VIP nobody serves. The tally shows traffic leave a backend that stops answering (its row
// greys out once drained) and come back when it returns; the error panel groups the dead
// VIP's refusals; the screen follows a resize; q quits and restores the terminal.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closedPort } from '../helpers/index.js';
import { stripEscapes, tallyRow, type TallyRowOnScreen } from '../helpers/maglevt-screen.js';
import { TmuxSession, shellQuote } from '../helpers/tmux.js';
import { NamedBackend, TinyBalancer, configYaml, maglevtCommand } from './fixtures.js';
import { TempDir } from '../helpers/temp-dir.js';

const BACKENDS = ['nginx-1', 'nginx-2', 'nginx-3'];
/** Startup compiles TypeScript on the fly; on a loaded CI machine that takes a while. */
const STARTUP_MS = 90_000;

function rows(screen: string): Record<string, TallyRowOnScreen | undefined> {
  return Object.fromEntries(BACKENDS.map((n) => [n, tallyRow(screen, n)]));
}

describe('maglevt TUI', () => {
  let dir: TempDir;
  let backends: NamedBackend[];
  let lb: TinyBalancer;
  let config: string;
  const terms: TmuxSession[] = [];

  const startTui = async (...args: string[]): Promise<TmuxSession> => {
    const t = await TmuxSession.start(
      [maglevtCommand(), '--config', shellQuote(config), ...args].join(' '),
      // ink draws nothing live when it thinks it runs under CI.
      { width: 120, height: 40, unset: ['CI', 'CONTINUOUS_INTEGRATION'], exitMarker: true },
    );
    terms.push(t);
    return t;
  };

  before(async () => {
    dir = await TempDir.create();
    backends = [];
    for (const [i, name] of BACKENDS.entries())
      backends.push(await new NamedBackend(name, `127.0.0.${41 + i}`).start());
    lb = await new TinyBalancer(
      '127.0.0.40',
      backends.map((b) => ({ host: b.host, port: b.port })),
    ).start();
    const deadPort = await closedPort('127.0.0.49');
    config = await dir.write(
      'maglev.yaml',
      configYaml([
        {
          name: 'web',
          address: lb.host,
          port: lb.port,
          backends: Object.fromEntries(backends.map((b) => [b.name, b.host])),
        },
        { name: 'gone', address: '127.0.0.49', port: deadPort, backends: { g1: '192.0.2.1' } },
      ]),
    );
  });

  after(async () => {
    await Promise.all(terms.map((t) => t.kill()));
    await lb.close();
    await Promise.all(backends.map((b) => b.stop()));
    await dir.dispose();
  });

  test('the tally follows traffic off a dead backend and back; q quits cleanly', async () => {
    const t = await startTui('--interval', '50ms', '--timeout', '1s');
    // Every backend answers, all rows fresh.
    let screen = await t.waitFor(
      (s) => Object.values(rows(s)).every((r) => r?.fresh),
      'all three backends fresh in the tally',
      { escapes: true, visibleOnly: true, timeoutMs: STARTUP_MS },
    );
    const plain = stripEscapes(screen);
    assert.match(plain, /^maglevt on \S+/);
    assert.match(plain, /2 VIPs · every 50ms ±10% · timeout 1s · new connection per probe/);
    assert.match(plain, /^web +http:\/\/127\.0\.0\.40:\d+\/\.well-known\/ipng\/healthz/m);
    assert.match(plain, /^gone +127\.0\.0\.49:\d+ tcp connect|^gone +http:\/\/127\.0\.0\.49/m);
    assert.match(plain, /^Errors +timeout 0 +http-err 0 +net-err \d+/m);
    assert.match(plain, /^ {2}\d\d:\d\d:\d\d\.\d{3} +gone +net-err +ECONNREFUSED/m);

    // nginx-2 stops answering: the balancer sends its connections elsewhere, its row drains.
    await backends[1]!.stop();
    screen = await t.waitFor(
      (s) => {
        const r = rows(s);
        return r['nginx-2']?.drained === true && r['nginx-1']?.fresh === true && r['nginx-3']?.fresh === true;
      },
      'nginx-2 drained while nginx-1 and nginx-3 stay fresh',
      { escapes: true, visibleOnly: true },
    );
    const drained = rows(screen);
    const others = drained['nginx-1']!.count + drained['nginx-3']!.count;

    // It comes back: traffic returns and the row is fresh again.
    await backends[1]!.start();
    screen = await t.waitFor(
      (s) => {
        const r = rows(s)['nginx-2'];
        return r?.fresh === true && r.count > drained['nginx-2']!.count;
      },
      'nginx-2 fresh again with new answers',
      { escapes: true, visibleOnly: true },
    );
    const back = rows(screen);
    assert.ok(back['nginx-1']!.count + back['nginx-3']!.count > others);

    // A smaller terminal: the layout follows, the footer stays on the last drawn row.
    await t.resize(100, 30);
    screen = await t.waitFor(
      (s) => {
        const lines = s.split('\n');
        return lines.length >= 29 && lines[28]?.trim() === 'q quit' && /\S/.test(lines[0] ?? '');
      },
      'footer on row 29 of 30',
      { visibleOnly: true },
    );
    assert.ok(screen.split('\n').every((l) => l.length <= 100));

    await t.keys('q');
    assert.equal(await t.waitForExit(), 0);
    assert.equal(await t.onAlternateScreen(), false);
    const summary = await t.screen();
    assert.match(summary, /^VIP +ADDRESS +N +FAIL +OK% +p50 +p99 +max$/m);
    // The one probe that may fail on web is one in flight when nginx-2 was cut (stop() destroys
    // its open connections, as a dying backend does); every other one goes elsewhere or waits.
    const web = /^web +127\.0\.0\.40:\d+ +(\d+) +([01]) +\d+\.\d% /m.exec(summary);
    assert.ok(web, summary);
    assert.ok(Number(web[1]) > 0, summary);
    assert.match(summary, /^gone +127\.0\.0\.49:\d+ +(\d+) +\1 +0\.0% /m);
  });

  test('Ctrl-C quits as q does, and leaves the terminal as it was', async () => {
    const t = await startTui('--filter', '^web$');
    await t.waitFor(/^ {2}nginx-\d +\d+ /m, 'a tally row', { visibleOnly: true, timeoutMs: STARTUP_MS });
    assert.equal(await t.onAlternateScreen(), true);
    await t.keys('C-c');
    assert.equal(await t.waitForExit(), 0);
    assert.equal(await t.onAlternateScreen(), false);
    const summary = await t.screen();
    assert.match(summary, /^web +127\.0\.0\.40:\d+ +\d+ +0 +100\.0% /m);
    assert.doesNotMatch(summary, /^gone/m);
  });
});
