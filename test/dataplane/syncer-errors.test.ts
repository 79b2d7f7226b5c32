// The syncer's refusals as values: the API layer maps them by class and passes their messages to
// operators (maglevc prints them), so the names and the words are pinned here, without VPP.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  LbSyncError,
  SyncerStoppedError,
  UnknownFrontendError,
  VppNotConnectedError,
  WarmupHoldError,
  type LbOp,
} from '../../src/dataplane/index.js';

void describe('syncer errors', () => {
  void test('not connected, stopping and an unknown frontend say so', () => {
    assert.deepEqual(pick(new VppNotConnectedError()), ['VppNotConnectedError', 'VPP is not connected']);
    assert.deepEqual(pick(new SyncerStoppedError()), ['SyncerStoppedError', 'the syncer is stopping']);
    const unknown = new UnknownFrontendError('web');
    assert.deepEqual(pick(unknown), ['UnknownFrontendError', 'frontend not found: web']);
    assert.equal(unknown.frontend, 'web');
  });

  void test('the warmup hold names its phase, and the frontend when one is held back', () => {
    const full = new WarmupHoldError('holding', undefined);
    assert.deepEqual(pick(full), [
      'WarmupHoldError',
      'startup warmup (holding): a full sync must wait for startup-max-delay',
    ]);
    const one = new WarmupHoldError('releasing', 'web');
    assert.deepEqual(pick(one), [
      'WarmupHoldError',
      'startup warmup (releasing): frontend "web" is not released yet',
    ]);
    assert.deepEqual([one.phase, one.frontend], ['releasing', 'web']);
  });

  void test('a partly failed sync counts its failures and joins their messages', () => {
    const op: LbOp = {
      op: 'as-del',
      vip: { prefix: '192.0.2.1/32', protocol: 6, port: 80 },
      frontend: 'web',
      stage: 'as-del',
      address: '10.0.0.1',
      flush: true,
    };
    const summary = { vip_added: 0, vip_removed: 0, as_added: 0, as_removed: 1, as_weight_updated: 0 };
    const failures = [
      { op, error: new Error('refused') },
      { op, error: new Error('timed out') },
    ];
    const err = new LbSyncError(failures, summary);
    assert.deepEqual(pick(err), ['LbSyncError', 'lb sync: 2 operation(s) failed: refused; timed out']);
    assert.equal(err.failures, failures);
    assert.equal(err.summary, summary);
  });
});

function pick(err: Error): [string, string] {
  assert.ok(err instanceof Error);
  return [err.name, err.message];
}
