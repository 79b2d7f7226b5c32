// Terminal escapes maglevt writes itself, kept apart from the ink UI so that the script modes
// (--once, --json) start without loading React.

/** Alternate screen on (and cursor home): the TUI leaves the operator's scrollback as it found it. */
export const ENTER_ALT_SCREEN = '\u001b[?1049h\u001b[H';
/** Alternate screen off. */
export const LEAVE_ALT_SCREEN = '\u001b[?1049l';
export const SHOW_CURSOR = '\u001b[?25h';
