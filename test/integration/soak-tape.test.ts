// The soak's log sink (bench/soak-tape.ts): the online replay must be exactly as strict as
// replaying a whole tape afterwards, whichever of a probe-done and its transition arrives first.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SoakTape, TransitionReplay } from '../../bench/soak-tape.js';
import type { LogAttrs, LogLevel, LogRecord } from '../../src/log/index.js';

const ok = (r: TransitionReplay, b: string) => r.probe(b, true, 'L4OK', 'connected');
const fail = (r: TransitionReplay, b: string) => r.probe(b, false, 'L4CON', 'refused');

void test('replay: transitions that follow from the probes, in either order, are no problem', () => {
  const r = new TransitionReplay(2, 2);
  ok(r, 'b0'); // unknown, counter at rise - 1: one pass brings it up
  r.transition('b0', 'unknown', 'up');
  fail(r, 'b0');
  fail(r, 'b0');
  r.transition('b0', 'up', 'down');
  // The transition logged before the probe that implies it still pairs with it.
  r.transition('b1', 'unknown', 'down');
  fail(r, 'b1');
  assert.deepEqual(r.problems(), []);
});

void test('replay: a checker fault implies nothing', () => {
  const r = new TransitionReplay(2, 2);
  ok(r, 'b0');
  r.transition('b0', 'unknown', 'up');
  r.probe('b0', false, 'checker-fault', 'EADDRNOTAVAIL');
  r.probe('b0', false, 'checker-fault', 'EADDRNOTAVAIL');
  assert.deepEqual(r.problems(), []);
});

void test('replay: a logged transition the probes do not imply is a problem', () => {
  const r = new TransitionReplay(2, 2);
  ok(r, 'b0');
  r.transition('b0', 'unknown', 'up');
  fail(r, 'b0'); // one failure of fall = 2: still up
  r.transition('b0', 'up', 'down');
  assert.deepEqual(r.problems(), ['b0: after 1 matching transitions, log says [up>down] more']);
});

void test('replay: a transition the probes imply but the log lacks is a problem', () => {
  const r = new TransitionReplay(2, 2);
  fail(r, 'b3');
  assert.deepEqual(r.problems(), ['b3: after 0 matching transitions, probes imply [unknown>down] more']);
});

void test('replay: a different transition is a mismatch, reported once per backend', () => {
  const r = new TransitionReplay(2, 2);
  ok(r, 'b0');
  r.transition('b0', 'unknown', 'down');
  fail(r, 'b0');
  fail(r, 'b0');
  r.transition('b0', 'up', 'down');
  assert.deepEqual(r.problems(), ['b0: transition 1: probes imply unknown>up, log says unknown>down']);
});

function record(level: LogLevel, event: string, attrs: LogAttrs): LogRecord {
  return { level, event, attrs, at: 0 };
}

void test('tape: counts every record, keeps only error-level ones, replays probes and transitions', () => {
  const tape = new SoakTape(2, 2);
  tape.listener(record('debug', 'probe-done', { backend: 'b0', ok: true, code: 'L4OK', detail: '' }));
  tape.listener(record('info', 'backend-transition', { backend: 'b0', from: 'unknown', to: 'up' }));
  tape.listener(record('info', 'lb-sync', { scope: 'all' }));
  tape.listener(record('error', 'lb-sync-error', { error: 'refused' }));
  assert.equal(tape.records, 4);
  assert.equal(tape.count('probe-done'), 1);
  assert.equal(tape.count('backend-transition'), 1);
  assert.deepEqual(
    tape.errors.map((r) => r.event),
    ['lb-sync-error'],
  );
  assert.deepEqual(tape.replay.problems(), []);
});

void test('tape: a probe round resolves once every backend has been probed after it began', async () => {
  const tape = new SoakTape(2, 2);
  tape.listener(record('debug', 'probe-done', { backend: 'b0', ok: true, code: 'L4OK', detail: '' }));
  let done = false;
  const round = tape.probeRound(['b0', 'b1'], 10_000).then(() => (done = true));
  tape.listener(record('debug', 'probe-done', { backend: 'b1', ok: true, code: 'L4OK', detail: '' }));
  await Promise.resolve();
  assert.equal(done, false, 'b0 was probed before the round began');
  tape.listener(record('debug', 'probe-done', { backend: 'b0', ok: true, code: 'L4OK', detail: '' }));
  await round;
  assert.equal(done, true);
});

void test('tape: until resolves on the record that makes the condition hold', async () => {
  const tape = new SoakTape(2, 2);
  const connected = tape.until('a connect', () => tape.count('vpp-connect') > 0, 10_000);
  tape.listener(record('info', 'vpp-connect', {}));
  await connected;
  await assert.rejects(
    tape.until('never', () => false, 1),
    /timed out waiting for never/,
  );
});
