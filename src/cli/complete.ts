// What the shell offers at the cursor: Tab completion candidates (keywords, option words, choice
// values and live names) and the `?` listing of possible next words. Pure over the tree and the
// injected name lookup.

import { splitAtCursor } from './tokens.js';
import type { CommandTree, OptionNode, TreeNode } from './tree.js';
import {
  describeWalkError,
  nextChoices,
  walkPartial,
  type NameLookup,
  type NextChoice,
  type WalkState,
} from './walk.js';

export interface Completion {
  /** Candidates for the word at the cursor; a single one ends in a space. */
  candidates: string[];
  /** The word being completed (what readline replaces). */
  partial: string;
}

export async function completeLine(
  tree: CommandTree,
  lineBeforeCursor: string,
  names: NameLookup,
): Promise<Completion> {
  const { complete, partial } = splitAtCursor(lineBeforeCursor);
  const walked = await walkPartial(tree, complete, names);
  if (!walked.ok) return { candidates: [], partial };
  const words = await candidateWords(walked.value, names);
  const hits = [...new Set(words)].filter((w) => w.startsWith(partial));
  const only = hits.length === 1 ? hits[0] : undefined;
  return { candidates: only !== undefined ? [`${only} `] : hits, partial };
}

async function candidateWords(state: WalkState, names: NameLookup): Promise<string[]> {
  const out: string[] = [];
  for (const choice of nextChoices(state)) {
    if (choice.kind === 'keyword' || choice.kind === 'option') {
      out.push(choice.word);
      continue;
    }
    const v = choice.value;
    if (!v) continue;
    if (v.type === 'choice') out.push(...v.choices);
    else if (v.type === 'name' || v.type === 'name-prefix')
      out.push(...((await names(v.kind, state.args)) ?? []));
  }
  return out;
}

export type HelpAnswer = { ok: true; choices: NextChoice[] } | { ok: false; message: string };

/**
 * The `?` listing: what may follow the complete words, narrowed to those starting with the word
 * being typed (a slot stays listed while a name is being typed into it).
 */
export async function helpAt(
  tree: CommandTree,
  lineBeforeCursor: string,
  names: NameLookup,
): Promise<HelpAnswer> {
  const { complete, partial } = splitAtCursor(lineBeforeCursor);
  const walked = await walkPartial(tree, complete, names);
  if (!walked.ok) return { ok: false, message: describeWalkError(walked.error) };
  const all = nextChoices(walked.value);
  if (partial === '') return { ok: true, choices: all };
  const fit = all.filter((c) =>
    c.kind === 'keyword' || c.kind === 'option'
      ? c.word.startsWith(partial)
      : c.kind === 'slot' &&
        (c.value?.type !== 'choice' || c.value.choices.some((v) => v.startsWith(partial))),
  );
  if (fit.length === 0) return { ok: false, message: `nothing starting with '${partial}' fits here` };
  return { ok: true, choices: fit };
}

/** One line of the `help` command. */
export interface UsageLine {
  usage: string;
  help: string;
}

/** Every runnable command of the tree with its help, in tree order. */
export function usageLines(tree: CommandTree): UsageLine[] {
  const out: UsageLine[] = [];
  const visit = (node: TreeNode, prefix: readonly string[], keywordHelp: string) => {
    const words = [...prefix, node.type === 'keyword' ? node.word : node.placeholder];
    // A slot's own help describes the value; the command is described by its keyword.
    const help = node.summary ?? (node.type === 'keyword' ? node.help : keywordHelp);
    const children = node.children ?? [];
    const only = children.length === 1 ? children[0] : undefined;
    // `show backends [<prefix>]`: an optional trailing slot folds into one line.
    if (node.action && only?.type === 'slot' && only.action && !only.children?.length) {
      out.push({ usage: [...words, `[${only.placeholder}]`].join(' '), help });
      return;
    }
    if (node.action) {
      const opts = (node.options ?? []).map(optionUsage);
      out.push({ usage: [...words, ...opts].join(' '), help });
    }
    for (const c of children) visit(c, words, help);
  };
  for (const c of tree.children) visit(c, [], c.help);
  return out;
}

function optionUsage(o: OptionNode): string {
  const parts = [o.word];
  if (o.value) parts.push(o.value.placeholder);
  for (const sub of o.options ?? []) parts.push(optionUsage(sub));
  return `[${parts.join(' ')}]`;
}
