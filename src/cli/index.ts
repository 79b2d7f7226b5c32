// maglevc: the CLI and interactive shell for maglevd. Owns the command tree (tree.ts) and its
// walker with prefix matching (walk.ts), completion and `?` help (complete.ts), the renderers
// that turn API answers into aligned tables (render/), the shell (shell.ts) and the
// argv-to-exit-code entry (main.ts). It talks to maglevd only through api's typed client
// (api.ts names the part of it maglevc uses).

export { runMaglevc, type CliIo } from './main.js';
export { parseCliArgs, DEFAULT_SERVER, type CliInvocation, type CliOptions } from './options.js';
export { MAGLEVC_TREE, keyword, slot, LOG_LEVEL_CHOICES } from './tree.js';
export type {
  ActionId,
  CommandTree,
  KeywordNode,
  NameKind,
  OptionNode,
  SlotNode,
  TreeNode,
  ValueSpec,
} from './tree.js';
export {
  walkCommand,
  walkPartial,
  nextChoices,
  describeWalkError,
  noNames,
  type NameLookup,
  type NextChoice,
  type ParsedCommand,
  type WalkError,
  type WalkResult,
  type WalkState,
} from './walk.js';
export {
  completeLine,
  helpAt,
  usageLines,
  type Completion,
  type HelpAnswer,
  type UsageLine,
} from './complete.js';
export { tokenize, splitAtCursor } from './tokens.js';
export { formatAge, formatDuration, formatTimestamp, formatClock, ageSince } from './time-format.js';
export { makeStyle, plainStyle, colourWanted, visibleWidth, stripAnsi, type Style } from './style.js';
export { table, fields } from './table.js';
export { LiveNames, NAME_TTL_MS } from './names.js';
export type { MaglevApi, EventStream, BackendAction } from './api.js';
export { execute, helpText, type ExecContext, type ExecResult } from './execute.js';
export { runWords, type LineOutcome } from './run-line.js';
export { runShell, PROMPT, type ShellOptions } from './shell.js';
export { renderFrontend, renderFrontendList } from './render/frontend.js';
export { renderBackend, renderBackendList } from './render/backend.js';
export { renderHealthCheck, renderHealthCheckList } from './render/healthcheck.js';
export { renderVppInfo, renderVppLbState, renderVppLbCounters, renderSyncSummary } from './render/vpp.js';
export { renderConfigResult } from './render/config.js';
export { renderAnnouncements } from './render/announce.js';
export { renderEventLine, renderEventJson } from './render/event.js';
export { renderChoices } from './render/help.js';
export type { RenderContext } from './render/context.js';
