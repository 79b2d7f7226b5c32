// A pseudo-terminal for shell tests: a detached tmux session on a private server socket, keys
// sent with send-keys, the screen read with capture-pane. Waiting means re-reading the screen
// until the expected text is there (the terminal's output is the event), with a deadline.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const SCREEN_WAIT_MS = 60_000;
const POLL_MS = 50;

export class TmuxSession {
  private constructor(
    private readonly socket: string,
    readonly name: string,
  ) {}

  /**
   * Starts `command` (a shell command line) in a new detached session of width x height. When the
   * command ends, its exit status is printed as `[exit N]`: tmux's own pane_dead_status is
   * sometimes left empty when the pty closes before the child is reaped.
   */
  static async start(command: string, opts: { width?: number; height?: number } = {}): Promise<TmuxSession> {
    const socket = `maglevc-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const s = new TmuxSession(socket, 'cli');
    await s.tmux(
      'new-session',
      '-d',
      '-s',
      s.name,
      '-x',
      String(opts.width ?? 200),
      '-y',
      String(opts.height ?? 50),
      `${command}; printf '\\n[exit %d]\\n' $?`,
    );
    // Keep the pane after the program exits, to read its last words and exit status.
    await s.tmux('set-option', '-t', s.name, 'remain-on-exit', 'on');
    return s;
  }

  private async tmux(...args: string[]): Promise<string> {
    const { stdout } = await run('tmux', ['-L', this.socket, '-f', '/dev/null', ...args]);
    return stdout;
  }

  /** Types text literally (no key names). */
  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', this.name, '-l', text);
  }

  /** Sends named keys: Enter, Tab, Up, C-c, C-d... */
  async keys(...keys: string[]): Promise<void> {
    await this.tmux('send-keys', '-t', this.name, ...keys);
  }

  /** The screen and scrollback as text; with escapes when `escapes` is set. */
  async screen(escapes = false): Promise<string> {
    const args = ['capture-pane', '-p', '-J', '-S', '-1000', '-t', this.name];
    if (escapes) args.push('-e');
    return (await this.tmux(...args)).replace(/\n+$/, '\n');
  }

  /** Resolves with the screen once it satisfies the predicate (or matches the regexp). */
  async waitFor(what: RegExp | ((screen: string) => boolean), label = String(what)): Promise<string> {
    const fits = typeof what === 'function' ? what : (s: string) => what.test(s);
    const deadline = Date.now() + SCREEN_WAIT_MS;
    for (;;) {
      const last = await this.screen();
      if (fits(last)) return last;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}; screen:\n${last}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** Resolves with the program's exit status once it has exited. */
  async waitForExit(): Promise<number> {
    const screen = await this.waitFor(/^\[exit \d+\]$/m, 'the program to exit');
    return Number(/^\[exit (\d+)\]$/m.exec(screen)?.[1]);
  }

  /** Ends the session and its private tmux server (and with them the program). */
  async kill(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined);
  }
}

/** Single-quotes a word for the shell command tmux runs. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
