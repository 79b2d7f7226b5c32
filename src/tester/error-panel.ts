// The error panel's memory: anomalies grouped so that an outage is one growing row, not a flood.
// A VIP's row stays open while the same anomaly repeats (same kind and code) and closes when the
// VIP answers normally again or fails differently. Only the newest MAX_GROUPS rows are kept;
// the per-kind totals count everything since start.

import { ANOMALY_KINDS, type Anomaly, type AnomalyKind } from './types.js';

export const MAX_GROUPS = 200;

export interface AnomalyGroup {
  /** Increasing with creation, for stable React keys. */
  id: number;
  vipKey: string;
  vip: string;
  kind: AnomalyKind;
  code: string;
  /** The most recent detail (a spike's latency, an error message). */
  detail: string;
  count: number;
  firstAt: number;
  lastAt: number;
}

export class ErrorPanel {
  /** Oldest first. */
  private rows: AnomalyGroup[] = [];
  private readonly open = new Map<string, AnomalyGroup>();
  private readonly totals = new Map<AnomalyKind, number>(ANOMALY_KINDS.map((k) => [k, 0]));
  private nextId = 1;

  constructor(readonly maxGroups = MAX_GROUPS) {}

  add(a: Anomaly): void {
    this.totals.set(a.kind, (this.totals.get(a.kind) ?? 0) + 1);
    const current = this.open.get(a.vipKey);
    if (current && current.kind === a.kind && current.code === a.code) {
      current.count++;
      current.lastAt = Math.max(current.lastAt, a.at);
      current.detail = a.detail;
      return;
    }
    const group: AnomalyGroup = {
      id: this.nextId++,
      vipKey: a.vipKey,
      vip: a.vip,
      kind: a.kind,
      code: a.code,
      detail: a.detail,
      count: 1,
      firstAt: a.at,
      lastAt: a.at,
    };
    this.rows.push(group);
    this.open.set(a.vipKey, group);
    if (this.rows.length > this.maxGroups) {
      const dropped = this.rows.splice(0, this.rows.length - this.maxGroups);
      for (const d of dropped) if (this.open.get(d.vipKey) === d) this.open.delete(d.vipKey);
    }
  }

  /** The VIP answered normally: its open row ends, and its next anomaly starts a new row. */
  recovered(vipKey: string): void {
    this.open.delete(vipKey);
  }

  /** Newest first. */
  groups(): AnomalyGroup[] {
    return this.rows
      .slice()
      .reverse()
      .map((g) => ({ ...g }));
  }

  /** Anomalies of each kind since start (also those whose rows were dropped). */
  counts(): Record<AnomalyKind, number> {
    return Object.fromEntries(ANOMALY_KINDS.map((k) => [k, this.totals.get(k) ?? 0])) as Record<
      AnomalyKind,
      number
    >;
  }

  get size(): number {
    return this.rows.length;
  }
}
