// Version, git commit and build date of this build, for --version, the `starting` log line,
// the HTTP probes' User-Agent and the API. The commit and date come from build-info.json,
// written by `npm run build`; a source checkout without a build asks git directly.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface VersionInfo {
  version: string;
  commit: string;
  date: string;
}

export const PROJECT_URL = 'https://git.ipng.ch/ipng/vpp-maglev';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: packageRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

let cached: VersionInfo | undefined;

export function versionInfo(): VersionInfo {
  if (cached) return cached;
  const pkg = readJson(join(packageRoot, 'package.json'));
  const build = readJson(join(packageRoot, 'build-info.json'));
  cached = {
    version: typeof pkg?.version === 'string' ? pkg.version : '0.0.0',
    commit: typeof build?.commit === 'string' ? build.commit : gitCommit(),
    date: typeof build?.date === 'string' ? build.date : 'unbuilt',
  };
  return cached;
}

export function versionLine(program: string): string {
  const v = versionInfo();
  const built = v.date === 'unbuilt' ? 'run from source' : `built ${v.date}`;
  return `${program} ${v.version} (commit ${v.commit}, ${built})`;
}
