// A pseudo-terminal for tests of terminal programs (maglevc's shell, maglevt's TUI): a detached
// tmux session on a private server socket, keys sent with send-keys, the screen read with
// capture-pane. Waiting means re-reading the screen until the expected text is there (the
// terminal's output is the event), with a generous deadline for loaded CI machines.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const SCREEN_WAIT_MS = 30_000;
const POLL_MS = 50;

export interface TmuxStartOptions {
  width?: number;
  height?: number;
  /** Environment for the program (on top of the test's own). */
  env?: Readonly<Record<string, string>>;
  /** Variables removed from the program's environment, e.g. CI (ink stops drawing live under CI). */
  unset?: readonly string[];
  /**
   * Have the shell print `[exit N]` when the program ends, and read the status from there.
   * tmux learns a pane's exit status from SIGCHLD, and in some sandboxes (gVisor) that signal
   * is now and then lost: the program stays a zombie and tmux never records a status. The
   * shell's own wait() does not depend on the signal.
   */
  exitMarker?: boolean;
}

const EXIT_MARKER = /^\[exit (\d+)\]$/m;

export class TmuxSession {
  private constructor(
    private readonly socket: string,
    readonly name: string,
    private readonly exitMarker: boolean,
  ) {}

  /** Starts `command` (a shell command line) in a new detached session of width x height. */
  static async start(command: string, opts: TmuxStartOptions = {}): Promise<TmuxSession> {
    const socket = `maglev-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const s = new TmuxSession(socket, 'term', opts.exitMarker ?? false);
    const env = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)}`);
    const unset = (opts.unset ?? []).flatMap((k) => ['-u', k]);
    let line = env.length > 0 || unset.length > 0 ? ['env', ...unset, ...env, command].join(' ') : command;
    if (s.exitMarker) line = `${line}; printf '\\n[exit %d]\\n' $?`;
    await s.tmux(
      'new-session',
      '-d',
      '-s',
      s.name,
      '-x',
      String(opts.width ?? 200),
      '-y',
      String(opts.height ?? 50),
      line,
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

  /** Resizes the terminal; the program gets SIGWINCH. */
  async resize(width: number, height: number): Promise<void> {
    await this.tmux('resize-window', '-t', this.name, '-x', String(width), '-y', String(height));
  }

  /** The visible screen (alternate screen included) as text; with SGR escapes when `escapes`. */
  async visible(escapes = false): Promise<string> {
    const args = ['capture-pane', '-p', '-t', this.name];
    if (escapes) args.push('-e');
    return this.tmux(...args);
  }

  /** The screen and scrollback as text; with escapes when `escapes` is set. */
  async screen(escapes = false): Promise<string> {
    const args = ['capture-pane', '-p', '-J', '-S', '-1000', '-t', this.name];
    if (escapes) args.push('-e');
    return (await this.tmux(...args)).replace(/\n+$/, '\n');
  }

  /** Resolves with the screen once it satisfies the predicate (or matches the regexp). */
  async waitFor(
    what: RegExp | ((screen: string) => boolean),
    label = String(what),
    opts: { escapes?: boolean; visibleOnly?: boolean; timeoutMs?: number } = {},
  ): Promise<string> {
    const fits = typeof what === 'function' ? what : (s: string) => what.test(s);
    const deadline = Date.now() + (opts.timeoutMs ?? SCREEN_WAIT_MS);
    for (;;) {
      const last = opts.visibleOnly ? await this.visible(opts.escapes) : await this.screen(opts.escapes);
      if (fits(last)) return last;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}; screen:\n${last}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** The terminal's size as tmux sees it. */
  async size(): Promise<{ width: number; height: number }> {
    const out = await this.tmux('display-message', '-p', '-t', this.name, '#{pane_width}x#{pane_height}');
    const [w, hgt] = out.trim().split('x').map(Number);
    return { width: w ?? 0, height: hgt ?? 0 };
  }

  /** Whether the program is on the alternate screen (a full-screen UI is showing). */
  async onAlternateScreen(): Promise<boolean> {
    const out = await this.tmux('display-message', '-p', '-t', this.name, '#{alternate_on}');
    return out.trim() === '1';
  }

  /** The exit status of the program once it has exited, else undefined. */
  async exitStatus(): Promise<number | undefined> {
    if (this.exitMarker) {
      const m = EXIT_MARKER.exec(await this.screen());
      return m ? Number(m[1]) : undefined;
    }
    const out = await this.tmux('display-message', '-p', '-t', this.name, '#{pane_dead}:#{pane_dead_status}');
    const [dead, code] = out.trim().split(':');
    // tmux marks the pane dead a moment before it records the status.
    return dead === '1' && code ? Number(code) : undefined;
  }

  async waitForExit(): Promise<number> {
    const deadline = Date.now() + SCREEN_WAIT_MS;
    for (;;) {
      const code = await this.exitStatus();
      if (code !== undefined) return code;
      if (Date.now() > deadline) throw new Error(`program did not exit; screen:\n${await this.screen()}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
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
