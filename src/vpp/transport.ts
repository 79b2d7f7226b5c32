// The API socket's framing (docs/vpp-lb.md §Framing), used by the client and by vppsim's server: each
// message is a 16-byte header — 8 ignored bytes, the payload length as a big-endian u32, 4 more
// ignored bytes — followed by the payload. The stream may split a message across reads or pack
// several into one, and replies can be megabytes (get_api_json, the message table), so the decoder
// reassembles without copying on every chunk.

import { createConnection, type Socket } from 'node:net';
import { VppConnectionError } from './errors.js';
import { Signal } from './signal.js';
import { explainSocketError } from './socket-access.js';

export const FRAME_HEADER_SIZE = 16;
/** Anything bigger is a corrupt stream, not a message: VPP's largest replies are a few MB. */
export const MAX_FRAME_PAYLOAD = 256 * 1024 * 1024;

/** Header + payload, ready to write. */
export function encodeFrame(payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_SIZE + payload.length);
  frame.fill(0, 0, FRAME_HEADER_SIZE);
  frame.writeUInt32BE(payload.length, 8);
  frame.set(payload, FRAME_HEADER_SIZE);
  return frame;
}

/** Thrown by FrameDecoder when a header announces an impossible length; the stream is unusable. */
export class FramingError extends VppConnectionError {
  override name = 'FramingError';
}

/** Stream reassembler: push chunks in, get whole payloads out. */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private length = 0;

  constructor(private readonly maxPayload = MAX_FRAME_PAYLOAD) {}

  /** Bytes held back waiting for the rest of a message. */
  get buffered(): number {
    return this.length;
  }

  /** Adds a chunk and returns every payload it completes (possibly none, possibly several). */
  push(chunk: Uint8Array): Buffer[] {
    if (chunk.length === 0) return [];
    this.chunks.push(
      Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
    );
    this.length += chunk.length;
    const out: Buffer[] = [];
    for (;;) {
      if (this.length < FRAME_HEADER_SIZE) break;
      const head = this.head(FRAME_HEADER_SIZE);
      const payloadLength = head.readUInt32BE(8);
      if (payloadLength > this.maxPayload)
        throw new FramingError(`frame announces ${payloadLength} bytes (limit ${this.maxPayload})`);
      const total = FRAME_HEADER_SIZE + payloadLength;
      if (this.length < total) break;
      const all = this.head(total);
      // Copy the payload out so the caller never pins a large reassembly buffer.
      out.push(Buffer.from(all.subarray(FRAME_HEADER_SIZE, total)));
      this.consume(total);
    }
    return out;
  }

  /** The first n buffered bytes as one Buffer (joins chunks only when a message needs it). */
  private head(n: number): Buffer {
    const first = this.chunks[0];
    if (first && first.length >= n) return first;
    const joined = Buffer.concat(this.chunks, this.length);
    this.chunks = [joined];
    return joined;
  }

  private consume(n: number): void {
    let left = n;
    while (left > 0) {
      const first = this.chunks[0];
      if (!first) break;
      if (first.length <= left) {
        this.chunks.shift();
        left -= first.length;
      } else {
        this.chunks[0] = first.subarray(left);
        left = 0;
      }
    }
    this.length -= n;
  }
}

export interface FramedSocketClose {
  /** Why the socket closed; undefined for an orderly close by the peer or by us. */
  readonly error?: Error;
}

/** A stream socket that sends and receives whole API messages. Used on both ends. */
export class FramedSocket {
  readonly onMessage = new Signal<Buffer>();
  readonly onClose = new Signal<FramedSocketClose>();
  private readonly decoder: FrameDecoder;
  private closed = false;
  private corked = false;
  private closeEmitted = false;
  private closeError: Error | undefined;

  constructor(
    readonly socket: Socket,
    opts: { maxPayload?: number } = {},
  ) {
    this.decoder = new FrameDecoder(opts.maxPayload);
    socket.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      let payloads: Buffer[];
      try {
        payloads = this.decoder.push(chunk);
      } catch (err) {
        this.destroy(err as Error);
        return;
      }
      for (const p of payloads) {
        if (this.closed) break;
        this.onMessage.emit(p);
      }
    });
    socket.on('error', (err) => {
      this.closeError ??= err;
    });
    socket.on('close', () => {
      if (this.closeEmitted) return;
      this.closed = true;
      this.closeEmitted = true;
      this.onClose.emit(this.closeError ? { error: this.closeError } : {});
    });
  }

  get isOpen(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  /**
   * Writes one message. Returns false (and writes nothing) when the socket is already closed.
   * Messages sent in one tick (a burst of pipelined requests, the replies to one read) leave in
   * one write instead of a system call each.
   */
  send(payload: Uint8Array): boolean {
    if (!this.isOpen) return false;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(encodeFrame(payload));
    return true;
  }

  /** Ends our side after pending writes flush; the peer sees EOF. */
  end(): void {
    if (!this.socket.destroyed) this.socket.end();
  }

  /** Closes at once. */
  destroy(error?: Error): void {
    if (error) this.closeError ??= error;
    this.closed = true;
    this.socket.destroy();
  }

  /** Resolves once the socket has closed (immediately if it already has). */
  closedPromise(): Promise<void> {
    if (this.closeEmitted) return Promise.resolve();
    return this.onClose.next().then(() => undefined);
  }
}

/** Connects to a unix stream socket (VPP's /run/vpp/api.sock). */
export function connectUnix(path: string): Promise<FramedSocket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path });
    const onError = (err: Error): void => {
      socket.destroy();
      const why = explainSocketError(path, err);
      reject(new VppConnectionError(`cannot connect to ${path}: ${err.message}${why ? ` (${why})` : ''}`));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(new FramedSocket(socket));
    });
  });
}
