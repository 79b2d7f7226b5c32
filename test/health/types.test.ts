import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN_CODES,
  BACKEND_STATES,
  CHECKER_FAULT,
  CHECKER_FAULT_REASONS,
  PROBE_CODES,
  isBackendState,
  isCheckerFault,
  isCheckerFaultReason,
  type ProbeResult,
} from '../../src/health/index.js';

// These words leave the process: the state gauge's numbers, the fault reasons in metric labels
// and the API, the transition codes in logs. The expected lists are the documents' own, written
// out here, so a renamed or reordered word fails.

void describe('the health vocabulary', () => {
  void test("backend states in the original's enum order: the gauge values of docs/metrics.md", () => {
    // docs/metrics.md, maglev_backend_state: 0 unknown, 1 up, 2 down, 3 paused, 4 disabled, 5 removed.
    assert.deepEqual([...BACKEND_STATES], ['unknown', 'up', 'down', 'paused', 'disabled', 'removed']);
  });

  void test('isBackendState accepts exactly the six states, as spelled', () => {
    for (const state of BACKEND_STATES) assert.equal(isBackendState(state), true, state);
    for (const word of ['', 'Up', 'UP', ' up', 'draining', 'checker-fault']) {
      assert.equal(isBackendState(word), false, word);
    }
  });

  void test("probe codes are HAProxy's check-status words; admin codes name the operator's actions", () => {
    assert.deepEqual(
      [...PROBE_CODES],
      ['L4OK', 'L4TOUT', 'L4CON', 'L6OK', 'L6TOUT', 'L6RSP', 'L7OK', 'L7TOUT', 'L7RSP', 'L7STS'],
    );
    assert.deepEqual([...ADMIN_CODES], ['paused', 'resumed', 'disabled', 'enabled', 'removed']);
  });

  void test('checker-fault reasons are the ones docs/safety.md lists, and only those', () => {
    // docs/safety.md §What counts as a checker fault.
    assert.deepEqual([...CHECKER_FAULT_REASONS].sort(), [
      'event-loop-stall',
      'netns',
      'no-route',
      'permission',
      'resources',
      'socket-setup',
      'source-address',
    ]);
    for (const reason of CHECKER_FAULT_REASONS) assert.equal(isCheckerFaultReason(reason), true, reason);
    for (const word of ['', 'NETNS', 'timeout', 'checker-fault'])
      assert.equal(isCheckerFaultReason(word), false, word);
  });

  void test('a result is a checker fault by its code alone', () => {
    const fault: ProbeResult = {
      ok: false,
      layer: 'L4',
      code: CHECKER_FAULT,
      reason: 'netns',
      detail: 'netns "dp" not found',
      durationMs: 0,
    };
    assert.equal(CHECKER_FAULT, 'checker-fault');
    assert.equal(isCheckerFault(fault), true);
    const verdict: ProbeResult = { ok: false, layer: 'L4', code: 'L4CON', detail: 'refused', durationMs: 1 };
    assert.equal(isCheckerFault(verdict), false);
  });
});
