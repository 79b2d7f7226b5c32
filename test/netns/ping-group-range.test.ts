// net.ipv4.ping_group_range: the pure range rules, and ensurePingGroupRange inside a real
// namespace (needs root) and against an addon that may not write.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ensurePingGroupRange,
  parsePingGroupRange,
  PACKAGED_SYSCTL_SNIPPET,
  PING_GROUP_RANGE_PATH,
  rangeAllows,
  widenedRange,
} from '../../src/probe/index.js';
import { loadNativeAddon, type NativeAddon } from '../../src/native/index.js';
import { inNetns, NetnsJanitor, sweepStaleNamespaces } from '../helpers/netns.js';
import { RecordingLogger } from '../helpers/logger.js';
import { needsRoot } from '../helpers/requirements.js';

void describe('ping_group_range rules', () => {
  void test('parses the kernel format (tab separated)', () => {
    assert.deepEqual(parsePingGroupRange('1\t0\n'), { lo: 1, hi: 0 });
    assert.deepEqual(parsePingGroupRange('0 2147483647'), { lo: 0, hi: 2147483647 });
    assert.throws(() => parsePingGroupRange('x'), /unexpected net\.ipv4\.ping_group_range value "x"/);
  });

  void test('a closed range allows nobody, root included', () => {
    assert.equal(rangeAllows({ lo: 1, hi: 0 }, [0]), false);
    assert.equal(rangeAllows({ lo: 100, hi: 200 }, [5, 150]), true, 'supplementary groups count');
    assert.equal(rangeAllows({ lo: 100, hi: 200 }, [5, 250]), false);
  });

  void test('widening is the smallest change that lets the gid in', () => {
    assert.deepEqual(widenedRange({ lo: 1, hi: 0 }, 0), { lo: 0, hi: 0 });
    assert.deepEqual(widenedRange({ lo: 1, hi: 0 }, 998), { lo: 998, hi: 998 });
    assert.deepEqual(widenedRange({ lo: 100, hi: 200 }, 50), { lo: 50, hi: 200 });
    assert.deepEqual(widenedRange({ lo: 100, hi: 200 }, 300), { lo: 100, hi: 300 });
  });
});

void describe('ensurePingGroupRange in a namespace', { skip: needsRoot('a network namespace') }, () => {
  const janitor = new NetnsJanitor();
  let ns: string;

  before(() => {
    sweepStaleNamespaces();
    ns = janitor.add('pgr');
  });
  after(() => janitor.cleanup());

  const readInside = () => inNetns(ns, 'cat', PING_GROUP_RANGE_PATH).trim().split(/\s+/).join(' ');

  void test('a new namespace starts closed; it is widened there (only there) and logged once', () => {
    assert.equal(readInside(), '1 0');
    const rootBefore = loadNativeAddon().procFile(null, PING_GROUP_RANGE_PATH, null);
    const log = new RecordingLogger();

    const first = ensurePingGroupRange({ netns: ns, logger: log, gids: [4242] });
    assert.deepEqual(first, { ok: true, range: { lo: 4242, hi: 4242 }, widenedFrom: { lo: 1, hi: 0 } });
    assert.equal(readInside(), '4242 4242');
    assert.equal(
      loadNativeAddon().procFile(null, PING_GROUP_RANGE_PATH, null),
      rootBefore,
      'root namespace untouched',
    );
    assert.deepEqual(
      log.records.map((r) => [r.level, r.event, r.attrs]),
      [
        [
          'info',
          'ping-group-range-widened',
          { netns: ns, sysctl: 'net.ipv4.ping_group_range', from: '1 0', to: '4242 4242' },
        ],
      ],
    );

    const again = ensurePingGroupRange({ netns: ns, logger: log, gids: [4242] });
    assert.deepEqual(again, { ok: true, range: { lo: 4242, hi: 4242 } });
    assert.equal(log.records.length, 1, 'nothing to do, nothing logged');
  });

  void test('a missing namespace is one clear error', () => {
    const log = new RecordingLogger();
    const status = ensurePingGroupRange({ netns: `${ns}-missing`, logger: log });
    assert.equal(status.ok, false);
    assert.equal(log.records.length, 1);
    const { level, event, attrs } = log.records[0]!;
    assert.equal(level, 'error');
    assert.equal(event, 'ping-group-range-error');
    assert.match(String(attrs.detail), /netns ".*-missing" not found/);
  });
});

void describe('ensurePingGroupRange against an addon that may not write', () => {
  const denied: NativeAddon = {
    ...loadNativeAddon(),
    procFile(_netns, path, value) {
      if (value === null) return '1\t0\n';
      throw Object.assign(new Error(`open ${path}: Permission denied`), {
        code: 'EACCES',
        errno: 13,
        syscall: 'open',
      });
    },
  };

  void test('when it may not write, the error names the sysctl and the command to run', () => {
    const log = new RecordingLogger();
    const status = ensurePingGroupRange({ netns: 'dp', logger: log, addon: denied, gids: [998] });
    assert.equal(status.ok, false);
    assert.equal(
      status.ok ? '' : status.detail,
      'net.ipv4.ping_group_range is "1 0" in netns "dp", which excludes gid 998, so icmp probes cannot open ' +
        'ping sockets; could not widen it (open EACCES): ' +
        `run "ip netns exec dp sysctl -w net.ipv4.ping_group_range='998 998'"`,
    );
    assert.deepEqual(
      log.records.map(({ level, event, attrs }) => [level, event, attrs.sysctl]),
      [['error', 'ping-group-range-error', 'net.ipv4.ping_group_range']],
    );
  });

  // maglevd as the package's unprivileged user, in its own namespace: the fix is the snippet.
  const rootNamespaceDetail = (snippetInstalled: boolean) => {
    const status = ensurePingGroupRange({
      netns: undefined,
      logger: new RecordingLogger(),
      addon: denied,
      gids: [998],
      snippetInstalled: () => snippetInstalled,
    });
    return status.ok ? '' : status.detail;
  };

  void test('in its own namespace with the packaged sysctl.d snippet installed, it says to apply it', () => {
    assert.equal(
      rootNamespaceDetail(true),
      `net.ipv4.ping_group_range is "1 0" in maglevd's own namespace, which excludes gid 998, so icmp probes ` +
        `cannot open ping sockets; could not widen it (open EACCES): ` +
        `${PACKAGED_SYSCTL_SNIPPET} is installed but not in effect: run "sysctl --system"`,
    );
  });

  void test('in its own namespace without the snippet, it says what to set and where to keep it', () => {
    assert.match(
      rootNamespaceDetail(false),
      /could not widen it \(open EACCES\): run "sysctl -w net\.ipv4\.ping_group_range='998 998'" and keep the setting in a file under \/etc\/sysctl\.d\/$/,
    );
  });
});
