// When did VPP start, when the stats segment cannot tell (its /sys/boottime is what maglevd uses
// first: see counters-poller.ts)? VPP's API socket is a local unix socket, so VPP runs on this
// host and control_ping tells us its pid: its start time is in /proc. Only trusted when the
// process is really VPP (`vpp_main`/`vpp` in /proc/<pid>/comm) — a simulator's pid may be made up,
// and the pid of a VPP in another pid namespace names some other process here.

import { readFile } from 'node:fs/promises';

/** Linux's USER_HZ: the unit of /proc/<pid>/stat's starttime on every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** VPP's start as ms since the epoch, or undefined when it cannot be known. */
export async function vppStartTimeMs(pid: number, procRoot = '/proc'): Promise<number | undefined> {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const comm = (await readFile(`${procRoot}/${pid}/comm`, 'utf8')).trim();
    if (comm !== 'vpp_main' && comm !== 'vpp') return undefined;
    return processStartMs(
      await readFile(`${procRoot}/${pid}/stat`, 'utf8'),
      await readFile(`${procRoot}/stat`, 'utf8'),
    );
  } catch {
    return undefined;
  }
}

/** From /proc/<pid>/stat (field 22, starttime in ticks since boot) and /proc/stat (btime). */
export function processStartMs(pidStat: string, procStat: string): number | undefined {
  // comm (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const rest = pidStat.slice(pidStat.lastIndexOf(')') + 2).split(' ');
  const startTicks = Number(rest[19]); // rest[0] is field 3 (state), so field 22 is rest[19]
  const btime = /^btime (\d+)$/m.exec(procStat);
  if (!btime || !Number.isFinite(startTicks)) return undefined;
  return (Number(btime[1]) + startTicks / CLOCK_TICKS_PER_SECOND) * 1000;
}
