// One command line from words to outcome: walk the tree (asking for live names only to settle
// an ambiguity), run it, and fold every failure into an exit code and one message. One-shot
// mode, the shell and piped scripts all go through here.

import { execute, type ExecContext } from './execute.js';
import { MaglevError } from '../errors.js';
import { takesDryRun, type CommandTree } from './tree.js';
import { describeWalkError, walkCommand, type NameLookup } from './walk.js';

export interface LineOutcome {
  /** 0 ok, 1 the server said no (or could not be reached), 2 the command was wrong. */
  exitCode: 0 | 1 | 2;
  quit: boolean;
  /** The message to show when the command failed (no "maglevc:" prefix). */
  error?: string;
}

export async function runWords(
  words: readonly string[],
  tree: CommandTree,
  names: NameLookup,
  exec: ExecContext,
): Promise<LineOutcome> {
  const walked = await walkCommand(tree, words, names);
  if (!walked.ok) return { exitCode: 2, quit: false, error: describeWalkError(walked.error) };
  if (exec.dryRun === true && !takesDryRun(tree, walked.value.action)) {
    const line = walked.value.words.join(' ');
    return {
      exitCode: 2,
      quit: false,
      error: `--dry-run: '${line}' changes nothing, so there is nothing to preview`,
    };
  }
  try {
    const r = await execute(walked.value, { ...exec, tree });
    return { exitCode: r.exitCode, quit: r.quit ?? false };
  } catch (err) {
    // Every coded error (maglevd said no, could not be reached, or a name matched nothing) is a
    // failure: exit 1. Exit 2 is for a command line the walk above rejected.
    if (err instanceof MaglevError) return { exitCode: 1, quit: false, error: err.message };
    throw err;
  }
}
