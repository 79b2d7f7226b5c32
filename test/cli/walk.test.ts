// The walker over the real maglevc tree: prefixes, exact-match priority, look-ahead that settles
// `sh ba ...` with live names, options, values and every kind of targeted error.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  describeWalkError,
  MAGLEVC_TREE,
  walkCommand,
  type NameKind,
  type NameLookup,
  type ParsedCommand,
} from '../../src/cli/index.js';

const NAMES: Record<NameKind, string[]> = {
  frontend: ['web-v4', 'web-v6'],
  backend: ['nginx0-ams', 'nginx0-fra', 'nginx6'],
  healthcheck: ['http'],
  pool: ['primary', 'fallback'],
};

/** Live names, counting lookups so tests can see when the walker asks. */
function names(): NameLookup & { calls: string[] } {
  const calls: string[] = [];
  const fn = (kind: NameKind) => {
    calls.push(kind);
    return Promise.resolve(NAMES[kind]);
  };
  return Object.assign(fn, { calls });
}

async function parse(line: string, lookup: NameLookup = names()): Promise<ParsedCommand> {
  const r = await walkCommand(MAGLEVC_TREE, line.split(' ').filter(Boolean), lookup);
  if (!r.ok) assert.fail(`'${line}' did not parse: ${describeWalkError(r.error)}`);
  return r.value;
}

async function fail(line: string, lookup: NameLookup = names()): Promise<string> {
  const r = await walkCommand(MAGLEVC_TREE, line.split(' ').filter(Boolean), lookup);
  if (r.ok) assert.fail(`'${line}' parsed as ${r.value.words.join(' ')}`);
  return describeWalkError(r.error);
}

describe('walk: keywords and prefixes', () => {
  test('full words', async () => {
    const c = await parse('show frontend web-v4');
    assert.equal(c.action, 'show-frontend');
    assert.deepEqual(c.args, { frontend: 'web-v4' });
    assert.deepEqual(c.words, ['show', 'frontend', 'web-v4']);
  });

  test('unique prefixes are spelled out', async () => {
    const c = await parse('sh vp l co');
    assert.equal(c.action, 'show-vpp-lb-counters');
    assert.deepEqual(c.words, ['show', 'vpp', 'lb', 'counters']);
    assert.equal((await parse('conf rel')).action, 'config-reload');
    assert.equal((await parse('sh he http')).action, 'show-healthcheck');
  });

  test('an exact match wins over a longer keyword it prefixes, with no name lookup', async () => {
    const lookup = names();
    assert.equal((await parse('show backend nginx6', lookup)).action, 'show-backend');
    assert.equal((await parse('show backends', lookup)).action, 'show-backends');
    assert.equal((await parse('show frontend web-v4', lookup)).action, 'show-frontend');
    assert.deepEqual(lookup.calls, []);
  });

  test('sh ba nginx0 is the backend list filtered by prefix (no backend is called nginx0)', async () => {
    const c = await parse('sh ba nginx0');
    assert.equal(c.action, 'show-backends');
    assert.deepEqual(c.args, { prefix: 'nginx0' });
  });

  test('sh ba <an existing name> is that backend (backend is the shorter keyword)', async () => {
    const c = await parse('sh ba nginx0-ams');
    assert.equal(c.action, 'show-backend');
    assert.deepEqual(c.args, { backend: 'nginx0-ams' });
  });

  test('sh ba alone is the list: backend needs a name', async () => {
    assert.equal((await parse('sh ba')).action, 'show-backends');
    assert.equal((await parse('sh fr')).action, 'show-frontends');
  });

  test('without live names an ambiguous prefix still settles on the readings that parse', async () => {
    const unknown: NameLookup = () => Promise.resolve(undefined);
    assert.equal((await parse('sh ba nginx0', unknown)).action, 'show-backend');
    assert.equal((await parse('sh ba', unknown)).action, 'show-backends');
  });

  test('a name that matches nothing goes to maglevd (which says not found)', async () => {
    const c = await parse('sh fr nosuch');
    assert.equal(c.action, 'show-frontend');
    assert.equal(c.args.frontend, 'nosuch');
  });

  test('s ba nginx6 pause can only be set', async () => {
    const c = await parse('s ba nginx6 pause');
    assert.equal(c.action, 'set-backend-pause');
    assert.deepEqual(c.words, ['set', 'backend', 'nginx6', 'pause']);
  });

  test('s v l s fits both show and sync: ambiguous, not guessed', async () => {
    assert.equal(await fail('s v l s'), "ambiguous word 's': could be show, sync");
  });
});

describe('walk: slots, values and options', () => {
  test('set weight with every slot and flush', async () => {
    const c = await parse('set fr web-v4 po primary ba nginx0-ams we 42 fl');
    assert.equal(c.action, 'set-weight');
    assert.deepEqual(c.args, { frontend: 'web-v4', pool: 'primary', backend: 'nginx0-ams', weight: '42' });
    assert.deepEqual([...c.options], ['flush']);
  });

  test('weights outside 0..100 and non-numbers are refused before any RPC', async () => {
    for (const w of ['101', '-1', 'ten', '1.5']) {
      const msg = await fail(`set frontend web-v4 pool primary backend nginx6 weight ${w}`);
      assert.match(
        msg,
        new RegExp(
          `^bad value '${w.replace('.', '\\.')}' after 'set frontend web-v4 pool primary backend nginx6 weight': <0-100> must be a whole number 0\\.\\.100$`,
        ),
      );
    }
    assert.equal((await parse('set frontend web-v4 pool primary backend nginx6 weight 0')).args.weight, '0');
    assert.equal(
      (await parse('set frontend web-v4 pool primary backend nginx6 weight 007')).args.weight,
      '7',
    );
  });

  test('watch events options in any order, nested level, choice prefixes', async () => {
    const c = await parse('watch events frontend log level deb num 5 backend');
    assert.equal(c.action, 'watch-events');
    assert.deepEqual(c.args, { level: 'debug', num: '5' });
    assert.deepEqual([...c.options].sort(), ['backend', 'frontend', 'level', 'log', 'num']);
    assert.deepEqual(c.words, [
      'watch',
      'events',
      'frontend',
      'log',
      'level',
      'debug',
      'num',
      '5',
      'backend',
    ]);
    assert.equal((await parse('wa ev')).action, 'watch-events');
  });

  test('level only after log; options at most once; bad choices and counts', async () => {
    assert.match(
      await fail('watch events level debug'),
      /^unknown word 'level' after 'watch events': expected one of num, log, backend, frontend, announcement$/,
    );
    assert.equal(await fail('watch events log log'), "'log' given twice after 'watch events log'");
    assert.equal(
      await fail('watch events log level loud'),
      "bad value 'loud' after 'watch events log level': <level> must be one of debug, info, warn, error",
    );
    assert.equal(
      await fail('watch events num 0'),
      "bad value '0' after 'watch events num': <n> must be a whole number 1 or more",
    );
  });

  test('sync with and without a frontend', async () => {
    assert.deepEqual((await parse('sync vpp lb state')).args, {});
    assert.deepEqual((await parse('sy v l st fr web-v6')).args, { frontend: 'web-v6' });
  });
});

describe('walk: targeted errors', () => {
  test('unknown first word lists the commands', async () => {
    assert.equal(
      await fail('frobnicate'),
      "unknown command 'frobnicate': expected one of show, sync, set, config, watch, help, quit, exit",
    );
  });

  test('unknown word after show lists only what may follow show', async () => {
    assert.equal(
      await fail('show foo'),
      "unknown word 'foo' after 'show': expected one of version, frontends, frontend, backends, backend, healthchecks, healthcheck, announcements, vpp",
    );
  });

  test('incomplete commands say what is missing', async () => {
    assert.equal(
      await fail('show'),
      "incomplete command 'show': expected one of version, frontends, frontend, backends, backend, healthchecks, healthcheck, announcements, vpp",
    );
    assert.equal(await fail('show frontend'), "incomplete command 'show frontend': expected <frontend>");
    assert.equal(
      await fail('set backend nginx6'),
      "incomplete command 'set backend nginx6': expected one of pause, resume, enable, disable",
    );
    assert.equal(await fail('watch events num'), "incomplete command 'watch events num': expected <n>");
    assert.equal(
      await fail(''),
      'empty command: expected one of show, sync, set, config, watch, help, quit, exit',
    );
  });

  test('extra words after a complete command', async () => {
    assert.equal(
      await fail('show version now'),
      "unexpected word 'now' after 'show version': the command ends there",
    );
    assert.equal(
      await fail('set backend nginx6 pause now'),
      "unknown word 'now' after 'set backend nginx6 pause': expected dry-run",
    );
  });

  test('ambiguous prefix with no reading that parses lists the candidates', async () => {
    assert.equal((await parse('show he')).action, 'show-healthchecks');
    assert.equal(
      await fail('show he http x'),
      "ambiguous word 'he' after 'show': could be healthchecks, healthcheck",
    );
    assert.equal(await fail('s'), "ambiguous word 's': could be show, sync, set");
  });
});
