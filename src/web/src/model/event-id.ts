// SSE ids are `<epoch>-<seq>`. The page compares them to skip events already reflected in a
// state it fetched (the state carries the id of the last event it includes).

export interface ParsedEventId {
  epoch: string;
  seq: number;
}

export function parseEventId(id: string): ParsedEventId | undefined {
  const m = /^([0-9a-z]+)-(\d+)$/.exec(id);
  return m ? { epoch: m[1]!, seq: Number(m[2]) } : undefined;
}

/** True when `id` comes after `base` (an unparsable or other-epoch id counts as newer). */
export function isAfter(id: string, base: string): boolean {
  const a = parseEventId(id);
  const b = parseEventId(base);
  if (!a || !b || a.epoch !== b.epoch) return true;
  return a.seq > b.seq;
}
