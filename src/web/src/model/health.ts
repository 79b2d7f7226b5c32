// The health icon in a frontend card's header, from the derived frontend and what VPP reports:
//   unknown   nothing known yet (every backend unknown)
//   down      no backend carries traffic
//   mismatch  VPP's weights differ from what maglevd wants (shown only once settled: after a
//             change, VPP is not expected to agree before the next lb-state fetch)
//   degraded  traffic flows, but some backend is not up
//   ok        every backend up, VPP agrees (or is not there to ask)

import type { FrontendJson, VppJson } from '../../../frontend/wire.js';
import type { DerivedFrontend } from './derived-frontend.js';
import type { MaglevdView } from './state.js';

/** Without an lb-sync record after a change, VPP is taken to have settled after this long. */
export const SETTLE_WITHOUT_SYNC_MS = 5000;

export type Health = 'ok' | 'degraded' | 'down' | 'mismatch' | 'unknown';

export const HEALTH_LABEL: Record<Health, string> = {
  ok: 'healthy',
  degraded: 'degraded: some backends are not up',
  down: 'down: no backend receives traffic',
  mismatch: 'dataplane mismatch: VPP weights differ from maglevd',
  unknown: 'unknown: no health results yet',
};

/** Backend name → the weight VPP has for this frontend's VIP (absent: no AS). */
export function vppWeights(
  vpp: VppJson,
  frontend: string,
): Map<string, { weight: number; buckets: number | null }> | undefined {
  const vip = vpp.lbState?.vips.find((v) => v.frontend === frontend);
  if (!vpp.connected || !vpp.lbState || !vip) return undefined;
  const m = new Map<string, { weight: number; buckets: number | null }>();
  for (const as of vip.ases)
    if (as.backend !== null) m.set(as.backend, { weight: as.weight, buckets: as.buckets });
  return m;
}

export function dataplaneMismatch(d: DerivedFrontend, vpp: VppJson, frontend: string): boolean {
  if (!vpp.connected || !vpp.lbState) return false;
  const vip = vpp.lbState.vips.find((v) => v.frontend === frontend);
  const wanted = d.pools.flatMap((p) => p.backends);
  if (!vip) return wanted.some((b) => b.effectiveWeight > 0);
  // lb 1.1.0 has no weights: an AS is either there (in use) or not.
  const weighted = vpp.info?.lbApiVersion !== '1.1.0';
  const want = new Map<string, number>();
  for (const b of wanted) want.set(b.name, Math.max(want.get(b.name) ?? 0, b.effectiveWeight));
  for (const [name, w] of want) {
    const as = vip.ases.find((a) => a.backend === name);
    const have = as === undefined ? 0 : weighted ? as.weight : as.inUse ? w : 0;
    if (weighted ? have !== w : have > 0 !== w > 0) return true;
  }
  return false;
}

export function frontendHealth(d: DerivedFrontend, vpp: VppJson, frontend: string, settled: boolean): Health {
  if (d.state === 'unknown') return 'unknown';
  if (d.state === 'down') return 'down';
  if (settled && dataplaneMismatch(d, vpp, frontend)) return 'mismatch';
  if (d.pools.some((p) => p.backends.some((b) => b.state !== 'up'))) return 'degraded';
  return 'ok';
}

/**
 * Whether VPP is expected to agree with maglevd about this frontend: an lb-state read after the
 * last change, after maglevd's reconcile of that change (its lb-sync record), and not older (on
 * maglevd's clock) than the newest transition of the frontend's backends. A page loaded in the
 * middle of a change therefore does not flag the change as a mismatch either.
 */
export function isSettled(m: MaglevdView, f: FrontendJson): boolean {
  if (m.lbStateAt <= m.changedAt) return false;
  const reconciled = m.syncedAt >= m.changedAt || m.lbStateAt - m.changedAt >= SETTLE_WITHOUT_SYNC_MS;
  if (!reconciled) return false;
  const readAt = m.vpp.lbState?.readAt ?? 0;
  let newest = 0;
  for (const p of f.pools) {
    for (const b of p.backends) {
      const at = m.backends[b.name]?.transitions[0]?.at ?? b.lastTransitionAt ?? 0;
      if (at > newest) newest = at;
    }
  }
  return readAt >= newest;
}
