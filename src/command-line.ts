// How every binary reads its command line: commander, configured never to print or exit on its
// own (exitOverride, silent output), so --help and usage errors come back as values that each
// binary answers the same way (help on stdout with exit 0, the error and a hint with exit 2).

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
