// Records the git commit and build date next to package.json for --version.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
} catch {
  // not a git checkout (e.g. an unpacked tarball): keep 'unknown'
}
writeFileSync('build-info.json', JSON.stringify({ commit, date: new Date().toISOString() }) + '\n');
