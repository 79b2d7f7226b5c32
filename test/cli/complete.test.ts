// Tab completion candidates and the `?` listing, over the real tree and a fixed set of names.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  completeLine,
  helpAt,
  MAGLEVC_TREE,
  splitAtCursor,
  usageLines,
  type NameKind,
  type NameLookup,
} from '../../src/cli/index.js';

const pools: Record<string, string[]> = { 'web-v4': ['primary', 'fallback'], 'web-v6': ['only'] };
const names: NameLookup = (kind: NameKind, args) => {
  if (kind === 'pool') return Promise.resolve(args.frontend ? pools[args.frontend] : undefined);
  const all: Record<Exclude<NameKind, 'pool'>, string[]> = {
    frontend: ['web-v4', 'web-v6'],
    backend: ['nginx0-ams', 'nginx0-fra', 'nginx6'],
    healthcheck: ['http', 'icmp'],
  };
  return Promise.resolve(all[kind]);
};
const offline: NameLookup = () => Promise.resolve(undefined);

async function complete(line: string, lookup = names): Promise<string[]> {
  return (await completeLine(MAGLEVC_TREE, line, lookup)).candidates;
}

describe('completion', () => {
  test('first words', async () => {
    assert.deepEqual(await complete(''), ['show', 'sync', 'set', 'config', 'watch', 'help', 'quit', 'exit']);
    assert.deepEqual(await complete('s'), ['show', 'sync', 'set']);
    assert.deepEqual(await complete('sh'), ['show ']);
  });

  test('after a prefix word, the words of its reading', async () => {
    assert.deepEqual(await complete('sh v'), ['version', 'vpp']);
    assert.deepEqual(await complete('sh vp'), ['vpp ']);
    assert.deepEqual(await complete('sh vpp lb '), ['state', 'counters']);
  });

  test('live backend names, narrowed by what is typed', async () => {
    assert.deepEqual(await complete('show backend '), ['nginx0-ams', 'nginx0-fra', 'nginx6']);
    assert.deepEqual(await complete('show backend nginx0'), ['nginx0-ams', 'nginx0-fra']);
    assert.deepEqual(await complete('show backend nginx0-f'), ['nginx0-fra ']);
    assert.deepEqual(await complete('sh ba ngi'), ['nginx0-ams', 'nginx0-fra', 'nginx6']);
    assert.deepEqual(await complete('set backend nginx6 '), ['pause', 'resume', 'enable', 'disable']);
  });

  test('pool names come from the frontend typed earlier on the line', async () => {
    assert.deepEqual(await complete('set frontend web-v4 pool '), ['primary', 'fallback']);
    assert.deepEqual(await complete('set frontend web-v6 pool '), ['only ']);
    assert.deepEqual(await complete('set frontend web-v4 pool primary backend nginx6 weight '), []);
    assert.deepEqual(await complete('set frontend web-v4 pool primary backend nginx6 weight 5 '), [
      'flush',
      'dry-run',
    ]);
    assert.deepEqual(await complete('set frontend web-v4 pool primary backend nginx6 weight 5 d'), [
      'dry-run ',
    ]);
    assert.deepEqual(await complete('set backend nginx6 disable '), ['dry-run ']);
  });

  test('options and choice values', async () => {
    assert.deepEqual(await complete('watch events '), ['num', 'log', 'backend', 'frontend', 'announcement']);
    assert.deepEqual(await complete('watch events log '), [
      'num',
      'backend',
      'frontend',
      'announcement',
      'level',
    ]);
    assert.deepEqual(await complete('watch events log level '), ['debug', 'info', 'warn', 'error']);
    assert.deepEqual(await complete('watch events log level w'), ['warn ']);
    assert.deepEqual(await complete('watch events backend '), ['num', 'log', 'frontend', 'announcement']);
  });

  test('without maglevd, keywords still complete and names offer nothing', async () => {
    assert.deepEqual(await complete('show backend ', offline), []);
    assert.deepEqual(await complete('show ba', offline), ['backends', 'backend']);
    assert.deepEqual(await complete('set backend x ', offline), ['pause', 'resume', 'enable', 'disable']);
  });

  test('a line that does not parse completes nothing', async () => {
    assert.deepEqual(await complete('show foo '), []);
  });

  test('splitAtCursor', () => {
    assert.deepEqual(splitAtCursor('show ba'), { complete: ['show'], partial: 'ba' });
    assert.deepEqual(splitAtCursor('show  ba  '), { complete: ['show', 'ba'], partial: '' });
    assert.deepEqual(splitAtCursor(''), { complete: [], partial: '' });
  });
});

describe('? help', () => {
  test('lists next words with help, and <cr> when the command can run', async () => {
    const a = await helpAt(MAGLEVC_TREE, 'show backends ', names);
    assert.ok(a.ok);
    assert.deepEqual(
      a.choices.map((c) => c.word),
      ['<prefix>', '<cr>'],
    );
    const b = await helpAt(MAGLEVC_TREE, '', names);
    assert.ok(b.ok);
    assert.equal(b.choices.find((c) => c.word === 'show')?.help, 'show maglevd state');
  });

  test('a partial word narrows the list', async () => {
    const a = await helpAt(MAGLEVC_TREE, 'show ba', names);
    assert.ok(a.ok);
    assert.deepEqual(
      a.choices.map((c) => c.word),
      ['backends', 'backend'],
    );
  });

  test('inside a slot the slot is described', async () => {
    const a = await helpAt(MAGLEVC_TREE, 'set frontend web-v4 pool primary backend nginx6 weight ', names);
    assert.ok(a.ok);
    assert.deepEqual(a.choices, [
      { word: '<0-100>', help: 'weight 0..100', kind: 'slot', value: { type: 'int', min: 0, max: 100 } },
    ]);
  });

  test('an error in the words before says what is wrong', async () => {
    assert.deepEqual(await helpAt(MAGLEVC_TREE, 'show foo ', names), {
      ok: false,
      message:
        "unknown word 'foo' after 'show': expected one of version, frontends, frontend, backends, backend, healthchecks, healthcheck, announcements, vpp",
    });
    assert.deepEqual(await helpAt(MAGLEVC_TREE, 'show zz', names), {
      ok: false,
      message: "nothing starting with 'zz' fits here",
    });
  });
});

describe('usage lines (the help command)', () => {
  test('every command of docs/maglevc.md §Commands, once, with help', () => {
    const usages = usageLines(MAGLEVC_TREE).map((u) => u.usage);
    assert.deepEqual(usages, [
      'show version',
      'show frontends',
      'show frontend <frontend>',
      'show backends [<prefix>]',
      'show backend <backend>',
      'show healthchecks',
      'show healthcheck <healthcheck>',
      'show announcements',
      'show vpp info',
      'show vpp lb state',
      'show vpp lb counters',
      'sync vpp lb state [frontend <frontend>] [dry-run]',
      'set backend <backend> pause [dry-run]',
      'set backend <backend> resume [dry-run]',
      'set backend <backend> enable [dry-run]',
      'set backend <backend> disable [dry-run]',
      'set frontend <frontend> pool <pool> backend <backend> weight <0-100> [flush] [dry-run]',
      'config check [<file>]',
      'config reload [dry-run]',
      'watch events [num <n>] [log [level <level>]] [backend] [frontend] [announcement]',
      'help',
      'quit',
      'exit',
    ]);
    for (const u of usageLines(MAGLEVC_TREE)) assert.ok(u.help.length > 5, u.usage);
  });
});
