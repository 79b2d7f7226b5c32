// Builds the manual pages from the guides in docs/ (one source: the pages are never edited by
// hand) with pandoc and man-page.lua, and writes debian/<package>.manpages so debhelper puts
// each page in its package. The list of pages is pages.json.
//   node packaging/man/build-man.mjs --out DIR --version VERSION
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import process from 'node:process';
import console from 'node:console';
import { URL } from 'node:url';

const { values } = parseArgs({ options: { out: { type: 'string' }, version: { type: 'string' } } });
if (!values.out || !values.version) {
  console.error('usage: build-man.mjs --out DIR --version VERSION');
  process.exit(2);
}
const here = new URL('.', import.meta.url).pathname;
const pages = JSON.parse(readFileSync(join(here, 'pages.json'), 'utf8'));
/** Where the package installs the guides that are not pages themselves. */
const DOC_DIR = '/usr/share/doc/vpp-maglev-common';
// The date of the build (SOURCE_DATE_EPOCH under dpkg-buildpackage), not of the day it runs.
const epoch = Number(process.env.SOURCE_DATE_EPOCH);
const date = (Number.isFinite(epoch) && epoch > 0 ? new Date(epoch * 1000) : new Date())
  .toISOString()
  .slice(0, 10);

mkdirSync(values.out, { recursive: true });
const byPackage = new Map();
for (const page of pages) {
  const file = join(values.out, `${page.name}.${page.section}`);
  execFileSync('pandoc', [
    '--from=gfm',
    '--to=man',
    '--standalone',
    `--lua-filter=${join(here, 'man-page.lua')}`,
    `--metadata=name=${page.name}`,
    `--metadata=section=${page.section}`,
    `--metadata=summary=${page.summary}`,
    `--metadata=docdir=${DOC_DIR}`,
    ...pages.map((p) => `--metadata=manref=${p.guide}=${p.name}(${p.section})`),
    `--metadata=date=${date}`,
    `--metadata=footer=vpp-maglev ${values.version}`,
    '--metadata=header=vpp-maglev',
    `--output=${file}`,
    join('docs', page.guide),
  ]);
  byPackage.set(page.package, [...(byPackage.get(page.package) ?? []), file]);
  console.log(`${file} <- docs/${page.guide}`);
}
if (existsSync('debian')) {
  for (const [pkg, files] of byPackage)
    writeFileSync(join('debian', `${pkg}.manpages`), files.join('\n') + '\n');
}
