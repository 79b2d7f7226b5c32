// The BGP badge of a frontend card (docs/fleet.md, docs/dashboard.md): what it says, its colour
// and its tooltip, from the frontend's announcement. No badge while maglevd does not announce.

import type { AnnouncementJson } from '../../../frontend/wire.js';

export interface AnnouncementBadge {
  /** Shown in the pill. */
  label: 'BGP' | 'no BGP' | 'BGP off';
  /** CSS class for its colour. */
  tone: 'bgp-announced' | 'bgp-withdrawn' | 'bgp-off';
  /** The tooltip: why. */
  title: string;
}

const WHY: Record<string, string> = {
  up: 'up and programmed in VPP',
  off: 'announce: false in the configuration',
  'frontend-down': 'the frontend is not up',
  'not-programmed': 'VPP does not hold the VIP (yet)',
  stopping: 'maglevd is stopping',
};

export function announcementBadge(a: AnnouncementJson | null | undefined): AnnouncementBadge | undefined {
  if (!a) return undefined;
  const why = WHY[a.reason] ?? a.reason;
  if (a.reason === 'off') return { label: 'BGP off', tone: 'bgp-off', title: `Not announced: ${why}` };
  if (a.announced) {
    const title =
      a.reason === 'up'
        ? `Announced over BGP: ${why}`
        : `Announced over BGP for another frontend on this address; this one: ${why}`;
    return { label: 'BGP', tone: 'bgp-announced', title };
  }
  return { label: 'no BGP', tone: 'bgp-withdrawn', title: `Withdrawn: ${why}` };
}
