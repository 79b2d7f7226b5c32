// vppsim for maglevd-side tests: an in-process simulator whose every request is recorded (its
// `vppsim-recv` debug records), a compact view of what its lb plugin holds, and flows pushed
// through its data path to make sticky entries a flush can be observed on.

import type { Clock } from '../../src/clock/index.js';
import type { LogAttrs, Logger, LogLevel } from '../../src/log/index.js';
import type { LbGeneration } from '../../src/vpp/index.js';
import {
  VIP_TYPE_NAMES,
  VppSim,
  formatIp46,
  formatIp46Prefix,
  ip46FromText,
} from '../../src/vppsim/index.js';

/** Every lb message that changes VPP's state. */
export const LB_WRITES: ReadonlySet<string> = new Set([
  'lb_conf',
  'lb_add_del_vip',
  'lb_add_del_vip_v2',
  'lb_add_del_as',
  'lb_add_del_as_v2',
  'lb_as_set_weight',
  'lb_flush_vip',
]);

/** AS-changing messages: what a neutral restart must not send. */
export const AS_WRITES: ReadonlySet<string> = new Set([
  'lb_add_del_as',
  'lb_add_del_as_v2',
  'lb_as_set_weight',
]);

export interface SimRequest {
  readonly msg: string;
  readonly fields: Record<string, unknown>;
}

/** The simulator's logger: keeps every request it decoded, and lets a test await one. */
export class SimRecorder implements Logger {
  readonly requests: SimRequest[] = [];
  private waiters: { match: (r: SimRequest) => boolean; resolve: () => void }[] = [];

  debug(event: string, attrs?: LogAttrs): void {
    if (event !== 'vppsim-recv' || !attrs) return;
    // The message name: `message` (`msg` in older vppsim builds).
    const r = {
      msg: String(attrs['message'] ?? attrs['msg']),
      fields: (attrs['fields'] ?? {}) as Record<string, unknown>,
    };
    this.requests.push(r);
    const ready = this.waiters.filter((w) => w.match(r));
    this.waiters = this.waiters.filter((w) => !w.match(r));
    for (const w of ready) w.resolve();
  }
  info(): void {}
  warn(): void {}
  error(): void {}
  enabled(level: LogLevel): boolean {
    return level === 'debug';
  }

  /** Requests from index `from` on whose name is in `names`. */
  since(from: number, names: ReadonlySet<string>): SimRequest[] {
    return this.requests.slice(from).filter((r) => names.has(r.msg));
  }

  named(msg: string): SimRequest[] {
    return this.requests.filter((r) => r.msg === msg);
  }

  /** Resolves at the next request (after now) that matches. */
  next(match: (r: SimRequest) => boolean): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }
}

export interface SimHandle {
  readonly sim: VppSim;
  readonly recorder: SimRecorder;
  readonly socketPath: string;
}

export async function startSim(opts: {
  socketPath: string;
  lbGeneration?: LbGeneration;
  clock?: Clock;
  pid?: number;
  /** Also serve a stats segment here. */
  statsSocketPath?: string;
}): Promise<SimHandle> {
  const recorder = new SimRecorder();
  const sim = await VppSim.start({
    socketPath: opts.socketPath,
    lbGeneration: opts.lbGeneration ?? '1.2',
    logger: recorder,
    ...(opts.clock && { clock: opts.clock }),
    ...(opts.pid !== undefined && { pid: opts.pid }),
    ...(opts.statsSocketPath !== undefined && { statsSocketPath: opts.statsSocketPath }),
    // GC only when a test asks for it: removed ASes stay visible as removed.
    gcIntervalMs: 0,
  });
  return { sim, recorder, socketPath: opts.socketPath };
}

export interface SimAs {
  weight: number;
  used: boolean;
  buckets: number;
  flows: number;
}

export interface SimVip {
  index: number;
  /** `ip4-gre4`, `ip6-gre4`... */
  type: string;
  srcIpSticky: boolean;
  tableLength: number;
  ases: Map<string, SimAs>;
}

/** In-use VIPs keyed like the dataplane spells them: `192.0.2.1/32 6:80`. */
export function simVips(sim: VppSim): Map<string, SimVip> {
  const out = new Map<string, SimVip>();
  for (const vip of sim.lb.vips()) {
    if (!vip.used) continue;
    const ases = new Map<string, SimAs>();
    for (const as of sim.lb.ases(vip.index)) {
      ases.set(formatIp46(as.address), {
        weight: as.weight,
        used: as.used,
        buckets: as.buckets,
        flows: as.flows,
      });
    }
    out.set(`${formatIp46Prefix(vip.prefix, vip.plen)} ${vip.protocol}:${vip.port}`, {
      index: vip.index,
      type: VIP_TYPE_NAMES[vip.type],
      srcIpSticky: vip.srcIpSticky,
      tableLength: vip.newFlowsTableLength,
      ases,
    });
  }
  return out;
}

/** `address=weight` of the in-use ASes, in address order as VPP lists them: a compact assertion. */
export function usedAses(sim: VppSim, key: string, withWeights = true): string[] {
  const vip = simVips(sim).get(key);
  if (!vip) return [];
  return [...vip.ases]
    .filter(([, as]) => as.used)
    .map(([address, as]) => (withWeights ? `${address}=${as.weight}` : address))
    .sort();
}

/**
 * Sends `count` new TCP flows (distinct client ports) through the VIP's data path, so the
 * sticky table holds entries for the ASes they land on; each packet of `packetBytes` also counts
 * in the VIP route's counters, as ip4-lookup counts it. Returns how many went to each AS.
 */
export function pushFlows(
  sim: VppSim,
  vip: { address: string; protocol: number; port: number },
  count: number,
  client = vip.address.includes(':') ? '2001:db8:ffff::1' : '203.0.113.7',
  packetBytes = 60,
): Map<string, number> {
  const index = sim.lb.lookupVip(ip46FromText(vip.address), vip.protocol, vip.port);
  if (index === undefined) throw new Error(`no VIP for ${vip.address}`);
  const landed = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    sim.lb.countRoute(index, packetBytes);
    const r = sim.lb.forwardFlow(index, {
      src: client,
      dst: vip.address,
      protocol: vip.protocol,
      srcPort: 10_000 + i,
      dstPort: vip.port,
    });
    const as = r.address ? formatIp46(r.address) : 'none';
    landed.set(as, (landed.get(as) ?? 0) + 1);
  }
  return landed;
}

/** Sticky entries (VPP's `flows`) naming the AS in the VIP. */
export function flowsOf(sim: VppSim, key: string, address: string): number {
  return simVips(sim).get(key)?.ases.get(address)?.flows ?? 0;
}
