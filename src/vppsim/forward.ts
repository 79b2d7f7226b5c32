// vppsim's data path: real TCP connections to a VIP forwarded the way VPP's lb node forwards
// packets. This file owns the listeners (one per forwardable VIP, following the model's VIP adds and
// deletes live) and the proxied connections (reset when the model flushes their AS).
//
// Per connection, what the lb node does per packet (LbPlugin.forwardFlow: flow hash of the 5-tuple,
// or of the addresses on src_ip_sticky VIPs; sticky table first; else the new-flow bucket, remembered
// with the flow timeout) is done for the accepted connection (VPP's SYN) and again for every chunk
// the client sends. The counters therefore read, as closely as a proxy can see packets:
// - one `first session packet` per new connection (`packet from existing sessions` when its flow
//   hash collides with a live entry, `untracked packet` when its sticky bucket is full);
// - one `no server configured` per connection refused because its bucket has no AS (the client
//   is reset: VPP would drop the SYN);
// - one `packet from existing sessions` per further chunk of client data (ACKs and FINs carry no
//   data, so a proxy never sees them; a chunk may hold several segments).
// Each of those packets also counts in the VIP route's `/net/route/to` (ip4-lookup counts before
// the lb node decides, so refused SYNs count too), with its size as IP would carry it: the SYN as
// IP + TCP headers with the usual options, a chunk as its payload plus IP + TCP headers.
// Flushes (is_flush on AS delete/add/set-weight, lb_flush_vip) evict sticky entries in the model and
// reset the open connections to the flushed AS(es) here: "existing flows are torn down". Weight 0 or
// a delete without flush leaves both alone: the connection keeps its sticky entry (refreshed by each
// chunk) and finishes on its AS. A deleted VIP's listener closes; its open connections stay until
// their next chunk, which is reset unless a VIP for the address and port is back by then.

import type net from 'node:net';
import { silentLogger, type Logger } from '../log/index.js';
import { ip46Bytes } from '../maglev/index.js';
import { mustParseIp, type IpAddress } from '../net/ip-address.js';
import { ForwardConnection, type ForwardConnectionView } from './forward-connection.js';
import { ForwardListener, type ForwardListenerState } from './forward-listener.js';
import { isLocalAddress } from './forward-local.js';
import { forwardPlan, targetKey, upstreamPort, vipAddress, type ForwardTarget } from './forward-target.js';
import { formatIp46 } from './lb-address.js';
import { LbSimulatedCrash, type LbChange, type LbPlugin } from './lb-plugin.js';

const IP_PROTOCOL_TCP = 6;
/** Header bytes on the wire: IPv4 or IPv6, then TCP with options (MSS, SACK, timestamps, window scale on a SYN; timestamps after). */
const IP4_HEADER = 20;
const IP6_HEADER = 40;
const TCP_SYN_HEADER = 40;
const TCP_DATA_HEADER = 32;

export interface ForwarderOptions {
  readonly lb: LbPlugin;
  readonly logger?: Logger;
  /** Which VIP addresses may be bound. Default: loopback and this host's interface addresses. */
  readonly isLocalAddress?: (address: string) => boolean;
  /** A packet made the simulated worker die (e.g. sticky buckets 0); the simulator stops. */
  readonly onCrash?: (error: LbSimulatedCrash) => void;
}

export interface ForwardListenerView {
  readonly key: string;
  readonly address: string;
  readonly port: number;
  readonly state: ForwardListenerState;
}

export class Forwarder {
  private readonly lb: LbPlugin;
  private readonly logger: Logger;
  private readonly isLocal: (address: string) => boolean;
  private readonly onCrash: ((error: LbSimulatedCrash) => void) | undefined;
  private readonly listenerByKey = new Map<string, ForwardListener>();
  /** Close of the last listener per key, so its successor binds after it. */
  private readonly released = new Map<string, Promise<void>>();
  private readonly open = new Set<ForwardConnection>();
  /** Unforwardable VIPs already reported (`index|name`), so each is logged once per incarnation. */
  private reported = new Set<string>();
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(opts: ForwarderOptions) {
    this.lb = opts.lb;
    this.logger = opts.logger ?? silentLogger;
    this.isLocal = opts.isLocalAddress ?? isLocalAddress;
    this.onCrash = opts.onCrash;
  }

  /** Follows the model from now on, starting with the VIPs it already has. */
  start(): void {
    if (this.unsubscribe || this.stopped) return;
    this.unsubscribe = this.lb.onChange.add((change) => this.onChange(change));
    this.reconcile();
  }

  /** Resolves once every listener has bound (or failed to) as the current VIPs ask. */
  async settled(): Promise<void> {
    await Promise.all([...this.listenerByKey.values()].map((l) => l.ready()));
    await Promise.all(this.released.values());
  }

  listeners(): ForwardListenerView[] {
    return [...this.listenerByKey.values()].map((l) => ({
      key: l.target.key,
      address: l.target.address,
      port: l.target.port,
      state: l.state,
    }));
  }

  connections(): ForwardConnectionView[] {
    return [...this.open].map((c) => c.view);
  }

  /** Closes every listener and resets every proxied connection. Idempotent. */
  async close(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const closing = [...this.listenerByKey.values()].map((l) => l.close());
    this.listenerByKey.clear();
    const connections = [...this.open];
    for (const c of connections) c.reset('shutdown');
    await Promise.all([...closing, ...this.released.values(), ...connections.map((c) => c.closed)]);
  }

  private onChange(change: LbChange): void {
    if (this.stopped) return;
    if (change.kind === 'flush') this.flush(change.vipIndex, change.address);
    else this.reconcile();
  }

  /** Opens listeners for new forwardable VIPs, closes those whose VIP went, reports the others. */
  private reconcile(): void {
    const plan = forwardPlan(this.lb.vips(), this.isLocal);
    for (const [key, listener] of this.listenerByKey) {
      if (plan.targets.has(key)) continue;
      this.listenerByKey.delete(key);
      this.release(
        key,
        listener.close().then(() => this.logger.info('vppsim-forward-close', { vip: key })),
      );
    }
    for (const target of plan.targets.values()) {
      if (!this.listenerByKey.has(target.key)) this.listen(target);
    }
    const reported = new Set<string>();
    for (const skip of plan.skipped) {
      const id = `${skip.vipIndex}|${skip.vip}`;
      reported.add(id);
      if (this.reported.has(id)) continue;
      this.logger.warn('vppsim-forward-unavailable', { vip: skip.vip, reason: skip.reason });
    }
    this.reported = reported;
  }

  private release(key: string, closed: Promise<void>): void {
    const done = closed.finally(() => {
      if (this.released.get(key) === done) this.released.delete(key);
    });
    this.released.set(key, done);
  }

  private listen(target: ForwardTarget): void {
    const listener: ForwardListener = new ForwardListener(
      target,
      {
        connection: (socket) => this.accept(target, socket),
        listening: () =>
          this.logger.info('vppsim-forward-listen', {
            vip: target.key,
            address: target.address,
            port: target.port,
          }),
        failed: (error) =>
          this.logger.warn('vppsim-forward-unavailable', {
            vip: target.key,
            reason: `cannot listen: ${(error as NodeJS.ErrnoException).code ?? error.message}`,
          }),
      },
      this.released.get(target.key),
    );
    this.listenerByKey.set(target.key, listener);
  }

  /**
   * The lb node's decision for one packet of this flow (`tcpBytes` of TCP header and payload);
   * undefined when no VIP takes it any more.
   */
  private decide(
    dst: IpAddress,
    port: number,
    src: IpAddress,
    srcPort: number,
    tcpBytes: number,
  ): { vipIndex: number; address: string | undefined; counter: string } | undefined {
    const vipIndex = this.lb.lookupVip(ip46Bytes(dst), IP_PROTOCOL_TCP, port);
    if (vipIndex === undefined) return undefined;
    this.lb.countRoute(vipIndex, (dst.family === 4 ? IP4_HEADER : IP6_HEADER) + tcpBytes);
    const r = this.lb.forwardFlow(vipIndex, { src, dst, protocol: IP_PROTOCOL_TCP, srcPort, dstPort: port });
    return { vipIndex, address: r.address && formatIp46(r.address), counter: r.counter };
  }

  private accept(target: ForwardTarget, client: net.Socket): void {
    client.on('error', () => {}); // a reset client is expected; its connection handles the rest
    const clientAddress = client.remoteAddress;
    const clientPort = client.remotePort;
    if (this.stopped || clientAddress === undefined || clientPort === undefined) {
      client.destroy();
      return;
    }
    const src = mustParseIp(clientAddress);
    const dst = mustParseIp(target.address);
    const attrs = { vip: target.key, client: targetKey(clientAddress, clientPort) };
    let decision: ReturnType<Forwarder['decide']>;
    try {
      decision = this.decide(dst, target.port, src, clientPort, TCP_SYN_HEADER);
    } catch (err) {
      this.failed(err);
      client.resetAndDestroy();
      return;
    }
    if (decision?.address === undefined) {
      // No VIP any more (its listener is closing), or an empty bucket: VPP drops the SYN.
      this.logger.debug('vppsim-forward-refused', { ...attrs, counter: decision?.counter ?? null });
      client.resetAndDestroy();
      return;
    }
    const vip = this.lb.vip(decision.vipIndex);
    const as = decision.address;
    const asPort = vip ? upstreamPort(vip) : target.port;
    this.logger.debug('vppsim-forward-connection', { ...attrs, as, asPort, counter: decision.counter });
    const connection = new ForwardConnection({
      client,
      vip: target.key,
      clientAddress,
      clientPort,
      as,
      asPort,
      route: (payloadBytes) => {
        try {
          const next = this.decide(dst, target.port, src, clientPort, TCP_DATA_HEADER + payloadBytes);
          if (next === undefined) return 'vip-gone';
          if (next.address === undefined) return 'no-server';
          return next.address === as ? undefined : `moved-to-${next.address}`;
        } catch (err) {
          this.failed(err);
          return 'lb-error';
        }
      },
      onReset: (reason) => this.logger.debug('vppsim-forward-reset', { ...attrs, as, reason }),
    });
    this.open.add(connection);
    void connection.closed.then(() => this.open.delete(connection));
  }

  /** Resets the VIP's connections to the flushed AS (every AS when address is undefined). */
  private flush(vipIndex: number, address: Uint8Array | undefined): void {
    const vip = this.lb.vip(vipIndex);
    if (!vip || vip.protocol !== IP_PROTOCOL_TCP) return;
    const key = targetKey(vipAddress(vip), vip.port);
    const as = address && formatIp46(address);
    for (const c of this.open) {
      if (c.vip === key && (as === undefined || c.as === as)) c.reset('flush');
    }
  }

  /** The model threw for a packet: a simulated crash stops the simulator, anything else is a bug. */
  private failed(err: unknown): void {
    if (err instanceof LbSimulatedCrash) {
      this.logger.error('vppsim-forward-crash', { error: err.message });
      this.onCrash?.(err);
    } else {
      this.logger.error('vppsim-forward-error', { error: err instanceof Error ? err.message : String(err) });
    }
  }
}
