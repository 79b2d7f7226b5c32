import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BackendHealth,
  CHECKER_FAULT_REASONS,
  type BackendState,
  type ProbeResult,
} from '../../src/health/index.js';
import { FAIL, PASS } from '../helpers/scripted-probe.js';

function make(rise = 2, fall = 3, historyLimit = 5): BackendHealth {
  return new BackendHealth({ name: 'b', address: '10.0.0.1', rise, fall, historyLimit });
}

/** Runs a 'p'/'f' script, returning "state:counter" after each step. */
function run(h: BackendHealth, script: string): string[] {
  let t = 0;
  return [...script].map((c) => {
    h.record(c === 'p' ? PASS : FAIL, ++t);
    return `${h.state}:${h.counter}`;
  });
}

void describe('BackendHealth counter (rise=2, fall=3, max=4)', () => {
  const cases: Array<[string, string, string[]]> = [
    ['unknown + one pass is up, counter jumps to max', 'p', ['up:4']],
    ['unknown + one failure is down at once, counter 0', 'f', ['down:0']],
    ['up needs fall consecutive failures', 'pfff', ['up:4', 'up:3', 'up:2', 'down:0']],
    ['down needs rise consecutive passes', 'fpp', ['down:0', 'down:1', 'up:4']],
    [
      'a pass while up restores max: fall means consecutive',
      'pffpfff',
      ['up:4', 'up:3', 'up:2', 'up:4', 'up:3', 'up:2', 'down:0'],
    ],
    ['a failure resets the rise streak', 'fpfpp', ['down:0', 'down:1', 'down:0', 'down:1', 'up:4']],
    ['alternation after coming up does not flap', 'pfpfpf', ['up:4', 'up:3', 'up:4', 'up:3', 'up:4', 'up:3']],
    [
      'counter stays at its bounds',
      'ppffffff',
      ['up:4', 'up:4', 'up:3', 'up:2', 'down:0', 'down:0', 'down:0', 'down:0'],
    ],
  ];
  for (const [name, script, want] of cases) {
    void test(name, () => assert.deepEqual(run(make(), script), want));
  }

  void test('rise=1 fall=1: every result decides', () => {
    assert.deepEqual(run(make(1, 1), 'pfpf'), ['up:1', 'down:0', 'up:1', 'down:0']);
  });

  void test('starts unknown with counter rise-1, or disabled when asked', () => {
    const h = make(3, 2);
    assert.equal(h.state, 'unknown');
    assert.equal(h.counter, 2);
    const d = new BackendHealth({
      name: 'd',
      address: '::1',
      rise: 2,
      fall: 2,
      historyLimit: 5,
      initialState: 'disabled',
    });
    assert.equal(d.state, 'disabled');
    assert.equal(d.record(PASS, 1), undefined);
  });

  void test('transition carries from, to, time, probe code and detail', () => {
    const h = make();
    assert.equal(h.record(PASS, 1000)?.to, 'up');
    assert.equal(h.record(PASS, 2000), undefined);
    h.record(FAIL, 3000);
    h.record(FAIL, 4000);
    const t = h.record(FAIL, 5000);
    assert.deepEqual(t, { from: 'up', to: 'down', at: 5000, code: 'L4CON', detail: 'connect ECONNREFUSED' });
    assert.deepEqual(h.transitions[0], t);
  });

  void test('rejects rise or fall below 1, or not whole, naming which', () => {
    assert.throws(() => make(0, 1), { name: 'RangeError', message: 'rise must be >= 1, got 0' });
    assert.throws(() => make(1, 0), { name: 'RangeError', message: 'fall must be >= 1, got 0' });
    assert.throws(() => make(1.5, 1), { message: 'rise must be >= 1, got 1.5' });
    assert.throws(() => make(1, 2.5), { message: 'fall must be >= 1, got 2.5' });
  });
});

void describe('BackendHealth operator actions (docs/health.md §Operator actions)', () => {
  void test('pause, then results are ignored, resume gives unknown with counter rise-1', () => {
    const h = make(3, 2);
    run(h, 'p');
    const p = h.pause(10);
    assert.deepEqual(p, { from: 'up', to: 'paused', at: 10, code: 'paused', detail: 'paused by operator' });
    assert.equal(h.record(FAIL, 11), undefined);
    assert.equal(h.state, 'paused');
    assert.equal(h.pause(12), undefined, 'pausing a paused backend emits nothing');
    const r = h.resume(13);
    assert.deepEqual(r, {
      from: 'paused',
      to: 'unknown',
      at: 13,
      code: 'resumed',
      detail: 'resumed by operator',
    });
    assert.equal(h.state, 'unknown');
    assert.equal(h.counter, 2);
    assert.equal(h.resume(14), undefined, 'resume only from paused');
    assert.equal(h.record(PASS, 15)?.to, 'up');
  });

  void test('disable from any live state, enable only from disabled', () => {
    for (const start of ['unknown', 'up', 'down', 'paused'] as BackendState[]) {
      const h = make();
      if (start === 'up') run(h, 'p');
      if (start === 'down') run(h, 'f');
      if (start === 'paused') h.pause(1);
      assert.equal(h.state, start);
      assert.equal(h.enable(2), undefined, `enable of ${start} emits nothing`);
      assert.deepEqual(h.disable(3), {
        from: start,
        to: 'disabled',
        at: 3,
        code: 'disabled',
        detail: 'disabled by operator',
      });
      assert.equal(h.disable(4), undefined);
      assert.equal(h.pause(5), undefined, 'a disabled backend is not paused');
      assert.equal(h.resume(6), undefined);
      assert.deepEqual(h.enable(7), {
        from: 'disabled',
        to: 'unknown',
        at: 7,
        code: 'enabled',
        detail: 'enabled by operator',
      });
      assert.equal(h.state, 'unknown');
      assert.equal(h.counter, 1);
    }
  });

  void test('remove is final', () => {
    const h = make();
    assert.deepEqual(h.remove(1), {
      from: 'unknown',
      to: 'removed',
      at: 1,
      code: 'removed',
      detail: 'removed from config',
    });
    assert.equal(h.remove(2), undefined);
    assert.equal(h.disable(3), undefined);
    assert.equal(h.enable(4), undefined);
    assert.equal(h.pause(5), undefined);
    assert.equal(h.record(PASS, 6), undefined);
    assert.equal(h.state, 'removed');
  });

  void test('setHistoryLimit trims at once; limit 0 keeps nothing', () => {
    const h = make(1, 1, 5);
    run(h, 'pfpfp');
    assert.equal(h.transitions.length, 5);
    h.setHistoryLimit(2);
    assert.equal(h.transitions.length, 2);
    assert.equal(h.transitions[0]?.to, 'up');
    // A larger bound keeps what there is: nothing is padded out.
    h.setHistoryLimit(10);
    assert.deepEqual(
      h.transitions.map((t) => t.to),
      ['up', 'down'],
    );
    const none = make(1, 1, 0);
    run(none, 'pf');
    assert.equal(none.transitions.length, 0);
  });
});

const arbRiseFall = fc.record({
  rise: fc.integer({ min: 1, max: 10 }),
  fall: fc.integer({ min: 1, max: 10 }),
});
const arbScript = fc.array(fc.boolean(), { maxLength: 80 });

void describe('BackendHealth properties', () => {
  void test('counter always in [0, rise+fall-1] and state agrees with it', () => {
    fc.assert(
      fc.property(arbRiseFall, arbScript, ({ rise, fall }, script) => {
        const h = make(rise, fall);
        script.forEach((ok, i) => {
          h.record(ok ? PASS : FAIL, i);
          assert.ok(h.counter >= 0 && h.counter <= rise + fall - 1);
          if (h.state === 'up') assert.ok(h.counter >= rise);
          if (h.state === 'down') assert.ok(h.counter < rise);
        });
      }),
    );
  });

  void test('rise passes from counter 0 always reach up (and not one fewer)', () => {
    fc.assert(
      fc.property(arbRiseFall, arbScript, ({ rise, fall }, prefix) => {
        const h = make(rise, fall);
        prefix.forEach((ok, i) => h.record(ok ? PASS : FAIL, i));
        h.record(FAIL, 1000);
        if (h.counter !== 0) h.record(FAIL, 1001); // a fall streak reaches 0 from anywhere
        while (h.counter !== 0) h.record(FAIL, 1002);
        for (let i = 0; i < rise - 1; i++) h.record(PASS, 2000 + i);
        assert.equal(h.state, 'down');
        h.record(PASS, 3000);
        assert.equal(h.state, 'up');
      }),
    );
  });

  void test('fall failures from max always reach down (and not one fewer)', () => {
    fc.assert(
      fc.property(arbRiseFall, arbScript, ({ rise, fall }, prefix) => {
        const h = make(rise, fall);
        prefix.forEach((ok, i) => h.record(ok ? PASS : FAIL, i));
        while (h.counter !== h.max) h.record(PASS, 1000);
        for (let i = 0; i < fall - 1; i++) h.record(FAIL, 2000 + i);
        assert.equal(h.state, 'up');
        h.record(FAIL, 3000);
        assert.equal(h.state, 'down');
      }),
    );
  });

  void test('pass/fail alternation never flips state once settled', () => {
    fc.assert(
      fc.property(
        fc.record({ rise: fc.integer({ min: 2, max: 10 }), fall: fc.integer({ min: 2, max: 10 }) }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 40 }),
        ({ rise, fall }, settleUp, startWithPass, steps) => {
          const h = make(rise, fall);
          // Settle: fully up (counter max) or fully down (counter 0).
          if (settleUp) while (h.counter !== h.max) h.record(PASS, 0);
          else while (h.state !== 'down' || h.counter !== 0) h.record(FAIL, 0);
          const settled = h.state;
          for (let i = 0; i < steps; i++) {
            const pass = (i % 2 === 0) === startWithPass;
            assert.equal(h.record(pass ? PASS : FAIL, i + 1), undefined);
            assert.equal(h.state, settled);
          }
        },
      ),
    );
  });

  void test('history never exceeds its bound and is newest first', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 }),
        fc.array(fc.constantFrom('p', 'f', 'pause', 'resume', 'disable', 'enable'), { maxLength: 60 }),
        (limit, ops) => {
          const h = make(1, 2, limit);
          let emitted = 0;
          ops.forEach((op, i) => {
            const at = i * 10;
            let t;
            if (op === 'p') t = h.record(PASS, at);
            else if (op === 'f') t = h.record(FAIL, at);
            else t = h[op](at);
            if (t) {
              emitted++;
              if (limit > 0) assert.equal(h.transitions[0], t, 'newest first');
              assert.equal(t.from === t.to, false);
            }
            assert.ok(h.transitions.length <= limit);
            assert.equal(h.transitions.length, Math.min(limit, emitted));
            for (let k = 1; k < h.transitions.length; k++) {
              assert.ok(h.transitions[k - 1]!.at >= h.transitions[k]!.at);
              assert.equal(h.transitions[k - 1]!.from, h.transitions[k]!.to, 'transitions chain');
            }
          });
        },
      ),
    );
  });
});

/** A probe the checker could not run properly (docs/safety.md): never a verdict on the backend. */
const arbFault: fc.Arbitrary<ProbeResult> = fc
  .record({
    reason: fc.constantFrom(...CHECKER_FAULT_REASONS),
    layer: fc.constantFrom('L4' as const, 'L6' as const, 'L7' as const),
  })
  .map(({ reason, layer }) => ({
    ok: false,
    layer,
    code: 'checker-fault',
    reason,
    detail: `fault ${reason}`,
    durationMs: 1,
  }));

void describe('BackendHealth and checker faults (docs/safety.md §What happens to the backend)', () => {
  void test('a checker fault changes nothing: no transition, same state, counter and history', () => {
    fc.assert(
      fc.property(arbRiseFall, arbScript, arbFault, ({ rise, fall }, prefix, fault) => {
        const h = make(rise, fall);
        prefix.forEach((ok, i) => h.record(ok ? PASS : FAIL, i));
        const before = { state: h.state, counter: h.counter, history: [...h.transitions] };
        assert.equal(h.record(fault, 10_000), undefined);
        assert.deepEqual({ state: h.state, counter: h.counter, history: [...h.transitions] }, before);
      }),
    );
  });

  void test('faults interleaved anywhere leave the outcome of the real verdicts unchanged', () => {
    fc.assert(
      fc.property(
        arbRiseFall,
        fc.array(fc.oneof(fc.boolean(), arbFault), { maxLength: 80 }),
        ({ rise, fall }, mixed) => {
          const withFaults = make(rise, fall);
          const without = make(rise, fall);
          const seen: string[] = [];
          const clean: string[] = [];
          mixed.forEach((step, i) => {
            if (typeof step === 'boolean') {
              const t = without.record(step ? PASS : FAIL, i);
              if (t) clean.push(`${t.from}>${t.to}@${t.at}`);
            }
            const t = withFaults.record(typeof step === 'boolean' ? (step ? PASS : FAIL) : step, i);
            if (t) seen.push(`${t.from}>${t.to}@${t.at}`);
          });
          assert.deepEqual(seen, clean);
          assert.deepEqual([withFaults.state, withFaults.counter], [without.state, without.counter]);
        },
      ),
    );
  });

  void test('a run of faults as long as you like never takes an up backend down', () => {
    const h = make(2, 3);
    h.record(PASS, 0);
    const fault: ProbeResult = {
      ok: false,
      layer: 'L4',
      code: 'checker-fault',
      reason: 'netns',
      detail: 'netns "dp" not found',
      durationMs: 0,
    };
    for (let i = 1; i <= 1000; i++) assert.equal(h.record(fault, i), undefined);
    assert.deepEqual([h.state, h.counter], ['up', h.max]);
  });
});
