// Builds the dashboard page (Solid) into dist/web, which maglevd-frontend serves under /view/
// and /admin/. Relative asset URLs (base './') make the same build work under both paths and
// behind a reverse proxy that mounts the dashboard on a subpath.

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [solid()],
  publicDir: 'public',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // One small bundle; no inline data: scripts (the page's CSP allows only 'self').
    assetsInlineLimit: 0,
    // A slow CI machine makes the Solid transform look slow; that report is noise here.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
