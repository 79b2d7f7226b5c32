// How HTTP probes identify themselves: the maglevd version and the project URL.

import { readFileSync } from 'node:fs';

export const PROJECT_URL = 'https://git.ipng.ch/ipng/vpp-maglev';

/** package.json's version, read once; src/probe and dist/probe both sit two levels below it. */
function readPackageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export const MAGLEVD_VERSION = readPackageVersion();

export const DEFAULT_USER_AGENT = `vpp-maglev/${MAGLEVD_VERSION} (+${PROJECT_URL})`;
