// vppsim: a stand-in for VPP. This folder holds the API socket server (server.ts) and its message
// table (message-table.ts); the lb plugin model (lb-*.ts) plugs in through registerHandler/registerCli,
// sim.ts puts them together (with the text CLI socket, cli-socket.ts) for the vppsim binary and tests.

export {
  SimSession,
  VppSimServer,
  type SimCliHandler,
  type SimHandler,
  type SimHandlerContext,
  type SimReply,
  type VppSimServerOptions,
  type VppSimStats,
} from './server.js';
export { MEMCLNT_FIXED_IDS, SimMessageTable, type SimModule, type SimTableEntry } from './message-table.js';
export { VppSim, LB_GC_PROCESS_INTERVAL_MS, type VppSimCrash, type VppSimOptions } from './sim.js';
export { CLI_PROMPT, CliSocketServer, type CliSocketOptions } from './cli-socket.js';
export {
  LbPlugin,
  LbSimulatedCrash,
  SIM_MAX_TABLE_LENGTH,
  type LbAsView,
  type LbChange,
  type LbConf,
  type LbCount,
  type LbRoute,
  type LbRouteCounters,
  type LbPacketResult,
  type LbPluginOptions,
  type LbVipAddArgs,
  type LbVipKey,
  type LbVipView,
} from './lb-plugin.js';
export { registerLbHandlers, type LbHandlerOptions } from './lb-handlers.js';
export { registerIpHandlers } from './ip-handlers.js';
export {
  SIM_STATS_SEGMENT_SIZE,
  SIM_STATS_THREADS,
  SimStatsSegment,
  type SimStatsSegmentOptions,
} from './stats-segment.js';
export {
  DEFAULT_STATS_BASE,
  StatsImage,
  type StatsImageOptions,
  type StatsImageSink,
} from './stats-image.js';
export { formatVipDetailed, formatVipShort, runLbCli, showLb, showLbVips } from './lb-cli.js';
export {
  LB_AS_FLAGS_USED,
  LB_CONCURRENCY_TIMEOUT_S,
  LB_DEFAULT_FLOW_TIMEOUT_S,
  LB_DEFAULT_PER_CPU_STICKY_BUCKETS,
  LB_GARBAGE_RUN_S,
  LB_VIP_COUNTERS,
  LbEncap,
  LbRetval,
  LbSrvType,
  LbVipType,
  VIP_TYPE_NAMES,
  apiEncapOf,
  vipTypeFor,
  vipTypeHasIp4Ases,
  vipTypeIsIp4,
  type LbVipCounter,
} from './lb-types.js';
export {
  formatIp46,
  formatIp46Prefix,
  ip46Equal,
  ip46FromIp4,
  ip46FromText,
  ip46IsIp4,
  ip46Normalize,
  ip46PrefixIsIp4,
  parseVipPrefix,
  type Ip46,
} from './lb-address.js';
export { parseVppsimArgs, type VppsimCommand, type VppsimOptions } from './cli-options.js';
export { Forwarder, type ForwarderOptions, type ForwardListenerView } from './forward.js';
export type { ForwardConnectionView } from './forward-connection.js';
export type { ForwardListenerState } from './forward-listener.js';
export { isLocalAddress } from './forward-local.js';
export {
  forwardPlan,
  targetKey,
  unforwardableReason,
  upstreamPort,
  vipAddress,
  type ForwardPlan,
  type ForwardSkip,
  type ForwardTarget,
} from './forward-target.js';
