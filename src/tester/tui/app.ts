// The full-screen terminal UI (ink): paints screenLines() a few times a second on the
// alternate screen, follows terminal resizes, and quits on q or Ctrl-C. All layout lives in
// screen.ts; this file only wires React state to the terminal. Written with createElement so
// the project needs no JSX settings.

import { Box, Text, render, useApp, useInput, useStdout } from 'ink';
import React, { useEffect, useState } from 'react';
import type { Clock } from '../../clock/index.js';
import type { Monitor } from '../monitor.js';
import { ansiText, screenLines, type ScreenSettings, type ScreenSize } from './screen.js';

const h = React.createElement;

export const REFRESH_MS = 250;

export interface AppProps {
  monitor: Monitor;
  settings: Omit<ScreenSettings, 'fqdn'>;
  /** The short host name, shown until `fqdn` resolves. */
  hostname: string;
  fqdn: Promise<string>;
  clock: Clock;
}

function terminalSize(stdout: NodeJS.WriteStream): ScreenSize {
  return { columns: stdout.columns || 80, rows: stdout.rows || 24 };
}

function useTerminalSize(): ScreenSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => terminalSize(stdout));
  useEffect(() => {
    const onResize = (): void => setSize(terminalSize(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

function useNow(clock: Clock): number {
  const [now, setNow] = useState(() => clock.now());
  useEffect(() => {
    let timer = clock.setTimeout(function tick() {
      setNow(clock.now());
      timer = clock.setTimeout(tick, REFRESH_MS);
    }, REFRESH_MS);
    return () => timer.cancel();
  }, [clock]);
  return now;
}

function App(props: AppProps): React.ReactElement {
  const { exit } = useApp();
  const size = useTerminalSize();
  const now = useNow(props.clock);
  const [fqdn, setFqdn] = useState(props.hostname);
  useEffect(() => {
    let live = true;
    void props.fqdn.then((name) => {
      if (live) setFqdn(name);
    });
    return () => {
      live = false;
    };
  }, [props.fqdn]);
  useInput((input, key) => {
    if (input === 'q' || input === 'Q' || (key.ctrl && input === 'c')) exit();
  });
  const lines = screenLines(props.monitor.view(now), { ...props.settings, fqdn }, size);
  return h(
    Box,
    { flexDirection: 'column', width: size.columns, height: lines.length },
    ...lines.map((line, i) => h(Text, { key: i, wrap: 'truncate' }, ansiText(line))),
  );
}

export interface TuiHandle {
  /** Resolves once the UI has been closed (q, Ctrl-C, or stop()). */
  closed: Promise<void>;
  stop(): void;
}

/** Starts the UI on a terminal. The caller owns the alternate screen (see terminal.ts). */
export function startTui(props: AppProps, stdout: NodeJS.WriteStream, stdin: NodeJS.ReadStream): TuiHandle {
  const instance = render(h(App, props), {
    stdout,
    stdin,
    // Ctrl-C arrives as a key in raw mode; App treats it like q so there is one way out.
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: 10,
    // Not incrementalRendering: in ink 6.8 it leaves stale lines behind on the alternate screen.
  });
  return {
    closed: instance.waitUntilExit().then(() => undefined),
    stop: () => instance.unmount(),
  };
}
