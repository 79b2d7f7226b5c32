// The docs the code cites are in the repository (docs/design.md §Citations). Every citation names a
// file and a heading that exist; every markdown file named exists; no section sign is left that is
// neither a citation nor an RFC's; nothing refers to research notes outside the repository; no relative
// link or anchor in a markdown file is dead; the README links every guide in docs/ and its layout
// paragraph names every entry of src/, as does design.md's folder table. Pure text checks over the
// checkout: fast, no processes. The bad citations and names the checks below need are built at run
// time, so this file passes its own scan.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const SECTION = '\u00a7';
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

// ---- markdown structure ----------------------------------------------------------------------

interface Heading {
  /** As written, without backticks. */
  readonly text: string;
  /** GitHub's anchor for it. */
  readonly anchor: string;
}

/** Lines outside fenced code blocks, with their 1-based numbers. */
function proseLines(markdown: string): { line: string; n: number }[] {
  const out: { line: string; n: number }[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((line, i) => {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m?.[1]) {
      if (fence === undefined) fence = m[1];
      else if (m[1].startsWith(fence)) fence = undefined;
      return;
    }
    if (fence === undefined) out.push({ line, n: i + 1 });
  });
  return out;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function githubSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function markdownHeadings(markdown: string): Heading[] {
  const seen = new Map<string, number>();
  const out: Heading[] = [];
  for (const { line } of proseLines(markdown)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m?.[1]) continue;
    const text = m[1].replace(/`/g, '');
    const base = githubSlug(text);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    out.push({ text, anchor: count === 0 ? base : `${base}-${count}` });
  }
  return out;
}

// ---- citations -------------------------------------------------------------------------------

/** A page of this repository, as code cites it: docs/<name>.md, bench/README.md, README.md. */
const CITED_PATH = /(?<![\w./-])((?:docs|bench)\/[\w.-]+\.md|README\.md)(?![\w-])/g;
/** A markdown file named without a folder (`vpp.md`): some file of the repository must have that name. */
const BARE_NAME = /(?<![\w./-])([\w-][\w.-]*\.md)(?![\w-])/g;
const RFC_BEFORE = /RFC \d+ $/;

/** Names of research notes that live outside the repository; the code must not lean on them. */
const OUTSIDE_NOTES: readonly RegExp[] = [
  /vpp-lb-api\.md/,
  /spec-vpp-maglev\.md/,
  /\.\.\/shared\b/,
  /\bshared\/docs\//,
  /\bspec\s*\u00a7/,
];

interface Problem {
  readonly line: number;
  readonly message: string;
}

interface DocsIndex {
  /** The headings a cited path has, or undefined when there is no such file. */
  headingsOf(path: string): readonly Heading[] | undefined;
  /** Whether some markdown file of the repository has this name. */
  hasName(name: string): boolean;
}

/** The text before a colon, comma or parenthesis: the short form a heading may be cited by. */
function shortTitle(heading: string): string {
  return (heading.split(/[:,(]/)[0] ?? heading).trim();
}

/** Length of the longest heading (or short title) that `rest` starts with at a word boundary. */
function matchHeading(rest: string, headings: readonly Heading[]): number | undefined {
  const lower = rest.toLowerCase();
  let best: number | undefined;
  for (const h of headings) {
    for (const title of [h.text, shortTitle(h.text)]) {
      const t = title.toLowerCase();
      if (t === '' || !lower.startsWith(t)) continue;
      if (/[\p{L}\p{N}]/u.test(lower.charAt(t.length))) continue;
      if (best === undefined || t.length > best) best = t.length;
    }
  }
  return best;
}

/** Every problem with the citations and section signs of one file's text. */
function citationProblems(text: string, docs: DocsIndex): Problem[] {
  const problems: Problem[] = [];
  text.split('\n').forEach((rawLine, i) => {
    const line = rawLine.replace(/`/g, '');
    const n = i + 1;
    if (OUTSIDE_NOTES.some((pattern) => pattern.test(line)))
      problems.push({ line: n, message: `refers to notes outside the repository: ${line.trim()}` });
    for (const m of line.matchAll(BARE_NAME)) {
      const name = m[1] as string;
      if (!docs.hasName(name))
        problems.push({ line: n, message: `names ${name}, which is not in the repository` });
    }
    const consumed = new Set<number>();
    for (const m of line.matchAll(CITED_PATH)) {
      const path = m[1] as string;
      const headings = docs.headingsOf(path);
      if (headings === undefined) {
        problems.push({ line: n, message: `cites ${path}, which does not exist` });
        continue;
      }
      let at = (m.index ?? 0) + path.length;
      let sep = ` ${SECTION}`;
      while (line.startsWith(sep, at)) {
        const start = at + sep.length;
        consumed.add(start - 1);
        const length = matchHeading(line.slice(start), headings);
        if (length === undefined) {
          const cited =
            line
              .slice(start)
              .split(/[),;.]/)[0]
              ?.trim() ?? '';
          problems.push({ line: n, message: `cites ${path} ${SECTION}${cited}: no such heading` });
          break;
        }
        at = start + length;
        sep = `, ${SECTION}`;
      }
    }
    for (let at = line.indexOf(SECTION); at >= 0; at = line.indexOf(SECTION, at + 1)) {
      if (consumed.has(at) || RFC_BEFORE.test(line.slice(0, at))) continue;
      problems.push({
        line: n,
        message: `a section sign that is neither a citation of a file here nor an RFC's: ${line.trim()}`,
      });
    }
  });
  return problems;
}

// ---- markdown links --------------------------------------------------------------------------

/** Link targets of a markdown text (inline and reference definitions), outside code. */
function linkTargets(markdown: string): { target: string; line: number }[] {
  const out: { target: string; line: number }[] = [];
  for (const { line, n } of proseLines(markdown)) {
    const prose = line.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
      out.push({ target: m[1] as string, line: n });
    const def = /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(prose);
    if (def?.[1]) out.push({ target: def[1], line: n });
  }
  return out;
}

interface LinkWorld {
  exists(path: string): boolean;
  /** Anchors of a markdown file (repository-relative path). */
  anchors(path: string): readonly string[] | undefined;
}

/** Dead relative links and anchors of the markdown file at `path` (repository-relative, posix). */
function linkProblems(path: string, markdown: string, world: LinkWorld): Problem[] {
  const problems: Problem[] = [];
  for (const { target, line } of linkTargets(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue;
    const hash = target.indexOf('#');
    const file = decodeURI(hash >= 0 ? target.slice(0, hash) : target);
    const anchor = hash >= 0 ? decodeURIComponent(target.slice(hash + 1)) : undefined;
    const resolved = file === '' ? path : posix.normalize(posix.join(posix.dirname(path), file));
    if (resolved.startsWith('../') || !world.exists(resolved)) {
      problems.push({ line, message: `dead link: ${target}` });
      continue;
    }
    if (anchor === undefined || anchor === '') continue;
    const anchors = world.anchors(resolved);
    if (anchors !== undefined && !anchors.includes(anchor))
      problems.push({ line, message: `dead anchor: ${target} (no such heading in ${resolved})` });
  }
  return problems;
}

// ---- the checkout ----------------------------------------------------------------------------

const SKIP_DIRS = new Set(['.git', 'node_modules', 'dist', 'build', 'coverage']);
const SKIP_PATHS = new Set(['src/api/gen', 'package-lock.json']);
const TEXT_FILE = /\.(?:ts|tsx|js|mjs|cjs|md|c|h|proto|sh|ya?ml|json|css|html|gyp)$/;

function repoFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(repoRoot, dir), { withFileTypes: true })) {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (SKIP_PATHS.has(path)) continue;
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(path);
      } else if (entry.isFile() && TEXT_FILE.test(entry.name)) {
        out.push(path);
      }
    }
  };
  walk('');
  return out.sort();
}

const read = (path: string): string => readFileSync(join(repoRoot, path), 'utf8');

const headingCache = new Map<string, Heading[] | undefined>();
function headingsOf(path: string): Heading[] | undefined {
  if (!headingCache.has(path)) {
    const full = join(repoRoot, path);
    headingCache.set(
      path,
      existsSync(full) && statSync(full).isFile() ? markdownHeadings(read(path)) : undefined,
    );
  }
  return headingCache.get(path);
}

const checkout: LinkWorld = {
  exists: (path) => existsSync(join(repoRoot, path)),
  anchors: (path) => (path.endsWith('.md') ? headingsOf(path)?.map((h) => h.anchor) : undefined),
};

const report = (path: string, problems: readonly Problem[]): string[] =>
  problems.map((p) => `${path}:${p.line}: ${p.message}`);

/** Entries of src/ as the docs name them: `api/` for a folder, `version.ts` for a file. */
function srcEntries(): string[] {
  return readdirSync(join(repoRoot, 'src'), { withFileTypes: true })
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
    .sort();
}

/** The README paragraph that starts with "Layout:". */
function layoutParagraph(readme: string): string {
  const paragraph = readme.split(/\n\s*\n/).find((p) => p.trimStart().startsWith('Layout:'));
  assert.ok(paragraph, 'README.md has a paragraph starting with "Layout:"');
  return paragraph;
}

/** The body of one `## ` section of a markdown text. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `a section "## ${heading}"`);
  const next = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, next < 0 ? undefined : next);
}

// ---- the checks themselves, on small inputs --------------------------------------------------

void describe('citation checker', () => {
  const md = (name: string): string => `${name}.md`;
  const guide = `docs/${md('guide')}`;
  const pages = new Map([
    [guide, '# Guide\n\n## Flush: tearing down flows\n\n## Maglev table\n\n```\n# not a heading\n```\n'],
    ['README.md', '# Readme\n'],
  ]);
  const docs: DocsIndex = {
    headingsOf: (path) => {
      const text = pages.get(path);
      return text === undefined ? undefined : markdownHeadings(text);
    },
    hasName: (name) => name === md('guide') || name === 'README.md',
  };
  const messages = (text: string) => citationProblems(text, docs).map((p) => p.message);

  void test('anchors as GitHub makes them, fences skipped, duplicates numbered', () => {
    const h = markdownHeadings('# A `b.c` (d)\n```\n# x\n```\n## Same\n## Same\n## Release quirks (1.1)\n');
    assert.deepEqual(
      h.map((x) => x.anchor),
      ['a-bc-d', 'same', 'same-1', 'release-quirks-11'],
    );
  });

  void test('a citation of a heading, of its short title, and a chain, run on into the sentence', () => {
    assert.deepEqual(messages(`// see ${guide} ${SECTION}Maglev table as VPP builds it`), []);
    assert.deepEqual(messages(`// (${guide} ${SECTION}Flush, ${SECTION}Maglev table). More.`), []);
    assert.deepEqual(messages(`// (${guide} ${SECTION}flush: tearing down flows)`), []);
  });

  void test('a missing file, a missing heading and a stray section sign are reported', () => {
    assert.match(messages(`// docs/${md('missing')} ${SECTION}Anything`)[0] ?? '', /does not exist/);
    assert.match(messages(`// ${guide} ${SECTION}Maglev tables`)[0] ?? '', /no such heading/);
    assert.match(messages(`// ${guide} ${SECTION}Nothing`)[0] ?? '', /no such heading/);
    assert.match(messages(`// the rules of ${SECTION}3.4`)[0] ?? '', /neither a citation/);
    assert.match(messages(`// ${guide} and then ${SECTION}Flush`)[0] ?? '', /neither a citation/);
    assert.match(messages(`// as ${md('peers')} lists`)[0] ?? '', /not in the repository/);
    assert.deepEqual(messages(`// as ${md('guide')} and README.md say`), []);
  });

  void test("RFCs' sections are fine; notes outside the repository are not", () => {
    assert.deepEqual(messages(`// as RFC 9112 ${SECTION}6.3 says`), []);
    assert.ok(messages(`// see ${md('vpp-lb-api')}`).some((m) => /outside the repository/.test(m)));
    assert.deepEqual(messages(`// see ${['..', 'shared', 'docs'].join('/')}`).length, 1);
    assert.deepEqual(messages(`// spec ${SECTION}3.1`).length, 2);
  });

  void test('dead links and anchors', () => {
    const world: LinkWorld = {
      exists: (p) => pages.has(p) || p === 'README.md',
      anchors: (p) => docs.headingsOf(p)?.map((h) => h.anchor),
    };
    const text = [
      `[ok](${md('guide')}#maglev-table) [ok](#guide) [ext](https://example.com/${md('x')}) \`[no](${md('x')})\``,
      `[dead](${md('nope')}) [bad anchor](${md('guide')}#nope) [up](../README.md) [out](../../${md('x')})`,
      `[ref]: ${md('guide')}#flush-tearing-down-flows`,
    ].join('\n');
    assert.deepEqual(
      linkProblems(guide, text, world).map((p) => p.message),
      [
        `dead link: ${md('nope')}`,
        `dead anchor: ${md('guide')}#nope (no such heading in ${guide})`,
        `dead link: ../../${md('x')}`,
      ],
    );
  });
});

// ---- the repository --------------------------------------------------------------------------

void describe('the docs the code cites are in the repository', () => {
  const files = repoFiles();
  const names = new Set(files.filter((f) => f.endsWith('.md')).map((f) => posix.basename(f)));
  const docs: DocsIndex = { headingsOf, hasName: (name) => names.has(name) };

  void test('the scan covers the code, the tests, the benchmarks and the docs', () => {
    for (const path of ['src/vpp/lb.ts', 'test/maglev/table.test.ts', 'bench/README.md', 'docs/vpp-lb.md'])
      assert.ok(files.includes(path), path);
    assert.ok(!files.some((f) => f.split('/').includes('node_modules')));
  });

  void test('every citation names a file and a heading that exist; no stray section signs', () => {
    const problems = files.flatMap((path) => report(path, citationProblems(read(path), docs)));
    assert.deepEqual(problems, []);
  });

  void test('no dead relative link or anchor in any markdown file', () => {
    const markdown = files.filter((f) => f.endsWith('.md'));
    const problems = markdown.flatMap((path) => report(path, linkProblems(path, read(path), checkout)));
    assert.deepEqual(problems, []);
  });

  void test('the README links every guide in docs/', () => {
    const linked = new Set(
      linkTargets(read('README.md')).map((l) => posix.normalize(l.target.split('#')[0] ?? '')),
    );
    const guides = readdirSync(join(repoRoot, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`);
    assert.deepEqual(
      guides.filter((g) => !linked.has(g)),
      [],
    );
  });

  void test("the README's layout paragraph and design.md's folder table name every entry of src/", () => {
    const layout = layoutParagraph(read('README.md'));
    const table = section(read('docs/design.md'), 'What each folder owns');
    const entries = srcEntries();
    assert.ok(entries.includes('health/') && entries.includes('version.ts'));
    assert.deepEqual(
      entries.filter((e) => !layout.includes(`\`${e}\``)),
      [],
      'missing from the README layout paragraph',
    );
    assert.deepEqual(
      entries.filter((e) => !table.includes(`\`${e}\``)),
      [],
      "missing from design.md's folder table",
    );
  });
});
