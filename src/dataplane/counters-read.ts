// The two ways to read the per-VIP counters, one poll each (the poller chooses):
//
// - from the stats segment, as the original and every VPP exporter do: the lb plugin's four simple
//   counters by VIP pool index and the FIB's `/net/route/to` by the VIP route's stats index, read
//   with pread from the segment VPP shares. No call into VPP at all — but the indexes must be known,
//   and no API message reports a VIP's pool index, so a VIP directory (pool index and route stats
//   index per VIP: `show lb vips verbose` plus one ip_route_lookup per VIP address) is read when
//   the VIPs change and reused between;
// - from `show lb vips verbose` through cli_inband, the fallback: one CLI command per poll, its text
//   parsed; it carries the four lb counters (VPP sums them over threads itself) but no route
//   counters.

import {
  LB_VIP_COUNTER_NAMES,
  ROUTE_TO,
  SYS_BOOTTIME,
  cliInband,
  ipRouteStatsIndex,
  parseShowLbVipsVerbose,
  type CliLbVip,
  type LbApi,
  type StatsSegment,
} from '../vpp/index.js';
import { vipKey } from './model.js';
import type { VipKey, VipProtocol } from './model.js';

/** One VIP's counters from one poll. */
export interface VipCounterReading {
  readonly key: VipKey;
  /** VPP's VIP pool index (what the lb counters are indexed by). */
  readonly index: number;
  /** packet from existing sessions */
  readonly next: bigint;
  /** first session packet */
  readonly first: bigint;
  /** untracked packet */
  readonly untracked: bigint;
  /** no server configured */
  readonly noServer: bigint;
  /** `/net/route/to` for the VIP's route: stats segment only, when the route was found. */
  readonly routePackets?: bigint;
  readonly routeBytes?: bigint;
}

/** Where a VIP's counters are in the stats segment. */
export interface VipDirectoryEntry {
  readonly key: VipKey;
  readonly index: number;
  /** The VIP route's stats index; undefined when VPP has no such route (or no ip_route_lookup). */
  readonly routeStatsIndex: number | undefined;
}

const CLI_COMMAND = 'show lb vips verbose';

/** The VIP's key from a CLI block; undefined for a block we cannot read (not one of ours). */
function keyOf(block: CliLbVip): VipKey | undefined {
  try {
    return vipKey(block.prefix, (block.protocol ?? 255) as VipProtocol, block.port ?? 0);
  } catch {
    return undefined;
  }
}

/** Reads the counters from the CLI text (the fallback reader). */
export async function readCountersFromCli(client: LbApi): Promise<VipCounterReading[]> {
  const out: VipCounterReading[] = [];
  for (const block of parseShowLbVipsVerbose(await cliInband(client, CLI_COMMAND))) {
    const key = keyOf(block);
    const c = block.counters;
    if (block.removed || !c || !key) continue;
    out.push({
      key,
      index: block.index,
      next: BigInt(c.existingSessions),
      first: BigInt(c.firstSessionPacket),
      untracked: BigInt(c.untrackedPacket),
      noServer: BigInt(c.noServerConfigured),
    });
  }
  return out;
}

/** Pool index and route stats index of every VIP VPP holds (one CLI command, one lookup per address). */
export async function readVipDirectory(client: LbApi): Promise<VipDirectoryEntry[]> {
  const vips: { key: VipKey; index: number }[] = [];
  for (const block of parseShowLbVipsVerbose(await cliInband(client, CLI_COMMAND))) {
    const key = keyOf(block);
    if (!block.removed && key) vips.push({ key, index: block.index });
  }
  const prefixes = [...new Set(vips.map((v) => v.key.prefix))];
  const canLookUp = client.hasMessage('ip_route_lookup');
  const routes = new Map(
    await Promise.all(
      prefixes.map(async (p) => [p, canLookUp ? await ipRouteStatsIndex(client, p) : undefined] as const),
    ),
  );
  return vips.map((v) => ({ ...v, routeStatsIndex: routes.get(v.key.prefix) }));
}

export interface StatsCountersReading {
  readonly vips: VipCounterReading[];
  /** /sys/boottime: VPP's start in unix seconds, when the segment has it. */
  readonly bootTimeS: number | undefined;
}

/** Reads the counters of the directory's VIPs from the segment, consistently (throws what StatsSegment.read throws). */
export function readCountersFromStats(
  segment: StatsSegment,
  directory: readonly VipDirectoryEntry[],
): StatsCountersReading {
  const vipIndexes = directory.map((v) => v.index);
  const routeIndexes = directory.flatMap((v) => (v.routeStatsIndex === undefined ? [] : [v.routeStatsIndex]));
  const reading = segment.read({
    simple: new Map(LB_VIP_COUNTER_NAMES.map((name) => [name, vipIndexes])),
    combined: new Map([[ROUTE_TO, routeIndexes]]),
    scalars: [SYS_BOOTTIME],
  });
  // A counter the segment does not have yet (the lb plugin registers them with its first VIP) reads 0.
  const lb = (name: (typeof LB_VIP_COUNTER_NAMES)[number], index: number): bigint =>
    reading.simple.get(name)?.get(index) ?? 0n;
  const routes = reading.combined.get(ROUTE_TO);
  const boot = reading.scalars.get(SYS_BOOTTIME);
  return {
    vips: directory.map((v) => {
      const route = v.routeStatsIndex === undefined ? undefined : routes?.get(v.routeStatsIndex);
      return {
        key: v.key,
        index: v.index,
        next: lb('packet from existing sessions', v.index),
        first: lb('first session packet', v.index),
        untracked: lb('untracked packet', v.index),
        noServer: lb('no server configured', v.index),
        ...(route && { routePackets: route.packets, routeBytes: route.bytes }),
      };
    }),
    bootTimeS: boot === undefined || boot === 0n ? undefined : Number(boot),
  };
}
