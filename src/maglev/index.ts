// maglev: VPP's Maglev new-flow table, bit for bit (both lb plugin generations), the hash it
// is built from, a predictor of bucket moves for a change of AS set, and the packet-path
// pieces (flow hash, sticky table) a simulator needs. Pure: no Node I/O, no clock, no state
// beyond what callers hold. Used by vppsim, the CLI, the dashboard and the syncer.
// Reference: docs/vpp-lb.md §Maglev table, §Packet path and sticky table (lb.c, node.c, lbhash.h).

export { clibXxhash, clibXxhashParts, xxhashOut } from './xxhash.js';
export {
  addressIdentity,
  addressKey,
  addressKeyParts,
  compareAddressBytes,
  ip46Bytes,
  ip46FromText,
  ipFromIp46,
} from './address.js';
export {
  assertTableLength,
  buildTable,
  DEFAULT_TABLE_LENGTH,
  GENERATIONS,
  isValidTableLength,
  MAX_TABLE_LENGTH,
  NO_AS,
  permutationOf,
} from './table.js';
export type { Generation, MaglevAs, Permutation } from './table.js';
export { bucketCounts, predict } from './predict.js';
export type { AsBucketChange, MaglevPrediction } from './predict.js';
export {
  crc32cU64,
  flowHash,
  IP_PROTOCOL_TCP,
  IP_PROTOCOL_UDP,
  lbHashHash,
  newFlowBucket,
  portsWord,
} from './packet.js';
export type { FlowHashFunction, FlowHashOptions, FlowTuple } from './packet.js';
export {
  decidePacket,
  lbTimeNow,
  STICKY_ENTRIES_PER_BUCKET,
  StickyTable,
  toAsValueTable,
} from './sticky-table.js';
export type { PacketDecision, StickyLookup, VipCounter } from './sticky-table.js';
