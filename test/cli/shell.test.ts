// The interactive shell in a real pseudo-terminal (tmux), against a live API server in this
// process: the banner and prompt, prefix matching, `?` help that never enters the line, Tab
// completion of live backend names, errors that keep the shell alive, watch stopped by a key,
// history, and leaving with quit or Ctrl-D.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repoRoot } from '../helpers/daemon-process.js';
import { MAGLEVC_BIN, startCliFixture, type CliFixture } from './fixtures.js';
import { shellQuote, TmuxSession } from '../helpers/tmux.js';

const PROMPT = 'maglev> ';

function lastLine(screen: string): string {
  return screen.trimEnd().split('\n').at(-1) ?? '';
}

/** The screen's last line is the prompt followed by exactly `text`. */
function promptWith(text: string): (screen: string) => boolean {
  return (screen) => lastLine(screen) === `${PROMPT}${text}`.trimEnd();
}

function shellCommand(target: string, historyFile: string): string {
  const env = [`MAGLEVC_HISTORY=${shellQuote(historyFile)}`, 'TZ=UTC', 'NO_COLOR='].join(' ');
  return `cd ${shellQuote(repoRoot)} && env ${env} ${shellQuote(process.execPath)} --import tsx ${MAGLEVC_BIN} --server ${target}`;
}

describe('maglevc shell in a terminal', () => {
  let fx: CliFixture;
  let tmp: string;
  let term: TmuxSession;
  let history: string;

  before(async () => {
    fx = await startCliFixture();
    tmp = mkdtempSync(join(tmpdir(), 'maglevc-shell-'));
    history = join(tmp, 'history');
    term = await TmuxSession.start(shellCommand(fx.target, history), { exitMarker: true });
    await term.waitFor(promptWith(''), 'the first prompt');
  });

  after(async () => {
    await term?.kill();
    await fx?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('the version is printed at start, then the prompt', async () => {
    const screen = await term.screen();
    assert.match(screen, /^maglevc \d+\.\d+\.\d+ \(commit /m);
    assert.match(screen, /'help' lists commands, '\?' what may come next, Tab completes/);
    assert.equal(lastLine(screen), 'maglev>');
  });

  test('colour is on in a terminal', async () => {
    await term.type('show frontends');
    await term.keys('Enter');
    await term.waitFor(/^web-v6 .*\n(?:.*\n)*maglev>\s*$/m, 'the frontend list');
    const coloured = await term.screen(true);
    assert.ok(coloured.includes('\x1b[32mup'), 'state "up" in green');
  });

  test('prefix matching: sh ba nginx0 lists the backends starting with nginx0', async () => {
    await term.type('sh ba nginx0');
    await term.keys('Enter');
    const screen = await term.waitFor(/^nginx0-zrh .*\n(?:.*\n)*maglev>\s*$/m, 'the filtered backend list');
    const shown = screen.slice(screen.lastIndexOf(`${PROMPT}sh ba nginx0`));
    assert.match(shown, /^BACKEND\s+ADDRESS\s+STATE/m);
    assert.match(shown, /^nginx0-ams\s+192\.0\.2\.10\s+up/m);
    assert.doesNotMatch(shown, /^nginx6/m);
  });

  test('? lists the next words with help and does not enter the line', async () => {
    await term.type('show ba');
    await term.type('?');
    const screen = await term.waitFor(
      (s) => s.includes(`${PROMPT}show ba?\n`) && promptWith('show ba')(s),
      'the ? listing and the line back without ?',
    );
    const listing = screen.slice(screen.lastIndexOf(`${PROMPT}show ba?\n`));
    assert.match(listing, /^ {2}backends\s+list the backends/m);
    assert.match(listing, /^ {2}backend\s+one backend with its transition history/m);
    // The line goes on as if ? had never been typed.
    await term.type('ckend nginx0-ams');
    await term.keys('Enter');
    const after = await term.waitFor(/^health\s+4\/4 .*\n(?:.*\n)*maglev>\s*$/m, 'the backend detail');
    assert.match(
      after.slice(after.lastIndexOf(`${PROMPT}show backend nginx0-ams\n`)),
      /^backend\s+nginx0-ams$/m,
    );
  });

  test('? at the start of a word inside a command lists that position', async () => {
    await term.type('set backend nginx6 ');
    await term.type('?');
    const screen = await term.waitFor(promptWith('set backend nginx6'), 'the line back');
    const listing = screen.slice(screen.lastIndexOf(`${PROMPT}set backend nginx6 ?\n`));
    assert.match(listing, /^ {2}pause\s+stop probing; keeps flows$/m);
    assert.match(listing, /^ {2}disable\s+take out of service and flush its flows$/m);
    await term.keys('C-u');
    await term.waitFor(promptWith(''), 'an empty line');
  });

  test('Tab completes a live backend name', async () => {
    await term.type('show backend nginx0-f');
    await term.keys('Tab');
    await term.waitFor(promptWith('show backend nginx0-fra'), 'the completed name');
    await term.keys('Enter');
    const screen = await term.waitFor(
      /^transitions \(newest first\)\n(?:.*\n)*maglev>\s*$/m,
      'the backend detail',
    );
    assert.match(screen.slice(screen.lastIndexOf(`${PROMPT}show backend nginx0-fra`)), /^state\s+down for /m);
  });

  test('Tab twice lists the live names that fit', async () => {
    await term.type('show backend ');
    await term.keys('Tab');
    await term.waitFor(promptWith('show backend nginx'), 'the common prefix');
    await term.keys('Tab');
    const screen = await term.waitFor(/nginx0-ams\s+nginx0-fra\s+nginx0-zrh\s+nginx6/, 'the list of names');
    assert.equal(lastLine(screen), `${PROMPT}show backend nginx`);
    await term.keys('C-u');
    await term.waitFor(promptWith(''), 'an empty line');
  });

  test('Tab completes keywords, and pool names of the frontend on the line', async () => {
    await term.type('se');
    await term.keys('Tab');
    await term.waitFor(promptWith('set'), 'set');
    await term.type('fr');
    await term.keys('Tab');
    await term.waitFor(promptWith('set frontend'), 'frontend');
    await term.type('web-v4 pool f');
    await term.keys('Tab');
    await term.waitFor(promptWith('set frontend web-v4 pool fallback'), 'the pool name');
    await term.keys('C-u');
    await term.waitFor(promptWith(''), 'an empty line');
  });

  test('an error is reported and the shell goes on', async () => {
    await term.type('show foo');
    await term.keys('Enter');
    const screen = await term.waitFor(
      /^error: unknown word 'foo' after 'show': expected one of version, .*\nmaglev>\s*$/m,
    );
    assert.equal(lastLine(screen), 'maglev>');
    await term.type('show backend nope');
    await term.keys('Enter');
    await term.waitFor(/^error: backend "nope" not found\nmaglev>\s*$/m);
  });

  test('watch events runs until a key is pressed', async () => {
    await term.type('watch events');
    await term.keys('Enter');
    await term.waitFor(/\(any key stops\)\n(?:.*\n)*\S+ frontend web-v6 is unknown\n/, 'the frontend replay');
    const subscribed = fx.fake.listenerCount();
    assert.ok(subscribed >= 1);
    fx.fake.emit({
      type: 'frontend-state',
      frontend: 'web-v4',
      from: 'up',
      to: 'down',
      at: Date.UTC(2026, 3, 15, 14, 0, 0),
    });
    await term.waitFor(/^14:00:00\.000 frontend web-v4 up -> down$/m, 'the live event');
    await term.type('q');
    const screen = await term.waitFor(/frontend web-v4 up -> down\nmaglev>\s*$/, 'the prompt back');
    assert.equal(lastLine(screen), 'maglev>');
    // The q stopped the watch; it was not typed into the next line.
    await term.type('show ver');
    await term.keys('Enter');
    await term.waitFor(/^server \S+: reachable\nmaglev>\s*$/m, 'a command after watch');
  });

  test('Up recalls the previous command; history is kept in the file', async () => {
    await term.keys('Up');
    await term.waitFor(promptWith('show ver'), 'the recalled line');
    await term.keys('C-u');
    await term.waitFor(promptWith(''), 'an empty line');
    const lines = readFileSync(history, 'utf8').trimEnd().split('\n');
    assert.equal(lines.at(-1), 'show ver');
    assert.ok(lines.includes('sh ba nginx0'));
    assert.ok(!lines.some((l) => l.includes('?')), 'the ? never reached a line');
  });

  test('quit leaves with exit code 0', async () => {
    await term.type('quit');
    await term.keys('Enter');
    assert.equal(await term.waitForExit(), 0);
  });
});

describe('maglevc shell: Ctrl-C and Ctrl-D', () => {
  let fx: CliFixture;
  let tmp: string;
  let term: TmuxSession;

  before(async () => {
    fx = await startCliFixture();
    tmp = mkdtempSync(join(tmpdir(), 'maglevc-shell-'));
    term = await TmuxSession.start(shellCommand(fx.target, join(tmp, 'history')), { exitMarker: true });
    await term.waitFor(promptWith(''), 'the first prompt');
  });

  after(async () => {
    await term?.kill();
    await fx?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('Ctrl-C drops the line being typed and keeps the shell', async () => {
    await term.type('show backends nginx');
    await term.keys('Left', 'Left');
    await term.keys('C-c');
    const screen = await term.waitFor((s) => s.includes('^C') && promptWith('')(s), 'a fresh prompt');
    assert.match(screen, /maglev> show backends nginx\^C\nmaglev>\s*$/);
  });

  test('Ctrl-C stops a watch', async () => {
    await term.type('watch events frontend');
    await term.keys('Enter');
    await term.waitFor(/frontend web-v6 is unknown\n/, 'the replay');
    await term.keys('C-c');
    await term.waitFor(/frontend web-v6 is unknown\nmaglev>\s*$/, 'the prompt back');
  });

  test('Ctrl-D on an empty line leaves with exit code 0', async () => {
    await term.keys('C-d');
    assert.equal(await term.waitForExit(), 0);
  });
});
