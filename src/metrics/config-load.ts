// The outcome of the latest configuration load (the start and every reload, by SIGHUP or the
// ReloadConfig RPC), shaped like Prometheus' own prometheus_config_last_reload_* pair: an alert
// can tell "the file on disk was rejected, the old configuration still runs" from "all good",
// and the timestamp says how long ago the running configuration was taken.

import type { Clock } from '../clock/index.js';
import type { SampleSink } from './collected.js';

export class ConfigLoadMetrics {
  private lastOk: boolean | undefined;
  private lastSuccessMs: number | undefined;

  constructor(private readonly clock: Clock) {}

  /** After the configuration was loaded at start, or a reload was accepted (ok) or rejected. */
  loaded(ok: boolean): void {
    this.lastOk = ok;
    if (ok) this.lastSuccessMs = this.clock.now();
  }

  /** 1 when the latest load was accepted, 0 when it was rejected; absent before any load. */
  collectSuccessful(sink: SampleSink): void {
    if (this.lastOk !== undefined) sink.sample({}, this.lastOk ? 1 : 0);
  }

  /** Unix time of the latest accepted load; absent before any. */
  collectSuccessTimestamp(sink: SampleSink): void {
    if (this.lastSuccessMs !== undefined) sink.sample({}, this.lastSuccessMs / 1000);
  }
}
