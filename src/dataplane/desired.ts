// Desired dataplane state: what VPP should hold, computed from config and backend health alone
// (docs/vpp.md §What VPP is asked to hold). Every frontend is one VIP; its ASes are the union of the backends
// of all its pools, each at its effective weight, so a pool failover is only a weight change.

import type { BackendConfig, FrontendConfig, MaglevConfig } from '../config/types.js';
import { forEachEffectiveWeight } from '../health/index.js';
import type { BackendState } from '../health/index.js';
import { ipOrderKey, ipSpelling, type IpFamily } from '../net/ip-address.js';
import {
  compareVipKeys,
  encapForFamily,
  protocolNumber,
  validFlowTableLength,
  vipKey,
  vipKeyString,
} from './model.js';
import type { DesiredLbState, DesiredVip } from './model.js';

export type StateOf = (backend: string) => BackendState;

/** The desired VIPs of every frontend, in VIP order. */
export function desiredState(config: MaglevConfig, stateOf: StateOf): DesiredLbState {
  const vips: DesiredVip[] = [];
  const owner = new Map<string, string>();
  const shadowed: { frontend: string; by: string }[] = [];
  for (const frontend of config.frontends.values()) {
    const vip = desiredVip(frontend, config.backends, stateOf);
    const key = vipKeyString(vip.key);
    const by = owner.get(key);
    if (by !== undefined) {
      shadowed.push({ frontend: frontend.name, by });
      continue;
    }
    owner.set(key, frontend.name);
    vips.push(vip);
  }
  vips.sort((a, b) => compareVipKeys(a.key, b.key));
  return { vips: new Map(vips.map((v) => [vipKeyString(v.key), v])), shadowed };
}

/**
 * The desired VIP of one frontend.
 *
 * - Weight: the backend's effective weight in each pool it appears in (forEachEffectiveWeight,
 *   which applies the panic threshold too); the maximum wins. Only the active pool can give a
 *   non-zero weight, so a backend listed in two pools of one frontend carries its weight in the
 *   active pool, and 0 when neither is active.
 * - Flush: only with weight 0, when the backend's state asks for it (down with flush-on-down,
 *   disabled, removed). Several backend names on one address merge the same way (max weight;
 *   flush only if the merged weight is 0 and one of them asks for it).
 * - Encap: the family of the backends (the first one in pool order decides); a backend of the
 *   other family cannot be an AS of this VIP (VPP: INVALID_ADDRESS_FAMILY) and is left out.
 *   Config validation forbids that mix; with no backends at all the VIP's own family is used.
 * - Backends missing from `backends` (a validation error upstream) are skipped.
 */
export function desiredVip(
  frontend: FrontendConfig,
  backends: ReadonlyMap<string, BackendConfig>,
  stateOf: StateOf,
): DesiredVip {
  let family: IpFamily | undefined;
  // Canonical address → its AS, built in place (a full sync builds 10 000 of them): the flush
  // here is what the states ask for, settled against the merged weight at the end.
  const merged = new Map<string, MergedAs>();
  // Whether the addresses arrived in numeric order, as configs mostly list them: then `merged`
  // is in AS order already and needs no sort.
  let inOrder = true;
  let lastKey = '';
  forEachEffectiveWeight(frontend, stateOf, (_pool, name, eff) => {
    const backend = backends.get(name);
    if (!backend) return;
    family ??= backend.family;
    if (backend.family !== family) return;
    const { canonical: address, orderKey } = ipSpelling(backend.address);
    const entry = merged.get(address);
    if (entry === undefined) {
      merged.set(address, { weight: eff.weight, flush: eff.flush, backends: [name] });
      if (orderKey < lastKey) inOrder = false;
      lastKey = orderKey;
      return;
    }
    entry.weight = Math.max(entry.weight, eff.weight);
    entry.flush ||= eff.flush;
    if (!entry.backends.includes(name)) entry.backends.push(name);
  });
  for (const as of merged.values()) as.flush &&= as.weight === 0;
  return {
    frontend: frontend.name,
    key: vipKey(frontend.address, protocolNumber(frontend.protocol), frontend.port),
    encap: encapForFamily(family ?? frontend.family),
    srcIpSticky: frontend.srcIpSticky,
    flowTableLength: validFlowTableLength(frontend.flowTableLength),
    ases: inOrder ? merged : inAddressOrder(merged),
  };
}

/** A desired AS while desiredVip merges the backend names on its address into it. */
interface MergedAs {
  weight: number;
  flush: boolean;
  backends: string[];
}

/** The map in numeric address order, each address's order key taken once. */
function inAddressOrder<T>(byAddress: ReadonlyMap<string, T>): Map<string, T> {
  const keyed = [...byAddress.keys()].map((address) => ({ key: ipOrderKey(address), address }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return new Map(keyed.map(({ address }) => [address, byAddress.get(address) as T]));
}

/** Names of the frontends whose pools reference a backend: the per-VIP syncs a transition needs. */
export function frontendsReferencing(config: MaglevConfig, backend: string): string[] {
  return [...config.frontends.values()]
    .filter((frontend) => frontend.pools.some((pool) => pool.backends.has(backend)))
    .map((frontend) => frontend.name);
}

/** True when every backend the frontend references has left `unknown` (the warmup release test). */
export function frontendBackendsKnown(frontend: FrontendConfig, stateOf: StateOf): boolean {
  return frontend.pools.every((pool) =>
    [...pool.backends.keys()].every((name) => stateOf(name) !== 'unknown'),
  );
}
