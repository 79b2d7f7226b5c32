// Warnings do not make a config invalid, but are reported with positions.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertProblem, lines, mustParse, mustFail } from './fixtures.js';

function backendsYaml(n: number): string[] {
  const out = ['  backends:'];
  for (let i = 1; i <= n; i++) out.push(`    b${i}: {address: 192.0.2.${i}}`);
  return out;
}

function poolYaml(n: number): string {
  return Array.from({ length: n }, (_, i) => `b${i + 1}: {}`).join(', ');
}

describe('warnings', () => {
  test('flow-table-length below 100 buckets per backend, explicit value', () => {
    const { warnings } = mustParse(
      lines(
        'maglev:',
        ...backendsYaml(3), // lines 2-5
        '  frontends:', // 6
        '    f1:', // 7
        '      address: 198.51.100.1',
        '      port: 80',
        '      flow-table-length: 256', // 10
        `      pools: [{name: p, backends: {${poolYaml(3)}}}]`,
      ),
    );
    assert.equal(warnings.length, 1);
    assertProblem(warnings, {
      message: [
        'frontends.f1.flow-table-length: flow-table-length 256 is below 100 × 3 backends = 300',
        'Maglev balance degrades (use 512)',
      ],
      line: 10,
      col: 26,
    });
  });

  test('the default table length warns at the frontend once it has more than 10 backends', () => {
    const ok = mustParse(
      lines(
        'maglev:',
        ...backendsYaml(10),
        '  frontends:',
        `    f1: {address: 198.51.100.1, port: 80, pools: [{name: p, backends: {${poolYaml(10)}}}]}`,
      ),
    );
    assert.deepEqual(ok.warnings, []);
    const { warnings } = mustParse(
      lines(
        'maglev:',
        ...backendsYaml(11), // 2-13
        '  frontends:', // 14
        `    f1: {address: 198.51.100.1, port: 80, pools: [{name: p, backends: {${poolYaml(6)}}}, ` +
          `{name: q, backends: {b7: {}, b8: {}, b9: {}, b10: {}, b11: {}}}]}`, // 15
      ),
    );
    assertProblem(warnings, {
      message: ['frontends.f1: flow-table-length 1024 (the default) is below 100 × 11 backends = 1100'],
      line: 15,
      col: 5,
    });
  });

  test('warnings are also returned next to errors', () => {
    const r = mustFail(
      lines(
        'maglev:',
        ...backendsYaml(2),
        '  frontends:',
        '    f1: {address: 198.51.100.1, port: 0, flow-table-length: 128, pools: [{name: p, backends: {b1: {}, b2: {}}}]}',
      ),
    );
    assert.equal(r.errors.length, 1);
    assert.equal(r.warnings.length, 1);
  });

  test('YAML-level warnings (an unknown tag) are passed on', () => {
    const r = mustParse(lines('maglev:', '  healthchecker: {netns: !custom x}'));
    assertProblem(r.warnings, { message: ['YAML:'], line: 2, col: 26 });
    assert.equal(r.config.healthchecker.netns, 'x');
  });

  test('announce: true on a frontend without maglev.announce does nothing, and says so', () => {
    const { config, warnings } = mustParse(
      lines(
        'maglev:',
        '  backends: {b1: {address: 192.0.2.1}}',
        '  frontends:',
        '    f1:',
        '      address: 198.51.100.1',
        '      port: 80',
        '      announce: true', // 7
        '      pools: [{name: p, backends: {b1: {}}}]',
      ),
    );
    assert.equal(config.frontends.get('f1')?.announce, false);
    assert.equal(warnings.length, 1);
    assertProblem(warnings, {
      message: 'frontends.f1.announce: has no effect without maglev.announce (nothing is announced)',
      line: 7,
      col: 17,
    });
  });
});
