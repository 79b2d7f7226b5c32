// Writes debian/copyright (machine-readable, DEP-5) for what the packages ship: this project
// under Apache-2.0, and every npm module in the production node_modules under its own licence,
// with the copyright lines of its licence file. A module under a licence this script has no
// text for stops the build, so a new dependency's licence is looked at before it ships.
//   node packaging/copyright.mjs --node-modules DIR > debian/copyright
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import process from 'node:process';
import console from 'node:console';

const { values } = parseArgs({ options: { 'node-modules': { type: 'string' } } });
const root = values['node-modules'];
if (!root) {
  console.error('usage: copyright.mjs --node-modules DIR');
  process.exit(2);
}

const MIT = `Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:
.
The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.
.
THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.`;

const ISC = `Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
copyright notice and this permission notice appear in all copies.
.
THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.`;

const BSD_CONDITIONS = `Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:
.
1. Redistributions of source code must retain the above copyright notice,
   this list of conditions and the following disclaimer.
.
2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation
   and/or other materials provided with the distribution.`;

const BSD_DISCLAIMER = `THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE
ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE
LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR
CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF
SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS
INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN
CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE)
ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE
POSSIBILITY OF SUCH DAMAGE.`;

const LICENSE_TEXTS = {
  'Apache-2.0':
    'On Debian systems, the full text of the Apache License, Version 2.0 can be\nfound in /usr/share/common-licenses/Apache-2.0.',
  'CC0-1.0':
    'On Debian systems, the full text of the CC0 1.0 Universal license can be\nfound in /usr/share/common-licenses/CC0-1.0.',
  MIT,
  ISC,
  'BSD-2-Clause': `${BSD_CONDITIONS}\n.\n${BSD_DISCLAIMER}`,
  'BSD-3-Clause': `${BSD_CONDITIONS}\n.\n3. Neither the name of the copyright holder nor the names of its
   contributors may be used to endorse or promote products derived from
   this software without specific prior written permission.\n.\n${BSD_DISCLAIMER}`,
};

/** SPDX expression → DEP-5 (`(MIT OR CC0-1.0)` → `MIT or CC0-1.0`) and the ids it uses. */
function dep5License(spdx) {
  const expr = spdx
    .replace(/[()]/g, '')
    .replace(/\bOR\b/g, 'or')
    .replace(/\bAND\b/g, 'and')
    .trim();
  const ids = expr.split(/\s+(?:or|and)\s+/);
  return { expr, ids };
}

/** Every installed module: a folder with a package.json that has a name and a version. */
function* modules(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      yield* modules(path);
      continue;
    }
    const pkgFile = join(path, 'package.json');
    if (existsSync(pkgFile)) {
      const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
      if (pkg.name && pkg.version) yield { path, pkg };
    }
    if (existsSync(join(path, 'node_modules'))) yield* modules(join(path, 'node_modules'));
  }
}

function copyrightLines(path, pkg) {
  const lines = new Set();
  for (const file of readdirSync(path)) {
    if (!/^(licen[cs]e|copying|notice)/i.test(file)) continue;
    for (const line of readFileSync(join(path, file), 'utf8').split('\n')) {
      const m = /^\s*copyright\s*(?:\(c\)|©)?\s*(.*\d{4}.*|.*\S.*)$/i.exec(line);
      // Skip licence prose that merely mentions copyright, and the Apache appendix template.
      const prose =
        /notice|holders? and contributors|holder nor|shall be included|yyyy|name of copyright owner|license to|copyright license|copyright owner|copyright statement/i;
      if (m && !prose.test(line)) {
        lines.add(m[1].trim());
      }
    }
  }
  if (lines.size > 0) return [...lines];
  const author = typeof pkg.author === 'string' ? pkg.author : pkg.author?.name;
  return [author ?? `the ${pkg.name} authors`];
}

const used = new Set(['Apache-2.0']);
const stanzas = [];
const found = [...modules(root)].sort((a, b) => a.path.localeCompare(b.path));
for (const { path, pkg } of found) {
  const spdx = typeof pkg.license === 'string' ? pkg.license : undefined;
  if (!spdx) throw new Error(`${pkg.name}@${pkg.version}: no SPDX licence in package.json`);
  const { expr, ids } = dep5License(spdx);
  for (const id of ids) {
    if (!(id in LICENSE_TEXTS)) throw new Error(`${pkg.name}@${pkg.version}: no licence text for ${id}`);
    used.add(id);
  }
  const where = `node_modules/${relative(root, path)}`;
  stanzas.push(
    `Files: ${where}/*\nCopyright: ${copyrightLines(path, pkg).join('\n           ')}\nLicense: ${expr}\nComment: ${pkg.name} ${pkg.version}`,
  );
}

const out = [
  `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: vpp-maglev
Comment: The packages ship the application with the npm modules it uses at run time,
 installed from the lockfile into /usr/lib/vpp-maglev/node_modules; each is listed
 below with its licence.`,
  `Files: *\nCopyright: the vpp-maglev authors\nLicense: Apache-2.0`,
  ...stanzas,
  ...[...used].sort().map((id) => `License: ${id}\n${LICENSE_TEXTS[id].replace(/^/gm, ' ')}`),
];
process.stdout.write(out.join('\n\n') + '\n');
