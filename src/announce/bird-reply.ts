// The birdc protocol's replies (docs/fleet.md §Talking to BIRD), read without I/O. BIRD answers
// each command with lines that start with a four-digit code: `DDDD-text` continues the reply,
// `DDDD text` ends it, and a line starting with a space continues with the previous code.
// A `+` line is a spontaneous message (log echo), not part of any reply. The first digit says
// what a code is: 0 done, 1 table entry, 2 table heading, 8 run-time error, 9 parse error.

export interface BirdReplyLine {
  readonly code: number;
  readonly text: string;
}

export interface BirdReply {
  /** The code of the final line: the reply's outcome. */
  readonly code: number;
  readonly lines: readonly BirdReplyLine[];
}

export class BirdProtocolError extends Error {
  constructor(readonly line: string) {
    super(`BIRD sent a line that is not a reply: ${JSON.stringify(line.slice(0, 200))}`);
    this.name = 'BirdProtocolError';
  }
}

/** Splits a byte stream into replies; feed it text as it arrives. */
export class BirdReplyReader {
  private buffered = '';
  private lines: BirdReplyLine[] = [];
  private lastCode: number | undefined;

  /** The replies completed by this chunk. Throws BirdProtocolError on a line it cannot read. */
  push(chunk: string): BirdReply[] {
    this.buffered += chunk;
    const done: BirdReply[] = [];
    let newline: number;
    while ((newline = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      const reply = this.line(line);
      if (reply) done.push(reply);
    }
    return done;
  }

  private line(line: string): BirdReply | undefined {
    if (line.startsWith('+')) return undefined;
    if (line.startsWith(' ')) {
      if (this.lastCode === undefined) throw new BirdProtocolError(line);
      this.lines.push({ code: this.lastCode, text: line.slice(1) });
      return undefined;
    }
    const m = /^(\d{4})([- ])(.*)$/.exec(line);
    if (!m) throw new BirdProtocolError(line);
    const code = Number(m[1]);
    this.lines.push({ code, text: m[3] ?? '' });
    if (m[2] === '-') {
      this.lastCode = code;
      return undefined;
    }
    const reply = { code, lines: this.lines };
    this.lines = [];
    this.lastCode = undefined;
    return reply;
  }
}

export const BIRD_WELCOME = 1;

/** What a `configure` reply means for the caller. */
export type ConfigureOutcome =
  | { readonly ok: true; readonly code: number; readonly message: string }
  | { readonly ok: false; readonly code: number; readonly message: string };

/**
 * 0003 reconfigured, 0004 in progress, 0005 queued behind one in progress: BIRD took the file
 * (its new routes follow as the reconfiguration completes). 0006 means BIRD is shutting down,
 * 8002 the configuration has an error (`file:line:col message`), 0016/8007 the socket is
 * restricted: all refusals, with BIRD's own text.
 */
export function configureOutcome(reply: BirdReply): ConfigureOutcome {
  // 0002 "Reading configuration from …" precedes every outcome; the rest is the news.
  const news = reply.lines.filter((l) => l.code !== 2 && l.text !== '').map((l) => l.text);
  const ok = reply.code === 3 || reply.code === 4 || reply.code === 5;
  return { ok, code: reply.code, message: news.join('; ') || `code ${String(reply.code).padStart(4, '0')}` };
}
