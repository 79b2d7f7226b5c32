// What systemd would do with an installed unit, for a machine without systemd as PID 1: read
// the unit and its drop-ins, load its EnvironmentFile= files as root would, and turn User=,
// Group=, SupplementaryGroups=, the capability sets and NoNewPrivileges= into a setpriv(1)
// command line around ExecStart= (or ExecStopPost=). Only the settings our units use are understood; anything else is ignored here
// and checked by `systemd-analyze verify` instead.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export type UnitSettings = Map<string, string[]>;

/** `[Service]` settings of a unit file and its drop-ins, in order; an empty assignment resets. */
export function readUnit(paths: readonly string[]): UnitSettings {
  const settings: UnitSettings = new Map();
  for (const path of paths) {
    let section = '';
    const text = readFileSync(path, 'utf8').replace(/\\\n/g, ' ');
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
      const header = /^\[(.+)\]$/.exec(line);
      if (header) {
        section = header[1] ?? '';
        continue;
      }
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const key = `${section}.${line.slice(0, eq).trim()}`;
      const value = line.slice(eq + 1).trim();
      if (value === '') settings.set(key, []);
      else settings.set(key, [...(settings.get(key) ?? []), value]);
    }
  }
  return settings;
}

export function one(settings: UnitSettings, key: string): string | undefined {
  return settings.get(key)?.at(-1);
}

/** KEY=VALUE lines as systemd reads them: comments, blank lines, optional quotes. */
export function parseEnvironmentFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2] ?? '';
    const quoted = /^"(.*)"$/.exec(value) ?? /^'(.*)'$/.exec(value);
    if (quoted) value = quoted[1] ?? '';
    env[m[1] as string] = value;
  }
  return env;
}

/** The environment a service starts with: systemd's basics, then its EnvironmentFile= files. */
export function serviceEnvironment(settings: UnitSettings, user?: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    LANG: 'C.UTF-8',
    ...(user !== undefined && { USER: user, LOGNAME: user, HOME: '/', SHELL: '/usr/sbin/nologin' }),
  };
  for (const entry of settings.get('Service.EnvironmentFile') ?? []) {
    const optional = entry.startsWith('-');
    const path = optional ? entry.slice(1) : entry;
    if (!existsSync(path)) {
      if (optional) continue;
      throw new Error(`EnvironmentFile ${path} is missing: systemd would refuse to start the unit`);
    }
    Object.assign(env, parseEnvironmentFile(readFileSync(path, 'utf8')));
  }
  return env;
}

/** `CAP_SYS_ADMIN CAP_NET_RAW` → `+sys_admin,+net_raw`; empty → nothing. */
function capList(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(/\s+/))
    .filter((c) => c !== '')
    .map((c) => `+${c.replace(/^CAP_/, '').toLowerCase()}`);
}

/**
 * setpriv arguments that give a process what the unit gives it: its user, its group and the
 * user's supplementary groups (systemd's initgroups) plus the unit's SupplementaryGroups=,
 * exactly the unit's capability bounding and ambient sets, and no_new_privs. `as` stands in for
 * User=/Group= (for DynamicUser= units).
 */
export function setprivArgs(settings: UnitSettings, as?: { user: string; group: string }): string[] {
  const who = as?.user ?? one(settings, 'Service.User');
  if (who === undefined) throw new Error('the unit names no User=');
  const group = as?.group ?? one(settings, 'Service.Group') ?? who;
  const bounding = capList(settings.get('Service.CapabilityBoundingSet'));
  const ambient = capList(settings.get('Service.AmbientCapabilities'));
  const extraGroups = (settings.get('Service.SupplementaryGroups') ?? [])
    .flatMap((v) => v.split(/\s+/))
    .filter((g) => g !== '');
  const userGroups = (): string[] =>
    execFileSync('id', ['-Gn', who], { encoding: 'utf8' }).trim().split(/\s+/);
  const args = [
    `--reuid=${who}`,
    `--regid=${group}`,
    extraGroups.length === 0
      ? '--init-groups'
      : `--groups=${[...new Set([...userGroups(), ...extraGroups])].join(',')}`,
    `--bounding-set=${['-all', ...bounding].join(',')}`,
    `--inh-caps=${['-all', ...ambient].join(',')}`,
    `--ambient-caps=${['-all', ...ambient].join(',')}`,
  ];
  if (/^(yes|true|1|on)$/i.test(one(settings, 'Service.NoNewPrivileges') ?? '')) args.push('--no-new-privs');
  return args;
}

/** ExecStart= as argv (our units use no quoting, variables or prefixes). */
export function execStart(settings: UnitSettings): string[] {
  const line = one(settings, 'Service.ExecStart');
  if (line === undefined) throw new Error('the unit has no ExecStart=');
  return line.split(/\s+/);
}

/** The ExecReload= commands in order, with $MAINPID filled in. */
export function execReload(settings: UnitSettings, mainPid: number): string[][] {
  return (settings.get('Service.ExecReload') ?? []).map((line) =>
    line.replace(/\$MAINPID|\$\{MAINPID\}/g, String(mainPid)).split(/\s+/),
  );
}

/**
 * The ExecStopPost= commands in order, each with whether a failure is ignored (the `-` prefix,
 * the only prefix our units use).
 */
export function execStopPost(settings: UnitSettings): { argv: string[]; failureIgnored: boolean }[] {
  return (settings.get('Service.ExecStopPost') ?? []).map((line) => {
    const failureIgnored = line.startsWith('-');
    return { argv: (failureIgnored ? line.slice(1) : line).split(/\s+/), failureIgnored };
  });
}

/** argv run with the unit's UMask= (setpriv cannot set one): through sh's umask builtin. */
export function withUmask(settings: UnitSettings, argv: readonly string[]): string[] {
  const umask = one(settings, 'Service.UMask');
  return umask === undefined ? [...argv] : ['/bin/sh', '-c', `umask ${umask} && exec "$@"`, 'sh', ...argv];
}
