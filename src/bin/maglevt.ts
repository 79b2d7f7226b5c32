#!/usr/bin/env node
// maglevt: the out-of-band VIP tester. Thin: hand the process's streams and signals to runMaglevt.

import { LEAVE_ALT_SCREEN, SHOW_CURSOR, runMaglevt } from '../tester/index.js';
import { leaveWith } from './lifecycle.js';

leaveWith(
  'maglevt',
  runMaglevt(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
  }),
  {
    // Let stdout drain (a pipe may be slow), then leave even if a socket lingers.
    drainStdout: true,
    // A crash inside the TUI must not strand the operator on the alternate screen.
    beforeCrashReport: () => {
      if (process.stdout.isTTY) process.stdout.write(LEAVE_ALT_SCREEN + SHOW_CURSOR);
    },
  },
);
