#!/usr/bin/env node
// maglevc: the CLI for maglevd. Thin: hand the process's streams and Ctrl-C to runMaglevc.

import { runMaglevc } from '../cli/index.js';
import { leaveWith } from './lifecycle.js';

leaveWith(
  'maglevc',
  runMaglevc(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
  }),
  // Let stdout drain (a pipe may be slow), then leave even if a socket lingers.
  { drainStdout: true },
);
