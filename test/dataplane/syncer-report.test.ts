// The log lines and the metric of one sync run, without VPP: a planned batch of two units, the
// result applyOps would give, and the exact lines operators (and the dashboard, on lb-sync) read.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  LbSyncError,
  logSyncFailure,
  summarise,
  SyncRunReport,
  tallyUnit,
  UnknownFrontendError,
  VppNotConnectedError,
  type ApplyResult,
  type LbOp,
  type LbSyncSummary,
  type PlannedUnit,
} from '../../src/dataplane/index.js';
import { VppApiError, VppConnectionError } from '../../src/vpp/index.js';
import { RecordingLogger } from '../helpers/logger.js';

const web = { prefix: '192.0.2.1/32', protocol: 6, port: 80 } as const;
const dns = { prefix: '192.0.2.53/32', protocol: 17, port: 53 } as const;

const recreate: LbOp = {
  op: 'vip-del',
  vip: web,
  frontend: 'web',
  stage: 'teardown-vip',
  reason: 'encap-changed',
};
const webAdd: LbOp = {
  op: 'vip-add',
  vip: web,
  frontend: 'web',
  stage: 'vip-add',
  encap: 'gre4',
  srcIpSticky: false,
  flowTableLength: 1024,
};
const webAs: LbOp = {
  op: 'as-add',
  vip: web,
  frontend: 'web',
  stage: 'as-add',
  address: '198.51.100.1',
  weight: 100,
};
const dnsWeight: LbOp = {
  op: 'as-weight',
  vip: dns,
  frontend: 'dns',
  stage: 'weight-lower',
  address: '198.51.100.2',
  weight: 0,
  flush: true,
};
const dnsDel: LbOp = {
  op: 'as-del',
  vip: dns,
  frontend: 'dns',
  stage: 'as-del',
  address: '198.51.100.3',
  flush: false,
};

const webUnit: PlannedUnit = {
  scope: { frontend: 'web' },
  reasons: ['transition', 'operator'],
  ops: [recreate, webAdd, webAs],
};
const dnsUnit: PlannedUnit = {
  scope: { frontend: 'dns' },
  reasons: ['transition'],
  ops: [dnsWeight, dnsDel],
};

describe('SyncRunReport', () => {
  test('a batch of two units: recreates first, one line per op, then the metric and one lb-sync per unit', () => {
    const logger = new RecordingLogger();
    const report = new SyncRunReport(logger, [webUnit, dnsUnit]);
    report.recreates();
    const refused = new VppApiError('lb_as_set_weight', -1);
    report.hooks.onApplied?.(recreate);
    report.hooks.onApplied?.(webAdd);
    report.hooks.onApplied?.(webAs);
    report.hooks.onFailed?.(dnsWeight, refused);
    const result: ApplyResult = {
      applied: [recreate, webAdd, webAs],
      failed: [{ op: dnsWeight, error: refused }],
      skipped: [dnsDel],
    };
    const tallies = [webUnit, dnsUnit].map((u) => tallyUnit(u, result));
    const metric: { scope: string; counts: Partial<LbSyncSummary> }[] = [];
    report.finished({
      metrics: { lbSync: (scope, counts) => metric.push({ scope, counts }), lbSyncFailed: () => undefined },
      full: false,
      vppRead: true,
      generation: '1.2',
      durationMs: 12.5,
      result,
      tallies,
    });

    assert.deepEqual(metric, [
      {
        scope: 'vip',
        counts: { vip_added: 1, vip_removed: 1, as_added: 1, as_removed: 0, as_weight_updated: 0 },
      },
    ]);
    assert.deepEqual(
      logger.records.map((e) => [e.level, e.event, e.attrs]),
      [
        ['info', 'lb-vip-recreate', { frontend: 'web', vip: '192.0.2.1/32 tcp:80', reason: 'encap-changed' }],
        [
          'debug',
          'lb-sync-op',
          {
            scope: 'vip',
            frontend: 'web',
            op: 'vip-del',
            vip: '192.0.2.1/32 tcp:80',
            reason: 'encap-changed',
          },
        ],
        [
          'debug',
          'lb-sync-op',
          {
            scope: 'vip',
            frontend: 'web',
            op: 'vip-add',
            vip: '192.0.2.1/32 tcp:80',
            encap: 'gre4',
            srcIpSticky: false,
            flowTableLength: 1024,
          },
        ],
        [
          'debug',
          'lb-sync-op',
          {
            scope: 'vip',
            frontend: 'web',
            op: 'as-add',
            vip: '192.0.2.1/32 tcp:80',
            address: '198.51.100.1',
            weight: 100,
          },
        ],
        [
          'error',
          'lb-sync-op-failed',
          {
            scope: 'vip',
            frontend: 'dns',
            op: 'as-weight',
            vip: '192.0.2.53/32 udp:53',
            address: '198.51.100.2',
            weight: 0,
            flush: true,
            error: refused.message,
            errorName: refused.name,
            msgName: 'lb_as_set_weight',
            retval: -1,
          },
        ],
        [
          'info',
          'lb-sync',
          {
            scope: 'vip',
            frontend: 'web',
            reason: 'transition,operator',
            lbApi: '1.2',
            vipsAdded: 1,
            vipsRemoved: 1,
            asesAdded: 1,
            asesRemoved: 0,
            weightsUpdated: 0,
            failed: 0,
            skipped: 0,
            durationMs: 12.5,
            vppRead: true,
            batch: 2,
          },
        ],
        [
          'info',
          'lb-sync',
          {
            scope: 'vip',
            frontend: 'dns',
            reason: 'transition',
            lbApi: '1.2',
            vipsAdded: 0,
            vipsRemoved: 0,
            asesAdded: 0,
            asesRemoved: 0,
            weightsUpdated: 0,
            failed: 1,
            skipped: 1,
            durationMs: 12.5,
            vppRead: true,
            batch: 2,
          },
        ],
      ],
    );
    assert.deepEqual(
      tallies.map((t) => [t.failures.length, t.skipped]),
      [
        [0, 0],
        [1, 1],
      ],
    );
  });

  test('a single full-scope unit: no batch attribute, and the metric says all', () => {
    const logger = new RecordingLogger();
    const unit: PlannedUnit = { scope: 'all', reasons: ['periodic'], ops: [] };
    const report = new SyncRunReport(logger, [unit]);
    const result: ApplyResult = { applied: [], failed: [], skipped: [] };
    const scopes: string[] = [];
    report.finished({
      metrics: { lbSync: (scope) => scopes.push(scope), lbSyncFailed: () => undefined },
      full: true,
      vppRead: false,
      generation: '1.1',
      durationMs: 0,
      result,
      tallies: [tallyUnit(unit, result)],
    });
    assert.deepEqual(scopes, ['all']);
    const [line] = logger.named('lb-sync');
    assert.equal(line?.attrs['scope'], 'all');
    assert.equal(line?.attrs['lbApi'], '1.1');
    assert.equal(line?.attrs['vppRead'], false);
    assert.equal('batch' in (line?.attrs ?? {}), false);
  });
});

describe('logSyncFailure', () => {
  test('nothing to do is skipped at debug; refused operations and other errors are errors', () => {
    const logger = new RecordingLogger();
    const failed: string[] = [];
    const metrics = { lbSync: () => undefined, lbSyncFailed: (scope: string) => void failed.push(scope) };
    logSyncFailure(logger, 'all', ['periodic'], new VppNotConnectedError(), metrics);
    logSyncFailure(logger, { frontend: 'gone' }, ['operator'], new UnknownFrontendError('gone'), metrics);
    assert.deepEqual(failed, [], 'nothing to do is not a failed sync');
    const refused = new VppApiError('lb_add_del_as_v2', -2);
    const summary = summarise([]);
    logSyncFailure(
      logger,
      { frontend: 'web' },
      ['transition'],
      new LbSyncError([{ op: webAs, error: refused }], summary),
      metrics,
    );
    logSyncFailure(logger, 'all', ['connect', 'reload'], new Error('dump failed'), metrics);
    assert.deepEqual(failed, ['vip', 'all'], 'counted for maglev_vpp_lbsync_errors_total');
    assert.deepEqual(
      logger.records.map((e) => [e.level, e.event, e.attrs]),
      [
        ['debug', 'lb-sync-skipped', { scope: 'all', reason: 'periodic', why: 'VPP is not connected' }],
        [
          'debug',
          'lb-sync-skipped',
          { scope: 'vip', frontend: 'gone', reason: 'operator', why: 'frontend not found: gone' },
        ],
        [
          'error',
          'lb-sync-error',
          {
            scope: 'vip',
            frontend: 'web',
            reason: 'transition',
            error: `lb sync: 1 operation(s) failed: ${refused.message}`,
            failures: [
              {
                op: 'as-add',
                vip: '192.0.2.1/32 tcp:80',
                frontend: 'web',
                address: '198.51.100.1',
                weight: 100,
                error: refused.message,
                errorName: refused.name,
                msgName: 'lb_add_del_as_v2',
                retval: -2,
              },
            ],
          },
        ],
        [
          'error',
          'lb-sync-error',
          { scope: 'all', reason: 'connect,reload', error: 'dump failed', errorName: 'Error' },
        ],
      ],
    );
  });

  test('what the lost connection cut off is a warning (the reconnect redoes it); a refusal among it keeps it an error', () => {
    const logger = new RecordingLogger();
    const failed: string[] = [];
    const metrics = { lbSync: () => undefined, lbSyncFailed: (scope: string) => void failed.push(scope) };
    const closed = new VppConnectionError('connection to VPP closed');
    const refused = new VppApiError('lb_as_set_weight', -1);
    const report = new SyncRunReport(logger, [webUnit, dnsUnit]);
    report.hooks.onFailed?.(webAs, closed);
    report.hooks.onFailed?.(dnsWeight, refused);
    const summary = summarise([]);
    logSyncFailure(
      logger,
      { frontend: 'web' },
      ['transition'],
      new LbSyncError([{ op: webAs, error: closed }], summary),
      metrics,
    );
    logSyncFailure(
      logger,
      'all',
      ['reload'],
      new VppConnectionError('lb_vip_dump: not connected to VPP'),
      metrics,
    );
    logSyncFailure(
      logger,
      { frontend: 'dns' },
      ['transition'],
      new LbSyncError(
        [
          { op: dnsWeight, error: refused },
          { op: dnsDel, error: closed },
        ],
        summary,
      ),
      metrics,
    );
    assert.deepEqual(
      logger.records.map((e) => [e.level, e.event, e.attrs['frontend'] ?? e.attrs['scope']]),
      [
        ['warn', 'lb-sync-op-failed', 'web'],
        ['error', 'lb-sync-op-failed', 'dns'],
        ['warn', 'lb-sync-error', 'web'],
        ['warn', 'lb-sync-error', 'all'],
        ['error', 'lb-sync-error', 'dns'],
      ],
    );
    assert.deepEqual(
      failed,
      ['vip', 'all', 'vip'],
      'still a sync that did not bring VPP to the desired state',
    );
  });
});
