// Reads one HTTP/1.x response as it arrives, for the http probe: the status line, the headers
// that frame the body (Content-Length, Transfer-Encoding: chunked, or until the connection
// closes), and, only when a response-regexp needs it, the first bodyLimit bytes of the body.
//
// Hand-written rather than node:http because a probe needs so little of HTTP: node:http's
// request/response streams cost more CPU than the whole rest of a probe, and at thousands of
// probes a second that is the difference between keeping up and falling behind.
//
// Lenient where real servers are sloppy (bare LF line ends, a missing reason phrase), strict
// where a misread would turn garbage into a pass (the status line, the framing headers). When
// the body is not wanted, the headers are only searched for their end, never parsed.

/** Headers beyond this are refused, as node:http (llhttp) refuses them by default. */
export const MAX_HEAD_BYTES = 16 * 1024;
/** A chunk-size line longer than this (hex digits plus extensions) is not a real server's. */
const MAX_CHUNK_LINE = 1024;

/** Where the reader stands after the bytes it was given. */
export type ReadProgress =
  /** The status line and headers are not complete yet: give it more bytes. */
  | 'head'
  /** `status` is known and the body it wants is still arriving. */
  | 'body'
  /** `status` is known and, when a body was wanted, `body()` holds it (at most bodyLimit bytes). */
  | 'done'
  /** Not a response this reader accepts; `error` says why. */
  | 'malformed';

type Framing = 'length' | 'chunked' | 'close';
type ChunkPhase = 'size' | 'data' | 'data-end';

/**
 * What was wrong with a response head, in the words of a probe detail (after "response "). The
 * probe engine's reader (native/probe_head.c) reports the same cases, worded by these.
 */
export const HeadError = {
  empty: 'empty (connection closed before the status line)',
  truncated: (bytes: number) => `truncated (connection closed inside the headers, after ${bytes} bytes)`,
  tooLarge: `headers larger than ${MAX_HEAD_BYTES} bytes`,
  badStatusLine: (line: string) => `status line ${quoteForDetail(line)} is not HTTP/1.x`,
} as const;

const STATUS_LINE = /^HTTP\/1\.[0-9] ([0-9]{3})(?:[ \t].*)?$/;
const LF = 0x0a;

export class HttpResponseReader {
  /** The final status code (1xx interim responses skipped); undefined until the head is read. */
  status: number | undefined;
  /** Why the response is malformed, for a probe detail ("status line ..."). */
  error: string | undefined;

  private progress: ReadProgress = 'head';
  private head: Buffer | undefined;
  private framing: Framing = 'close';
  /** Body bytes still expected: of the whole body ('length') or of the current chunk. */
  private remaining = 0;
  private chunkPhase: ChunkPhase = 'size';
  private chunkLine = '';
  private readonly bodyParts: Buffer[] = [];
  private bodyLength = 0;

  /** bodyLimit 0: the body is never read, the reader is done as soon as the head is. */
  constructor(private readonly bodyLimit: number) {}

  /** Feeds the next bytes from the connection. */
  push(chunk: Buffer): ReadProgress {
    if (this.progress === 'head') this.readHead(chunk);
    else if (this.progress === 'body') this.readBody(chunk, 0);
    return this.progress;
  }

  /** The connection closed: the end of a body framed by the close, a malformed response otherwise. */
  end(): ReadProgress {
    if (this.progress === 'head') {
      this.malformed(this.head === undefined ? HeadError.empty : HeadError.truncated(this.head.length));
    } else if (this.progress === 'body') {
      if (this.framing === 'close') this.progress = 'done';
      else this.malformed('truncated (connection closed inside the body)');
    }
    return this.progress;
  }

  /** The body read so far, at most bodyLimit bytes. */
  body(): Buffer {
    const body = this.bodyParts.length === 1 ? this.bodyParts[0]! : Buffer.concat(this.bodyParts);
    return body.length > this.bodyLimit ? body.subarray(0, this.bodyLimit) : body;
  }

  private readHead(chunk: Buffer): void {
    // Only the first chunk of a head is searched without a copy; a head split across reads
    // (rare: heads are small) is joined, so the search below sees it whole.
    const buf = this.head === undefined ? chunk : Buffer.concat([this.head, chunk]);
    const from = this.head === undefined ? 0 : Math.max(0, this.head.length - 3);
    const end = findHeadEnd(buf, from);
    if (end === undefined) {
      if (buf.length > MAX_HEAD_BYTES) return this.malformed(HeadError.tooLarge);
      this.head = buf;
      return;
    }
    this.head = undefined;
    if (end.headEnd > MAX_HEAD_BYTES) return this.malformed(HeadError.tooLarge);
    if (!this.parseHead(buf, end.headEnd)) return;
    const rest = buf.subarray(end.bodyStart);
    if (this.progress === 'head') {
      // A 1xx interim response: the final one follows on the same connection.
      if (rest.length > 0) this.readHead(rest);
      return;
    }
    if (this.progress === 'body' && rest.length > 0) this.readBody(rest, 0);
  }

  /** Parses buf[0, headEnd) (status line and headers); false when malformed. Sets progress. */
  private parseHead(buf: Buffer, headEnd: number): boolean {
    const statusEnd = buf.indexOf(LF);
    const statusLine = stripCr(buf.toString('latin1', 0, statusEnd));
    const m = STATUS_LINE.exec(statusLine);
    if (m === null) {
      this.malformed(HeadError.badStatusLine(statusLine));
      return false;
    }
    const status = Number(m[1]);
    if (status >= 100 && status < 200 && status !== 101) return true; // interim: progress stays 'head'
    this.status = status;
    if (this.bodyLimit === 0) {
      // The verdict is the status alone: the headers only frame a body nobody will read.
      this.progress = 'done';
      return true;
    }
    const lines = buf.toString('latin1', statusEnd + 1, headEnd).split('\n');
    let contentLength: number | undefined;
    let chunked = false;
    for (const raw of lines) {
      const line = stripCr(raw);
      if (line === '') continue;
      const colon = line.indexOf(':');
      if (colon <= 0) {
        // Obsolete line folding (a continuation starting with a space) is tolerated and ignored.
        if (line[0] === ' ' || line[0] === '\t') continue;
        this.malformed(`header line ${quoteForDetail(line)} has no name`);
        return false;
      }
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') {
        if (
          !/^[0-9]{1,15}$/.test(value) ||
          (contentLength !== undefined && contentLength !== Number(value))
        ) {
          this.malformed(`bad Content-Length ${quoteForDetail(value)}`);
          return false;
        }
        contentLength = Number(value);
      } else if (name === 'transfer-encoding') {
        // Only the last coding decides the framing (RFC 9112 §6.3).
        const codings = value.toLowerCase().split(',');
        chunked = codings[codings.length - 1]!.trim() === 'chunked';
      }
    }
    if (status === 204 || status === 304 || status === 101) {
      this.progress = 'done';
      return true;
    }
    if (chunked) {
      this.framing = 'chunked';
      this.chunkPhase = 'size';
    } else if (contentLength !== undefined) {
      this.framing = 'length';
      this.remaining = contentLength;
    } else {
      this.framing = 'close';
    }
    this.progress = this.framing === 'length' && contentLength === 0 ? 'done' : 'body';
    return true;
  }

  private readBody(buf: Buffer, offset: number): void {
    if (this.framing !== 'chunked') {
      let take = buf.length - offset;
      if (this.framing === 'length') take = Math.min(take, this.remaining);
      this.keep(buf.subarray(offset, offset + take));
      if (this.framing === 'length') {
        this.remaining -= take;
        if (this.remaining === 0) this.progress = 'done';
      }
      return;
    }
    let at = offset;
    while (at < buf.length && this.progress === 'body') {
      if (this.chunkPhase === 'size') at = this.readChunkSize(buf, at);
      else if (this.chunkPhase === 'data') {
        const take = Math.min(buf.length - at, this.remaining);
        this.keep(buf.subarray(at, at + take));
        at += take;
        this.remaining -= take;
        if (this.remaining === 0) this.chunkPhase = 'data-end';
      } else {
        // The CRLF closing a chunk's data (a bare LF is tolerated).
        const byte = buf[at++]!;
        if (byte === LF) this.chunkPhase = 'size';
        else if (byte !== 0x0d) this.malformed('chunk data not followed by CRLF');
      }
    }
  }

  /** Reads (part of) a chunk-size line from buf at `at`; returns where it stopped. */
  private readChunkSize(buf: Buffer, at: number): number {
    const lf = buf.indexOf(LF, at);
    const stop = lf === -1 ? buf.length : lf;
    this.chunkLine += buf.toString('latin1', at, stop);
    if (this.chunkLine.length > MAX_CHUNK_LINE) {
      this.malformed('chunk-size line too long');
      return buf.length;
    }
    if (lf === -1) return buf.length;
    const line = stripCr(this.chunkLine);
    this.chunkLine = '';
    const m = /^([0-9a-fA-F]{1,8})[ \t]*(?:;.*)?$/.exec(line);
    if (m === null) {
      this.malformed(`bad chunk size ${quoteForDetail(line)}`);
      return buf.length;
    }
    this.remaining = parseInt(m[1]!, 16);
    // The last chunk: its trailers are of no interest to a probe.
    if (this.remaining === 0) this.progress = 'done';
    else this.chunkPhase = 'data';
    return lf + 1;
  }

  private keep(part: Buffer): void {
    if (part.length > 0) {
      this.bodyParts.push(part);
      this.bodyLength += part.length;
    }
    if (this.bodyLength >= this.bodyLimit) this.progress = 'done';
  }

  private malformed(reason: string): void {
    this.error = reason;
    this.progress = 'malformed';
  }
}

/** The end of the head (after its empty line) and where the body starts, or undefined. */
function findHeadEnd(buf: Buffer, from: number): { headEnd: number; bodyStart: number } | undefined {
  let lf = buf.indexOf(LF, from);
  while (lf !== -1) {
    // An empty line: LF LF, or LF CR LF.
    const next = buf[lf + 1];
    if (next === LF) return { headEnd: lf + 1, bodyStart: lf + 2 };
    if (next === 0x0d && buf[lf + 2] === LF) return { headEnd: lf + 1, bodyStart: lf + 3 };
    if (next === undefined || (next === 0x0d && lf + 2 >= buf.length)) return undefined;
    lf = buf.indexOf(LF, lf + 1);
  }
  return undefined;
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** A short, printable, quoted excerpt of what the server sent, for a probe detail. */
function quoteForDetail(text: string): string {
  // eslint-disable-next-line no-control-regex
  const printable = text.replace(/[\x00-\x1f\x7f-\xff]/g, '?');
  return JSON.stringify(printable.length > 40 ? `${printable.slice(0, 40)}...` : printable);
}
