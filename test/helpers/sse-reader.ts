// An SSE stream read block by block, for tests of the dashboard's /view/api/events: the
// dashboard's own tests and the e2e tests that watch a running dashboard.

const WAIT_MS = 20_000;

export interface ParsedSse {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  comment?: string;
}

/** Reads an SSE response block by block. */
export class SseReader {
  readonly blocks: ParsedSse[] = [];
  private buffer = '';
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private waiters: (() => void)[] = [];
  ended = false;

  private constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    this.reader = response.body!.getReader();
    void this.pump();
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const abort = new AbortController();
    const response = await fetch(url, { headers, signal: abort.signal });
    return new SseReader(response, abort);
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await this.reader.read();
        if (done) break;
        this.buffer += this.decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = this.buffer.indexOf('\n\n')) >= 0) {
          const block = this.buffer.slice(0, cut);
          this.buffer = this.buffer.slice(cut + 2);
          const parsed: ParsedSse = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) parsed.comment = line.slice(1).trim();
            else {
              const colon = line.indexOf(':');
              const key = line.slice(0, colon) as keyof ParsedSse;
              parsed[key] = line.slice(colon + 1).replace(/^ /, '');
            }
          }
          this.blocks.push(parsed);
        }
        this.wake();
      }
    } catch {
      // aborted
    }
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves with the first block (already read or future) at index >= from that matches. */
  async find(pred: (b: ParsedSse) => boolean, what: string, from = 0, waitMs = WAIT_MS): Promise<ParsedSse> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const hit = this.blocks.slice(from).find(pred);
      if (hit) return hit;
      if (this.ended) throw new Error(`stream ended before ${what}; got ${JSON.stringify(this.blocks)}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0)
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.blocks)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Resolves once the server ends the stream. */
  async closed(): Promise<void> {
    await this.find(() => false, 'end').catch((err: Error) => {
      if (!this.ended) throw err;
    });
  }

  close(): void {
    this.abort.abort();
  }
}
