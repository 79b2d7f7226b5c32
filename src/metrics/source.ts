// What the collectors read at scrape time: the checker's readers, nothing else. A structural
// slice of Checker, so tests or a future daemon can hand in anything with the same readers.

import type { Checker } from '../checker/index.js';

export type MetricsSource = Pick<
  Checker,
  'backends' | 'config' | 'stateOf' | 'frontendState' | 'frontendPanic' | 'droppedSubscribers'
>;
