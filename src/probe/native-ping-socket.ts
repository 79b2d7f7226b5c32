// ICMP echo over Linux ping sockets (SOCK_DGRAM/IPPROTO_ICMP[V6]): no CAP_NET_RAW, no IP header
// parsing, and an fd that libuv drives like a UDP socket. One socket is shared by every probe
// with the same (family, netns, source); the kernel gives it one echo identifier and delivers
// to it only replies carrying that identifier. Within the socket, each echo has its own
// sequence number and an 8-byte token in the payload, and a reply or an ICMP error counts only
// for the echo whose sequence and token it carries, so replies are never attributed to the
// wrong probe, even after the 16-bit sequence wraps.
//
// ICMP errors (destination unreachable...) are read from the socket's error queue (IP_RECVERR):
// the kernel flags the socket, libuv's recvmsg fails, dgram emits 'error', and we drain the
// queue. The flag can also surface on the next send instead (sendmsg fails with the error that
// belongs to some earlier echo), so a failed send drains the queue and is retried before it
// counts as a failure of its own: a real routing failure (unreachable/blackhole route) fails
// again, a stale flag does not.

import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import type { IpFamily } from '../net/ip-address.js';
import type { NativeAddon, NativeErrorReport } from '../native/index.js';

export type EchoOutcome =
  /** `at`: the kernel's arrival time (epoch ms), known when the reply was read by drainReplies. */
  | { ok: true; from: string; at?: number }
  /**
   * `local`: raised on our side (a failed send, our own limits, an error the kernel queued with
   * a local origin) rather than an ICMP error that came back from the network. Only local
   * failures can be checker faults (checker-fault.ts).
   */
  | { ok: false; errno: string; detail: string; local: boolean };

export interface EchoHandle {
  /** Forget the echo (timeout, abort); a late reply is then ignored. */
  cancel(): void;
}

interface PendingEcho {
  seq: number;
  /** Second half of the token (the first is the socket's salt). */
  counter: number;
  dest: string;
  packet: Buffer;
  done: (outcome: EchoOutcome) => void;
}

const ECHO_REQUEST: Record<IpFamily, number> = { 4: 8, 6: 128 };
const ECHO_REPLY: Record<IpFamily, number> = { 4: 0, 6: 129 };
const HEADER = 8;
const TOKEN = 8;
/** Sends that fail are retried this often after draining the error queue (see header). */
const SEND_RETRIES = 2;

export class PingSocket {
  private readonly pending = new Map<number, PendingEcho>();
  /** First half of every token: tells our echoes from another process's on a reused id. */
  private readonly salt = randomBytes(4).readUInt32BE(0);
  private nextSeq: number;
  private counter = 0;
  private retired = false;
  private closedFlag = false;

  private constructor(
    private readonly addon: NativeAddon,
    readonly family: IpFamily,
    private readonly fd: number,
    /** Inode of the namespace the socket lives in (0: maglevd's own). */
    readonly netnsIno: number,
    private readonly socket: dgram.Socket,
  ) {
    this.nextSeq = this.salt & 0xffff;
    socket.on('message', this.onMessage);
    socket.on('error', this.onError);
    // Idle shared sockets must not keep the process alive; in-flight probes hold their timers.
    socket.unref();
  }

  /** Opens a ping socket in `netns`, bound to `source`. Throws the addon's NativeError. */
  static open(addon: NativeAddon, family: IpFamily, netns: string | undefined, source: string | undefined) {
    const { fd, netnsIno } = addon.openSocket(family, 'icmp', netns ?? null, source ?? null);
    const socket = dgram.createSocket(family === 4 ? 'udp4' : 'udp6');
    try {
      socket.bind({ fd });
    } catch (err) {
      socket.close();
      throw err;
    }
    return new PingSocket(addon, family, fd, netnsIno, socket);
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Sends one echo request to `dest`; `done` runs at most once, never synchronously. */
  echo(dest: string, done: (outcome: EchoOutcome) => void): EchoHandle {
    const seq = this.allocateSeq();
    if (seq === undefined || this.closedFlag) {
      const detail = this.closedFlag ? 'ping socket closed' : 'too many echo requests in flight';
      queueMicrotask(() => done({ ok: false, errno: 'EBUSY', detail, local: true }));
      return { cancel: () => {} };
    }
    const counter = this.counter;
    this.counter = (this.counter + 1) >>> 0;
    // Pooled memory: every byte is written below. Checksum and identifier are the kernel's job.
    const packet = Buffer.allocUnsafe(HEADER + TOKEN);
    packet.writeUInt32BE((ECHO_REQUEST[this.family] << 24) >>> 0, 0);
    packet.writeUInt16BE(0, 4);
    packet.writeUInt16BE(seq, 6);
    packet.writeUInt32BE(this.salt, HEADER);
    packet.writeUInt32BE(counter, HEADER + 4);
    const echo: PendingEcho = { seq, counter, dest, packet, done };
    this.pending.set(seq, echo);
    this.send(echo, SEND_RETRIES);
    return { cancel: () => this.forget(echo) };
  }

  /** Reads the error queue now and settles the echoes it names. */
  drainErrors(): number {
    if (this.closedFlag) return 0;
    let reports: NativeErrorReport[];
    try {
      reports = this.addon.readErrorQueue(this.fd);
    } catch {
      return 0;
    }
    for (const report of reports) this.onErrorReport(report);
    return reports.length;
  }

  /**
   * Reads the replies already queued on the socket now, rather than on libuv's next poll. After
   * a stall, Node runs expired timers before it polls sockets, so without this a reply that came
   * in time would lose to its own timeout; the kernel timestamp tells when it really came.
   */
  drainReplies(): number {
    if (this.closedFlag) return 0;
    let replies: { from: string | null; data: Buffer; at: number }[];
    try {
      replies = this.addon.readReplies(this.fd, 4096);
    } catch {
      return 0;
    }
    for (const r of replies) this.onReply(r.data, r.from ?? '', r.at > 0 ? r.at : undefined);
    return replies.length;
  }

  /** No new echoes; closes once the last in-flight one is settled. */
  retire(): void {
    this.retired = true;
    if (this.pending.size === 0) this.close();
  }

  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    for (const echo of this.pending.values()) {
      queueMicrotask(() =>
        echo.done({ ok: false, errno: 'ECANCELED', detail: 'ping socket closed', local: true }),
      );
    }
    this.pending.clear();
    this.socket.close();
  }

  private allocateSeq(): number | undefined {
    for (let i = 0; i < 0x10000; i++) {
      const seq = (this.nextSeq + i) & 0xffff;
      if (!this.pending.has(seq)) {
        this.nextSeq = (seq + 1) & 0xffff;
        return seq;
      }
    }
    return undefined;
  }

  private send(echo: PendingEcho, retries: number): void {
    const failed = (code: string): void =>
      this.settle(echo, {
        ok: false,
        errno: code,
        detail: `send ${code}${SEND_HINT[code] ?? ''}`,
        local: true,
      });
    try {
      // Ping sockets ignore the port; dgram insists on a valid one.
      this.socket.send(echo.packet, 1, echo.dest, (err) => {
        if (err === null || err === undefined || this.pending.get(echo.seq) !== echo) return;
        this.drainErrors();
        if (this.pending.get(echo.seq) !== echo) return;
        if (retries > 0) return this.send(echo, retries - 1);
        failed((err as NodeJS.ErrnoException).code ?? 'EIO');
      });
    } catch (err) {
      // dgram validates some input synchronously (a bad address); done() must stay async.
      const code = (err as NodeJS.ErrnoException).code ?? 'EINVAL';
      queueMicrotask(() => failed(code));
    }
  }

  private settle(echo: PendingEcho, outcome: EchoOutcome): void {
    if (this.pending.get(echo.seq) !== echo) return;
    this.pending.delete(echo.seq);
    echo.done(outcome);
    if (this.retired && this.pending.size === 0) this.close();
  }

  private forget(echo: PendingEcho): void {
    if (this.pending.get(echo.seq) !== echo) return;
    this.pending.delete(echo.seq);
    if (this.retired && this.pending.size === 0) this.close();
  }

  private readonly onMessage = (msg: Buffer, rinfo: dgram.RemoteInfo): void => {
    this.onReply(msg, rinfo.address, undefined);
  };

  private onReply(msg: Buffer, from: string, at: number | undefined): void {
    if (msg.length < HEADER + TOKEN || msg[0] !== ECHO_REPLY[this.family]) return;
    const echo = this.pending.get(msg.readUInt16BE(6));
    if (echo === undefined || !this.carriesToken(msg, echo)) return;
    this.settle(echo, at === undefined ? { ok: true, from } : { ok: true, from, at });
  }

  private readonly onError = (): void => {
    this.drainErrors();
  };

  private carriesToken(buf: Buffer, echo: PendingEcho): boolean {
    return buf.readUInt32BE(HEADER) === this.salt && buf.readUInt32BE(HEADER + 4) === echo.counter;
  }

  private onErrorReport(report: NativeErrorReport): void {
    const data = report.data;
    if (data.length < HEADER || data[0] !== ECHO_REQUEST[this.family]) return;
    const echo = this.pending.get(data.readUInt16BE(6));
    if (echo === undefined) return;
    // Errors quote at least our ICMP header; when they quote the token too, it must match.
    if (data.length >= HEADER + TOKEN) {
      if (!this.carriesToken(data, echo)) return;
    } else if (report.dest !== null && report.dest !== echo.dest) {
      return;
    }
    const local = report.origin !== ORIGIN_ICMP && report.origin !== ORIGIN_ICMP6;
    this.settle(echo, {
      ok: false,
      errno: report.errno,
      detail: describeIcmpError(report, this.family),
      local,
    });
  }
}

const SEND_HINT: Record<string, string> = {
  EHOSTUNREACH: ' (no route to host)',
  ENETUNREACH: ' (network unreachable)',
  EINVAL: ' (blackhole route?)',
  EACCES: ' (prohibit route or policy)',
  EADDRNOTAVAIL: ' (source address not available)',
};

const ICMP4_UNREACH: Record<number, string> = {
  0: 'network unreachable',
  1: 'host unreachable',
  2: 'protocol unreachable',
  3: 'port unreachable',
  4: 'fragmentation needed',
  6: 'destination network unknown',
  7: 'destination host unknown',
  9: 'network administratively prohibited',
  10: 'host administratively prohibited',
  13: 'communication administratively prohibited',
};
const ICMP6_UNREACH: Record<number, string> = {
  0: 'no route to destination',
  1: 'administratively prohibited',
  2: 'beyond scope of source address',
  3: 'address unreachable',
  4: 'port unreachable',
  5: 'source address failed policy',
  6: 'reject route',
};

/** sock_extended_err.ee_origin of an error carried by an ICMP (ICMPv6) message from the network. */
const ORIGIN_ICMP = 2;
const ORIGIN_ICMP6 = 3;

/** "icmp host unreachable from 10.0.0.1 (EHOSTUNREACH)", for the probe's detail. */
export function describeIcmpError(r: NativeErrorReport, family: IpFamily): string {
  const from = r.offender !== null ? ` from ${r.offender}` : '';
  let what: string;
  if (r.origin === ORIGIN_ICMP && family === 4) {
    if (r.type === 3) what = ICMP4_UNREACH[r.code] ?? `destination unreachable code ${r.code}`;
    else if (r.type === 11) what = 'time exceeded';
    else what = `type ${r.type} code ${r.code}`;
    return `icmp ${what}${from} (${r.errno})`;
  }
  if (r.origin === ORIGIN_ICMP6) {
    if (r.type === 1) what = ICMP6_UNREACH[r.code] ?? `destination unreachable code ${r.code}`;
    else if (r.type === 2) what = 'packet too big';
    else if (r.type === 3) what = 'time exceeded';
    else what = `type ${r.type} code ${r.code}`;
    return `icmpv6 ${what}${from} (${r.errno})`;
  }
  return `local error ${r.errno}${from}`;
}
