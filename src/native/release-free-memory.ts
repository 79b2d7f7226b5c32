// Giving malloc's free memory back to the kernel: a process concern (maglevd's resident size),
// not a probe's, that only the native addon can reach.

import { loadNativeAddon } from './addon.js';

/**
 * malloc_trim(0) through the addon, a few milliseconds at 10 000 backends: after a scrape (the
 * metrics server's default afterScrape) and once start-up's bursts are over (the daemon). Without the
 * native addon (a process that never probes) there is nothing to call, and a scrape must not fail
 * for it: the addon's absence is reported where probes need it.
 */
export function releaseFreeMemory(): void {
  let addon;
  try {
    addon = loadNativeAddon();
  } catch {
    return;
  }
  addon.releaseFreeMemory();
}
