// Which VIP routes this node should announce, and why each frontend is or is not announced
// (docs/fleet.md §When a VIP is announced). Pure: the frontends' health, what VPP holds and the
// config come in as arguments, so the rule is tested without BIRD, VPP or a clock.
//
// A frontend wants its VIP announced while it is up AND VPP holds its VIP programmed with the
// weights that make it serve. The route is per address, not per (address, protocol, port): two
// frontends on one address share one route, announced while EITHER wants it. Withdrawing the
// address because one of its ports has no backends would take the healthy ports' traffic away
// from every node at once.

import type { FrontendConfig, MaglevConfig } from '../config/types.js';
import { announcesFrontend } from '../config/announce.js';
import type { FrontendState } from '../health/index.js';
import { compareIpText, ipBits, type IpFamily } from '../net/ip-address.js';

/**
 * Why a frontend is (not) wanted:
 *   up              up and programmed in VPP: wanted
 *   off             frontends.<name>.announce is false
 *   frontend-down   not up (down, or still unknown)
 *   not-programmed  up, but VPP does not hold the VIP as wanted (warm-up, a failed sync, VPP away)
 *   stopping        maglevd is stopping: everything is withdrawn
 */
export type AnnounceReason = 'up' | 'off' | 'frontend-down' | 'not-programmed' | 'stopping';

export const ANNOUNCE_REASONS: readonly AnnounceReason[] = [
  'up',
  'off',
  'frontend-down',
  'not-programmed',
  'stopping',
];

export interface FrontendAnnouncement {
  readonly frontend: string;
  readonly address: string;
  readonly family: IpFamily;
  /** The frontend's own condition holds (reason 'up'). */
  readonly wanted: boolean;
  readonly reason: AnnounceReason;
}

export interface AnnouncedRoute {
  /** Host prefix: `192.0.2.1/32`, `2001:db8::1/128`. */
  readonly prefix: string;
  readonly family: IpFamily;
  /** The frontends that want it, in config order. */
  readonly frontends: readonly string[];
}

export interface AnnouncePlan {
  /** Every frontend of the config, in config order. */
  readonly frontends: readonly FrontendAnnouncement[];
  /** The routes to announce: IPv4 first, then IPv6, ascending. */
  readonly routes: readonly AnnouncedRoute[];
}

export interface AnnounceInputs {
  readonly config: Pick<MaglevConfig, 'announce' | 'frontends'>;
  frontendState(frontend: string): FrontendState | undefined;
  /** VPP holds the frontend's VIP with the weights its health asks for (the syncer's word). */
  programmed(frontend: string): boolean;
  /** maglevd is stopping (or --withdraw-all): nothing is wanted. */
  readonly stopping: boolean;
}

function reasonFor(inputs: AnnounceInputs, frontend: FrontendConfig): AnnounceReason {
  if (!announcesFrontend(inputs.config, frontend)) return 'off';
  if (inputs.stopping) return 'stopping';
  if (inputs.frontendState(frontend.name) !== 'up') return 'frontend-down';
  if (!inputs.programmed(frontend.name)) return 'not-programmed';
  return 'up';
}

export function planAnnouncements(inputs: AnnounceInputs): AnnouncePlan {
  const frontends: FrontendAnnouncement[] = [];
  const routes = new Map<string, { family: IpFamily; address: string; frontends: string[] }>();
  for (const fe of inputs.config.frontends.values()) {
    const reason = reasonFor(inputs, fe);
    const wanted = reason === 'up';
    frontends.push({ frontend: fe.name, address: fe.address, family: fe.family, wanted, reason });
    if (!wanted) continue;
    const route = routes.get(fe.address) ?? { family: fe.family, address: fe.address, frontends: [] };
    route.frontends.push(fe.name);
    routes.set(fe.address, route);
  }
  return {
    frontends,
    routes: [...routes.values()]
      .sort((a, b) => compareIpText(a.address, b.address))
      .map((r) => ({ prefix: `${r.address}/${ipBits(r.family)}`, family: r.family, frontends: r.frontends })),
  };
}

/** Whether a frontend's VIP is routed to this node under `routes` (its own wish or a neighbour's). */
export function routeCarries(routes: readonly AnnouncedRoute[], announcement: FrontendAnnouncement): boolean {
  const prefix = `${announcement.address}/${ipBits(announcement.family)}`;
  return announcement.reason !== 'off' && routes.some((r) => r.prefix === prefix);
}
