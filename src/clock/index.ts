export { systemClock, systemRandom } from './clock.js';
export type { Clock, Random, TimerHandle } from './clock.js';
export { FakeClock, settle } from './fake-clock.js';
