// src/vpp owns the conversation with VPP's binary API: the `.api.json` definitions (built in, as
// installed, or served by VPP), the codec they drive, the unix-socket framing, the client (handshake,
// message table, request/dump, the one logged and metered call wrapper), the connection manager
// (liveness, reconnect, restart detection) and the typed lb plugin calls with both generations'
// quirks hidden behind one switch. vppsim reuses the codec, definitions and framing.

export type {
  ApiAlias,
  ApiEnum,
  ApiField,
  ApiFieldOptions,
  ApiJsonFile,
  ApiMessage,
  ApiMessageMeta,
  ApiService,
  ApiStructType,
} from './defs/api-json.js';
export {
  ApiDefinitions,
  ApiScope,
  bareTypeName,
  normaliseCrc,
  type MessageDefinition,
  type SourcedApiFile,
  type TypeDefinition,
} from './defs/registry.js';
export {
  DEFAULT_API_DIR,
  asApiJsonFile,
  builtinDefinitions,
  builtinSourcedFiles,
  loadApiDir,
  loadDefinitions,
  parseApiJsonList,
  type LoadDefinitionsOptions,
} from './defs/loader.js';
export {
  builtinApiFiles,
  builtinApiFilesFor,
  ipApi,
  ipTypesApi,
  lbApi110,
  lbApi120,
  lbTypesApi,
  memclntApi,
  vlibApi,
  vpeApi,
  type BuiltinApiFile,
} from './defs/builtin/index.js';
export {
  MessageCodec,
  compileMessage,
  compileType,
  decodeValue,
  encodeValue,
  type FieldLayout,
  type Layout,
  type StructLayout,
} from './codec.js';
export {
  getArray,
  getBool,
  getBytes,
  getNumber,
  getString,
  getStruct,
  isStruct,
  type VppFields,
  type VppInput,
  type VppStruct,
  type VppValue,
} from './values.js';
export {
  ADDRESS_IP4,
  ADDRESS_IP6,
  fromApiAddress,
  fromApiPrefix,
  fromApiPrefixRaw,
  ip4Bytes,
  ip6Bytes,
  ipFromWire,
  outgoingPrefix,
  toApiAddress,
  toApiPrefix,
} from './address.js';
export {
  VppApiError,
  VppConnectionError,
  VppCrcMismatchError,
  VppDecodeError,
  VppDefinitionError,
  VppEncodeError,
  VppError,
  VppTimeoutError,
  VppUnsupportedError,
  vnetErrorCode,
  vnetErrorName,
} from './errors.js';
export {
  FRAME_HEADER_SIZE,
  FrameDecoder,
  FramedSocket,
  FramingError,
  MAX_FRAME_PAYLOAD,
  connectUnix,
  encodeFrame,
  type FramedSocketClose,
} from './transport.js';
export { MessageTable, splitNameCrc, type MessageTableEntry } from './message-table.js';
export { detectLbGeneration, type LbGeneration } from './lb-generation.js';
export { Signal } from './signal.js';
export { toLoggable, type Loggable } from './loggable.js';
export {
  DEFAULT_CLIENT_NAME,
  DEFAULT_REQUEST_TIMEOUT_MS,
  LOGGED_DETAILS,
  SOCKCLNT_CREATE_ID,
  SOCKCLNT_CREATE_REPLY_ID,
  VppClient,
  type CallOptions,
  type VppApiCallEvent,
  type VppApiMetrics,
  type VppClientOptions,
  type VppClientStats,
  type VppUnsolicited,
} from './client.js';
export {
  DEFAULT_PING_INTERVAL_MS,
  DEFAULT_RECONNECT_DELAY_MS,
  VppConnection,
  type VppConnectionOptions,
  type VppDisconnect,
  type VppInfo,
} from './connection.js';
export {
  DEFAULT_AS_WEIGHT,
  DEFAULT_FLOW_TABLE_LENGTH,
  PROTO_ANY,
  PROTO_TCP,
  PROTO_UDP,
  cliInband,
  lbAddAs,
  lbAddVip,
  lbAsDump,
  lbConf,
  lbConfGet,
  lbDelAs,
  lbDelVip,
  lbGenerationOf,
  lbSetAsWeight,
  lbState,
  lbVipDump,
  type LbApi,
  type LbAs,
  type LbAsDumpEntry,
  type LbAsInput,
  type LbConf,
  type LbConfInput,
  type LbEncap,
  type LbState,
  type LbStateOptions,
  type LbVip,
  type LbVipKey,
  type LbVipSpec,
} from './lb.js';
export { parseShowLbVipsVerbose, type CliLbAs, type CliLbVip, type CliLbVipCounters } from './lb-cli.js';
export { ipRouteStatsIndex, type RouteApi } from './ip-route.js';
export * from './stats/index.js';
