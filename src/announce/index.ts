// src/announce owns this node's BGP announcements through BIRD 2 (docs/fleet.md): which VIPs are
// wanted (wanted.ts, pure), the include file's text (bird-include.ts, pure), the birdc protocol
// (bird-reply.ts, pure; bird-control.ts, the socket), the atomic file replacement
// (include-file.ts), and the loop that keeps BIRD in step (announcer.ts). `maglevd
// --withdraw-all` is withdraw-all.ts. maglevd's health checking and VPP programming never wait
// on anything here.

export { Announcer, ANNOUNCE_DEFAULTS, BIRD_ERROR_KINDS } from './announcer.js';
export type {
  AnnounceEvent,
  AnnounceSource,
  AnnouncementsSnapshot,
  AnnouncerOptions,
  BirdError,
  BirdErrorKind,
  FrontendAnnouncementState,
} from './announcer.js';
export { planAnnouncements, routeCarries, ANNOUNCE_REASONS } from './wanted.js';
export type {
  AnnounceInputs,
  AnnouncePlan,
  AnnounceReason,
  AnnouncedRoute,
  FrontendAnnouncement,
} from './wanted.js';
export { renderIncludeFile } from './bird-include.js';
export type { IncludeSettings } from './bird-include.js';
export { BirdReplyReader, BirdProtocolError, configureOutcome } from './bird-reply.js';
export type { BirdReply, BirdReplyLine, ConfigureOutcome } from './bird-reply.js';
export { birdCommands, BirdUnreachableError } from './bird-control.js';
export type { BirdSessionOptions } from './bird-control.js';
export { replaceFile, IncludeFileError } from './include-file.js';
export { withdrawAll } from './withdraw-all.js';
export type { WithdrawAllResult } from './withdraw-all.js';
