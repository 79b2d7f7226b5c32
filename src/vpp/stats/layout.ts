// VPP's stats segment layout, as the reader and the simulator's writer both need it. The source
// of truth is VPP's src/vlib/stats/shared.h (the header and directory entry), src/vppinfra/
// vec_bootstrap.h (the vector header) and src/vlib/counter_types.h (counter_t, vlib_counter_t);
// docs/vpp-stats.md describes it in prose. Everything is in the host's byte order (little-endian
// on every platform VPP and Node share) and every pointer is VPP's own virtual address: a
// pointer minus the header's `base` is an offset into the segment.

/** vlib_stats_shared_header_t.version this layout describes (STAT_SEGMENT_VERSION). */
export const STAT_SEGMENT_VERSION = 2n;

/** vlib_stats_shared_header_t: u64 version, void *base, u64 epoch, u64 in_progress, entry *directory_vector. */
export const HEADER = {
  version: 0,
  base: 8,
  epoch: 16,
  inProgress: 24,
  directoryVector: 32,
  size: 40,
} as const;

/** vlib_stats_entry_t: u32 type, 4 bytes padding, a u64 union (value, data pointer, index1/index2), char name[128]. */
export const ENTRY = {
  type: 0,
  value: 8,
  name: 16,
  nameSize: 128,
  size: 144,
} as const;

/** vec_header_t sits right before a vector's first element; its u32 `len` is its first field. */
export const VECTOR_HEADER_SIZE = 8;

/** stat_directory_type_t. */
export const StatType = {
  ILLEGAL: 0,
  SCALAR_INDEX: 1,
  COUNTER_VECTOR_SIMPLE: 2,
  COUNTER_VECTOR_COMBINED: 3,
  NAME_VECTOR: 4,
  EMPTY: 5,
  SYMLINK: 6,
  HISTOGRAM_LOG2: 7,
  RING_BUFFER: 8,
  GAUGE: 9,
} as const;
export type StatType = (typeof StatType)[keyof typeof StatType];

/** counter_t: u64 packets. */
export const SIMPLE_COUNTER_SIZE = 8;
/** vlib_counter_t: u64 packets, u64 bytes. */
export const COMBINED_COUNTER_SIZE = 16;

/** The first three directory entries every VPP creates (stats.h, foreach_stat_segment_counter_name). */
export const SYS_HEARTBEAT = '/sys/heartbeat';
export const SYS_LAST_STATS_CLEAR = '/sys/last_stats_clear';
/** Unix seconds of VPP's start (a u64: VPP assigns the f64 time to the integer field). */
export const SYS_BOOTTIME = '/sys/boottime';

/**
 * The lb plugin's per-VIP simple counters, indexed by VIP pool index, in VPP's order
 * (lb_foreach_vip_counter). Registered under their plain names: no leading "/" (vlib names a
 * simple counter by `name` when it has no `stat_segment_name`).
 */
export const LB_VIP_COUNTER_NAMES = [
  'packet from existing sessions',
  'first session packet',
  'untracked packet',
  'no server configured',
] as const;
export type LbVipCounterName = (typeof LB_VIP_COUNTER_NAMES)[number];

/** The FIB's combined counter of packets and bytes forwarded by each route (load_balance.c), by route stats index. */
export const ROUTE_TO = '/net/route/to';
