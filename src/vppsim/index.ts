// vppsim: a stand-in for VPP. This folder holds the API socket server (server.ts) and its message
// table (message-table.ts); the lb plugin model (lb-*.ts) plugs in through registerHandler/registerCli.

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
