// Reading maglevt's screen as captured by tmux (with escapes): the header tally rows.

// eslint-disable-next-line no-control-regex
export const stripEscapes = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');

export interface TallyRowOnScreen {
  count: number;
  /** White: answered in the last 5 s. */
  fresh: boolean;
  /** Grey: no answer for 5 s. */
  drained: boolean;
}

/** The tally row of `name` on a screen captured with escapes; undefined when not shown. */
export function tallyRow(screen: string, name: string): TallyRowOnScreen | undefined {
  for (const line of screen.split('\n')) {
    const plain = stripEscapes(line);
    const m = new RegExp(`^  ${name} +(\\d+) +[\\d.]+% +\\S+$`).exec(plain);
    if (!m) continue;
    const colourBeforeName = new RegExp(`\\u001b\\[38;5;(\\d+)m(?:\\u001b\\[[0-9;]*m)*${name}`).exec(
      line,
    )?.[1];
    return { count: Number(m[1]), fresh: colourBeforeName === '15', drained: colourBeforeName === '8' };
  }
  return undefined;
}
