// Drops what the installed application never reads from its production node_modules: type
// declarations, source maps, and the packages' own docs and tooling files; then the folders
// that left empty. Licence and notice files stay (the licences of MIT and BSD modules require
// them in every copy). The modules' own command-line scripts are made executable, as npm
// would make them.
//   node packaging/prune-node-modules.mjs DIR
//   node packaging/prune-node-modules.mjs --bins-only DIR   (only the chmod, after dh_fixperms)
import { chmodSync, existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import console from 'node:console';

const binsOnly = process.argv[2] === '--bins-only';
const dir = process.argv[binsOnly ? 3 : 2];
if (!dir) {
  console.error('usage: prune-node-modules.mjs NODE_MODULES_DIR');
  process.exit(2);
}

const KEEP = /^(licen[cs]e|copying|notice|authors)/i;
const DROP_FILE =
  /(\.d\.[cm]?ts|\.d\.ts\.map|\.map|\.md|\.markdown|\.html|\.tsbuildinfo)$|^(\.npmignore|\.eslintrc.*|\.prettierrc.*|\.editorconfig|\.travis\.yml|tsconfig.*\.json|\.gitattributes)$/i;
const DROP_DIR = /^(\.bin|\.github|\.vscode|\.husky|__tests__)$/;

let files = 0;
function walk(path) {
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) {
      if (DROP_DIR.test(entry.name)) {
        rmSync(full, { recursive: true });
        files++;
      } else walk(full);
    } else if (DROP_FILE.test(entry.name) && !KEEP.test(entry.name)) {
      rmSync(full);
      files++;
    }
  }
}
if (!binsOnly) walk(dir);

/** Removes the empty folders under path (deepest first); true when path itself is now empty. */
function dropEmpty(path) {
  let empty = true;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory() && dropEmpty(join(path, entry.name))) rmdirSync(join(path, entry.name));
    else empty = false;
  }
  return empty;
}
if (!binsOnly) dropEmpty(dir);

/** Every module's package.json `bin` scripts, executable. */
function binScripts(path) {
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const full = join(path, entry.name);
    const pkgFile = join(full, 'package.json');
    if (existsSync(pkgFile)) {
      const { bin } = JSON.parse(readFileSync(pkgFile, 'utf8'));
      const scripts = typeof bin === 'string' ? [bin] : Object.values(bin ?? {});
      for (const script of scripts) if (existsSync(join(full, script))) chmodSync(join(full, script), 0o755);
    }
    binScripts(full);
  }
}
binScripts(dir);
if (!binsOnly) console.log(`pruned ${files} files and folders from ${dir}`);
