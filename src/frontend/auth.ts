// HTTP basic auth for /admin/. The comparison must not leak, through its timing, how much of a
// guess was right: both the user and the password are hashed to fixed-length SHA-256 digests and
// compared with crypto.timingSafeEqual, and both comparisons always run.

import crypto from 'node:crypto';

export interface Credentials {
  user: string;
  password: string;
}

export const REALM = 'maglevd-frontend admin';

function digest(s: string): Buffer {
  return crypto.createHash('sha256').update(s, 'utf8').digest();
}

/** Parses an `Authorization: Basic ...` header; undefined when absent or malformed. */
export function parseBasicAuth(header: string | undefined): Credentials | undefined {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** A checker bound to the configured credentials (their digests are computed once). */
export function credentialsChecker(expected: Credentials): (given: Credentials | undefined) => boolean {
  const user = digest(expected.user);
  const password = digest(expected.password);
  return (given) => {
    // A missing header is compared like a wrong one, so the answer takes the same path.
    const u = digest(given?.user ?? '');
    const p = digest(given?.password ?? '');
    const userOk = crypto.timingSafeEqual(u, user);
    const passwordOk = crypto.timingSafeEqual(p, password);
    return given !== undefined && userOk && passwordOk;
  };
}
