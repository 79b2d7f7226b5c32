// maglevt against the demo, in a real terminal: traffic to the demo's VIP goes through vppsim by
// the Maglev table and shows as packets/s on the dashboard's traffic feed and in maglevc;
// disabling a backend through maglevd moves traffic off it (its tally row drains) and enabling it
// brings traffic back.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { repoRoot } from '../helpers/daemon-process.js';
import { startDemo } from '../helpers/demo-process.js';
import { SseReader } from '../helpers/sse-reader.js';
import type { SsePayloads } from '../../src/frontend/index.js';
import { tallyRow } from '../helpers/maglevt-screen.js';
import { TmuxSession, shellQuote } from '../helpers/tmux.js';

const PRIMARY = ['nginx0-ams', 'nginx0-fra', 'nginx0-zrh'];

function maglevc(server: string, ...words: string[]): string {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/bin/maglevc.ts', '--server', server, '--color=false', ...words],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, `maglevc ${words.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe('maglevt against the demo', () => {
  test('the tally follows a backend disabled and enabled through maglevd', async () => {
    const demo = startDemo();
    let term: TmuxSession | undefined;
    try {
      await demo.waitLine(/demo {5}ready/);
      const view = (await demo.waitLine(/dashboard \(read-only\)\s+(\S+)/))[1]!;
      const config = (await demo.waitLine(/maglevt.js --config (\S+)/))[1]!;
      const grpc = (await demo.waitLine(/maglevc.js --server (\S+) show frontends/))[1]!;
      for (const b of PRIMARY) await demo.waitLine(new RegExp(`backend {2}${b} +unknown → up`));

      term = await TmuxSession.start(
        [
          process.execPath,
          '--import',
          'tsx',
          `${repoRoot}src/bin/maglevt.ts`,
          '--config',
          shellQuote(config),
          '--uri',
          '/',
          '--interval',
          '50ms',
          '--filter',
          shellQuote('^web-v4$'),
        ].join(' '),
        { width: 120, height: 40, unset: ['CI', 'CONTINUOUS_INTEGRATION'], exitMarker: true },
      );
      const fresh = (s: string) => PRIMARY.every((b) => tallyRow(s, b)?.fresh);
      await term.waitFor(fresh, 'every primary backend answering', {
        escapes: true,
        visibleOnly: true,
        timeoutMs: 120_000,
      });

      // maglevt's traffic shows as a packet rate on the dashboard's feed, and in maglevc.
      const events = await SseReader.open(new URL('api/events', view).href);
      try {
        await events.find((b) => {
          if (b.event !== 'traffic' || !b.data) return false;
          const sample = (JSON.parse(b.data) as SsePayloads['traffic']).sample;
          return (sample?.frontends.find((f) => f.frontend === 'web-v4')?.pps ?? 0) > 0;
        }, 'a traffic event with packets/s on web-v4');
      } finally {
        events.close();
      }
      const counters = maglevc(grpc, 'show', 'vpp', 'lb', 'counters');
      const row = counters.split('\n').find((l) => l.startsWith('web-v4 '));
      assert.match(row ?? '', /\s(?!0\s)\d[\d.]*[kMG]?\s+\d[\d.]* [kMG]?B\/s$/, counters);

      maglevc(grpc, 'set', 'backend', 'nginx0-fra', 'disable');
      const off = await term.waitFor(
        (s) =>
          tallyRow(s, 'nginx0-fra')?.drained === true &&
          tallyRow(s, 'nginx0-ams')?.fresh === true &&
          tallyRow(s, 'nginx0-zrh')?.fresh === true,
        'nginx0-fra drained, the others still answering',
        { escapes: true, visibleOnly: true, timeoutMs: 60_000 },
      );
      const countWhenOff = tallyRow(off, 'nginx0-fra')!.count;

      maglevc(grpc, 'set', 'backend', 'nginx0-fra', 'enable');
      await term.waitFor(
        (s) => {
          const r = tallyRow(s, 'nginx0-fra');
          return r?.fresh === true && r.count > countWhenOff;
        },
        'nginx0-fra answering again',
        { escapes: true, visibleOnly: true, timeoutMs: 60_000 },
      );
      await term.keys('q');
    } finally {
      await term?.kill();
      assert.equal(await demo.stop(), 0, demo.stderr());
    }
  });
});
