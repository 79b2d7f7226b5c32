// The packaging's sources, checked in seconds without building a package: the manual pages
// come out of the guides with a proper NAME line and without groff complaints, and the
// configuration the package installs passes maglevd's check, and each installed command runs
// node with the flags and the environment its binary's shebang line names. (debian-packages.test.ts builds
// and installs the real thing.)

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { checkConfig } from '../../src/config/index.js';
import { repoRoot } from '../helpers/daemon-process.js';
import { readShebang } from '../helpers/shebang.js';
import { mustRun, run } from './machine.js';

interface Page {
  name: string;
  section: number;
  guide: string;
  package: string;
  summary: string;
}

const pages = JSON.parse(readFileSync(join(repoRoot, 'packaging/man/pages.json'), 'utf8')) as Page[];

void describe('packaging sources', () => {
  const out = mkdtempSync(join(tmpdir(), 'vpp-maglev-man-'));
  after(() => rmSync(out, { recursive: true, force: true }));

  void test('every manual page is made from its guide, with a NAME line that whatis can read', async () => {
    assert.deepEqual(pages.map((p) => `${p.name}(${p.section})`).sort(), [
      'maglev.yaml(5)',
      'maglevc(1)',
      'maglevd(8)',
      'maglevd-frontend(8)',
      'maglevt(1)',
      'vppsim(1)',
    ]);
    await mustRun('node', ['packaging/man/build-man.mjs', '--out', out, '--version', '0.0.0-test'], {
      cwd: repoRoot,
    });
    for (const page of pages) {
      const file = join(out, `${page.name}.${page.section}`);
      const whatis = await mustRun('lexgrog', [file]);
      assert.equal(whatis.stdout.trim(), `${file}: "${page.name} - ${page.summary}"`);
      const text = readFileSync(file, 'utf8');
      assert.match(
        text,
        new RegExp(`^\\.TH "${page.name.toUpperCase().replace('.', '\\.')}" "${page.section}"`, 'm'),
      );
      assert.match(text, /^\.SH SEE ALSO$/m);
      // groff may fail to justify a line holding one long word; anything else is a real problem.
      const rendered = await run('man', ['--warnings', '-E', 'UTF-8', '-l', '-Tutf8', '-Z', file], {
        env: { ...process.env, MANWIDTH: '80', LC_ALL: 'C.UTF-8' },
      });
      const complaints = rendered.stderr
        .split('\n')
        .filter((l) => l.trim() !== '' && !/cannot adjust line|can't break line/.test(l));
      assert.deepEqual(complaints, [], `${page.name}.${page.section}`);
    }
  });

  void test("links between guides become page references or the guides' installed paths", () => {
    const maglevd = readFileSync(join(out, 'maglevd.8'), 'utf8');
    assert.match(maglevd, /maglev\.yaml\(5\)/);
    assert.match(maglevd, /\/usr\/share\/doc\/vpp-maglev-common\/operations\.md/);
    assert.doesNotMatch(maglevd, /\]\([^)]*\.md/, 'no markdown link to a guide left');
  });

  void test('the configuration the package installs passes maglevd --check', async () => {
    const { exitCode, lines } = await checkConfig(join(repoRoot, 'packaging/debian/extra/maglev.yaml'));
    assert.equal(exitCode, 0, lines.join('\n'));
  });

  void test("each installed command runs node with its binary's shebang flags and environment", () => {
    const wrappers = join(repoRoot, 'packaging/debian/extra/bin');
    const names = readdirSync(wrappers).sort();
    assert.deepEqual(names, ['maglevc', 'maglevd', 'maglevd-frontend', 'maglevt', 'vppsim']);
    for (const name of names) {
      const shebang = readShebang(join(repoRoot, `src/bin/${name}.ts`));
      assert.ok(shebang, `${name}: its first line runs no node through /usr/bin/env`);
      const env = Object.entries(shebang.env)
        .map(([variable, value]) => `${variable}=${value} `)
        .join('');
      const flags = shebang.flags.join(' ');
      const exec = readFileSync(join(wrappers, name), 'utf8')
        .split('\n')
        .find((l) => l.startsWith('exec '));
      assert.equal(
        exec,
        `exec ${env ? `/usr/bin/env ${env}` : ''}/usr/bin/node ${flags ? `${flags} ` : ''}/usr/lib/vpp-maglev/dist/bin/${name}.js "$@"`,
        name,
      );
    }
  });
});
