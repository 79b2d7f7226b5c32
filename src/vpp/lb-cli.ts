// Parses `show lb vips verbose` (run through cli_inband). No API message reports a VIP's pool
// index (which keys the stats-segment counters) or its src_ip_sticky flag, and the release
// generation's dumps garble protocol and table length, so this text is the stopgap source for them
// (docs/vpp-lb.md §show lb vips verbose). Both generations' AS line formats are understood:
//   master:  `10.1.0.1 weight:100 buckets:776 flows:0 dpo:9 used`
//   release: `10.1.0.1 776 buckets 0 flows dpo:9 used`

export interface CliLbAs {
  readonly address: string;
  /** Master only. */
  readonly weight?: number;
  readonly buckets: number;
  readonly flows: number;
  readonly dpo: number;
  readonly used: boolean;
}

export interface CliLbVipCounters {
  readonly existingSessions: number;
  readonly firstSessionPacket: number;
  readonly untrackedPacket: number;
  readonly noServerConfigured: number;
}

export interface CliLbVip {
  /** `ip4-gre4`, `ip6-gre4`, `ip4-gre6`, `ip6-gre6`, `ip4-l3dsr`, `ip4-nat4`, `ip6-nat6`. */
  readonly type: string;
  /** The VIP's pool index: the index of its stats-segment counters. */
  readonly index: number;
  readonly prefix: string;
  readonly srcIpSticky: boolean;
  readonly removed: boolean;
  readonly newSize?: number;
  /** Absent for all-port VIPs. */
  readonly protocol?: number;
  readonly port?: number;
  readonly counters?: CliLbVipCounters;
  readonly asCount?: number;
  readonly ases: readonly CliLbAs[];
}

const HEADER = /^\s*(ip[46]-[a-z0-9]+)\s+\[(\d+)\]\s+(\S+)(.*)$/;
const NEW_SIZE = /^\s*new_size:(\d+)/;
const PROTO_PORT = /^\s*protocol:(\d+)\s+port:(\d+)/;
const COUNTER =
  /^\s*(packet from existing sessions|first session packet|untracked packet|no server configured):\s*(\d+)/;
const AS_COUNT = /^\s*#as:(\d+)/;
const AS_MASTER = /^\s*(\S+)\s+weight:(\d+)\s+buckets:(\d+)\s+flows:(\d+)\s+dpo:(\d+)\s+(used|removed)\b/;
const AS_RELEASE = /^\s*(\S+)\s+(\d+)\s+buckets\s+(\d+)\s+flows\s+dpo:(\d+)\s+(used|removed)\b/;

const COUNTER_KEYS: Readonly<Record<string, keyof CliLbVipCounters>> = {
  'packet from existing sessions': 'existingSessions',
  'first session packet': 'firstSessionPacket',
  'untracked packet': 'untrackedPacket',
  'no server configured': 'noServerConfigured',
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Every VIP block in the output, in the order VPP printed them (pool-index order). */
export function parseShowLbVipsVerbose(text: string): CliLbVip[] {
  const vips: CliLbVip[] = [];
  let vip: Mutable<CliLbVip> | undefined;
  let ases: CliLbAs[] = [];
  let counters: Partial<Mutable<CliLbVipCounters>> = {};
  const flush = (): void => {
    if (!vip) return;
    vip.ases = ases;
    if (Object.keys(counters).length === 4) vip.counters = counters as CliLbVipCounters;
    vips.push(vip);
    vip = undefined;
  };
  for (const line of text.split('\n')) {
    const h = HEADER.exec(line);
    if (h) {
      flush();
      const flags = (h[4] ?? '').trim().split(/\s+/);
      vip = {
        type: h[1] ?? '',
        index: Number(h[2]),
        prefix: h[3] ?? '',
        srcIpSticky: flags.includes('src_ip_sticky'),
        removed: flags.includes('removed'),
        ases: [],
      };
      ases = [];
      counters = {};
      continue;
    }
    if (!vip) continue;
    let m: RegExpExecArray | null;
    if ((m = NEW_SIZE.exec(line))) vip.newSize = Number(m[1]);
    else if ((m = PROTO_PORT.exec(line))) {
      vip.protocol = Number(m[1]);
      vip.port = Number(m[2]);
    } else if ((m = COUNTER.exec(line))) {
      const key = COUNTER_KEYS[m[1] ?? ''];
      if (key) counters[key] = Number(m[2]);
    } else if ((m = AS_COUNT.exec(line))) vip.asCount = Number(m[1]);
    else if ((m = AS_MASTER.exec(line)))
      ases.push({
        address: m[1] ?? '',
        weight: Number(m[2]),
        buckets: Number(m[3]),
        flows: Number(m[4]),
        dpo: Number(m[5]),
        used: m[6] === 'used',
      });
    else if ((m = AS_RELEASE.exec(line)))
      ases.push({
        address: m[1] ?? '',
        buckets: Number(m[2]),
        flows: Number(m[3]),
        dpo: Number(m[4]),
        used: m[5] === 'used',
      });
  }
  flush();
  return vips;
}
