// Checker: probe scheduling per backend, reloads, operator actions and the event stream (see checker.ts).

export { Checker } from './checker.js';
export type { CheckerOptions, CheckerSubscribeOptions } from './checker.js';
export { NotFoundError } from '../errors.js';
export { DEFAULT_MAX_QUEUE } from './event-bus.js';
export type { EventListener, SubscribeOptions, Subscription } from './event-bus.js';
export type { BackendEvent, CheckerEvent, FrontendEvent } from './events.js';
export type { BackendSnapshot } from './snapshot.js';
export { SYNTHETIC_PASS } from './worker.js';
export { referencedBackendNames, probesUnchanged } from './reload-plan.js';
