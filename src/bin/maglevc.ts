#!/usr/bin/env node
// maglevc: the CLI for maglevd. Thin: hand the process's streams and Ctrl-C to runMaglevc.

import { runMaglevc } from '../cli/index.js';

runMaglevc(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  onInterrupt(handler) {
    process.on('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  },
}).then(
  (code) => {
    process.exitCode = code;
    // Let stdout drain (a pipe may be slow), then leave even if a socket lingers.
    process.stdout.write('', () => process.exit(code));
  },
  (err: unknown) => {
    process.stderr.write(`maglevc: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
