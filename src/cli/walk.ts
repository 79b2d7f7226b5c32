// The walker: consumes the words of a command line through the tree. Every keyword (and every
// choice value) may be a unique prefix; an exact match wins over prefix matches. When a prefix
// fits several keywords, the walker looks ahead and keeps the readings under which the rest of
// the line still parses (with name slots checked against live names), so `sh ba nginx0` is
// `show backends nginx0` (a prefix filter) while `sh ba nginx0-ams` is `show backend nginx0-ams`;
// when several readings survive and one keyword is a prefix of the others, that one wins
// (`backend` over `backends`). What is left is a targeted error naming the word, where it stood
// and what could have come instead.
//
// Pure apart from the injected name lookup, which the walker calls only while settling an
// ambiguity, so a plain command costs no extra round trip.

import type {
  ActionId,
  CommandTree,
  NameKind,
  OptionNode,
  OptionValue,
  SlotNode,
  TreeNode,
  ValueSpec,
} from './tree.js';

/** A complete command, ready to run. */
export interface ParsedCommand {
  action: ActionId;
  /** Slot and option values by their arg key (weights and counts as their decimal text). */
  args: Readonly<Record<string, string>>;
  /** Option words given (`flush`, `log`, `backend`...). */
  options: ReadonlySet<string>;
  /** The line with every keyword spelled out, e.g. ['show', 'backend', 'nginx0-ams']. */
  words: readonly string[];
}

/** Live names of a kind (pools need args.frontend); undefined when they cannot be had. */
export type NameLookup = (
  kind: NameKind,
  args: Readonly<Record<string, string>>,
) => Promise<readonly string[] | undefined>;

export const noNames: NameLookup = () => Promise.resolve(undefined);

export type WalkError =
  | { kind: 'unknown'; word: string; after: readonly string[]; expected: readonly string[] }
  | { kind: 'ambiguous'; word: string; after: readonly string[]; candidates: readonly string[] }
  | { kind: 'incomplete'; after: readonly string[]; expected: readonly string[] }
  | { kind: 'bad-value'; word: string; after: readonly string[]; reason: string }
  | { kind: 'repeated'; word: string; after: readonly string[] };

type NodeLike = Pick<TreeNode, 'children' | 'action' | 'options'>;

/** Where a walk stands: the node reached, what was collected, and any value still owed. */
export interface WalkState {
  readonly node: NodeLike;
  readonly words: readonly string[];
  readonly args: Readonly<Record<string, string>>;
  readonly usedOptions: readonly OptionNode[];
  /** Once an option was given only options may follow. */
  readonly inOptions: boolean;
  /** The option whose value must come next. */
  readonly pending: OptionNode | undefined;
}

export type WalkResult<T> = { ok: true; value: T } | { ok: false; error: WalkError };

/** One word that could come next, for `?` help, completion and error messages. */
export interface NextChoice {
  /** The keyword, `<placeholder>` for a slot, or `<cr>` when the command can run here. */
  word: string;
  help: string;
  kind: 'keyword' | 'option' | 'slot' | 'end';
  /** For slots: what the slot accepts (completion offers live names or choices). */
  value?: ValueSpec;
}

interface Ctx {
  names: NameLookup;
  /** Check name slots against live names (only while settling an ambiguity). */
  strict: boolean;
  /** run: the line must be a complete command; partial: the words so far must fit. */
  mode: 'run' | 'partial';
}

export function rootState(tree: CommandTree): WalkState {
  return { node: tree, words: [], args: {}, usedOptions: [], inOptions: false, pending: undefined };
}

/** Walks a whole command line to a runnable command. */
export async function walkCommand(
  tree: CommandTree,
  tokens: readonly string[],
  names: NameLookup = noNames,
): Promise<WalkResult<ParsedCommand>> {
  const r = await walkFrom(rootState(tree), tokens, 0, { names, strict: false, mode: 'run' });
  if (!r.ok) return r;
  return { ok: true, value: toCommand(r.value) };
}

/** Walks the words before the cursor (for completion and `?`); the line need not be complete. */
export async function walkPartial(
  tree: CommandTree,
  tokens: readonly string[],
  names: NameLookup = noNames,
): Promise<WalkResult<WalkState>> {
  return walkFrom(rootState(tree), tokens, 0, { names, strict: false, mode: 'partial' });
}

/** What may follow in this state, in tree order. */
export function nextChoices(state: WalkState): NextChoice[] {
  if (state.pending?.value) {
    const v = state.pending.value;
    return [{ word: v.placeholder, help: v.help, kind: 'slot', value: v.value }];
  }
  const out: NextChoice[] = [];
  if (!state.inOptions) {
    for (const child of state.node.children ?? []) {
      if (child.type === 'keyword') out.push({ word: child.word, help: child.help, kind: 'keyword' });
    }
  }
  for (const o of availableOptions(state)) out.push({ word: o.word, help: o.help, kind: 'option' });
  if (!state.inOptions) {
    const s = slotChild(state.node);
    if (s) out.push({ word: s.placeholder, help: s.help, kind: 'slot', value: s.value });
  }
  if (state.node.action) out.push({ word: '<cr>', help: 'run the command', kind: 'end' });
  return out;
}

/** The plain-words message for a walk error (no "maglevc:" prefix). */
export function describeWalkError(e: WalkError): string {
  const after = e.after.length > 0 ? ` after '${e.after.join(' ')}'` : '';
  switch (e.kind) {
    case 'unknown':
      return e.after.length === 0
        ? `unknown command '${e.word}': expected one of ${e.expected.join(', ')}`
        : e.expected.length === 0
          ? `unexpected word '${e.word}'${after}: the command ends there`
          : `unknown word '${e.word}'${after}: expected ${oneOf(e.expected)}`;
    case 'ambiguous':
      return `ambiguous word '${e.word}'${after}: could be ${e.candidates.join(', ')}`;
    case 'incomplete':
      return e.after.length === 0
        ? `empty command: expected one of ${e.expected.join(', ')}`
        : `incomplete command '${e.after.join(' ')}': expected ${oneOf(e.expected)}`;
    case 'bad-value':
      return `bad value '${e.word}'${after}: ${e.reason}`;
    case 'repeated':
      return `'${e.word}' given twice${after}`;
  }
}

function oneOf(words: readonly string[]): string {
  return words.length === 1 ? (words[0] ?? '') : `one of ${words.join(', ')}`;
}

// ---------------------------------------------------------------------------------------------

function toCommand(state: WalkState): ParsedCommand {
  const action = state.node.action;
  if (!action) throw new Error('walker: complete command without action');
  return {
    action,
    args: state.args,
    options: new Set(state.usedOptions.map((o) => o.word)),
    words: state.words,
  };
}

function slotChild(node: NodeLike): SlotNode | undefined {
  for (const c of node.children ?? []) if (c.type === 'slot') return c;
  return undefined;
}

function availableOptions(state: WalkState): OptionNode[] {
  if (!state.node.action) return [];
  const used = new Set(state.usedOptions);
  const pool = [...(state.node.options ?? []), ...state.usedOptions.flatMap((o) => o.options ?? [])];
  return pool.filter((o) => !used.has(o));
}

function expectedWords(state: WalkState): string[] {
  return nextChoices(state)
    .filter((c) => c.kind !== 'end')
    .map((c) => c.word);
}

interface Move {
  word: string;
  next: WalkState;
}

/** Keyword and option moves for a token: exact matches if any, else prefix matches. */
function keywordMoves(state: WalkState, token: string): Move[] {
  const moves: Move[] = [];
  if (!state.inOptions) {
    for (const child of state.node.children ?? []) {
      if (child.type !== 'keyword' || !child.word.startsWith(token)) continue;
      moves.push({
        word: child.word,
        next: { ...state, node: child, words: [...state.words, child.word] },
      });
    }
  }
  for (const o of availableOptions(state)) {
    if (!o.word.startsWith(token)) continue;
    moves.push({
      word: o.word,
      next: {
        ...state,
        words: [...state.words, o.word],
        usedOptions: [...state.usedOptions, o],
        inOptions: true,
        pending: o.value ? o : undefined,
      },
    });
  }
  const exact = moves.filter((m) => m.word === token);
  return exact.length > 0 ? exact : moves;
}

type ValueCheck = { ok: true; value: string } | { ok: false; reason: string };

async function checkValue(
  spec: ValueSpec,
  placeholder: string,
  token: string,
  args: Readonly<Record<string, string>>,
  ctx: Ctx,
): Promise<ValueCheck> {
  switch (spec.type) {
    case 'int': {
      const n = /^\d+$/.test(token) ? Number(token) : NaN;
      if (Number.isSafeInteger(n) && n >= spec.min && n <= spec.max) return { ok: true, value: String(n) };
      const range = spec.max === Number.MAX_SAFE_INTEGER ? `${spec.min} or more` : `${spec.min}..${spec.max}`;
      return { ok: false, reason: `${placeholder} must be a whole number ${range}` };
    }
    case 'choice': {
      if (spec.choices.includes(token)) return { ok: true, value: token };
      const fits = spec.choices.filter((c) => c.startsWith(token));
      if (fits.length === 1 && fits[0] !== undefined) return { ok: true, value: fits[0] };
      return { ok: false, reason: `${placeholder} must be one of ${spec.choices.join(', ')}` };
    }
    case 'path':
      return { ok: true, value: token };
    case 'name':
    case 'name-prefix': {
      if (!ctx.strict) return { ok: true, value: token };
      const names = await ctx.names(spec.kind, args);
      if (names === undefined) return { ok: true, value: token };
      const fits = spec.type === 'name' ? names.includes(token) : names.some((n) => n.startsWith(token));
      return fits ? { ok: true, value: token } : { ok: false, reason: `no ${spec.kind} '${token}'` };
    }
  }
}

async function takeValue(
  state: WalkState,
  slot: { arg: string; placeholder: string; value: ValueSpec },
  token: string,
  ctx: Ctx,
): Promise<WalkResult<{ args: Record<string, string>; word: string }>> {
  const check = await checkValue(slot.value, slot.placeholder, token, state.args, ctx);
  if (!check.ok) {
    return { ok: false, error: { kind: 'bad-value', word: token, after: state.words, reason: check.reason } };
  }
  return { ok: true, value: { args: { ...state.args, [slot.arg]: check.value }, word: check.value } };
}

function finish(state: WalkState, ctx: Ctx): WalkResult<WalkState> {
  if (ctx.mode === 'partial') return { ok: true, value: state };
  if (state.pending || !state.node.action) {
    return { ok: false, error: { kind: 'incomplete', after: state.words, expected: expectedWords(state) } };
  }
  return { ok: true, value: state };
}

async function walkFrom(
  state: WalkState,
  tokens: readonly string[],
  i: number,
  ctx: Ctx,
): Promise<WalkResult<WalkState>> {
  const token = tokens[i];
  if (token === undefined) return finish(state, ctx);

  // A value owed to an option (`num 5`, `level debug`, `frontend web`).
  if (state.pending) {
    const v: OptionValue | undefined = state.pending.value;
    if (!v) throw new Error('walker: pending option without value');
    const taken = await takeValue(state, v, token, ctx);
    if (!taken.ok) return taken;
    const next: WalkState = {
      ...state,
      args: taken.value.args,
      words: [...state.words, taken.value.word],
      pending: undefined,
    };
    return walkFrom(next, tokens, i + 1, ctx);
  }

  const moves = keywordMoves(state, token);
  if (moves.length === 1 && moves[0]) return walkFrom(moves[0].next, tokens, i + 1, ctx);
  if (moves.length > 1) return settleAmbiguity(state, token, moves, tokens, i, ctx);

  const slot = state.inOptions ? undefined : slotChild(state.node);
  if (slot) {
    const taken = await takeValue(state, slot, token, ctx);
    if (!taken.ok) return taken;
    const next: WalkState = {
      ...state,
      node: slot,
      args: taken.value.args,
      words: [...state.words, taken.value.word],
    };
    return walkFrom(next, tokens, i + 1, ctx);
  }

  // A keyword-looking word repeated among the options gets its own message.
  if (state.usedOptions.some((o) => o.word === token)) {
    return { ok: false, error: { kind: 'repeated', word: token, after: state.words } };
  }
  return {
    ok: false,
    error: { kind: 'unknown', word: token, after: state.words, expected: expectedWords(state) },
  };
}

async function settleAmbiguity(
  state: WalkState,
  token: string,
  moves: readonly Move[],
  tokens: readonly string[],
  i: number,
  ctx: Ctx,
): Promise<WalkResult<WalkState>> {
  const readings = async (strict: boolean) => {
    const results = await Promise.all(
      moves.map(async (m) => ({
        word: m.word,
        r: await walkFrom(m.next, tokens, i + 1, { ...ctx, strict }),
      })),
    );
    return results.filter((x): x is { word: string; r: { ok: true; value: WalkState } } => x.r.ok);
  };
  // Live names first: they tell `backend <existing name>` from `backends <prefix>`.
  let ok = await readings(true);
  if (ok.length === 0 && !ctx.strict) ok = await readings(false);
  if (ok.length === 1 && ok[0]) return ok[0].r;
  if (ok.length > 1) {
    const shortest = ok.find((a) => ok.every((b) => b.word.startsWith(a.word)));
    if (shortest) return shortest.r;
  }
  const candidates = (ok.length > 1 ? ok : moves).map((m) => m.word);
  return { ok: false, error: { kind: 'ambiguous', word: token, after: state.words, candidates } };
}
