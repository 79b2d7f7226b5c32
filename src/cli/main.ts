// maglevc from argv to exit code: parse flags, then run one command or the shell. Everything
// the process provides (streams, env, Ctrl-C) comes in through CliIo, so tests run it in-process
// too.

import type { Readable, Writable } from 'node:stream';
import { systemClock } from '../clock/index.js';
import { versionLine } from '../version.js';
import { loadChannelSecurity, MaglevApiClient, TlsFileError, type ChannelSecurity } from '../api/index.js';
import type { MaglevApi } from './api.js';
import { historyPath } from './history.js';
import { LiveNames } from './names.js';
import { parseCliArgs } from './options.js';
import { runWords } from './run-line.js';
import { runShell } from './shell.js';
import { colourWanted, makeStyle } from './style.js';
import { MAGLEVC_TREE } from './tree.js';

export interface CliIo {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** Takes over Ctrl-C while a one-shot `watch events` streams; returns the function that gives it back. */
  onInterrupt(handler: () => void): () => void;
  /** Builds the API client (tests may substitute one). */
  connect?: (server: string, security: ChannelSecurity) => MaglevApi;
}

export async function runMaglevc(argv: readonly string[], io: CliIo): Promise<number> {
  const inv = parseCliArgs(argv, io.env);
  switch (inv.kind) {
    case 'help':
      io.stdout.write(inv.text);
      return 0;
    case 'version':
      io.stdout.write(`${versionLine('maglevc')}\n`);
      return 0;
    case 'usage-error':
      io.stderr.write(`maglevc: ${inv.message}\nTry 'maglevc --help'.\n`);
      return 2;
    case 'run':
      break;
  }
  const { options } = inv;
  const style = makeStyle(colourWanted(options.color, io.stdout.isTTY === true, io.env));
  let security: ChannelSecurity;
  try {
    security = await loadChannelSecurity(options.tls);
  } catch (err) {
    // A missing or wrong file is the same kind of mistake as a bad flag: fix the command line.
    if (!(err instanceof TlsFileError)) throw err;
    io.stderr.write(`maglevc: ${err.message}\n`);
    return 2;
  }
  const connect = io.connect ?? ((server, sec) => new MaglevApiClient(server, { security: sec }));
  const api = connect(options.server, security);
  const names = new LiveNames(api, systemClock);
  const write = (text: string) => void io.stdout.write(text);
  const exec = {
    api,
    style,
    json: options.json,
    dryRun: options.dryRun,
    now: () => systemClock.now(),
    version: versionLine('maglevc'),
  };
  try {
    if (options.command.length === 0) {
      return await runShell({
        input: io.stdin,
        output: io.stdout,
        terminal: io.stdin.isTTY === true && io.stdout.isTTY === true,
        tree: MAGLEVC_TREE,
        names: names.lookup,
        forgetNames: () => names.clear(),
        exec,
        historyFile: historyPath(io.env),
      });
    }
    // Ctrl-C is taken over only while events stream (to end the watch with exit 0); during a
    // unary call it keeps its default meaning and ends maglevc at once.
    const abort = new AbortController();
    let unhook: (() => void) | undefined;
    try {
      const r = await runWords(options.command, MAGLEVC_TREE, names.lookup, {
        ...exec,
        write,
        signal: abort.signal,
        onWatching: () => {
          unhook ??= io.onInterrupt(() => abort.abort());
        },
      });
      if (r.error) {
        io.stderr.write(`maglevc: ${r.error}\n`);
        if (r.exitCode === 2) io.stderr.write(`Try 'maglevc help'.\n`);
      }
      return r.exitCode;
    } finally {
      unhook?.();
    }
  } finally {
    api.close();
  }
}
