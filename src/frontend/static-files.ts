// The built page (Vite output, dist/web) served under /view/ and /admin/. Hashed assets are
// cached for a year; index.html never, so a new build is picked up on the next load. When the
// page has not been built (a source checkout before `npm run build`), a short explanation is
// served instead; the JSON API works either way.

import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `<package root>/dist/web`, from src/frontend (tsx) and dist/frontend (built) alike. */
export const DEFAULT_WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'web');

export interface WebAssets {
  root: string;
  /** index.html, or undefined when the page is not built (re-read when the file changes). */
  indexHtml(): string | undefined;
}

export function loadWebAssets(root: string): WebAssets {
  const index = join(root, 'index.html');
  let cached: { mtimeMs: number; html: string } | undefined;
  return {
    root,
    // A rebuild while the server runs changes the asset names: serve the index that names them.
    indexHtml() {
      let mtimeMs: number;
      try {
        mtimeMs = statSync(index).mtimeMs;
      } catch {
        return undefined;
      }
      if (cached?.mtimeMs !== mtimeMs) cached = { mtimeMs, html: readFileSync(index, 'utf8') };
      return cached.html;
    },
  };
}

export const NOT_BUILT_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>maglevd-frontend</title></head>
<body>
<h1>The dashboard page is not built</h1>
<p>Run <code>npm run build</code> in the vpp-maglev checkout, then reload. The JSON API under
<a href="api/state">api/state</a> works without it.</p>
</body></html>
`;

/**
 * Headers for every page response. The page loads only its own scripts and styles, talks only
 * to this server, and may not be framed (the admin page must not be clickjacked).
 */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};
