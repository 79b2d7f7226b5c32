// How every binary reads its command line: commander, configured never to print or exit on its
// own (exitOverride, silent output), so --help and usage errors come back as values that each
// binary answers the same way (help on stdout with exit 0, the error and a hint with exit 2).
// Also the words every binary accepts for a boolean, and the Go-style single-dash flags that
// maglevc and maglevt accept from the original tools' documentation.

import { CommanderError, type Command } from 'commander';

export type ParseOutcome =
  { kind: 'parsed' } | { kind: 'help'; text: string } | { kind: 'usage-error'; message: string };

/** Parses args (without node and the script); helpSuffix is appended to the help text. */
export function parseCommandLine(cmd: Command, args: readonly string[], helpSuffix = ''): ParseOutcome {
  try {
    cmd.parse([...args], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') {
        return { kind: 'help', text: cmd.helpInformation() + helpSuffix };
      }
      return { kind: 'usage-error', message: err.message.replace(/^error: /, '') };
    }
    throw err;
  }
  return { kind: 'parsed' };
}

/** A boolean flag's value: true/1/yes/on or false/0/no/off, in any case; undefined otherwise. */
export function parseBool(value: string): boolean | undefined {
  if (/^(true|1|yes|on)$/i.test(value)) return true;
  if (/^(false|0|no|off)$/i.test(value)) return false;
  return undefined;
}

/** parseBool as a commander argParser (`--flag [bool]`): anything else is a usage error. */
export function boolArgument(value: string): boolean {
  const b = parseBool(value);
  if (b === undefined) throw new CommanderError(2, 'invalidBool', `expected true or false, got "${value}"`);
  return b;
}

export interface GoStyleFlags {
  /** The flags that may also be written with one dash, as Go's flag package does (`-server x`). */
  readonly names: ReadonlySet<string>;
  /** Of those, the boolean ones that also take `=<bool>`: `--json=false` becomes `--no-json`. */
  readonly bools: ReadonlySet<string>;
}

/**
 * Rewrites the Go-style forms of the flags named in `flags` (from the original tools'
 * documentation) into what commander reads; every other word passes as it is.
 */
export function rewriteGoStyleFlags(
  argv: readonly string[],
  flags: GoStyleFlags,
): string[] | { error: string } {
  const out: string[] = [];
  for (const a of argv) {
    const m = /^--?([a-z-]+)(?:=(.*))?$/s.exec(a);
    const name = m?.[1];
    if (name === undefined || !flags.names.has(name)) {
      out.push(a);
      continue;
    }
    const value = m?.[2];
    if (flags.bools.has(name) && value !== undefined) {
      const b = parseBool(value);
      if (b === undefined) return { error: `--${name} expects true or false, got "${value}"` };
      out.push(b ? `--${name}` : `--no-${name}`);
      continue;
    }
    out.push(value === undefined ? `--${name}` : `--${name}=${value}`);
  }
  return out;
}
