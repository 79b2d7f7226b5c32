// The announcement families (docs/fleet.md, docs/metrics.md §Announcements), read at scrape time
// from the announcer's snapshot. Absent when maglev.announce is not set: there is nothing true to
// say about BIRD then.

import type { AnnouncementsSnapshot } from '../announce/index.js';
import type { SampleSink } from './collected.js';

export type AnnouncementsSource = () => AnnouncementsSnapshot | undefined;

export function collectAnnounced(source: AnnouncementsSource | undefined, sink: SampleSink): void {
  for (const f of source?.()?.frontends ?? []) sink.sample({ frontend: f.frontend }, f.announced ? 1 : 0);
}

export function collectRoutes(source: AnnouncementsSource | undefined, sink: SampleSink): void {
  const snap = source?.();
  if (!snap) return;
  for (const family of [4, 6] as const)
    sink.sample({ family: `ipv${family}` }, snap.routes.filter((r) => r.family === family).length);
}

export function collectBirdUp(source: AnnouncementsSource | undefined, sink: SampleSink): void {
  const snap = source?.();
  if (snap) sink.sample({}, snap.birdOk === true ? 1 : 0);
}

export function collectBirdErrors(source: AnnouncementsSource | undefined, sink: SampleSink): void {
  const snap = source?.();
  if (!snap) return;
  for (const [kind, n] of Object.entries(snap.errors)) sink.sample({ kind }, n);
}
