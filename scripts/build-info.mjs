// Records the git commit and build date next to package.json for --version. A build without
// git (the Debian package build works on a copy) takes them from VPP_MAGLEV_COMMIT and
// SOURCE_DATE_EPOCH, which also makes the date reproducible.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import process from 'node:process';

let commit = process.env.VPP_MAGLEV_COMMIT || 'unknown';
if (!process.env.VPP_MAGLEV_COMMIT) {
  try {
    commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    // not a git checkout (e.g. an unpacked tarball): keep 'unknown'
  }
}
const epoch = Number(process.env.SOURCE_DATE_EPOCH);
const date = Number.isFinite(epoch) && epoch > 0 ? new Date(epoch * 1000) : new Date();
writeFileSync('build-info.json', JSON.stringify({ commit, date: date.toISOString() }) + '\n');
