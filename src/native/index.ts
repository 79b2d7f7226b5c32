// The native addon (native/): its typed face and loader, used by the probes, the stats
// segment's descriptor passing and the daemon; and malloc trimming, which only it can do.

export {
  addonProtocolMismatch,
  isNativeError,
  loadNativeAddon,
  type NativeAddon,
  type NativeEngineProtocol,
  type NativeError,
  type NativeErrorReport,
  type NativeProbeEngine,
} from './addon.js';
export { releaseFreeMemory } from './release-free-memory.js';
