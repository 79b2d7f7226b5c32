// The interactive shell: `maglev> ` prompt with readline editing and history, Tab completion of
// keywords and live names, and birdc-style `?`: the keypress is intercepted (never inserted),
// the line is shown with the `?`, the possible next words are listed, and the line comes back
// as it was. While a command runs, keys are held and replayed afterwards, except during
// `watch events`, where any key (or Ctrl-C) stops the stream.
//
// When input is not a terminal (`maglevc < script`), lines run one after the other without
// prompts, and the worst exit code is returned.

import { createInterface, type Interface, type Key } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { completeLine, helpAt } from './complete.js';
import type { ExecContext } from './execute.js';
import { appendHistory, HISTORY_SIZE, loadHistory } from './history.js';
import { renderChoices } from './render/help.js';
import { runWords, type LineOutcome } from './run-line.js';
import { tokenize } from './tokens.js';
import type { CommandTree } from './tree.js';
import type { NameLookup } from './walk.js';

export const PROMPT = 'maglev> ';

export interface ShellOptions {
  input: Readable;
  output: Writable;
  /** Whether input and output are a terminal (prompt, editing, `?`, Tab). */
  terminal: boolean;
  tree: CommandTree;
  names: NameLookup;
  /** Clears the name cache (after a command that may change names). */
  forgetNames: () => void;
  /** Execution context; `write` is replaced by the shell's own. */
  exec: Omit<ExecContext, 'write' | 'signal' | 'onWatching' | 'namesChanged'>;
  /** History file, or undefined for memory only. */
  historyFile: string | undefined;
}

type TtyWrite = (s: string | undefined, key: Key | undefined) => void;

/** readline's per-key entry point; not in the typings, present in every Node since 0.x. */
interface KeyedInterface extends Interface {
  _ttyWrite?: TtyWrite;
}

export async function runShell(opts: ShellOptions): Promise<number> {
  return opts.terminal ? runInteractive(opts) : runScript(opts);
}

async function runScript(opts: ShellOptions): Promise<number> {
  const rl = createInterface({ input: opts.input, terminal: false });
  const write = (text: string) => void opts.output.write(text);
  let worst: LineOutcome['exitCode'] = 0;
  for await (const line of rl) {
    const words = tokenize(line.replace(/#.*$/, ''));
    if (words.length === 0) continue;
    const r = await runWords(words, opts.tree, opts.names, {
      ...opts.exec,
      write,
      namesChanged: opts.forgetNames,
    });
    if (r.error) write(`${opts.exec.style.error('error')}: ${r.error}\n`);
    worst = Math.max(worst, r.exitCode) as LineOutcome['exitCode'];
    if (r.quit) break;
  }
  rl.close();
  return worst;
}

function runInteractive(opts: ShellOptions): Promise<number> {
  const { output, exec } = opts;
  const write = (text: string) => void output.write(text);
  const rl: KeyedInterface = createInterface({
    input: opts.input,
    output,
    terminal: true,
    prompt: PROMPT,
    history: loadHistory(opts.historyFile),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    completer: (line: string, callback: (err: Error | null, result: [string[], string]) => void) => {
      completeLine(opts.tree, line, opts.names).then(
        (c) => callback(null, [c.candidates, c.partial]),
        () => callback(null, [[], line]),
      );
    },
  });

  const original = rl._ttyWrite;
  if (typeof original !== 'function') {
    throw new Error('maglevc: this Node.js readline has no per-key hook; the shell needs one');
  }
  const keyHandler: TtyWrite = original.bind(rl);

  /** Keys typed while a command ran, replayed once the prompt is back. */
  let held: [string | undefined, Key | undefined][] = [];
  let busy = false;
  let watch: AbortController | undefined;

  const replayHeld = () => {
    const replay = held;
    held = [];
    for (const [s, key] of replay) onKey(s, key);
  };

  const finishBusy = () => {
    busy = false;
    watch = undefined;
    rl.prompt();
    replayHeld();
  };

  const showHelp = async () => {
    busy = true;
    const line = rl.line;
    const before = line.slice(0, rl.cursor);
    try {
      // The line as typed with the `?`, on its own row; the listing follows; the line comes back.
      write(`\r\x1b[K${PROMPT}${line}?\n`);
      const answer = await helpAt(opts.tree, before, opts.names);
      if (answer.ok) write(`${renderChoices(answer.choices, exec.style).join('\n')}\n`);
      else write(`${exec.style.error('error')}: ${answer.message}\n`);
    } finally {
      busy = false;
      rl.prompt(true);
      replayHeld();
    }
  };

  const onKey: TtyWrite = (s, key) => {
    if (busy) {
      // Any key ends a watch; other commands finish by themselves within their deadline.
      if (watch) watch.abort();
      else held.push([s, key]);
      return;
    }
    if (s === '?' && !key?.ctrl && !key?.meta) {
      void showHelp();
      return;
    }
    keyHandler(s, key);
  };
  rl._ttyWrite = onKey;

  return new Promise<number>((resolve) => {
    rl.on('line', (line: string) => {
      const words = tokenize(line);
      if (words.length === 0) {
        rl.prompt();
        return;
      }
      appendHistory(opts.historyFile, line.trim());
      busy = true;
      const abort = new AbortController();
      void runWords(words, opts.tree, opts.names, {
        ...exec,
        write,
        signal: abort.signal,
        onWatching: () => {
          watch = abort;
          write(exec.style.dim('(any key stops)\n'));
        },
        namesChanged: opts.forgetNames,
      })
        .then(
          (r) => {
            if (r.error) write(`${exec.style.error('error')}: ${r.error}\n`);
            if (r.quit) rl.close();
          },
          (err: unknown) => {
            write(`${exec.style.error('error')}: ${err instanceof Error ? err.message : String(err)}\n`);
          },
        )
        .finally(() => {
          if (!closed) finishBusy();
        });
    });

    // Ctrl-C at the prompt drops the line being typed, as in a login shell.
    rl.on('SIGINT', () => {
      rl.write(null, { ctrl: true, name: 'e' });
      write('^C\n');
      rl.write(null, { ctrl: true, name: 'u' });
      rl.prompt();
    });

    let closed = false;
    rl.on('close', () => {
      closed = true;
      watch?.abort();
      write('\n');
      resolve(0);
    });

    write(`${exec.version}\n`);
    write(
      exec.style.dim(
        `maglevd at ${exec.api.server}; 'help' lists commands, '?' what may come next, Tab completes\n`,
      ),
    );
    rl.prompt();
  });
}
