// Health: the pure model of backend health (rise/fall counter, states, operator actions,
// probe intervals) and the frontend view derived from it (active pool, panic, effective weight,
// aggregate state). No I/O here: time and randomness come in as arguments.

export * from './types.js';
export { BackendHealth } from './backend-health.js';
export type { BackendHealthInit } from './backend-health.js';
export { nextIntervalMs, firstProbeDelayMs, JITTER_FRACTION } from './interval.js';
export {
  activePoolIndex,
  effectiveWeight,
  forEachEffectiveWeight,
  frontendState,
  frontendStateAndPlan,
  frontendStatus,
  frontendWeights,
  servingPlan,
} from './frontend-state.js';
export type {
  EffectiveWeight,
  FrontendPools,
  FrontendState,
  FrontendWeights,
  PanicState,
  ServingPlan,
} from './frontend-state.js';
