// Which frontends' VIPs VPP holds as the syncer wants them, with weights that serve traffic: the
// syncer's word to the announcer (docs/fleet.md §When a VIP is announced). A VIP counts once a
// sync that covered its frontend finished without a failure there and the desired state gave
// some AS a weight above 0. A failed operation, a frontend without a VIP of its own (shadowed)
// or a lost VPP connection make it not programmed until a later sync says otherwise. Pure
// bookkeeping: the syncer feeds it after every run and on disconnect, and tells its listeners
// about the frontends each call reports changed.

import type { DesiredLbState, DesiredVip } from './model.js';
import type { SyncScope } from './plan.js';

export class ProgrammedVips {
  private readonly serving = new Map<string, boolean>();

  /** VPP holds the frontend's VIP with a serving weight, as of the last sync that covered it. */
  isServing(frontend: string): boolean {
    return this.serving.get(frontend) ?? false;
  }

  /**
   * After a run: `covered` are the scopes it planned, `troubled` the frontends with a failed or
   * skipped operation. A full scope covers every frontend of `desired` (and forgets the rest).
   * Returns the frontends whose answer changed.
   */
  afterRun(
    desired: DesiredLbState,
    covered: readonly SyncScope[],
    troubled: ReadonlySet<string | undefined>,
  ): string[] {
    const vipOf = new Map([...desired.vips.values()].map((vip) => [vip.frontend, vip]));
    const full = covered.includes('all');
    const names = full
      ? new Set([...vipOf.keys(), ...desired.shadowed.map((s) => s.frontend), ...this.serving.keys()])
      : new Set(covered.flatMap((scope) => (scope === 'all' ? [] : [scope.frontend])));
    const changed: string[] = [];
    for (const frontend of names) {
      const vip = vipOf.get(frontend);
      const now = vip !== undefined && !troubled.has(frontend) && serves(vip);
      if (this.isServing(frontend) !== now) changed.push(frontend);
      if (vip === undefined && full) this.serving.delete(frontend);
      else this.serving.set(frontend, now);
    }
    return changed;
  }

  /** VPP went away: it holds nothing we know of. Returns the frontends that were serving. */
  disconnected(): string[] {
    const changed = [...this.serving].filter(([, serving]) => serving).map(([frontend]) => frontend);
    this.serving.clear();
    return changed;
  }
}

/** Some AS of the VIP carries weight (a full sync asks this of every VIP: no copy of its ASes). */
function serves(vip: DesiredVip): boolean {
  for (const as of vip.ases.values()) if (as.weight > 0) return true;
  return false;
}
