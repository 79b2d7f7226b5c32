// maglevt from argv to exit status: read the configs, plan the VIPs, then one of three modes:
// --once (probe each VIP once, table or JSON summary), --json (a JSON line per probe), or the
// terminal UI. The process's streams, signals, clock and randomness come in through TesterIo.

import os from 'node:os';
import picocolors from 'picocolors';
import { systemClock, systemRandom, type Clock, type Random } from '../clock/index.js';
import { formatProblem, loadConfigFile, type MaglevConfig } from '../config/index.js';
import { versionInfo, versionLine } from '../version.js';
import { resolveFqdn } from './fqdn.js';
import { Monitor } from './monitor.js';
import { parseTesterArgs, type TesterOptions } from './options.js';
import { Prober } from './prober.js';
import {
  closingSummary,
  noPaint,
  onceSummaryJson,
  onceTable,
  probeRecord,
  skippedLine,
  type OnceResult,
  type Paint,
} from './report.js';
import { ProbeScheduler } from './scheduler.js';
import { planTargets, type TargetPlan } from './targets.js';
import { ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN } from './tui/terminal.js';

export interface TesterIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Calls handler on SIGINT/SIGTERM; returns the function that stops listening. */
  onInterrupt(handler: () => void): () => void;
  clock?: Clock;
  random?: Random;
}

/** Exit statuses: 0 fine, 1 a VIP failed (--once), 2 bad usage or config. */
export const EXIT_OK = 0;
export const EXIT_VIP_FAILED = 1;
export const EXIT_USAGE = 2;

async function loadConfigs(files: readonly string[], io: TesterIo): Promise<MaglevConfig[] | undefined> {
  const configs: MaglevConfig[] = [];
  let failed = false;
  for (const file of files) {
    const result = await loadConfigFile(file);
    if (result.ok) {
      configs.push(result.config);
    } else {
      failed = true;
      for (const p of result.errors) io.stderr.write(`${formatProblem(p)}\n`);
    }
  }
  return failed ? undefined : configs;
}

function paintFor(io: TesterIo): Paint {
  const colour = io.stdout.isTTY === true && !io.env.NO_COLOR;
  if (!colour) return noPaint;
  const c = picocolors.createColors(true);
  return { ok: (s) => c.bold(c.green(s)), bad: (s) => c.bold(c.red(s)), dim: c.gray, bold: c.bold };
}

/** Resolves on the first of: an interrupt, the --duration deadline, stdout closing. */
function stopSignal(
  options: TesterOptions,
  io: TesterIo,
  clock: Clock,
): { stopped: Promise<void>; dispose(): void } {
  let dispose = (): void => {};
  const stopped = new Promise<void>((resolve) => {
    const off = io.onInterrupt(resolve);
    const timer =
      options.durationMs === undefined ? undefined : clock.setTimeout(resolve, options.durationMs);
    // A reader that went away (`maglevt --json | head`) ends the run instead of crashing it.
    io.stdout.on('error', () => resolve());
    dispose = () => {
      off();
      timer?.cancel();
    };
  });
  return { stopped, dispose: () => dispose() };
}

async function runOnce(
  plan: TargetPlan,
  options: TesterOptions,
  io: TesterIo,
  prober: Prober,
  clock: Clock,
): Promise<number> {
  const results: OnceResult[] = await Promise.all(
    plan.targets.map(async (target) => {
      const outcome = await prober.probe(target);
      return { target, outcome, at: clock.now() };
    }),
  );
  if (options.json) {
    io.stdout.write(`${onceSummaryJson(results, plan.skipped)}\n`);
  } else {
    for (const s of plan.skipped) io.stderr.write(`maglevt: ${skippedLine(s)}\n`);
    io.stdout.write(`${onceTable(results, options.header, paintFor(io)).join('\n')}\n`);
  }
  return results.every((r) => r.outcome.ok) ? EXIT_OK : EXIT_VIP_FAILED;
}

async function runJsonLines(
  plan: TargetPlan,
  options: TesterOptions,
  io: TesterIo,
  prober: Prober,
  clock: Clock,
  random: Random,
): Promise<number> {
  for (const s of plan.skipped) io.stderr.write(`maglevt: ${skippedLine(s)}\n`);
  const scheduler = new ProbeScheduler({
    targets: plan.targets,
    intervalMs: options.intervalMs,
    probe: (t) => prober.probe(t),
    onResult: (t, outcome, at) => {
      io.stdout.write(`${JSON.stringify(probeRecord(t, outcome, at))}\n`);
    },
    clock,
    random,
  });
  const stop = stopSignal(options, io, clock);
  scheduler.start();
  await stop.stopped;
  stop.dispose();
  await scheduler.stop();
  return EXIT_OK;
}

async function runScreen(
  plan: TargetPlan,
  options: TesterOptions,
  io: TesterIo,
  prober: Prober,
  clock: Clock,
  random: Random,
): Promise<number> {
  if (io.stdout.isTTY !== true || io.stdin.isTTY !== true) {
    io.stderr.write('maglevt: the terminal UI needs a terminal; use --once or --json in scripts\n');
    return EXIT_USAGE;
  }
  // Checked just above: both ends are terminals, which ink needs as tty streams.
  const stdout = io.stdout as NodeJS.WriteStream;
  const stdin = io.stdin as NodeJS.ReadStream;
  const monitor = new Monitor(plan.targets);
  const scheduler = new ProbeScheduler({
    targets: plan.targets,
    intervalMs: options.intervalMs,
    probe: (t) => prober.probe(t),
    onResult: (t, outcome, at) => {
      monitor.record(t, outcome, at);
    },
    clock,
    random,
  });
  const hostname = os.hostname();
  // Loaded here so that --once and --json never pay for React.
  const { startTui } = await import('./tui/app.js');
  stdout.write(ENTER_ALT_SCREEN);
  try {
    scheduler.start();
    const tui = startTui(
      {
        monitor,
        settings: {
          intervalMs: options.intervalMs,
          timeoutMs: options.timeoutMs,
          keepalive: options.keepalive,
          uri: options.uri,
          header: options.header,
          host: options.host,
          skipped: plan.skipped,
        },
        hostname,
        fqdn: resolveFqdn(hostname),
        clock,
      },
      stdout,
      stdin,
    );
    const stop = stopSignal(options, io, clock);
    await Promise.race([tui.closed, stop.stopped]);
    stop.dispose();
    tui.stop();
    await tui.closed;
    await scheduler.stop();
  } finally {
    stdout.write(LEAVE_ALT_SCREEN);
  }
  stdout.write(`${closingSummary(monitor.view(clock.now()), paintFor(io)).join('\n')}\n`);
  return EXIT_OK;
}

export async function runMaglevt(argv: readonly string[], io: TesterIo): Promise<number> {
  const invocation = parseTesterArgs(argv, io.env);
  switch (invocation.kind) {
    case 'help':
      io.stdout.write(invocation.text);
      return EXIT_OK;
    case 'version':
      io.stdout.write(`${versionLine('maglevt')}\n`);
      return EXIT_OK;
    case 'usage-error':
      io.stderr.write(`maglevt: ${invocation.message}\nTry 'maglevt --help'.\n`);
      return EXIT_USAGE;
    case 'run':
      break;
  }
  const options = invocation.options;
  const clock = io.clock ?? systemClock;
  const random = io.random ?? systemRandom;

  const configs = await loadConfigs(options.configs, io);
  if (!configs) return EXIT_USAGE;
  const plan = planTargets(configs, options.filter);
  if (plan.targets.length === 0) {
    for (const s of plan.skipped) io.stderr.write(`maglevt: ${skippedLine(s)}\n`);
    const why = options.filter ? ` matching --filter ${String(options.filter)}` : '';
    io.stderr.write(`maglevt: no VIPs to probe${why} in ${options.configs.join(', ')}\n`);
    return EXIT_USAGE;
  }

  const prober = new Prober({
    timeoutMs: options.timeoutMs,
    host: options.host,
    uri: options.uri,
    header: options.header,
    insecure: options.insecure,
    keepalive: options.keepalive,
    userAgent: `maglevt/${versionInfo().version}`,
    clock,
  });
  try {
    if (options.once) return await runOnce(plan, options, io, prober, clock);
    if (options.json) return await runJsonLines(plan, options, io, prober, clock, random);
    return await runScreen(plan, options, io, prober, clock, random);
  } finally {
    prober.close();
  }
}
