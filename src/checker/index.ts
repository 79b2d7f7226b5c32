// Checker: probe scheduling per backend, reloads, operator actions and the event stream (see checker.ts).

export { Checker } from './checker.js';
export type { CheckerOptions, CheckerSubscribeOptions } from './checker.js';
export { NotFoundError } from '../errors.js';
export { DEFAULT_MAX_QUEUE } from './event-bus.js';
export type { EventListener, SubscribeOptions, Subscription } from './event-bus.js';
export type { BackendEvent, CheckerEvent, CheckerFaultEvent, FrontendEvent, PanicEvent } from './events.js';
export type { ActiveCheckerFault, BackendSnapshot } from './snapshot.js';
export { failureSignature, MassFailureDetector } from './mass-failure.js';
export type { MassFailureChange, SuspectEpisode } from './mass-failure.js';
export { SYNTHETIC_PASS } from './worker.js';
export type { ProbeObserver } from './worker.js';
export { ProbeFeed } from './probe-feed.js';
export type { ProbeListener } from './probe-feed.js';
export { referencedBackendNames, probesUnchanged, reloadFate, initialStateOf } from './reload-plan.js';
export type { ReloadFate, RunningBackend } from './reload-plan.js';
export { withPoolWeight } from './pool-weight.js';
export type {
  BackendActionName,
  BackendStateChange,
  CheckerChange,
  FrontendStateChange,
  Hypothesis,
} from './what-if.js';
