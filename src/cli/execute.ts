// Runs one parsed command against maglevd and prints what it returns: a table for people, or
// the API message as JSON (--json) for scripts. The only command that does not return at once is
// `watch events`, which streams until `num` events, the server ends it, or the caller aborts.
// A command with `dry-run` (or --dry-run) is not run: maglevd previews it (PreviewChange, or
// CheckConfig for a reload) and maglevc prints what it would change.

import { readFile } from 'node:fs/promises';
import {
  Announcements,
  BackendInfo,
  ChangePreview,
  CheckConfigResponse,
  FrontendInfo,
  HealthCheckInfo,
  ReloadConfigResponse,
  type PreviewChangeRequest,
  SyncVPPLBStateResponse,
  VPPInfo,
  VPPLBCounters,
  VPPLBState,
} from '../api/index.js';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import type { BackendAction, MaglevApi } from './api.js';
import { usageLines } from './complete.js';
import { renderAnnouncements } from './render/announce.js';
import { renderBackend, renderBackendList } from './render/backend.js';
import { renderConfigResult } from './render/config.js';
import type { RenderContext } from './render/context.js';
import { renderEventJson, renderEventLine } from './render/event.js';
import { renderFrontend, renderFrontendList } from './render/frontend.js';
import { renderHealthCheck, renderHealthCheckList } from './render/healthcheck.js';
import { previewIsEmpty, renderPreview } from './render/preview.js';
import { renderSyncSummary, renderVppInfo, renderVppLbCounters, renderVppLbState } from './render/vpp.js';
import type { Style } from './style.js';
import { DRY_RUN, MAGLEVC_TREE, type CommandTree } from './tree.js';
import type { ParsedCommand } from './walk.js';

export interface ExecContext {
  api: MaglevApi;
  style: Style;
  /** Print API messages as JSON instead of tables. */
  json: boolean;
  /** --dry-run: preview the (changing) command instead of running it. */
  dryRun?: boolean;
  /** Reads a candidate config for `config check <file>` (default: the file system). */
  readFile?: (path: string) => Promise<string>;
  /** Wall time, for ages. */
  now: () => number;
  /** Writes text to standard output (lines end in \n). */
  write: (text: string) => void;
  /** maglevc's own version line. */
  version: string;
  /** Ends `watch events`. */
  signal?: AbortSignal;
  /** Called once a watch stream is open (the shell starts listening for its stop key). */
  onWatching?: () => void;
  /** Names changed (reload, enable...): completion must fetch them again. */
  namesChanged?: () => void;
  tree?: CommandTree;
}

export interface ExecResult {
  exitCode: 0 | 1;
  /** `quit` / `exit`. */
  quit?: boolean;
}

const OK: ExecResult = { exitCode: 0 };

function print(ctx: ExecContext, lines: readonly string[]): void {
  ctx.write(lines.length === 0 ? '' : `${lines.join('\n')}\n`);
}

function printJson(ctx: ExecContext, value: unknown): void {
  ctx.write(`${JSON.stringify(value, null, 2)}\n`);
}

function arg(cmd: ParsedCommand, key: string): string {
  const v = cmd.args[key];
  if (v === undefined) throw new Error(`maglevc: command ${cmd.action} lacks argument ${key}`);
  return v;
}

const BACKEND_ACTIONS: Partial<Record<ParsedCommand['action'], BackendAction>> = {
  'set-backend-pause': 'pause',
  'set-backend-resume': 'resume',
  'set-backend-enable': 'enable',
  'set-backend-disable': 'disable',
};

export async function execute(cmd: ParsedCommand, ctx: ExecContext): Promise<ExecResult> {
  const { api } = ctx;
  const r = (): RenderContext => ({ style: ctx.style, now: ctx.now() });
  if (ctx.dryRun === true || cmd.options.has(DRY_RUN.word)) return dryRun(cmd, ctx);
  const backendAction = BACKEND_ACTIONS[cmd.action];
  if (backendAction) {
    const b = await api.backendAction(backendAction, arg(cmd, 'backend'));
    if (ctx.json) printJson(ctx, BackendInfo.toJSON(b));
    else print(ctx, [`backend ${b.name} is ${ctx.style.state(b.state)}${b.enabled ? '' : ' [disabled]'}`]);
    return OK;
  }

  switch (cmd.action) {
    case 'show-version':
      return showVersion(ctx);
    case 'show-frontends': {
      const list = await api.listFrontends();
      if (ctx.json)
        printJson(
          ctx,
          list.map((f) => FrontendInfo.toJSON(f)),
        );
      else print(ctx, renderFrontendList(list, r()));
      return OK;
    }
    case 'show-frontend': {
      const f = await api.getFrontend(arg(cmd, 'frontend'));
      if (ctx.json) printJson(ctx, FrontendInfo.toJSON(f));
      else print(ctx, renderFrontend(f, r()));
      return OK;
    }
    case 'show-backends': {
      const prefix = cmd.args.prefix ?? '';
      const list = (await api.listBackends()).filter((b) => b.name.startsWith(prefix));
      if (ctx.json)
        printJson(
          ctx,
          list.map((b) => BackendInfo.toJSON(b)),
        );
      else if (list.length === 0 && prefix)
        throw new NotFoundError('backend', prefix, `no backend name starts with "${prefix}"`);
      else print(ctx, renderBackendList(list, r()));
      return OK;
    }
    case 'show-backend': {
      const b = await api.getBackend(arg(cmd, 'backend'));
      if (ctx.json) printJson(ctx, BackendInfo.toJSON(b));
      else print(ctx, renderBackend(b, r()));
      return OK;
    }
    case 'show-healthchecks': {
      const list = await api.listHealthChecks();
      if (ctx.json)
        printJson(
          ctx,
          list.map((h) => HealthCheckInfo.toJSON(h)),
        );
      else print(ctx, renderHealthCheckList(list, r()));
      return OK;
    }
    case 'show-healthcheck': {
      const h = await api.getHealthCheck(arg(cmd, 'healthcheck'));
      if (ctx.json) printJson(ctx, HealthCheckInfo.toJSON(h));
      else print(ctx, renderHealthCheck(h, r()));
      return OK;
    }
    case 'show-vpp-info': {
      const v = await api.vppInfo();
      if (ctx.json) printJson(ctx, VPPInfo.toJSON(v));
      else print(ctx, renderVppInfo(v, r()));
      return OK;
    }
    case 'show-vpp-lb-state': {
      const s = await api.vppLbState();
      if (ctx.json) printJson(ctx, VPPLBState.toJSON(s));
      else print(ctx, renderVppLbState(s, r()));
      return OK;
    }
    case 'show-vpp-lb-counters': {
      const c = await api.vppLbCounters();
      if (ctx.json) printJson(ctx, VPPLBCounters.toJSON(c));
      else print(ctx, renderVppLbCounters(c, r()));
      return OK;
    }
    case 'show-announcements': {
      const a = await api.announcements();
      if (ctx.json) printJson(ctx, Announcements.toJSON(a));
      else print(ctx, renderAnnouncements(a, r()));
      return OK;
    }
    case 'sync-vpp-lb-state': {
      const frontend = cmd.args.frontend;
      const s = await api.syncVppLbState(frontend);
      if (ctx.json) printJson(ctx, SyncVPPLBStateResponse.toJSON(s));
      else print(ctx, renderSyncSummary(s, frontend));
      return OK;
    }
    case 'set-weight': {
      const f = await api.setWeight(setWeightRequest(cmd));
      if (ctx.json) printJson(ctx, FrontendInfo.toJSON(f));
      else print(ctx, renderFrontend(f, r()));
      return OK;
    }
    case 'config-check':
      return configCheck(cmd.args.file, ctx, 'check');
    case 'config-reload': {
      const res = await api.reloadConfig();
      ctx.namesChanged?.();
      if (ctx.json) printJson(ctx, ReloadConfigResponse.toJSON(res));
      const verdict = renderConfigResult(res, 'reload', r());
      if (!ctx.json) print(ctx, verdict.lines);
      return { exitCode: verdict.ok ? 0 : 1 };
    }
    case 'watch-events':
      return watchEvents(cmd, ctx);
    case 'help':
      print(ctx, helpText(ctx.style, ctx.tree ?? MAGLEVC_TREE));
      return OK;
    case 'quit':
      return { exitCode: 0, quit: true };
    default:
      throw new Error(`maglevc: no handler for ${cmd.action}`);
  }
}

function setWeightRequest(cmd: ParsedCommand) {
  return {
    frontend: arg(cmd, 'frontend'),
    pool: arg(cmd, 'pool'),
    backend: arg(cmd, 'backend'),
    weight: Number(arg(cmd, 'weight')),
    flush: cmd.options.has('flush'),
  };
}

/** The change a dry run previews, as PreviewChange names it; undefined for `config reload`. */
function previewedChange(cmd: ParsedCommand): PreviewChangeRequest['change'] {
  const backendAction = BACKEND_ACTIONS[cmd.action];
  if (backendAction) {
    const value = { name: arg(cmd, 'backend') };
    switch (backendAction) {
      case 'pause':
        return { $case: 'pauseBackend', value };
      case 'resume':
        return { $case: 'resumeBackend', value };
      case 'enable':
        return { $case: 'enableBackend', value };
      case 'disable':
        return { $case: 'disableBackend', value };
    }
  }
  if (cmd.action === 'set-weight') return { $case: 'setWeight', value: setWeightRequest(cmd) };
  if (cmd.action === 'sync-vpp-lb-state')
    return { $case: 'syncVppLbState', value: { frontend: cmd.args.frontend ?? '' } };
  return undefined;
}

/**
 * A command's dry run: maglevd computes what it would change and changes nothing. A reload's
 * dry run is the check of the file on disk (CheckConfig is the dry run of ReloadConfig).
 */
async function dryRun(cmd: ParsedCommand, ctx: ExecContext): Promise<ExecResult> {
  if (cmd.action === 'config-reload') return configCheck(undefined, ctx, 'reload');
  const change = previewedChange(cmd);
  if (!change) throw new Error(`maglevc: ${cmd.action} has no dry run`);
  const p = await ctx.api.previewChange(change);
  if (ctx.json) printJson(ctx, ChangePreview.toJSON(p));
  else
    print(ctx, [
      ctx.style.warn(`dry run: '${cmd.words.filter((w) => w !== DRY_RUN.word).join(' ')}' was not run`),
      ...renderPreview(p, { style: ctx.style, now: ctx.now() }),
    ]);
  return OK;
}

/** `config check [<file>]`, and `config reload dry-run` (which checks the file on disk). */
async function configCheck(
  file: string | undefined,
  ctx: ExecContext,
  as: 'check' | 'reload',
): Promise<ExecResult> {
  let candidate: { yaml: string; name: string } | undefined;
  if (file !== undefined) {
    const read = ctx.readFile ?? ((path: string) => readFile(path, 'utf8'));
    try {
      candidate = { yaml: await read(file), name: file };
    } catch (err) {
      throw new InvalidArgumentError(
        `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  const res = await ctx.api.checkConfig(candidate);
  if (ctx.json) printJson(ctx, CheckConfigResponse.toJSON(res));
  const verdict = renderConfigResult(res, 'check', { style: ctx.style, now: ctx.now() });
  if (!ctx.json) {
    const lines = [...verdict.lines];
    if (as === 'reload') lines.unshift(ctx.style.warn("dry run: 'config reload' was not run"));
    if (res.preview) {
      const what = as === 'reload' || file === undefined ? 'reloading it' : `reloading to ${file}`;
      if (previewIsEmpty(res.preview)) lines.push(`${what} would change nothing`);
      else
        lines.push(
          '',
          `${what} would change:`,
          ...renderPreview(res.preview, { style: ctx.style, now: ctx.now() }),
        );
    }
    print(ctx, lines);
  }
  return { exitCode: verdict.ok ? 0 : 1 };
}

/** Widest usage that still gets its help on the same line. */
const HELP_COLUMN = 44;

export function helpText(style: Style, tree: CommandTree): string[] {
  const usages = usageLines(tree);
  const width = Math.min(HELP_COLUMN, Math.max(...usages.map((u) => u.usage.length)));
  const lines = usages.map((u) =>
    u.usage.length <= width
      ? `${style.bold(u.usage.padEnd(width))}  ${u.help}`
      : `${style.bold(u.usage)}\n${' '.repeat(width + 2)}${u.help}`,
  );
  return [
    ...lines,
    '',
    'Every word may be shortened to a unique prefix (sh ba nginx0). In the shell, ? lists what may',
    'come next and Tab completes keywords and names.',
  ];
}

async function showVersion(ctx: ExecContext): Promise<ExecResult> {
  let reach: string;
  try {
    await ctx.api.ping();
    reach = ctx.style.ok('reachable');
  } catch (err) {
    reach = ctx.style.error(err instanceof Error ? err.message : String(err));
  }
  if (ctx.json) printJson(ctx, { maglevc: ctx.version, server: ctx.api.server });
  else print(ctx, [ctx.version, `server ${ctx.api.server}: ${reach}`]);
  return OK;
}

async function watchEvents(cmd: ParsedCommand, ctx: ExecContext): Promise<ExecResult> {
  const limit = cmd.args.num === undefined ? Infinity : Number(cmd.args.num);
  const stream = ctx.api.watchEvents({
    log: cmd.options.has('log'),
    logLevel: cmd.args.level ?? (cmd.options.has('log') ? 'info' : ''),
    backend: cmd.options.has('backend'),
    frontend: cmd.options.has('frontend'),
    backendNames: [],
    frontendNames: [],
    // Every probe record, as it happens: maglevc is for looking closely, not at 10 000 backends.
    probeSummaryMs: 0,
    announcement: cmd.options.has('announcement'),
  });
  let seen = 0;
  const onAbort = () => stream.cancel();
  if (ctx.signal?.aborted) stream.cancel();
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  stream.on('data', (e) => {
    if (seen >= limit) return;
    seen++;
    ctx.write(`${ctx.json ? renderEventJson(e) : renderEventLine(e, ctx.style)}\n`);
    if (seen >= limit) stream.cancel();
  });
  ctx.onWatching?.();
  try {
    await stream.done;
  } finally {
    ctx.signal?.removeEventListener('abort', onAbort);
  }
  return OK;
}
